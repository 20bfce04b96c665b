package dev.brine.archive;

import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import java.util.Objects;

/**
 * How {@link ModelArchive} writes and reads archives. Immutable; {@link #DEFAULT} writes as
 * Aesara's {@code pkl_utils.dump} does (deflated, unnamed and duplicate variables allowed) with
 * the highest pickle protocol, and reads with numpy and the builtins trusted, memory-mapping
 * stored arrays after checking their CRCs.
 *
 * <pre>{@code
 * ArchiveOptions options = ArchiveOptions.builder()
 *         .compression(ArchiveOptions.Compression.STORED)   // 64-byte aligned, mappable
 *         .registry(myRegistry)                              // the classes the pickle may name
 *         .build();
 * }</pre>
 */
public final class ArchiveOptions {
    /** Protocol 5, deflated, names as Aesara gives them, numpy + builtins, default limits, arrays mapped (verified). */
    public static final ArchiveOptions DEFAULT = builder().build();

    /** How members are stored in the ZIP. */
    public enum Compression {
        /** Deflated, as Aesara writes archives: smallest files; arrays are read into memory on load. */
        DEFLATED,
        /**
         * Stored uncompressed with every member's data starting on a 64-byte boundary of the file
         * (padding goes in the local header's extra field), so arrays can be memory-mapped.
         */
        STORED
    }

    /**
     * How {@code load} gets the arrays of stored members of an archive file (members smaller
     * than {@link #minMappedBytes()} are always read).
     */
    public enum ArrayAccess {
        /** Every array is read into memory, its CRC checked. */
        READ,
        /**
         * Arrays of stored members are memory-mapped read-only (no copy on the Java heap) after
         * one pass that checks their CRCs; deflated members and streams are read. A mapping
         * survives the file being replaced by a new (atomic) save, but not being truncated or
         * rewritten in place by another program.
         */
        MAP,
        /**
         * Arrays of stored members are memory-mapped without being read at all, so loading costs
         * almost nothing until an array is touched. Their CRCs are therefore not checked by
         * {@code load}; {@link ModelArchive#verify} checks them when wanted. With this and {@link #MAP}, the file
         * truncated while mapped makes the next access to a lost page throw the JVM's
         * {@link java.lang.InternalError} (numpy gets SIGBUS), not an IOException: see
         * {@link dev.brine.npy.Npy#map(java.nio.file.Path, boolean)}.
         */
        MAP_LAZY
    }

    private final int protocol;
    private final Compression compression;
    private final boolean allowUnnamed;
    private final boolean allowDuplicates;
    private final ClassRegistry writeRegistry;
    private final UnpicklerOptions unpicklerOptions;
    private final ArrayAccess arrayAccess;
    private final long minMappedBytes;
    private final ClassRegistry readRegistry;

    private ArchiveOptions(Builder b) {
        this.protocol = b.protocol;
        this.compression = b.compression;
        this.allowUnnamed = b.allowUnnamed;
        this.allowDuplicates = b.allowDuplicates;
        this.writeRegistry = b.writeRegistry;
        this.unpicklerOptions = b.unpicklerOptions;
        this.arrayAccess = b.arrayAccess;
        this.minMappedBytes = b.minMappedBytes;
        this.readRegistry = withSharedVariable(b.unpicklerOptions.registry());
    }

    /** The reading registry plus {@link SharedVariable}, unless the registry names {@code brine.SharedVariable} itself. */
    private static ClassRegistry withSharedVariable(ClassRegistry r) {
        if (r.resolve("brine", "SharedVariable") != null) {
            return r;
        }
        return SharedVariable.addTo(r.toBuilder()).build();
    }

    /** The registry the pickle is read with: the unpickler options' plus {@link SharedVariable}. */
    ClassRegistry readRegistry() {
        return readRegistry;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocol = protocol;
        b.compression = compression;
        b.allowUnnamed = allowUnnamed;
        b.allowDuplicates = allowDuplicates;
        b.writeRegistry = writeRegistry;
        b.unpicklerOptions = unpicklerOptions;
        b.arrayAccess = arrayAccess;
        b.minMappedBytes = minMappedBytes;
        return b;
    }

    /** The pickle protocol of the {@code pkl} member, 0–5 (default 5, the highest). */
    public int protocol() {
        return protocol;
    }

    /** How members are stored. */
    public Compression compression() {
        return compression;
    }

    /** Whether unnamed {@link SharedVariable}s may be saved (Aesara's {@code allow_unnamed}). */
    public boolean allowUnnamed() {
        return allowUnnamed;
    }

