package dev.brine;

/**
 * What the members of one ZIP file read into memory take together, held to
 * {@link Limits#maxTotalAllocation()}: a reader charges each member before allocating it, so a
 * file of many members, each within the per-member limits, fails with a
 * {@link LimitExceededException} instead of running the heap out. One per file being read; not
 * thread-safe.
 *
 * <p>An array or a raw member costs its bytes ({@link #charge}). A pickle costs the objects that
 * unpickling it makes, which its bytes do not bound: one byte ({@code '}'}, an empty dict) makes a
 * Java object of 56 bytes, so a deflated pickle of 600 MB (586 KB of file) ran any heap out of memory.
 * A pickle is therefore weighed at its size times {@link #PICKLE_OBJECTS_PER_BYTE}, the most any
 * pickle's objects were measured to take per byte ({@link #chargePickle}), before it is inflated:
 * nothing is counted per opcode while it is read. Legitimate pickles take 3 to 11 bytes per byte
 * (lists of numbers, strings, records), so such a pickle costs the budget several times what it
 * takes: a deflated pickle that inflates to P bytes needs a budget of 80 P (by default, a heap of 160 P).
 */
public final class HeapBudget {
    /**
     * The most heap that Brine's objects take per byte of the pickle that makes them, the pickle's
     * own bytes included, rounded up from the worst measured (heap used after a full GC, in a JVM of
     * compressed pointers: every heap below 32 GB): a list of empty sets (EMPTY_SET, one byte: a
     * LinkedHashSet and its LinkedHashMap, 72 bytes, and the list's slot) 76.9; of empty dicts
     * (EMPTY_DICT) 60.9; tuples nested by TUPLE1, one byte each, 56.0; generic objects made by a
     * memoized class and NEWOBJ, four bytes each, 37.8; empty lists 28.9. What CPython writes for
     * real data takes far less: lists of floats 3.3, of short strings 3.2 to 5.6, of small ints 8.2,
     * of records (dicts of three fields) 8.2 to 10.9, of empty dicts 10.3 (protocol 2) and 30.9
     * (protocol 4). Without compressed pointers (heaps of 32 GB and more) objects take up to 1.5
     * times as much (EMPTY_SET: 114): the default budget, half the heap, still holds that.
     */
    public static final int PICKLE_OBJECTS_PER_BYTE = 80;

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

    /**
     * Counts what the pickle of {@code pickleBytes} bytes that {@code what} (a member) holds may
     * make in memory when unpickled: {@code pickleBytes * PICKLE_OBJECTS_PER_BYTE}, since a pickle's
     * bytes do not bound its objects (see {@link #PICKLE_OBJECTS_PER_BYTE}). Charged before the
     * pickle is inflated or read: a refusal costs nothing.
     *
     * @throws LimitExceededException naming {@code what}, the pickle's size, what it may make and
     *     the totals, if the file's members would then take more than the limit; nothing is counted then
     */
    public void chargePickle(long pickleBytes, String what) throws LimitExceededException {
        long objects = pickleBytes > Long.MAX_VALUE / PICKLE_OBJECTS_PER_BYTE ? Long.MAX_VALUE
                : pickleBytes * PICKLE_OBJECTS_PER_BYTE;
        if (objects > max - used) {
            throw new LimitExceededException("maxTotalAllocation", what + ": a pickle of " + pickleBytes + " bytes may"
                    + " make " + objects + " bytes of objects (" + PICKLE_OBJECTS_PER_BYTE + " per byte of pickle at"
                    + " most), which would bring this file's members to " + total(objects) + " bytes together (" + used
                    + " read before), more than the " + max + " allowed (by default half the JVM's heap: a bigger heap"
                    + " allows more)");
        }
        used += objects;
    }

    /** The bytes charged so far. */
    public long used() {
        return used;
    }

    private String total(long bytes) {
        return used > Long.MAX_VALUE - bytes ? "more than " + Long.MAX_VALUE : String.valueOf(used + bytes);
    }
}
