package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tuples hash by a seeded mix ({@link KeyHash}), so the values Java's own hashes collide on do not
 * collide as tuple keys, and equal tuples still hash equal; so do frozensets in their order, and
 * complex numbers.
 */
class KeyHashTest {
    private static int distinctHashes(Iterable<Tuple> tuples) {
        Set<Integer> hashes = new HashSet<>();
        for (Tuple t : tuples) {
            hashes.add(t.hashCode());
        }
        return hashes.size();
    }

    @Test
    void longsWhoseJavaHashesAreAllZeroDoNotCollideInTuples() {
        java.util.List<Tuple> keys = new java.util.ArrayList<>();
        for (long a = 0; a < 10_000; a++) {
            assertEquals(0, Long.hashCode((a << 32) | a));
            keys.add(Tuple.of((a << 32) | a));
        }
        assertTrue(distinctHashes(keys) > 9_980, "collisions: " + (10_000 - distinctHashes(keys)));
    }

    @Test
    void stringsWithEqualJavaHashesDoNotCollideInTuples() {
        java.util.List<Tuple> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 1 << 13; i++) { // every string of 13 blocks "Aa" or "BB": one String.hashCode
            StringBuilder s = new StringBuilder();
            for (int bit = 0; bit < 13; bit++) {
                s.append((i >> bit & 1) == 0 ? "Aa" : "BB");
            }
            keys.add(Tuple.of(s.toString()));
        }
        assertEquals(1, keys.stream().map(t -> t.get(0).hashCode()).distinct().count());
        assertTrue(distinctHashes(keys) > (1 << 13) - 20);
    }

    @Test
    void equalTuplesHashEqual() {
        Object[][] pairs = {
            {Tuple.of(1L, "a", 2.5, null, true), Tuple.of(1L, "a", 2.5, null, true)},
            {Tuple.of(new byte[] {1, 2}, Tuple.of("x")), Tuple.of(new byte[] {1, 2}, Tuple.of("x"))},
            {Tuple.of(new BigInteger("123456789012345678901234567890")), Tuple.of(new BigInteger("123456789012345678901234567890"))},
            {Tuple.of(FrozenSet.of(1L, 2L), new Complex(1, 2)), Tuple.of(FrozenSet.of(2L, 1L), new Complex(1, 2))},
            {Tuple.of(Double.NaN), Tuple.of(Double.NaN)},
            {Tuple.of(new long[] {1, 2}, new int[] {3}, new double[] {0.5}), Tuple.of(new long[] {1, 2}, new int[] {3}, new double[] {0.5})},
            {Tuple.of(new Object[] {"a", new byte[] {1}}), Tuple.of(new Object[] {"a", new byte[] {1}})},
        };
        for (Object[] p : pairs) {
            assertEquals(p[0], p[1]);
            assertEquals(p[0].hashCode(), p[1].hashCode(), p[0].toString());
        }
        assertNotEquals(Tuple.of(1L, 2L).hashCode(), Tuple.of(2L, 1L).hashCode());
    }

    @Test
    void equalValuesOfEveryKindHashEqualInTuplesAndFrozenSets() {
        Object[][] pairs = {
            {new BigInteger("340282366920938463463374607431768211457"), new BigInteger("340282366920938463463374607431768211457")},
            {new BigDecimal("1.50"), new BigDecimal("150E-2")},
            {new Complex(Double.NaN, -0.0), new Complex(Double.NaN, -0.0)},
            {new Global("m", "AaBB"), new Global(new String("m"), new String("AaBB"))},
            {LocalDate.of(2000, 1, 1), LocalDate.ofEpochDay(10_957)},
            {LocalTime.of(1, 2, 3, 4000), LocalTime.ofNanoOfDay(3_723_000_004_000L)},
            {LocalDateTime.of(2000, 1, 1, 1, 2), LocalDateTime.of(LocalDate.of(2000, 1, 1), LocalTime.of(1, 2))},
            {OffsetDateTime.of(2000, 1, 1, 1, 2, 0, 0, ZoneOffset.UTC), OffsetDateTime.of(2000, 1, 1, 1, 2, 0, 0, ZoneOffset.ofHours(0))},
            {OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHours(-3)), OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHoursMinutes(-3, 0))},
            {Duration.ofDays(3).plusNanos(5000), Duration.ofSeconds(259_200, 5000)},
            {ZoneOffset.ofHours(2), ZoneOffset.ofTotalSeconds(7200)},
            {FrozenSet.of(1L, "a"), FrozenSet.of("a", 1L)},
            {new long[] {1, 2}, new long[] {1, 2}},
        };
        for (Object[] p : pairs) {
            assertEquals(KeyHash.of(p[0]), KeyHash.of(p[1]), String.valueOf(p[0]));
            assertEquals(Tuple.of(p[0]), Tuple.of(p[1]));
            assertEquals(Tuple.of(p[0]).hashCode(), Tuple.of(p[1]).hashCode(), String.valueOf(p[0]));
            if (p[0].getClass().isArray()) { // a set compares arrays by identity, and orders them so (FrozenSetTest)
                assertNotEquals(FrozenSet.of(p[0]), FrozenSet.of(p[1]));
                assertNotEquals(FrozenSet.of(p[0]).keyHash(), FrozenSet.of(p[1]).keyHash());
            } else {
                assertEquals(FrozenSet.of(p[0]).keyHash(), FrozenSet.of(p[1]).keyHash(), String.valueOf(p[0]));
            }
        }
        // the scale is part of a BigDecimal's equality (and a tuple's), so part of its hash
        assertNotEquals(Tuple.of(new BigDecimal("1.5")), Tuple.of(new BigDecimal("1.50")));
        assertNotEquals(KeyHash.of(new BigDecimal("1.5")), KeyHash.of(new BigDecimal("1.50")));
    }

    @Test
    void valuesWhoseJavaHashesCollideDoNotCollideInTuples() {
        List<Object> bigInts = new ArrayList<>();
        List<Object> decimals = new ArrayList<>();
        List<Object> dateTimes = new ArrayList<>();
        List<Object> durations = new ArrayList<>();
        List<Object> complexes = new ArrayList<>();
        LocalDate day = LocalDate.of(2000, 1, 1);
        for (long a = 1; a <= 5_000; a++) {
            long w3 = (1L << 31) + a; // 128-bit ints whose word polynomial (BigInteger.hashCode) is one
            long w2 = (-31 * w3) & 0xFFFFFFFFL;
            bigInts.add(BigInteger.valueOf(w3).shiftLeft(96).or(BigInteger.valueOf(w2).shiftLeft(64)).or(BigInteger.TEN));
            decimals.add(new BigDecimal(BigInteger.valueOf((a << 32) | ((7 - 31 * a) & 0xFFFFFFFFL)), 7));
            // the date's hash and the time's XORed: a later date, a time that cancels the difference
            dateTimes.add(LocalDateTime.of(day.plusDays(a), LocalTime.ofNanoOfDay(
                    (day.plusDays(a).hashCode() ^ day.hashCode()) & 0xFFFFFFFFL)));
            durations.add(Duration.ofSeconds((a << 32) | a));
            complexes.add(new Complex(Double.longBitsToDouble((a << 32) | a), 0));
        }
        for (List<Object> values : List.of(bigInts, decimals, dateTimes, durations)) {
            assertEquals(1, values.stream().mapToInt(Object::hashCode).distinct().count(), values.get(0).getClass() + " collide");
            List<Tuple> tuples = new ArrayList<>();
            values.forEach(v -> tuples.add(Tuple.of(v)));
            assertTrue(distinctHashes(tuples) > 4_990, values.get(0).getClass() + ": " + distinctHashes(tuples));
        }
        // complex numbers hash by the seeded mix even as keys of their own
        assertTrue(complexes.stream().mapToInt(Object::hashCode).distinct().count() > 4_990);
    }

    @Test
    void aDictOfCollidingTupleKeysLoads() throws Exception {
        // {((a << 32) | a,): None for a in range(20000)} at protocol 2: 3.6 s to load before the seeded hash
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, '}', '('});
        for (long a = 0; a < 20_000; a++) {
            long v = (a << 32) | a;
            byte[] le = BigInteger.valueOf(v).toByteArray(); // big-endian, minimal, signed
            p.write(0x8a); // LONG1
            p.write(le.length);
            for (int i = le.length - 1; i >= 0; i--) {
                p.write(le[i]);
            }
            p.write(0x85); // TUPLE1
            p.write('N');
        }
        p.write('u');
        p.write('.');
        Map<?, ?> d = (Map<?, ?>) Pickle.loads(p.toByteArray());
        assertEquals(20_000, d.size());
        assertTrue(d.containsKey(Tuple.of((19_999L << 32) | 19_999L)));
    }
}
