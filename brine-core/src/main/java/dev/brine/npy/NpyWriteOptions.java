package dev.brine.npy;

/**
 * How {@link Npy#write(dev.brine.ndarray.NDArray, java.nio.file.Path, NpyWriteOptions)} saves a
 * file. Immutable; {@link #DEFAULT} chooses the format version as numpy does and forces the file
 * to disk before renaming it over the target.
 *
 * <pre>{@code
 * // a scratch file: still atomic against a crash of the JVM, not against a power loss
 * Npy.write(a, Path.of("tmp.npy"), NpyWriteOptions.builder().forceToDisk(false).build());
 * }</pre>
 */
public final class NpyWriteOptions {
    /** The version numpy would choose; forced to disk. */
    public static final NpyWriteOptions DEFAULT = builder().build();

    private final NpyVersion version;
    private final boolean forceToDisk;

    private NpyWriteOptions(Builder b) {
        this.version = b.version;
        this.forceToDisk = b.forceToDisk;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().version(version).forceToDisk(forceToDisk);
    }

    /** The format version, or {@code null} to choose as numpy does (1.0, else 2.0, else 3.0). */
    public NpyVersion version() {
        return version;
    }

    /**
     * Whether the data is forced to disk (fsync) before the file is renamed over the target. Either
     * way the file is written under a temporary name and renamed, so a JVM that dies leaves the
     * old file or the new one, never a torn one. Without the force, a power loss or operating
     * system crash soon after may leave the target empty or incomplete, since the rename can reach
     * the disk before the data; {@code np.save} does not force either. Forcing dominates the cost
     * of writing large arrays (BENCHMARKS.md, "Arrays, NPY and archives").
     */
    public boolean forceToDisk() {
        return forceToDisk;
    }

    /** Builds {@link NpyWriteOptions}. */
    public static final class Builder {
        private NpyVersion version;
        private boolean forceToDisk = true;

        private Builder() {
        }

        /** The format version; {@code null} (the default) chooses as numpy does. */
        public Builder version(NpyVersion version) {
            this.version = version;
            return this;
        }

        /** Whether to force the data to disk before the rename (default true). */
        public Builder forceToDisk(boolean forceToDisk) {
            this.forceToDisk = forceToDisk;
            return this;
        }

        /** The options. */
        public NpyWriteOptions build() {
            return new NpyWriteOptions(this);
        }
    }
}
