package dev.brine;

/**
 * What the members of one ZIP file read into memory take together, held to
 * {@link Limits#maxTotalAllocation()}: a reader charges each member before allocating it, so a
 * file of many members, each within the per-member limits, fails with a
 * {@link LimitExceededException} instead of running the heap out. One per file being read; not
 * thread-safe.
 */
public final class HeapBudget {
    private final long max;
    private long used;

    /** A budget of {@code limits.maxTotalAllocation()} bytes, none used yet. */
    public HeapBudget(Limits limits) {
        this.max = limits.maxTotalAllocation();
    }

    /**
     * Counts {@code bytes} more, which {@code what} (a member, say) is about to allocate.
     *
     * @throws LimitExceededException naming {@code what} and the totals, if the file's members
     *     would then take more than the limit; nothing is counted then
     */
    public void charge(long bytes, String what) throws LimitExceededException {
        if (bytes > max - used) {
            throw new LimitExceededException("maxTotalAllocation", what + ": " + bytes + " bytes more in memory would"
                    + " bring this file's members to " + total(bytes) + " bytes together (" + used
                    + " read before), more than the " + max + " allowed");
        }
        used += bytes;
    }

    /** The bytes charged so far. */
    public long used() {
        return used;
    }

    private String total(long bytes) {
        return used > Long.MAX_VALUE - bytes ? "more than " + Long.MAX_VALUE : String.valueOf(used + bytes);
    }
}
