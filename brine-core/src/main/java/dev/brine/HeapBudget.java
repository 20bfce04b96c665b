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
 * LinkedHashMap of 56 bytes, so a 586 KB file whose pickle inflated to 600 MB ran any heap out of
 * memory. A deflated pickle is therefore weighed at its inflated size times
 * {@link #PICKLE_OBJECTS_PER_BYTE}, the most a byte of pickle was measured to make
 * ({@link #chargePickle}), once, before it is inflated: a refusal costs nothing, and the unpickler
 * counts nothing per opcode. Charging as the unpickler reads (per buffer refill) would charge the
 * same bytes at the same factor, only later, once the objects are made, and only for streamed
 * input (the archive and checkpoint readers read the pickle whole first, to check its CRC). The
 * price: what CPython writes for real data takes 4 to 12 bytes per byte, so a legitimate pickle
 * costs the budget up to 20 times what it takes. A deflated pickle that inflates to P bytes needs
 * a budget of 80 P: by default a heap of 160 P (1.6 MB of pickle in a heap of 256 MiB, 13 MB in
 * 2 GiB). Stored pickles are not weighed: their bytes are in the file, as a plain pickle file's.
 */
public final class HeapBudget {
    /**
     * The most heap that Brine's objects take per byte of the pickle that makes them, the pickle's
     * own bytes included: the worst measured, rounded up (heap used after full collections, before
     * the pickle is made and once it is read, one JVM per pickle, compressed pointers as in every
     * heap below 32 GB; PickleWeightTest measures it again). A list of empty sets (EMPTY_SET, one
     * byte: a LinkedHashSet and its LinkedHashMap, 72 bytes, and the list's slot) takes 77.5; of
     * empty dicts (EMPTY_DICT) 61.5; tuples nested by TUPLE1, one byte each, 57.0; generic objects
     * made by a memoized class and NEWOBJ, four bytes each, 38.8; empty lists 29.5. What CPython
     * writes for real data takes far less: lists of floats 4.3, of short strings 4.2 to 6.6, of
     * small ints 9.2, of records (dicts of three fields) 9.4 to 12.3 (protocols 2 and 4); a list
     * of empty dicts 11 to 32. Without compressed pointers (heaps of 32 GB and more) objects take up
     * to 1.5 times as much (EMPTY_SET: 114): the default budget, half the heap, still holds that.
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
                    + " read before), more than the " + max + " allowed (half the JVM's heap by default)");
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
