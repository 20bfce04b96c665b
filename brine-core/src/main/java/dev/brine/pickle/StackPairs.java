package dev.brine.pickle;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The key/value pairs SETITEMS finds on the unpickler's stack, seen as a {@link Map} for one
 * {@code HashMap.putAll} into a dict that is still empty. Why: an empty {@code HashMap} given a map
 * sizes its table for that map's {@code size()}, where puts one by one start from sixteen slots. A
 * record of five keys then holds an 8-slot table (48 bytes) instead of a 16-slot one (80 bytes),
 * and a 40-key dict skips two resizes. The unpickler keeps one instance and points it at each
 * SETITEMS's pairs in turn, so nothing is allocated per dict: the map, its entry set, the set's
 * iterator and the entry it hands out are all this one object (valid only until the next call of
 * {@code next()}, as {@code putAll} uses them). Not a general-purpose map.
 */
final class StackPairs extends AbstractMap<Object, Object> {
    private final Cursor cursor = new Cursor();
    private final Set<Map.Entry<Object, Object>> entries = new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<Object, Object>> iterator() {
            cursor.next = cursor.from;
            return cursor;
        }

        @Override
        public int size() {
            return StackPairs.this.size();
        }
    };

    /** Points this map at the pairs {@code items[from..to)}: key, value, key, value, ... */
    StackPairs over(Object[] items, int from, int to) {
        cursor.items = items;
        cursor.from = from;
        cursor.to = to;
        return this;
    }

    @Override
    public int size() {
        return (cursor.to - cursor.from) / 2;
    }

    @Override
    public Set<Map.Entry<Object, Object>> entrySet() {
        return entries;
    }

    /** The iterator and, between two calls of {@code next()}, the entry it returned. */
    private static final class Cursor implements Iterator<Map.Entry<Object, Object>>, Map.Entry<Object, Object> {
        Object[] items;
        int from;
        int to;
        int next;
        private int current;

        @Override
        public boolean hasNext() {
            return next < to;
        }

        @Override
        public Map.Entry<Object, Object> next() {
            if (next >= to) {
                throw new NoSuchElementException();
            }
            current = next;
            next += 2;
            return this;
        }

        @Override
        public Object getKey() {
            return items[current];
        }

        @Override
        public Object getValue() {
            return items[current + 1];
        }

        @Override
        public Object setValue(Object value) {
            throw new UnsupportedOperationException();
        }
    }
}
