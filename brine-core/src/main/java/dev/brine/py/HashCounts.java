package dev.brine.py;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * For {@link KeyGuard}: per Java hash code, how many keys of each class a dict or set holds. An
 * open-addressing table (no boxing, no object per key: it is built for big dicts), probed from a
 * seeded spread of the hash code so that a file cannot crowd one stretch of it either. Almost every
 * code has keys of one class only; the rare codes where classes meet keep the others apart.
 */
final class HashCounts {
    // two longs per slot, side by side for one cache line: the hash code and the number of keys with it
    // (0: an empty slot); the index in `classes` of the first key's class and how many keys are of it
    private long[] slots;
    private int capacity;
    private Class<?>[] classes = new Class<?>[4]; // every class met, by index: a handful
    private int classCount;
    private final Map<Integer, Others> others = new HashMap<>(); // codes with keys of more than one class
    private int used;

    HashCounts(int expected) {
        capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1; // load at most 1/2
        slots = new long[capacity * 2];
    }

    /** The slot of {@code code}: where its counts are, or the empty slot where they would go. */
    int slot(int code) {
        int mask = capacity - 1;
        int i = KeyHash.spread(code) & mask;
        long s;
        while ((s = slots[2 * i]) != 0 && (int) (s >>> 32) != code) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The keys in {@code slot}. */
    int total(int slot) {
        return (int) slots[2 * slot];
    }

    /** The keys of class {@code c} in {@code slot}. */
    int count(int slot, Class<?> c) {
        if (total(slot) == 0) {
            return 0;
        }
        long first = slots[2 * slot + 1];
        if (classes[(int) (first >>> 32)] == c) {
            return (int) first;
        }
        Others o = others.get((int) (slots[2 * slot] >>> 32));
        return o == null ? 0 : o.count(c);
    }

    /** Counts one more key of class {@code c} with hash code {@code code}, which {@link #slot} put in {@code slot}. */
    void add(int slot, int code, Class<?> c) {
        int at = 2 * slot;
        if (slots[at] == 0) {
            slots[at] = (long) code << 32 | 1;
            slots[at + 1] = (long) indexOf(c) << 32 | 1;
            if (++used * 2 > capacity) {
                grow();
            }
            return;
        }
        slots[at]++;
        if (classes[(int) (slots[at + 1] >>> 32)] == c) {
            slots[at + 1]++;
        } else {
            others.computeIfAbsent(code, k -> new Others()).add(c);
        }
    }

    /** The names of the classes in {@code slot} and of {@code also}, for a message. */
    String classes(int slot, Class<?> also) {
        StringJoiner j = new StringJoiner(", ");
        boolean seen = false;
        if (total(slot) != 0) {
            Class<?> first = classes[(int) (slots[2 * slot + 1] >>> 32)];
            j.add(first.getSimpleName());
            seen = first == also;
            Others o = others.get((int) (slots[2 * slot] >>> 32));
            for (int k = 0; o != null && k < o.kinds; k++) {
                j.add(o.classes[k].getSimpleName());
                seen |= o.classes[k] == also;
            }
        }
        if (!seen) {
            j.add(also.getSimpleName());
        }
        return j.toString();
    }

    private int indexOf(Class<?> c) {
        for (int k = 0; k < classCount; k++) {
            if (classes[k] == c) {
                return k;
            }
        }
        if (classCount == classes.length) {
            classes = Arrays.copyOf(classes, classCount * 2);
        }
        classes[classCount] = c;
        return classCount++;
    }

    private void grow() {
        long[] old = slots;
        capacity *= 2;
        slots = new long[capacity * 2];
        for (int k = 0; k < old.length; k += 2) {
            if (old[k] != 0) {
                int i = slot((int) (old[k] >>> 32));
                slots[2 * i] = old[k];
                slots[2 * i + 1] = old[k + 1];
            }
        }
    }

    /** The classes after the first among the keys with one hash code: a few at most. */
    private static final class Others {
        private Class<?>[] classes = new Class<?>[2];
        private int[] counts = new int[2];
        private int kinds;

        int count(Class<?> c) {
            for (int k = 0; k < kinds; k++) {
                if (classes[k] == c) {
                    return counts[k];
                }
            }
            return 0;
        }

        void add(Class<?> c) {
            for (int k = 0; k < kinds; k++) {
                if (classes[k] == c) {
                    counts[k]++;
                    return;
                }
            }
            if (kinds == classes.length) {
                classes = Arrays.copyOf(classes, kinds * 2);
                counts = Arrays.copyOf(counts, kinds * 2);
            }
            classes[kinds] = c;
            counts[kinds++] = 1;
        }
    }
}
