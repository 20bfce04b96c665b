package dev.brine;

/**
 * The safety limits a reader enforces on untrusted input. Immutable; every reader takes one, and
 * {@link #DEFAULT} is safe for files from strangers. A limit that is hit raises a
 * {@link LimitExceededException} naming the builder method that raises it.
 *
 * <pre>{@code
 * Limits trusted = Limits.DEFAULT.toBuilder().maxAllocation(8L << 30).build();
 * }</pre>
 */
public final class Limits {
    /** Safe defaults for untrusted files. */
    public static final Limits DEFAULT = new Builder().build();

    /** No practical limits: for files you wrote yourself. Lengths are still checked against the data present. */
    public static final Limits TRUSTED = new Builder()
            .maxDepth(Integer.MAX_VALUE).maxStackSize(Integer.MAX_VALUE).maxMemoEntries(Integer.MAX_VALUE)
            .maxAllocation(Long.MAX_VALUE).maxNpyHeaderSize(Integer.MAX_VALUE).maxArrayElements(Long.MAX_VALUE)
            .maxZipMembers(Integer.MAX_VALUE).maxInflatedSize(Long.MAX_VALUE).maxInflateRatio(Long.MAX_VALUE)
            .maxIntDigits(Integer.MAX_VALUE).maxBytesRatio(Long.MAX_VALUE).maxTotalAllocation(Long.MAX_VALUE)
            .build();

    private final int maxDepth;
    private final int maxStackSize;
    private final int maxMemoEntries;
    private final long maxAllocation;
    private final int maxNpyHeaderSize;
    private final long maxArrayElements;
    private final int maxZipMembers;
    private final long maxInflatedSize;
    private final long maxInflateRatio;
    private final int maxIntDigits;
    private final long maxBytesRatio;
    private final long maxTotalAllocation;

    private Limits(Builder b) {
        this.maxDepth = b.maxDepth;
        this.maxStackSize = b.maxStackSize;
        this.maxMemoEntries = b.maxMemoEntries;
        this.maxAllocation = b.maxAllocation;
        this.maxNpyHeaderSize = b.maxNpyHeaderSize;
        this.maxArrayElements = b.maxArrayElements;
        this.maxZipMembers = b.maxZipMembers;
        this.maxInflatedSize = b.maxInflatedSize;
        this.maxInflateRatio = b.maxInflateRatio;
        this.maxIntDigits = b.maxIntDigits;
        this.maxBytesRatio = b.maxBytesRatio;
        this.maxTotalAllocation = b.maxTotalAllocation;
    }

    /**
     * Nesting depth while reading: MARKs open at once. Default 100,000. Limits bound reading only; how deep a
     * writer nests is {@code PicklerOptions.maxDepth} (default 1,000, as CPython's recursion limit).
     */
    public int maxDepth() {
        return maxDepth;
    }

    /** Values on the unpickler's stack at once. Default 10,000,000. */
    public int maxStackSize() {
        return maxStackSize;
    }

    /** Memo entries in one pickle. Default 10,000,000. */
    public int maxMemoEntries() {
        return maxMemoEntries;
    }

    /** The largest single allocation a length field may cause, in bytes. Default 2 GiB. */
    public long maxAllocation() {
        return maxAllocation;
    }

    /** The largest NPY header, in bytes (numpy's own default is 10,000). */
    public int maxNpyHeaderSize() {
        return maxNpyHeaderSize;
    }

    /**
     * The most bytes that the deflated members of one ZIP file (a model archive, an {@code .npz}, a
     * torch checkpoint) may take in memory together: each deflated member read into the heap (an
     * array's data, a pickle, a raw member) is weighed against it before it is allocated, together
     * with those read before it. Every other size limit is per member, and a deflated member inflates
     * about a thousand times, so without this a 7 MB archive of five members, each under
     * {@link #maxAllocation()}, asked for 7.5 GB. Stored members hold their bytes in the file (memory
     * follows the input, as for an {@code .npy} file) and memory-mapped ones cost no heap: neither is
     * counted. An array or a raw member weighs its inflated bytes; a pickle (an archive's {@code pkl},
     * a checkpoint's {@code data.pkl}, an object array's data) weighs what unpickling it may make:
     * its inflated bytes times {@link dev.brine.HeapBudget#PICKLE_OBJECTS_PER_BYTE} (80), since one
     * byte of pickle may make an object of 72 bytes (a 586 KB archive whose pickle inflated to 600 MB
     * of empty dicts asked for 36 GB). It is weighed so before it is inflated, which costs the
     * unpickler nothing; what CPython writes for real data takes 4 to 12 bytes per byte, so a
     * deflated pickle that inflates to P bytes needs a limit of 80 P, several times what it takes:
     * by default a heap of 160 P (1.6 MB of pickle in 256 MiB), or a higher limit when the file is
     * trusted. {@code NpzFile.get} weighs one member alone; {@code Npz.readAll} and
     * {@code NpzFile.get(key, options, budget)} weigh what a caller keeps together. Default: half the
     * JVM's largest heap ({@code Runtime.getRuntime().maxMemory() / 2}), since the arrays a reader
     * keeps and what it needs besides them must fit there; {@link #TRUSTED} has no such limit.
     */
    public long maxTotalAllocation() {
        return maxTotalAllocation;
    }

    /** The most elements one array may declare. Default 2^34. */
    public long maxArrayElements() {
        return maxArrayElements;
    }

