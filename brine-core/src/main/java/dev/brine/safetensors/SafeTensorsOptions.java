package dev.brine.safetensors;

import dev.brine.Limits;
import java.util.Objects;

/**
 * How a safetensors file is opened: memory-mapped or read into the heap, the largest header
 * accepted, and the {@link Limits} that bound heap reads. Immutable; {@link #DEFAULT} reads into
 * the heap with the reference implementation's 100 MB header cap.
 */
public final class SafeTensorsOptions {
    /** The reference implementation's cap on the JSON header: 100,000,000 bytes. */
    public static final long DEFAULT_MAX_HEADER_SIZE = 100_000_000L;

    /** Heap reads, 100 MB header cap, default limits. */
    public static final SafeTensorsOptions DEFAULT = builder().build();

    private final boolean mmap;
    private final long maxHeaderSize;
    private final Limits limits;

    private SafeTensorsOptions(Builder b) {
        this.mmap = b.mmap;
        this.maxHeaderSize = b.maxHeaderSize;
        this.limits = b.limits;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mmap = mmap;
        b.maxHeaderSize = maxHeaderSize;
        b.limits = limits;
        return b;
    }

    /**
     * Whether tensors are read-only views of a memory mapping of the file (nothing is read until
     * touched, no heap is used) rather than heap copies. Tensors under 64 KiB are read into read-only
     * direct buffers, and one file maps at most 32,768 tensors ({@link dev.brine.ndarray.FileMappings}:
     * a process holds only about 65,000 mappings).
     */
    public boolean mmap() {
        return mmap;
    }

    /** The largest JSON header accepted, in bytes. */
    public long maxHeaderSize() {
        return maxHeaderSize;
    }

    /** The limits: {@link Limits#maxAllocation()} bounds one tensor read into the heap. */
    public Limits limits() {
        return limits;
    }

    /** Builds {@link SafeTensorsOptions}. */
    public static final class Builder {
        private boolean mmap;
        private long maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
        private Limits limits = Limits.DEFAULT;

        private Builder() {
        }

        /**
         * Memory-map the file instead of reading tensors into the heap. The file truncated while mapped makes
         * the next access to a lost page throw the JVM's {@link java.lang.InternalError} (numpy gets SIGBUS),
         * not an IOException: see {@link dev.brine.npy.Npy#map(java.nio.file.Path, boolean)}.
         */
        public Builder mmap(boolean on) {
            this.mmap = on;
            return this;
        }

        /** The largest header to accept (default 100,000,000 bytes). */
        public Builder maxHeaderSize(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxHeaderSize must be positive: " + bytes);
            }
            this.maxHeaderSize = bytes;
            return this;
        }

        /** The limits for heap reads. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The options. */
        public SafeTensorsOptions build() {
            return new SafeTensorsOptions(this);
        }
    }
}
