package dev.brine.py;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A Python {@code frozenset}: immutable, iterating in the order its items were read or given.
 * Like in Python, a frozenset equals a set with the same items.
 *
 * <p><b>Hashing.</b> {@link #hashCode} is the one every {@link Set} has (the sum of its items' hash
 * codes), so that a frozenset and an equal {@code HashSet} or {@code Set.of(...)} hash alike and either
 * finds the other in a hash table. A file chooses those item hash codes, though: frozensets of
 * {@code (a << 32) | a} (whose {@code Long.hashCode} is 0) all hash to 0, and so do many ordinary ones
 * ({@code {1, 2}} and {@code {0, 3}} both hash to 3). So a frozenset is also {@link Comparable}, by a
 * hash of its items seeded afresh in each JVM ({@link KeyHash}), which a file cannot predict: a
 * {@code HashMap} keeps the keys of a crowded bin that are comparable to each other as a tree in that
 * order, and finds a frozenset key in logarithmic rather than linear time. Loading 20,000 frozensets of
 * colliding ints as dict keys took 10 s before, 0.1 s with the order.
 *
 * <p>The order serves hashing only: it differs from run to run, and two different frozensets compare
 * as equal (0) when their 64-bit seeded hashes meet, which happens with a chance of about 2<sup>-64</sup>
 * per pair (a {@code HashMap} then still tells them apart with {@code equals}). Equal frozensets always
 * compare as 0.
 */
public final class FrozenSet extends AbstractSet<Object> implements Comparable<FrozenSet> {
    private final Set<Object> items;
    // the seeded hash, cached once computed from items that cannot change; 0 = not yet (as in Tuple)
    private long hash;
    // the Set hash code, cached with a marker bit above it once computed from items that cannot
    // change (as hash is): a frozenset shared by many dict keys is summed once, not once per insert
    private long setHash;
    // Hashing's verdict on this frozenset as a key, as in Tuple; 0 = not yet
    private int hashableShape;

    private FrozenSet(Set<Object> items) {
        this.items = items;
    }

    /**
     * A new frozenset of {@code items}, keeping their first-seen order. Even an empty one is a new object:
     * CPython has no empty-frozenset singleton and memoizes each frozenset, so two empty frozensets read
     * from a pickle must stay two objects for the pickle to be written back the same.
     */
    public static FrozenSet copyOf(Collection<?> items) {
        return new FrozenSet(items.isEmpty() ? Collections.emptySet()
                : Collections.unmodifiableSet(new LinkedHashSet<>(items)));
    }

    /** A frozenset of the given items. */
    public static FrozenSet of(Object... items) {
        LinkedHashSet<Object> set = new LinkedHashSet<>();
        Collections.addAll(set, items);
        return copyOf(set);
    }

    /** Wraps a set that nobody else holds (the key guard has just filled it). */
    static FrozenSet adopt(LinkedHashSet<Object> items) {
        return new FrozenSet(items.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(items));
    }

    @Override
    public Iterator<Object> iterator() {
        return items.iterator();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public boolean contains(Object o) {
        return items.contains(o);
    }

    /**
     * Python's equality: the same items, whatever the order, also with a mutable {@link Set}. Two
     * frozensets of one size whose seeded hashes differ are told apart without looking at their items,
     * which keeps a hash table bin of many frozensets with one {@link #hashCode} cheap to walk.
     */
    @Override
    public boolean equals(Object o) {
        if (o instanceof FrozenSet && ((FrozenSet) o).size() == size() && ((FrozenSet) o).keyHash() != keyHash()) {
            return false;
        }
        return super.equals(o);
    }

    /** The sum of the items' hash codes, as for every {@link Set} (see the class comment). */
    @Override
    public int hashCode() {
        long cached = setHash;
        if (cached != 0) {
            return (int) cached;
        }
        int h = 0;
        boolean stable = true;
        for (Object item : items) {
            h += item == null ? 0 : item.hashCode();
            stable &= KeyHash.isStable(item);
        }
        if (stable) {
            setHash = (1L << 32) | (h & 0xFFFF_FFFFL);
        }
        return h;
    }

    /**
     * Orders frozensets by a seeded hash of their items, so that hash tables can find one among many
     * with the same {@link #hashCode}; see the class comment for what the order does and does not mean.
     */
    @Override
    public int compareTo(FrozenSet other) {
        return Long.compare(keyHash(), other.keyHash());
    }

    /** The seeded 64-bit hash behind {@link #compareTo}, which a tuple or frozenset holding this one folds in. */
    long keyHash() {
        long cached = hash;
        if (cached != 0) {
            return cached;
        }
        long sum = 0;
        boolean stable = true;
        for (Object item : items) {
            sum += KeyHash.setItem(item); // a sum: the same in any order, as the set's equality is
            stable &= KeyHash.isStable(item);
        }
        long h = KeyHash.ofSet(items.size(), sum);
        if (h == 0) {
            h = 1; // 0 means "not cached"
        }
        if (stable) {
            hash = h;
        }
        return h;
    }

    /** Whether {@link #keyHash} is cached, which it is once computed when no item can change. */
    boolean isHashCached() {
        return hash != 0;
    }

    /** See {@link Hashing#requireHashable}: the packed shape it found this frozenset to have, or 0. */
    int hashableShape() {
        return hashableShape;
    }

    void hashableShape(int shape) {
        hashableShape = shape;
    }

    @Override
    public String toString() {
        return PythonRepr.repr(this);
    }
}
