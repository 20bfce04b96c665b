package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pickler's memo against the JDK's IdentityHashMap, across growth, reserved (keyless) indices
 * and the switch to wide slots.
 */
class IdentityMemoTest {

    /** A truncated memo (the pickler redoing a dump that overflowed) finds the entries kept and none of those dropped. */
    @ParameterizedTest
    @ValueSource(ints = {24, 4})
    void truncateForgetsTheLaterEntriesOnly(int entryBits) throws PicklingException {
        IdentityMemo memo = new IdentityMemo(entryBits, 1 << 30);
        List<Object> keys = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            if (i % 10 == 3) {
                memo.reserve();
            }
            Object key = new ArrayList<>();
            keys.add(key);
            indices.add(memo.size());
            memo.add(key);
        }
        int kept = memo.size() / 2;
        memo.truncate(kept);
        assertEquals(kept, memo.size());
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(indices.get(i) < kept ? indices.get(i) : -1, memo.get(keys.get(i)), "key " + i);
        }
        Object next = new ArrayList<>();
        memo.add(next); // the next index is the first one dropped, as in a dump that had not overflowed
        assertEquals(kept, memo.get(next));
    }

    /** Also with growth hints (IdentityMemo.expect) that are absent, right, too small, huge or nonsense. */
    @ParameterizedTest
    @CsvSource({"24, 0", "10, 0", "4, 0", "24, 5000", "24, 100", "10, 2147483647", "4, -5"})
    void agreesWithIdentityHashMapAcrossGrowthAndWideSlots(int entryBits, int hint) throws PicklingException {
        IdentityMemo memo = new IdentityMemo(entryBits, 1 << 30);
        memo.expect(hint);
        Map<Object, Integer> expected = new IdentityHashMap<>();
        int reserved = 0;
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            // equal strings that are distinct objects must stay distinct entries
            Object key = i % 3 == 0 ? new String("same") : i % 3 == 1 ? new ArrayList<>() : Integer.valueOf(i * 7919);
            keys.add(key);
            if (i == 2_500) {
                memo.expect(hint / 2); // the pickler revises its estimate batch by batch
            }
            assertEquals(-1, memo.get(key));
            if (i % 50 == 7) { // a global's index: taken, never found by identity
                memo.reserve();
                reserved++;
            }
            expected.put(key, memo.size());
            if (i % 2 == 0) {
                memo.add(key);
            } else { // the one-probe form, as strings use it
                assertEquals(-1, memo.getOrAdd(key));
                assertEquals(expected.get(key), memo.getOrAdd(key));
            }
            if (i % 97 == 0) { // every earlier key is still found, with its own index
                for (Object k : keys) {
                    assertEquals(expected.get(k), memo.get(k));
                }
            }
        }
        assertEquals(5_000 + reserved, memo.size());
        for (Object k : keys) {
            assertEquals(expected.get(k), memo.get(k));
        }
        assertEquals(-1, memo.get(new String("same")));

        memo.clear(); // back to narrow slots, empty
        assertEquals(0, memo.size());
        assertEquals(-1, memo.get(keys.get(0)));
        memo.reserve();
        memo.add(keys.get(0));
        assertEquals(1, memo.get(keys.get(0)));
    }

    /**
     * The hint decides how far the table grows when it must: four-fold without one or when the
     * estimate fits, to the estimate at half load when it does not, never more than sixteen-fold.
     */
    @ParameterizedTest
    @CsvSource({"0, 1048576", "300000, 1048576", "600000, 2097152", "1000000000, 4194304"})
    void growsToTheEstimateWithinBounds(int hint, int lengthAfterGrowth) throws PicklingException {
        IdentityMemo memo = new IdentityMemo();
        memo.expect(hint);
        int n = 0;
        while (memo.tableLength() < 1 << 18) { // the tables before are small either way
            memo.add(new Object());
            n++;
        }
        assertEquals(1 << 18, memo.tableLength());
        while (memo.tableLength() == 1 << 18) {
            memo.add(new Object());
            n++;
        }
        assertEquals(lengthAfterGrowth, memo.tableLength(), "after " + n + " entries");
    }

    /** Past its largest table the memo fills to 7/8, then refuses with the project's exception; a growth hint changes neither. */
    @ParameterizedTest
    @ValueSource(ints = {0, 896, 2147483647})
    void refusesMoreObjectsThanItsLargestTableHolds(int hint) throws PicklingException {
        IdentityMemo memo = new IdentityMemo(24, 1 << 10);
        memo.expect(hint);
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 896; i++) { // 7/8 of 1024 slots
            Object key = new Object();
            keys.add(key);
            assertEquals(-1, memo.getOrAdd(key));
        }
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(i, memo.get(keys.get(i)));
        }
        PicklingException e = assertThrows(PicklingException.class, () -> memo.add(new Object()));
        assertEquals("more than 896 objects to memoize: the pickler's memo is full", e.getMessage());
    }
}
