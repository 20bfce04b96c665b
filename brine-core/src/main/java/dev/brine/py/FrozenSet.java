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
 */
public final class FrozenSet extends AbstractSet<Object> {
    private final Set<Object> items;

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

    @Override
    public String toString() {
        return PythonRepr.repr(this);
    }
}
