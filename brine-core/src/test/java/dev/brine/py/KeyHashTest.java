package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tuples hash by a seeded mix ({@link KeyHash}), so the values Java's own hashes collide on do not
 * collide as tuple keys, and equal tuples still hash equal.
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
