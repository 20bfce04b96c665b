package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The guard refuses the key sets that Java's hash tables can only search one by one (classes that
 * cannot be compared, sharing a hash code), counting what an insert may walk past, and lets every
 * other collection through, including crowded bins that a HashMap orders.
 */
class KeyGuardTest {
    /** Long.hashCode is 0 for each. */
    private static long zeroLong(long a) {
        return (a << 32) | a;
    }

    /** Double.hashCode is 0 for each (a tiny positive number for a > 0). */
    private static double zeroDouble(long a) {
        return Double.longBitsToDouble((a << 32) | a);
    }

    /** LocalDateTime.hashCode is the same for each: the time's hash cancels the date's change. */
    private static LocalDateTime collidingDateTime(long a) {
        LocalDate base = LocalDate.of(2000, 1, 1);
        LocalDate day = base.plusDays(a);
        return LocalDateTime.of(day, LocalTime.ofNanoOfDay((day.hashCode() ^ base.hashCode()) & 0xFFFFFFFFL));
    }

    private static Map<Object, Object> fill(List<?> keys) throws BrineException {
        Map<Object, Object> map = new LinkedHashMap<>();
        KeyGuard guard = KeyGuard.forDict(map.keySet());
        for (Object k : keys) {
            guard.put(map, k, null);
        }
        return map;
    }

    @Test
    void manyKeysOfOneComparableClassWithOneHashCodeAreLetThrough() throws BrineException {
        List<Object> keys = new ArrayList<>();
        for (long a = 0; a < 20_000; a++) {
            keys.add(zeroLong(a));
        }
        assertEquals(20_000, fill(keys).size()); // a HashMap keeps them as a tree: cheap
        List<Object> sets = new ArrayList<>();
        for (long a = 0; a < 20_000; a++) {
            sets.add(FrozenSet.of(zeroLong(a))); // Set.hashCode 0, told apart by their seeded order
        }
        assertEquals(20_000, KeyGuard.newSet(sets).size());
    }

    @Test
    void longsAndDoublesWithOneHashCodeAreRefused() {
        List<Object> keys = new ArrayList<>();
        for (long a = 1; a <= 20_000; a++) {
            keys.add(zeroLong(a));
            keys.add(zeroDouble(a));
        }
        BrineException e = assertThrows(BrineException.class, () -> fill(keys));
        assertTrue(e.getMessage().startsWith("dict keys chosen to collide"), e.getMessage());
        assertTrue(e.getMessage().contains("Long, Double") && e.getMessage().contains("hash code 0"), e.getMessage());
        // refused early: after a few hundred keys, not after walking the whole bin for each
        long in = Long.parseLong(e.getMessage().replaceAll(".*\\((\\d+) keys in.*", "$1"));
        assertTrue(in < 1_000, e.getMessage());
        BrineException s = assertThrows(BrineException.class, () -> KeyGuard.newSet(keys));
        assertTrue(s.getMessage().startsWith("set keys chosen to collide"), s.getMessage());
    }

    @Test
    void dateTimesWithOneHashCodeAreRefused() {
        List<Object> keys = new ArrayList<>();
        for (long a = 0; a < 5_000; a++) {
            keys.add(collidingDateTime(a));
        }
        assertEquals(1, keys.stream().mapToInt(Object::hashCode).distinct().count());
        BrineException e = assertThrows(BrineException.class, () -> fill(keys));
        assertTrue(e.getMessage().contains("LocalDateTime"), e.getMessage());
    }

    @Test
    void fewCollisionsAndOddKeysAreNoAttack() throws BrineException {
        // a whole crowded bin of one class and a few keys of another class with the same hash code
        List<Object> keys = new ArrayList<>();
        for (long a = 0; a < 20_000; a++) {
            keys.add(zeroLong(a));
        }
        keys.add(zeroDouble(1));
        keys.add(zeroDouble(2));
        keys.add("");
        keys.add(null);
        assertEquals(20_004, fill(keys).size());
        // below MIN_KEYS nothing is counted: any walk is short
        List<Object> small = new ArrayList<>();
        for (long a = 1; a < KeyGuard.MIN_KEYS / 2; a++) {
            small.add(zeroLong(a));
            small.add(zeroDouble(a));
        }
        assertEquals(small.size(), KeyGuard.newSet(small).size());
        assertEquals(small.size(), KeyGuard.newFrozenSet(small).size());
        // ordinary keys of mixed classes, and datetimes of every minute: counted, never refused
        List<Object> mixed = new ArrayList<>();
        LocalDateTime t = LocalDateTime.of(2020, 1, 1, 0, 0);
        for (long i = 0; i < 50_000; i++) {
            mixed.add(i);
            mixed.add(Long.toString(i));
            mixed.add(i + 0.5);
            mixed.add(t.plusMinutes(i));
            mixed.add(Tuple.of(i));
        }
        assertEquals(mixed.size(), fill(mixed).size());
    }

    @Test
    void aGuardMadeForAFilledCollectionCountsWhatIsAlreadyIn() throws BrineException {
        Set<Object> set = new LinkedHashSet<>();
        for (long a = 1; a <= 400; a++) { // filled without a guard, as a reader fills a small set at first
            set.add(zeroLong(a));
            set.add(zeroDouble(a));
        }
        KeyGuard guard = KeyGuard.forSet(set);
        assertThrows(BrineException.class, () -> {
            for (long a = 401; a <= 2_000; a++) {
                guard.add(set, zeroDouble(a));
            }
        });
        // and one made for a set of one class switches to counting on the first key of another
        Set<Object> longs = new LinkedHashSet<>();
        for (long a = 1; a <= 1_000; a++) {
            longs.add(zeroLong(a));
        }
        KeyGuard g = KeyGuard.forSet(longs);
        assertThrows(BrineException.class, () -> {
            for (long a = 1; a <= 1_000; a++) {
                g.add(longs, zeroDouble(a));
            }
        });
    }
}
