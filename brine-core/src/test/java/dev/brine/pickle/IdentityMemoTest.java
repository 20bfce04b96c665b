package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pickler's memo against the JDK's IdentityHashMap, across growth, reserved (keyless) indices
 * and the switch to wide slots.
 */
class IdentityMemoTest {

    @ParameterizedTest
    @ValueSource(ints = {24, 10, 4})
    void agreesWithIdentityHashMapAcrossGrowthAndWideSlots(int entryBits) {
        IdentityMemo memo = new IdentityMemo(entryBits);
        Map<Object, Integer> expected = new IdentityHashMap<>();
        int reserved = 0;
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            // equal strings that are distinct objects must stay distinct entries
            Object key = i % 3 == 0 ? new String("same") : i % 3 == 1 ? new ArrayList<>() : Integer.valueOf(i * 7919);
            keys.add(key);
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
}
