package dev.brine.pickle;

import java.util.Arrays;

/**
 * The pickler's memo: object identity to memo index, like CPython's {@code PyMemoTable}. Open
 * addressing, so a lookup allocates nothing (an IdentityHashMap would box every index).
 *
 * <p>Layout, for speed. Most lookups are for fresh objects and miss, and a big pickle's table is
 * bigger than the caches, so a lookup costs about the number of random cache lines it touches:
 * <ul>
 *   <li>the hash table is an {@code int[]} of entry numbers, each with a fingerprint of its hash
 *       in the spare high bits: a miss reads its probe's slots and nothing else, where comparing
 *       full hashes kept beside the keys cost one more random read per occupied slot on the probe
 *       (records_200k dumps 102 → 91 ms, records_2m 2.10 → 1.73 s; AbCompare, thread CPU);</li>
 *   <li>keys and hashes sit in arrays in insertion order, so inserts store sequentially. Storing
 *       each key at a random slot of a big {@code Object[]} dirtied another GC card on every insert
 *       (records_200k dumps went from 0.53 s to 0.31 s when that changed).</li>
 *   <li>an entry's number is its memo index: the pickler numbers memo entries densely, and the
 *       few it keeps elsewhere (globals and their names, memoized by value) take a keyless entry
 *       ({@link #reserve}). So there is no array of indices: a hit reads one line fewer, and a big
 *       memo allocates a quarter less.</li>
 * </ul>
 * Tried and dropped, both slower on the same A/B: a {@code long[]} table holding full hashes (twice
 * the footprint: records_200k 112 → 122 ms), a table filled to 3/4 instead of 1/2 (77 → 86 ms), and
 * a one-bit-per-hash filter in front of the table (records_2m 1.32 → 1.83 s).
 */
final class IdentityMemo {
    /**
     * Slots: 0 = empty, else the entry number + 1 in the low bits ({@link #entryMask}) and the
     * top bits of the key's {@link #fingerprint} ({@link #fingerprintMask}) above them.
     */
    private int[] table = new int[64];
    private Object[] keys = new Object[32]; // by entry number = memo index; null for reserved ones
    private int[] hashes = new int[32];
    private int size;
    // A miss on a fresh object should touch one random cache line: the slot's fingerprint (8 bits
    // of the hash) rules out almost every occupied slot on the probe without reading hashes[] or
    // keys[] (another random line each). Beyond 2^24 - 1 entries the slots need all 32 bits for
    // the entry number and the fingerprint is dropped (every occupied slot then reads its key).
    private final int narrowEntryMask;
    private int fingerprintMask;
    private int entryMask;

    private final int maxTable;

    IdentityMemo() {
        this(24, 1 << 30);
    }

    /**
     * A memo whose slots hold {@code entryBits} bits of entry number beside a fingerprint, and
     * whose table stops growing at {@code maxTable} slots (tests use small values of both).
     */
    IdentityMemo(int entryBits, int maxTable) {
        narrowEntryMask = (1 << entryBits) - 1;
        fingerprintMask = ~narrowEntryMask;
        entryMask = narrowEntryMask;
        this.maxTable = maxTable;
    }

    /** The memo index of {@code key}, or -1. */
    int get(Object key) {
        int found = find(key, hash(key));
        return found >= 0 ? found : -1;
    }

    /**
     * Reads the table slot {@code key} hashes to and returns it, so that a {@link #get} soon after
     * finds that cache line loaded. See {@code Pickler.prefetchMemo}: touching a batch of keys in a
     * tight loop lets the CPU overlap their cache misses.
     */
    int touch(Object key) {
        int[] t = table;
        return t[hash(key) & (t.length - 1)];
    }

    /** Gives {@code key}, which must not be present, the next memo index ({@link #size()}). */
    void add(Object key) throws PicklingException {
        int h = hash(key);
        append(key, h);
        place(h, emptySlot(table, h));
    }

    /**
     * The memo index of {@code key}; or, when it has none, gives it the next one ({@link #size()})
     * and returns -1: one hash and one probe where {@link #get} then {@link #add} take two, for
     * objects whose memo index is known before they are written (strings contain nothing).
     */
    int getOrAdd(Object key) throws PicklingException {
        int h = hash(key);
        int found = find(key, h);
        if (found >= 0) {
            return found;
        }
        append(key, h);
        place(h, -1 - found);
        return -1;
    }

    /** Takes the next memo index for something the caller keys itself (a global, by value). */
    void reserve() {
        append(null, 0);
        if (size == entryMask) {
            widen();
        }
    }