    /** Whether several {@link SharedVariable}s may share a name (Aesara's {@code allow_duplicates}). */
    public boolean allowDuplicates() {
        return allowDuplicates;
    }

    /** The registry the pickler writes Java classes with. */
    public ClassRegistry writeRegistry() {
        return writeRegistry;
    }

    /**
     * How the {@code pkl} member is read: trusted globals, generic objects, limits. The archive
     * adds {@link SharedVariable} to its registry (unless it names {@code brine.SharedVariable}
     * itself) and supplies the persistent loader.
     */
    public UnpicklerOptions unpicklerOptions() {
        return unpicklerOptions;
    }

    /** The limits for the ZIP, its NPY members and the pickle: those of {@link #unpicklerOptions()}. */
    public Limits limits() {
        return unpicklerOptions.limits();
    }

    /** How arrays of stored members are loaded. */
    public ArrayAccess arrayAccess() {
        return arrayAccess;
    }

    /** Stored members smaller than this many bytes are read even when mapping (default 1 MiB). */
    public long minMappedBytes() {
        return minMappedBytes;
    }

    /** Builds {@link ArchiveOptions}; later calls override earlier ones where they overlap. */
    public static final class Builder {
        private int protocol = Pickle.HIGHEST_PROTOCOL;
        private Compression compression = Compression.DEFLATED;
        private boolean allowUnnamed = true;
        private boolean allowDuplicates = true;
        private ClassRegistry writeRegistry = UnpicklerOptions.DEFAULT.registry();
        private UnpicklerOptions unpicklerOptions = UnpicklerOptions.DEFAULT;
        private ArrayAccess arrayAccess = ArrayAccess.MAP;
        private long minMappedBytes = 1L << 20;

        private Builder() {
        }

        /** The pickle protocol, 0–5; -1 means the highest, as in Python. */
        public Builder protocol(int protocol) {
            if (protocol < 0) {
                protocol = Pickle.HIGHEST_PROTOCOL;
            }
            if (protocol > Pickle.HIGHEST_PROTOCOL) {
                throw new IllegalArgumentException("pickle protocol must be <= " + Pickle.HIGHEST_PROTOCOL + ": " + protocol);
            }
            this.protocol = protocol;
            return this;
        }

        /** How members are stored (default {@link Compression#DEFLATED}). */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression);
            return this;
        }

        /** Whether unnamed shared variables may be saved (default true). */
        public Builder allowUnnamed(boolean allow) {
            this.allowUnnamed = allow;
            return this;
        }

        /** Whether shared variables may share a name, numbered {@code _2}, {@code _3}, ... (default true). */
        public Builder allowDuplicates(boolean allow) {
            this.allowDuplicates = allow;
            return this;
        }

        /**
         * The classes the pickle may name, for writing and for reading (default: builtins and
         * numpy, {@link dev.brine.numpy.NumpyPickles#standardRegistry()}).
         */
        public Builder registry(ClassRegistry registry) {
            this.writeRegistry = Objects.requireNonNull(registry);
            this.unpicklerOptions = unpicklerOptions.toBuilder().registry(registry).build();
            return this;
        }

        /**
         * All options for reading the pickle (registry, generic objects, limits, Python 2
         * strings); its persistent loader is replaced by the archive's.
         */
        public Builder unpicklerOptions(UnpicklerOptions options) {
            this.unpicklerOptions = Objects.requireNonNull(options);
            return this;
        }

        /** Read unknown globals as inert generic objects rather than refusing them (default false). */
        public Builder genericObjects(boolean on) {
            this.unpicklerOptions = unpicklerOptions.toBuilder().genericObjects(on).build();
            return this;
        }

        /** The limits for the ZIP, its NPY members and the pickle (default {@link Limits#DEFAULT}). */
        public Builder limits(Limits limits) {
            this.unpicklerOptions = unpicklerOptions.toBuilder().limits(Objects.requireNonNull(limits)).build();
            return this;
        }

        /** How arrays of stored members are loaded (default {@link ArrayAccess#MAP}). */
        public Builder arrayAccess(ArrayAccess access) {
            this.arrayAccess = Objects.requireNonNull(access);
            return this;
        }

        /**
         * Stored members smaller than {@code bytes} are read into memory even when mapping
         * (default 1 MiB, 0 maps every one). A mapping costs a page and one of the few tens of
         * thousands of mappings a process may hold, more than reading a small array does; a
         * model with many small arrays would otherwise run the process out of mappings.
         */
        public Builder minMappedBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("minMappedBytes must not be negative: " + bytes);
            }
            this.minMappedBytes = bytes;
            return this;
        }

        /** The options. */
        public ArchiveOptions build() {
            return new ArchiveOptions(this);
        }
    }
}