    /** The most members a ZIP (archive, NPZ, checkpoint) may have. Default 100,000. */
    public int maxZipMembers() {
        return maxZipMembers;
    }

    /** The largest inflated size of one ZIP member, in bytes. Default 64 GiB. */
    public long maxInflatedSize() {
        return maxInflatedSize;
    }

    /** The largest inflated/compressed ratio of one deflated ZIP member (zip-bomb guard). Default 1,100. */
    public long maxInflateRatio() {
        return maxInflateRatio;
    }

    /**
     * The most decimal digits of an integer written as text (pickle's INT and LONG opcodes), as
     * CPython's {@code sys.int_info.default_max_str_digits}: decoding is quadratic in the digits.
     * Default 4,300. Binary integers (LONG1, LONG4) are not limited by it.
     */
    public int maxIntDigits() {
        return maxIntDigits;
    }

    /**
     * What the unpickler may build by copying, per byte of input read: the bytes, strings, arrays
     * and container slots that registered callables ({@code bytearray(b)}, {@code set(l)},
     * {@code _codecs.encode(s)}, numpy's array constructors, your own classes) make from values
     * already read, which a small file could otherwise request thousands of times over through
     * its memo. Up to this many times the input (plus 64 KiB) is allowed. The input counts the
     * pickle, its out-of-band buffers and what a persistent loader read for it (a torch
     * checkpoint's storages, so its tensors weigh against them); a strided torch tensor that must
     * be copied (a stride of 0 repeats elements) is checked against it before it is allocated.
     * Default 10.
     */
    public long maxBytesRatio() {
        return maxBytesRatio;
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link Limits}; every setter names the limit it raises. */
    public static final class Builder {
        private int maxDepth = 100_000;
        private int maxStackSize = 10_000_000;
        private int maxMemoEntries = 10_000_000;
        private long maxAllocation = 1L << 31;
        private int maxNpyHeaderSize = 10_000;
        private long maxArrayElements = 1L << 34;
        private int maxZipMembers = 100_000;
        private long maxInflatedSize = 64L << 30;
        private long maxInflateRatio = 1_100;
        private int maxIntDigits = 4_300;
        private long maxBytesRatio = 10;
        private long maxTotalAllocation = Math.max(1, Runtime.getRuntime().maxMemory() / 2);

        private Builder() {
        }

        private Builder(Limits l) {
            maxDepth = l.maxDepth;
            maxStackSize = l.maxStackSize;
            maxMemoEntries = l.maxMemoEntries;
            maxAllocation = l.maxAllocation;
            maxNpyHeaderSize = l.maxNpyHeaderSize;
            maxArrayElements = l.maxArrayElements;
            maxZipMembers = l.maxZipMembers;
            maxInflatedSize = l.maxInflatedSize;
            maxInflateRatio = l.maxInflateRatio;
            maxIntDigits = l.maxIntDigits;
            maxBytesRatio = l.maxBytesRatio;
            maxTotalAllocation = l.maxTotalAllocation;
        }

        /** See {@link Limits#maxDepth()}. */
        public Builder maxDepth(int v) {
            maxDepth = positive(v);
            return this;
        }

        /** See {@link Limits#maxStackSize()}. */
        public Builder maxStackSize(int v) {
            maxStackSize = positive(v);
            return this;
        }

        /** See {@link Limits#maxMemoEntries()}. */
        public Builder maxMemoEntries(int v) {
            maxMemoEntries = positive(v);
            return this;
        }

        /** See {@link Limits#maxAllocation()}. */
        public Builder maxAllocation(long v) {
            maxAllocation = positive(v);
            return this;
        }

        /** See {@link Limits#maxNpyHeaderSize()}. */
        public Builder maxNpyHeaderSize(int v) {
            maxNpyHeaderSize = positive(v);
            return this;
        }

        /** See {@link Limits#maxArrayElements()}. */
        public Builder maxArrayElements(long v) {
            maxArrayElements = positive(v);
            return this;
        }

        /** See {@link Limits#maxZipMembers()}. */
        public Builder maxZipMembers(int v) {
            maxZipMembers = positive(v);
            return this;
        }

        /** See {@link Limits#maxInflatedSize()}. */
        public Builder maxInflatedSize(long v) {
            maxInflatedSize = positive(v);
            return this;
        }

        /** See {@link Limits#maxInflateRatio()}. */
        public Builder maxInflateRatio(long v) {
            maxInflateRatio = positive(v);
            return this;
        }

        /** See {@link Limits#maxIntDigits()}. */
        public Builder maxIntDigits(int v) {
            maxIntDigits = positive(v);
            return this;
        }

        /** See {@link Limits#maxBytesRatio()}. */
        public Builder maxBytesRatio(long v) {
            maxBytesRatio = positive(v);
            return this;
        }

        /** See {@link Limits#maxTotalAllocation()}. */
        public Builder maxTotalAllocation(long v) {
            maxTotalAllocation = positive(v);
            return this;
        }

        /** The limits. */
        public Limits build() {
            return new Limits(this);
        }

        private static int positive(int v) {
            if (v <= 0) {
                throw new IllegalArgumentException("a limit must be positive: " + v);
            }
            return v;
        }

        private static long positive(long v) {
            if (v <= 0) {
                throw new IllegalArgumentException("a limit must be positive: " + v);
            }
            return v;
        }
    }
}