    /** The entry number of {@code key}, or -1 - the empty slot where its probe ended. */
    private int find(Object key, int h) {
        int[] t = table;
        int mask = t.length - 1;
        int i = h & mask;
        int fp = fingerprint(h);
        while (true) {
            int slot = t[i];
            if (slot == 0) {
                return -1 - i;
            }
            if (((slot ^ fp) & fingerprintMask) == 0) {
                int e = (slot & entryMask) - 1;
                if (keys[e] == key) {
                    return e;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Gives the entry just appended its empty table slot {@code i}; or rebuilds the table, when it
     * would be more than half full or entry numbers no longer fit beside a fingerprint.
     */
    private void place(int h, int i) throws PicklingException {
        int n = table.length;
        if (size == entryMask) {
            widen();
        } else if (size * 2 > n && n < maxTable) {
            rebuild(grownLength(n));
        } else if (size > maxTable - (maxTable >> 3)) { // a full table would make every probe long
            throw new PicklingException("more than " + (maxTable - (maxTable >> 3))
                    + " objects to memoize: the pickler's memo is full");
        } else {
            table[i] = (fingerprint(h) & fingerprintMask) | size;
        }
    }

    /**
     * The table grows four-fold: half as many rebuilds as doubling, and a rebuild of a table bigger
     * than the caches costs a miss per entry. records_2m dumps 1.02–1.12 → 0.95–1.00 s in four
     * A/Bs; records_200k and strings_300k within noise (the former's final table is twice as big);
     * eight-fold was slower. The table stays between 1/8 and 1/2 full (from 1/32 after a growth
     * that followed a hint, {@link #expect}), up to {@code maxTable}.
     */
    private static final int GROWTH = 4;

    /** How far one growth may go on the strength of {@link #expect}: a wrong guess stays bounded. */
    private static final int MAX_HINTED_GROWTH = 16;

    /**
     * The pickler's estimate of how many entries this memo will end with, or 0: from how many a
     * big list's items have added so far (see {@code Pickler.saveIndexedBatches}). A growth then
     * goes straight to a table that holds the estimate at half load, instead of four-fold steps
     * each of which re-inserts every entry: records_200k's 600,000 entries skip the rebuild at
     * 512,000 entries into a 16 MiB table (a cache miss per entry). Measured with the step fixed
     * at eight-fold for that size: records_200k dumps 62.7 -> 55.2 ms (scattered), 52.8 -> 51.1 ms
     * (ordered); the same fixed step made strings_300k, which the estimate leaves at four-fold,
     * slower (11.7 -> 13.1 ms: a table bigger than it needs). With the estimate: records_200k
     * 61.4 -> 56.7 and 68.6 -> 58.9 ms (scattered), 55.1 -> 50.5 ms (ordered); strings_300k 11.9 ->
     * 11.8 ms; records_2m 829 -> 824 ms (AbCompare).
     */
    private int expected;

    /** See {@link #expected}; a hint only, which may be wrong either way. */
    void expect(int entries) {
        expected = entries;
    }

    /** The next table length after {@code n}: four-fold, or more (up to 16-fold) to hold {@link #expected} at half load. */
    private int grownLength(int n) {
        long wanted = Math.max((long) n * GROWTH, ceilPowerOfTwo(2L * expected));
        return (int) Math.min(Math.min(wanted, (long) n * MAX_HINTED_GROWTH), maxTable);
    }

    private static long ceilPowerOfTwo(long x) {
        return x <= 1 ? 1 : Long.highestOneBit(x - 1) << 1;
    }

    private void widen() {
        fingerprintMask = 0;
        entryMask = -1;
        rebuild(table.length);
    }

    private void append(Object key, int h) {
        if (size == keys.length) {
            int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            hashes = Arrays.copyOf(hashes, n);
        }
        keys[size] = key;
        hashes[size] = h;
        size++;
    }

    int size() {
        return size;
    }

    /**
     * The longest probe any present key takes, in slots read, its home slot included (tests: keys
     * with consecutive identity hashes must not pile up).
     */
    int longestProbe() {
        int[] t = table;
        int mask = t.length - 1;
        int longest = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] != 0) {
                int home = hashes[(t[i] & entryMask) - 1] & mask;
                longest = Math.max(longest, ((i - home) & mask) + 1);
            }
        }
        return longest;
    }

    /** The hash table's length in slots (tests). */
    int tableLength() {
        return table.length;
    }

    void clear() {
        expected = 0;
        Arrays.fill(table, 0);
        fingerprintMask = ~narrowEntryMask;
        entryMask = narrowEntryMask;
        Arrays.fill(keys, 0, size, null);
        size = 0;
    }

    /** Drops the entries from {@code newSize} on, as if they had never been added (the pickler redoing a dump). */
    void truncate(int newSize) {
        if (newSize >= size) {
            return;
        }
        Arrays.fill(keys, newSize, size, null);
        size = newSize;
        rebuild(table.length);
    }

    /** Re-inserts every entry into a new table (the hashes are kept, so no key is touched). */
    private void rebuild(int length) {
        int[] t = new int[length];
        for (int e = 0; e < size; e++) {
            int h = hashes[e];
            if (h != 0 || keys[e] != null) { // hash 0 is rare; reserved entries have no slot
                t[emptySlot(t, h)] = (fingerprint(h) & fingerprintMask) | (e + 1);
            }
        }
        table = t;
    }

    private static int emptySlot(int[] t, int h) {
        int mask = t.length - 1;
        int i = h & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /**
     * A key's probe starts at the low bits of its identity hash, unmixed. HotSpot's default identity
     * hash is random, so its low bits spread keys as well as any mixing would; under the JVM's
     * sequential identity hash ({@code -XX:+UnlockExperimentalVMOptions -XX:hashCode=3}) objects
     * that are hashed one after another, as the pickler meets them, then take neighbouring slots:
     * inserts walk the table instead of missing the cache once each, and a run of consecutive
     * hashes never collides. strings_300k dumps 14.3-16.0 -> 8.8-9.1 ms, records_200k 60.1-61.7 ->
     * 52.5 ms (side-by-side worker, launches alternating). The earlier mixed hash
     * ({@code h ^ (h >>> 16) * 0x9E3779B1}) sent each block of 65,536 consecutive hashes to one
     * block of slots, where two such blocks could meet and make every probe of the second walk the
     * first: records_2m dumps under {@code hashCode=3} did not end within two minutes.
     */
    private static int hash(Object key) {
        return System.identityHashCode(key);
    }

    /** The bits a slot keeps of its key's hash: the top of a multiplicative mix, independent of the slot's index. */
    private static int fingerprint(int h) {
        return h * 0x9E3779B1;
    }
}
