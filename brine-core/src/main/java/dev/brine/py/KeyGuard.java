package dev.brine.py;

import dev.brine.BrineException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Fills the dicts and sets a file builds, and refuses keys picked to collide where no seeded hash
 * can help. Not part of the public API: the pickle reader and the builtin globals use it.
 *
 * <p>Brine's own key types hash by a seeded mix ({@link Tuple}, {@link Complex}) or are ordered by
 * one ({@link FrozenSet}), and many Strings, Longs, Doubles or {@link Global}s with one hash code stay
 * cheap, because each is {@link Comparable} to its own kind: a {@code HashMap} keeps a crowded bin as
 * a tree in that order. Two cases remain that Java's hash codes, public and fixed, leave open: keys of
 * different classes with one hash code (a Long cannot be compared with a Double, so each insert
 * searches the bin: 80,000 int and float keys, a 770 KB pickle, took 8 s to load), and keys of a class
 * that is not comparable to itself ({@code LocalDateTime} XORs its date's and its time's hash: 20,000
 * datetimes with one hash took 11 s). For those this guard counts, per hash code and class, the keys
 * an insert may have to walk past, and refuses the dict or set once the walks add up to more than
 * {@value #WALK_PER_KEY} per key (plus {@value #WALK_SLACK}). Python loads such a file; Brine says why
 * it will not, as its safety rule allows.
 *
 * <p>A collection whose keys are all of one class that stays cheap alone (the common case: a dict of
 * str keys) costs one class comparison per key; counting costs about as much again as the dict itself
 * (a 300,000-key dict of int, str and float keys: 30 to 80 ms; 200,000 datetime keys: 65 to 90 ms).
 * Collections below {@value #MIN_KEYS} keys are not guarded at all: no walk there is long.
 */
public final class KeyGuard {
    /** Dicts and sets smaller than this are filled without a guard. */
    public static final int MIN_KEYS = 128;
    /** The keys an insert may walk past, on average over the collection. */
    static final int WALK_PER_KEY = 32;
    /** Walks allowed beyond that average: one odd key in a crowded bin of another class is no attack. */
    static final int WALK_SLACK = 20_000;

    /** The classes that HashMap orders among themselves: many with one hash code cost a log each. */
    private static final Set<Class<?>> COMPARABLE = Set.of(String.class, Long.class, Double.class, Boolean.class,
            BigInteger.class, BigDecimal.class, LocalTime.class, OffsetDateTime.class, OffsetTime.class,
            Duration.class, ZoneOffset.class, FrozenSet.class, Global.class);
    /**
     * The classes of which many keys, all of one class, never share a hash code by a file's choice:
     * the comparable ones, the seeded ones, identity-hashed bytes and generic objects, and LocalDate,
     * whose hash is distinct for every date.
     */
    private static final Set<Class<?>> SAFE_ALONE;

    static {
        Set<Class<?>> s = new HashSet<>(COMPARABLE);
        s.addAll(Set.of(Tuple.class, Complex.class, byte[].class, GenericObject.class, LocalDate.class));
        SAFE_ALONE = Set.copyOf(s);
    }

    private final String what; // "dict" or "set", for the message
    private Class<?> only; // while every key is of this one SAFE_ALONE class: nothing to count
    private HashCounts counts; // once counting (null before): keys per hash code and class
    private long keys;
    private long walked;

    private KeyGuard(String what) {
        this.what = what;
    }

    /** A guard for a dict that already holds {@code existing} keys (they are looked at once). */
    public static KeyGuard forDict(Collection<?> existing) {
        return new KeyGuard("dict").seed(existing);
    }

    /** A guard for a set that already holds {@code existing} items. */
    public static KeyGuard forSet(Collection<?> existing) {
        return new KeyGuard("set").seed(existing);
    }

    /** A new set of {@code items} in their order, guarded when there are many. */
    public static LinkedHashSet<Object> newSet(Collection<?> items) throws BrineException {
        LinkedHashSet<Object> set = new LinkedHashSet<>(Math.max(16, (int) (items.size() / .75f) + 1));
        if (items.size() < MIN_KEYS) {
            set.addAll(items);
            return set;
        }
        KeyGuard g = new KeyGuard("set");
        for (Object item : items) {
            g.add(set, item);
        }
        return set;
    }

    /** A new frozenset of {@code items} in their order, guarded when there are many. */
    public static FrozenSet newFrozenSet(Collection<?> items) throws BrineException {
        return items.size() < MIN_KEYS ? FrozenSet.copyOf(items) : FrozenSet.adopt(newSet(items));
    }

    /** {@code map.put(key, value)}, unless the key makes the walks too long. */
    public void put(Map<Object, Object> map, Object key, Object value) throws BrineException {
        if (counts == null && admits(key)) {
            map.put(key, value);
            keys++;
            return;
        }
        if (counts == null) {
            count(map.keySet());
        }
        int code = hash(key);
        int slot = walk(key, code);
        int before = map.size();
        map.put(key, value);
        if (map.size() != before) {
            keys++;
            counts.add(slot, code, classOf(key));
        }
    }

    /** {@code set.add(item)}, unless the item makes the walks too long. */
    public void add(Set<Object> set, Object item) throws BrineException {
        if (counts == null && admits(item)) {
            set.add(item);
            keys++;
            return;
        }
        if (counts == null) {
            count(set);
        }
        int code = hash(item);
        int slot = walk(item, code);
        if (set.add(item)) {
            keys++;
            counts.add(slot, code, classOf(item));
        }
    }

    private KeyGuard seed(Collection<?> existing) {
        for (Object k : existing) {
            if (!admits(k)) {
                count(existing); // not all of one SAFE_ALONE class: count them all
                return this;
            }
            keys++;
        }
        return this;
    }

    /** Whether the key keeps the collection one of a single SAFE_ALONE class (deciding it on the first key). */
    private boolean admits(Object key) {
        Class<?> c = classOf(key);
        if (c == only) {
            return true;
        }
        if (only == null && keys == 0 && SAFE_ALONE.contains(c)) {
            only = c;
            return true;
        }
        return false;
    }

    /** Starts counting: the keys already in are all of the one class {@code only}, or none. */
    private void count(Collection<?> present) {
        counts = new HashCounts(present.size() + MIN_KEYS);
        keys = 0;
        for (Object k : present) {
            int code = hash(k);
            keys++;
            counts.add(counts.slot(code), code, classOf(k));
        }
    }

    /**
     * Charges the keys an insert of {@code key} may walk past, and refuses once they are too many.
     * Returns the slot of its hash code {@code code} in the counts.
     */
    private int walk(Object key, int code) throws BrineException {
        int slot = counts.slot(code);
        int total = counts.total(slot);
        if (total == 0) {
            return slot;
        }
        Class<?> c = classOf(key);
        // HashMap orders the keys of one comparable class, and walks past the others; a key of a class
        // that is not comparable walks past them all
        walked += COMPARABLE.contains(c) ? total - counts.count(slot, c) : total;
        if (walked > WALK_PER_KEY * (keys + 1) + WALK_SLACK) {
            throw new BrineException(what + " keys chosen to collide: " + (total + 1) + " keys of "
                    + counts.classes(slot, c) + " share the Java hash code " + code
                    + ", which Java's hash tables cannot order (" + keys + " keys in, " + walked
                    + " keys walked past); a file built so takes time quadratic in its size to load, so Brine refuses it");
        }
        return slot;
    }

    private static int hash(Object key) {
        return key == null ? 0 : key.hashCode();
    }

    private static Class<?> classOf(Object key) {
        return key == null ? Void.class : key.getClass();
    }
}
