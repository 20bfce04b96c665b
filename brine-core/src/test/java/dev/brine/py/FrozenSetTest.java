package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A frozenset keeps the hash code of every Java {@link Set} (equal sets, of any class, hash alike) and
 * is ordered by a seeded hash of its items, so that many frozensets with one hash code stay cheap to
 * find in a HashMap.
 */
class FrozenSetTest {
    /** One of every kind of item a pickle can put in a frozenset, each twice as equal but distinct objects. */
    private static List<Object> items() {
        return new ArrayList<>(Arrays.asList(
                1L, -7L, (5L << 32) | 5L, "a", "AaBB", "", 2.5, -0.0, Double.NaN, true, null,
                new BigInteger("123456789012345678901234567890"), new BigDecimal("1.50"),
                new Complex(1, -2), new Global("collections", "OrderedDict"),
                Tuple.of(1L, "x", Tuple.of(2.5)), FrozenSet.of(1L, FrozenSet.of("deep")),
                LocalDate.of(2024, 2, 29), LocalDateTime.of(1999, 12, 31, 23, 59, 59, 123_456_000),
                OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(5)), Duration.ofSeconds(90_061, 5000)));
    }

    /** The same values as {@link #items}, built afresh (no object shared). */
    private static List<Object> equalItems() {
        return new ArrayList<>(Arrays.asList(
                Long.valueOf(1L), -7L, (5L << 32) | 5L, new String("a"),
                new String("AaBB"), new String(""), Double.valueOf(2.5), -0.0, 0.0 / 0.0, Boolean.TRUE, null,
                new BigInteger("123456789012345678901234567890"), new BigDecimal("1.50"),
                new Complex(1, -2), new Global(new String("collections"), "OrderedDict"),
                Tuple.copyOf(List.of(1L, "x", Tuple.of(2.5))), FrozenSet.copyOf(List.of(FrozenSet.of("deep"), 1L)),
                LocalDate.of(2024, 2, 29), LocalDateTime.of(1999, 12, 31, 23, 59, 59, 123_456_000),
                OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(5)), Duration.ofSeconds(90_061, 5000)));
    }

    @Test
    void equalFrozenSetsHashAndCompareEqualWhateverTheyWereBuiltFrom() {
        List<Object> a = items();
        List<Object> b = equalItems();
        Collections.reverse(b);
        FrozenSet fromList = FrozenSet.copyOf(a);
        FrozenSet fromReversed = FrozenSet.copyOf(b);
        FrozenSet fromHashSet = FrozenSet.copyOf(new HashSet<>(b));
        FrozenSet fromVarargs = FrozenSet.of(a.toArray());
        for (FrozenSet other : List.of(fromReversed, fromHashSet, fromVarargs)) {
            assertEquals(fromList, other);
            assertEquals(fromList.hashCode(), other.hashCode());
            assertEquals(0, fromList.compareTo(other));
            assertEquals(fromList.keyHash(), other.keyHash());
        }
        // each kind of item alone, too, and inside a tuple
        for (int i = 0; i < a.size(); i++) {
            FrozenSet x = FrozenSet.of(a.get(i));
            FrozenSet y = FrozenSet.copyOf(Collections.singleton(b.get(a.size() - 1 - i)));
            assertEquals(x, y, String.valueOf(a.get(i)));
            assertEquals(x.hashCode(), y.hashCode(), String.valueOf(a.get(i)));
            assertEquals(0, x.compareTo(y), String.valueOf(a.get(i)));
            assertEquals(Tuple.of(x, 1L).hashCode(), Tuple.of(y, 1L).hashCode(), String.valueOf(a.get(i)));
        }
    }

    @Test
    void theHashCodeIsEverySetsSoThatJavaSetsFindFrozenSetsAndBack() {
        List<Object> a = items();
        FrozenSet f = FrozenSet.copyOf(a);
        Set<Object> hashSet = new HashSet<>(equalItems());
        assertEquals(hashSet.hashCode(), f.hashCode());
        assertEquals(new LinkedHashSet<>(a).hashCode(), f.hashCode());
        assertEquals(f, hashSet);
        assertEquals(hashSet, f);
        assertEquals(Set.of(1L, 2L).hashCode(), FrozenSet.of(2L, 1L).hashCode());

        // a table keyed by many frozensets with one hash code, looked up with frozensets and with plain sets
        Map<Object, Integer> byKey = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            long v = ((long) i << 32) | i; // Long.hashCode 0: every key below hashes to 0
            byKey.put(FrozenSet.of(v, "k"), i);
        }
        assertEquals(1, byKey.keySet().stream().mapToInt(Object::hashCode).distinct().count());
        for (int i = 0; i < 5_000; i += 97) {
            long v = ((long) i << 32) | i;
            assertEquals(i, byKey.get(FrozenSet.of("k", v)));
            assertEquals(i, byKey.get(Set.of(v, "k")));
            assertEquals(i, byKey.get(new HashSet<>(List.of("k", v))));
        }
        assertFalse(byKey.containsKey(FrozenSet.of(3L, "k")));
    }

    @Test
    void frozenSetsWithOneHashCodeAreToldApartByTheirOrder() {
        List<FrozenSet> sets = new ArrayList<>();
        for (long a = 0; a < 10_000; a++) {
            sets.add(FrozenSet.of((a << 32) | a)); // Set.hashCode 0 for every one
        }
        assertEquals(1, sets.stream().mapToInt(FrozenSet::hashCode).distinct().count());
        assertTrue(new TreeSet<>(sets).size() > 9_990, "distinct in the seeded order: " + new TreeSet<>(sets).size());
        // small ints collide by their sums: {0, 3} and {1, 2}
        assertEquals(FrozenSet.of(0L, 3L).hashCode(), FrozenSet.of(1L, 2L).hashCode());
        assertNotEquals(0, FrozenSet.of(0L, 3L).compareTo(FrozenSet.of(1L, 2L)));
        FrozenSet x = FrozenSet.of(0L, 3L);
        FrozenSet y = FrozenSet.of(1L, 2L);
        assertEquals(-Integer.signum(x.compareTo(y)), Integer.signum(y.compareTo(x)));
    }

    @Test
    void equalityIsPythonsAgainstFrozenSetsAndOtherSets() {
        assertNotEquals(FrozenSet.of(1L, 2L), FrozenSet.of(1L, 3L));
        assertNotEquals(FrozenSet.of(1L, 2L), FrozenSet.of(1L));
        assertNotEquals(FrozenSet.of(1L, 2L), Set.of(1L, 3L));
        assertEquals(FrozenSet.of(), FrozenSet.copyOf(List.of()));
        assertEquals(FrozenSet.of(), Set.of());
        assertNotEquals(FrozenSet.of(1L), List.of(1L));
        // a frozenset holding a mutable tuple item (a list inside): not cached, still equal by content
        List<Object> inner = new ArrayList<>(List.of(1L));
        FrozenSet mutable = FrozenSet.of(Tuple.of(inner));
        assertEquals(mutable, FrozenSet.of(Tuple.of(List.of(1L))));
        assertEquals(0, mutable.compareTo(FrozenSet.of(Tuple.of(List.of(1L)))));
        mutable.keyHash();
        assertFalse(mutable.isHashCached());
        FrozenSet immutable = FrozenSet.of(1L, "a", Tuple.of(2L));
        immutable.keyHash();
        assertTrue(immutable.isHashCached());
    }

    @Test
    void aJavaSetInsideAFrozenSetOrTupleHashesAsTheEqualFrozenSet() {
        // Set.of(1) equals FrozenSet.of(1), so a frozenset or tuple holding one must equal and hash as
        // one holding the other: the seeded hash of a plain Set item is the frozenset's
        FrozenSet ofJavaSet = FrozenSet.of(Set.of(1L, "a"));
        FrozenSet ofFrozenSet = FrozenSet.of(FrozenSet.of("a", 1L));
        Set<Object> hashSet = new HashSet<>(List.of(FrozenSet.of(1L, "a")));
        assertTrue(ofJavaSet.equals(hashSet) && hashSet.equals(ofFrozenSet));
        assertEquals(ofJavaSet, ofFrozenSet); // transitive
        assertEquals(ofFrozenSet, ofJavaSet);
        assertEquals(0, ofJavaSet.compareTo(ofFrozenSet));
        assertEquals(ofJavaSet.hashCode(), ofFrozenSet.hashCode());

        Tuple withJavaSet = Tuple.of(new LinkedHashSet<>(List.of("a", 1L)), 2L);
        Tuple withFrozenSet = Tuple.of(FrozenSet.of(1L, "a"), 2L);
        assertEquals(withJavaSet, withFrozenSet);
        assertEquals(withJavaSet.hashCode(), withFrozenSet.hashCode());
        Map<Object, Object> map = new HashMap<>();
        map.put(withFrozenSet, "found");
        assertEquals("found", map.get(withJavaSet));
        map.put(ofFrozenSet, "too");
        assertEquals("too", map.get(ofJavaSet));
    }

    /**
     * Bytes in a frozenset are compared by identity in Java (README: bytes are distinct keys); the order must
     * agree, or a TreeSet keeps one of two frozensets a HashSet keeps apart. CPython writes the two b'ab' below
     * as two objects (its pickler memoizes by identity), so Brine reads two arrays.
     */
    @Test
    void frozensetsOfEqualContentArraysAreUnequalAndOrderedApart() throws Exception {
        dev.brine.testing.Python.require();
        byte[] pickle = dev.brine.testing.Python.check("import sys, pickle\n"
                + "sys.stdout.buffer.write(pickle.dumps([frozenset({bytes([97, 98])}), frozenset({bytes([97, 98])})], 4))",
                new byte[0]);
        List<?> both = (List<?>) dev.brine.pickle.Pickle.loads(pickle);
        FrozenSet a = (FrozenSet) both.get(0);
        FrozenSet b = (FrozenSet) both.get(1);
        assertFalse(a.equals(b));
        assertNotEquals(0, a.compareTo(b));
        assertEquals(2, new TreeSet<>(List.of(a, b)).size());
        assertEquals(2, new HashSet<>(List.of(a, b)).size());
        assertEquals(0, a.compareTo(FrozenSet.copyOf(a))); // the same arrays: equal, and ordered so
        assertTrue(a.equals(FrozenSet.copyOf(a)));
    }
}
