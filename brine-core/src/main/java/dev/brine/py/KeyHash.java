package dev.brine.py;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * The hash of the values a file builds keys from: seeded per JVM and mixed, so that a file cannot
 * choose keys that collide. Java's own hashes collide on purpose-built values ({@code Long.hashCode}
 * is 0 for every {@code (a << 32) | a}, {@code "Aa"} and {@code "BB"} share a {@code String.hashCode},
 * a {@code LocalDateTime}'s hash XORs its date's and time's), and a HashMap of keys that are not
 * {@link Comparable}, as tuples are not, then takes linear time per insert: a 500 KB pickle of 50,000
 * colliding one-tuples as dict keys took 99 s to show, one whose keys shared a 65,000-leaf tuple 47 s
 * for 800 keys. Python seeds its str and bytes hashes the same way (PYTHONHASHSEED).
 *
 * <p>Used by {@link Tuple#hashCode}, {@link FrozenSet}'s order and {@link Complex#hashCode}, for
 * every value inside them: a tuple of BigIntegers, Decimals, datetimes or timedeltas whose Java hashes
 * collide (20,000 as dict keys took 4 s each) hashes by their content here. Equal values hash equal:
 * each kind of value is hashed from exactly what its {@code equals} compares. Every value a pickle can
 * hold is hashed from its content; only other classes (generic objects by identity, the caller's own)
 * fall back to their {@code hashCode}.
 */
final class KeyHash {
    // unpredictable to whoever writes the file, without SecureRandom, which would hold /dev/urandom open
    private static final long SEED = java.util.concurrent.ThreadLocalRandom.current().nextLong() ^ System.nanoTime();

    private KeyHash() {
    }

    /** The 64-bit hash of one value. */
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
            return ofDouble((Double) o);
        }
        if (o instanceof Tuple) {
            return ((Tuple) o).keyHash();
        }
        if (o instanceof FrozenSet) {
            return ((FrozenSet) o).keyHash();
        }
        if (o instanceof java.util.Set) { // equals a FrozenSet of the same items, so hashes as one (never cached: it may change)
            long sum = 0;
            for (Object item : (java.util.Set<?>) o) {
                sum += setItem(item);
            }
            return ofSet(((java.util.Set<?>) o).size(), sum);
        }
        if (o instanceof byte[]) {
            return ofBytes((byte[]) o);
        }
        if (o instanceof BigInteger) {
            // its hashCode is a polynomial of its 32-bit words: ints of 128 bits and more collide at will
            return ofBytes(((BigInteger) o).toByteArray()) ^ 0x2545F4914F6CDD1DL;
        }
        if (o instanceof Complex) {
            Complex c = (Complex) o;
            // + 0.0 makes -0.0 0.0: Complex.equals takes the two zeros as equal, as Python does
            return pair(0xC0, ofDouble(c.real() + 0.0), ofDouble(c.imag() + 0.0));
        }
        if (o instanceof Global) {
            Global g = (Global) o;
            return pair(0x61, of(g.module()), of(g.name()));
        }
        if (o instanceof BigDecimal) { // equals compares the unscaled value and the scale (1.0 != 1.00)
            BigDecimal d = (BigDecimal) o;
            return pair(0xDE, of(d.unscaledValue()), d.scale());
        }
        if (isTime(o)) {
            return ofTime(o);
        }
        if (o.getClass().isArray()) { // long[], Object[]...: Arrays.deepEquals compares them by content
            return ofArray(o);
        }
        return mix(SEED ^ o.hashCode()); // Boolean, Integer, GenericObject (identity), the caller's own types
    }

    /**
     * Whether {@code o}'s hash can never change, so that a tuple or frozenset holding it may cache its
     * own: then one shared by many keys is hashed once, not once per use.
     */
    static boolean isStable(Object o) {
        return o == null || o instanceof String || o instanceof Long || o instanceof Double || o instanceof Boolean
                || o instanceof BigInteger || o instanceof BigDecimal || o instanceof Complex || o instanceof Global
                || isTime(o) || (o instanceof Tuple && ((Tuple) o).isHashCached())
                || (o instanceof FrozenSet && ((FrozenSet) o).isHashCached());
    }

    /** A seeded spread of a Java hash code, for tables a file must not crowd ({@link HashCounts}). */
    static int spread(int code) {
        long h = mix(SEED ^ code);
        return (int) (h ^ (h >>> 32));
    }

    /** Folds one more item's hash into a running tuple hash (order matters, as in a tuple). */
    static long combine(long h, long item) {
        return mix(h * 0x9E3779B97F4A7C15L + item);
    }

    /** The start of a tuple's running hash. */
    static long start(int length) {
        return mix(SEED ^ ((long) length << 32));
    }

    /**
     * The hash of a set of items, from its size and the sum of its items' hashes: the same whatever
     * the order, as a set's equality is. Each item's hash is mixed once more before the sum, so that
     * sums of different items meet no more often than chance.
     */
    static long ofSet(int size, long sumOfItemHashes) {
        return mix(~SEED ^ ((long) size << 40) ^ sumOfItemHashes);
    }

    /**
     * The hash of one set item, as {@link #ofSet} sums them. An array is a set item by identity (a Java set's
     * {@code equals} and {@code contains} compare arrays so, where a tuple compares them by content), so its
     * identity is hashed: two sets of equal-content arrays are unequal and must not compare as 0.
     */
    static long setItem(Object o) {
        long item = o != null && o.getClass().isArray() ? mix(SEED ^ System.identityHashCode(o)) : of(o);
        return mix(item + 0x632BE59BD9B4E019L);
    }

    private static long pair(long tag, long a, long b) {
        return combine(combine(start(-(int) tag), a), b);
    }

    private static long ofDouble(double d) {
        // Double.equals and a record's equals compare doubleToLongBits: one NaN, -0.0 apart from 0.0
        return mix(SEED ^ Long.rotateLeft(Double.doubleToLongBits(d), 17) ^ 0x5DEECE66DL);
    }

    /** Whether {@code o} is one of the (final, immutable) java.time types Python's datetime values read as. */
    private static boolean isTime(Object o) {
        return o instanceof LocalDate || o instanceof LocalTime || o instanceof LocalDateTime || o instanceof OffsetDateTime
                || o instanceof OffsetTime || o instanceof Duration || o instanceof ZoneOffset;
    }

    /** The java.time values a pickle reads as, each from the fields its equals compares. */
    private static long ofTime(Object o) {
        if (o instanceof LocalDate) {
            return pair(0xD1, ((LocalDate) o).toEpochDay(), 0);
        }
        if (o instanceof LocalTime) {
            return pair(0xD2, ((LocalTime) o).toNanoOfDay(), 0);
        }
        if (o instanceof LocalDateTime) {
            LocalDateTime t = (LocalDateTime) o;
            return pair(0xD3, t.toLocalDate().toEpochDay(), t.toLocalTime().toNanoOfDay());
        }
        if (o instanceof OffsetDateTime) {
            OffsetDateTime t = (OffsetDateTime) o;
            return combine(of(t.toLocalDateTime()), t.getOffset().getTotalSeconds());
        }
        if (o instanceof OffsetTime) {
            OffsetTime t = (OffsetTime) o;
            return pair(0xD4, t.toLocalTime().toNanoOfDay(), t.getOffset().getTotalSeconds());
        }
        if (o instanceof Duration) {
            Duration d = (Duration) o;
            return pair(0xD5, d.getSeconds(), d.getNano());
        }
        return pair(0xD6, ((ZoneOffset) o).getTotalSeconds(), 0); // the last of isTime's types
    }

    /** An array by content, item by item, as {@code Arrays.deepEquals} compares it. */
    private static long ofArray(Object array) {
        int n = Array.getLength(array);
        long h = start(n) ^ 0xA5A5L;
        for (int i = 0; i < n; i++) {
            h = combine(h, of(Array.get(array, i))); // boxed: Float and Integer hash by their bits, as equals compares
        }
        return h;
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
