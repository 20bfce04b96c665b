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
    private static final FrozenSet EMPTY = new FrozenSet(Collections.emptySet());
    private final Set<Object> items;

    private FrozenSet(Set<Object> items) {
        this.items = items;
    }

    /** A frozenset of {@code items}, keeping their first-seen order. */
    public static FrozenSet copyOf(Collection<?> items) {
        return items.isEmpty() ? EMPTY : new FrozenSet(Collections.unmodifiableSet(new LinkedHashSet<>(items)));
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
