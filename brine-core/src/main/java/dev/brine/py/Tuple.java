package dev.brine.py;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A Python tuple: immutable, ordered, compared by value. It deliberately does not implement
 * {@link List}, so that a tuple never equals a list, just as in Python ({@code (1,) != [1]}).
 */
public final class Tuple implements Iterable<Object> {
    private static final Tuple EMPTY = new Tuple(new Object[0]);
    private final Object[] items;
    // cached once computed from values that cannot change (see keyHash); 0 = not yet. One field, as in
    // String: a thread that sees it non-zero sees the whole value (no flag written apart from it)
    private long hash;
    // Hashing's verdict on this tuple as a key, once given: its size and height packed (see
    // Hashing.shape); 0 = not yet. A tuple cannot change, so the verdict cannot either
    private int hashableShape;

    private Tuple(Object[] items) {
        this.items = items;
    }

    /** A tuple of the given items (copied; {@code null} items stand for Python's None). */
    public static Tuple of(Object... items) {
        return items.length == 0 ? EMPTY : new Tuple(items.clone());
    }

    /** A tuple of the items of a list, in order. */
    public static Tuple copyOf(List<?> items) {
        return items.isEmpty() ? EMPTY : new Tuple(items.toArray());
    }

    /** The empty tuple. */
    public static Tuple empty() {
        return EMPTY;
    }

    /** Wraps an array that the caller promises never to touch again (used by the unpickler). */
    static Tuple adopt(Object[] items) {
        return items.length == 0 ? EMPTY : new Tuple(items);
    }

    /**
     * Puts {@code replacement} wherever {@code placeholder} stands among the items, for the unpickler
     * only, on a tuple it built itself and has not handed out yet: numpy's object arrays exist before
     * their items in Python, so a tuple among an array's items may hold the array, which Brine can make
     * only after the tuple. Forgets the cached hash and hashability verdict, which may have changed.
     * Returns whether anything was replaced.
     */
    boolean replace(Object placeholder, Object replacement) {
        boolean replaced = false;
        for (int i = 0; i < items.length; i++) {
            if (items[i] == placeholder) {
                items[i] = replacement;
                replaced = true;
            }
        }
        if (replaced) {
            hash = 0;
            hashableShape = 0;
        }
        return replaced;
    }

    /** The item at {@code index}. */
    public Object get(int index) {
        return items[index];
    }

    /** The number of items. */
    public int size() {
        return items.length;
    }

    /** Whether the tuple has no items. */
    public boolean isEmpty() {
        return items.length == 0;
    }

    /** An unmodifiable list view of the items. */
    public List<Object> asList() {
        return Collections.unmodifiableList(Arrays.asList(items));
    }

    /** A copy of the items. */
    public Object[] toArray() {
        return items.clone();
    }

    @Override
    public Iterator<Object> iterator() {
        return asList().iterator();
    }

    /**
     * Item by item, as Python compares tuples (an item's own {@code equals}, arrays by content). Tuples
     * inside are compared from a work list, not by recursion: a tuple read from a file may nest thousands
     * deep (CPython loads and compares a 5 KB pickle of one 5,000 deep), which overflowed the Java stack.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tuple)) {
            return false;
        }
        ArrayDeque<Tuple> todo = null; // pairs: a, b, a, b, ...
        Tuple a = this;
        Tuple b = (Tuple) o;
        while (true) {
            if (a.items.length != b.items.length || a.hash != 0 && b.hash != 0 && a.hash != b.hash) {
                return false;
            }
            for (int i = 0; i < a.items.length; i++) {
                Object x = a.items[i];
                Object y = b.items[i];
                if (x == y) {
                    continue;
                }
                if (x instanceof Tuple && y instanceof Tuple) {
                    if (todo == null) {
                        todo = new ArrayDeque<>();
                    }
                    todo.push((Tuple) x);
                    todo.push((Tuple) y);
                } else if (x == null || y == null || !(x.getClass().isArray()
                        ? Arrays.deepEquals(new Object[] {x}, new Object[] {y}) : x.equals(y))) {
                    return false;
                }
            }
            if (todo == null || todo.isEmpty()) {
                return true;
            }
            b = todo.pop();
            a = todo.pop();
        }
    }

    /** Seeded per JVM, so files cannot pick colliding keys: see {@link KeyHash}. */
    @Override
    public int hashCode() {
        long h = keyHash();
        return (int) (h ^ (h >>> 32));
    }

    /**
     * The 64-bit hash behind {@link #hashCode}, which a tuple inside this one folds in. Tuples inside whose
     * hash is not cached are hashed from a work list of partly hashed tuples rather than by recursion (see
     * {@link #equals}: a tuple may nest thousands deep).
     */
    long keyHash() {
        long cached = hash;
        if (cached != 0) {
            return cached;
        }
        for (Object item : items) {
            if (item instanceof Tuple && ((Tuple) item).hash == 0) {
                return keyHashOfNested();
            }
        }
        return hashItems();
    }

    /** A tuple being hashed: how many items are folded in, into what, and whether all of them can be cached. */
    private static final class PartialHash {
        final Tuple tuple;
        int next;
        long h;
        boolean stable = true;

        PartialHash(Tuple tuple) {
            this.tuple = tuple;
            h = KeyHash.start(tuple.items.length);
        }

        void fold(long itemHash, boolean itemStable) {
            h = KeyHash.combine(h, itemHash);
            stable &= itemStable;
            next++;
        }
    }

    private long keyHashOfNested() {
        ArrayDeque<PartialHash> outer = new ArrayDeque<>();
        PartialHash p = new PartialHash(this);
        while (true) {
            if (p.next < p.tuple.items.length) {
                Object item = p.tuple.items[p.next];
                if (item instanceof Tuple && ((Tuple) item).hash == 0) {
                    outer.push(p);
                    p = new PartialHash((Tuple) item);
                } else {
                    p.fold(KeyHash.of(item), KeyHash.isStable(item));
                }
                continue;
            }
            long h = p.tuple.cache(p.h, p.stable);
            if (outer.isEmpty()) {
                return h;
            }
            p = outer.pop();
            p.fold(h, p.tuple.items[p.next] instanceof Tuple && ((Tuple) p.tuple.items[p.next]).isHashCached());
        }
    }

    private long hashItems() {
        long h = KeyHash.start(items.length);
        boolean stable = true;
        for (Object item : items) {
            h = KeyHash.combine(h, KeyHash.of(item));
            stable &= KeyHash.isStable(item); // then a tuple shared by many keys is hashed once, not once per use
        }
        return cache(h, stable);
    }

    private long cache(long h, boolean stable) {
        if (h == 0) {
            h = 1; // 0 means "not cached" in the field, so no tuple hashes to 0
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

    /** See {@link Hashing#requireHashable}: the packed shape it found this tuple to have, or 0. */
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
