package dev.brine.py;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The hash of a {@link Tuple}: seeded per JVM and mixed, so that a file cannot choose keys that
 * collide. Java's own hashes collide on purpose-built values ({@code Long.hashCode} is 0 for every
 * {@code (a << 32) | a}, {@code "Aa"} and {@code "BB"} share a {@code String.hashCode}), and a
 * HashMap of keys that are not {@link Comparable}, as tuples are not, then takes linear time per
 * insert: a 500 KB pickle of 50,000 colliding one-tuples as dict keys took 99 s to show, one whose
 * keys shared a 65,000-leaf tuple 47 s for 800 keys. Python seeds its str and bytes hashes the same
 * way (PYTHONHASHSEED). Equal values hash equal, as {@link Tuple#equals} needs: each kind of value is
 * hashed from what its {@code equals} compares.
 */
final class KeyHash {
    // unpredictable to whoever writes the file, without SecureRandom, which would hold /dev/urandom open
    private static final long SEED = java.util.concurrent.ThreadLocalRandom.current().nextLong() ^ System.nanoTime();

    private KeyHash() {
    }

    /** The 64-bit hash of one tuple item. */
    static long of(Object o) {
        if (o == null) {
            return mix(SEED + 1);
        }
        if (o instanceof String) {
            return ofChars((String) o);
        }
        if (o instanceof Long) {
            return mix(SEED ^ (Long) o);
        }
        if (o instanceof Double) {
            return mix(SEED ^ Long.rotateLeft(Double.doubleToLongBits((Double) o), 17) ^ 0x5DEECE66DL);
        }
        if (o instanceof Tuple) {
            return ((Tuple) o).keyHash();
        }
        if (o instanceof byte[]) {
            return ofBytes((byte[]) o);
        }
        if (o instanceof BigInteger) {
            BigInteger b = (BigInteger) o;
            return mix(SEED ^ b.longValue() ^ ((long) b.bitLength() << 48) ^ b.hashCode());
        }
        if (o.getClass().isArray()) { // long[], Object[]...: Arrays.deepEquals compares them by content
            return mix(SEED ^ Arrays.deepHashCode(new Object[] {o}));
        }
        return mix(SEED ^ o.hashCode()); // Boolean, Complex, FrozenSet, the caller's own types
    }

    /** Folds one more item's hash into a running tuple hash (order matters, as in a tuple). */
    static long combine(long h, long item) {
        return mix(h * 0x9E3779B97F4A7C15L + item);
    }

    /** The start of a tuple's running hash. */
    static long start(int length) {
        return mix(SEED ^ ((long) length << 32));
    }

    private static long ofChars(String s) {
        long h = SEED ^ s.length();
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31; // a non-linear step per character: no seed-independent collisions of the FNV kind
        }
        return mix(h);
    }

    private static long ofBytes(byte[] b) {
        long h = ~SEED ^ b.length;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
        }
        return mix(h);
    }

    /** SplitMix64's finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
