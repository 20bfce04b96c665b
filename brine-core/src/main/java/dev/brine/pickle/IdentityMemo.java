package dev.brine.pickle;

import java.util.Arrays;

/**
 * The pickler's memo: object identity to memo index, like CPython's {@code PyMemoTable}. Open
 * addressing over two parallel arrays, so a lookup allocates nothing (an IdentityHashMap would box
 * every index).
 */
final class IdentityMemo {
    private Object[] keys = new Object[64];
    private int[] values = new int[64];
    private int size;

    /** The index stored for {@code key}, or -1. */
    int get(Object key) {
        Object[] k = keys;
        int mask = k.length - 1;
        int i = hash(key) & mask;
        while (true) {
            Object e = k[i];
            if (e == key) {
                return values[i];
            }
            if (e == null) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    /** Stores {@code index} for {@code key}, which must not be present. */
    void put(Object key, int index) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(keys, values, key, index);
        size++;
    }

    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(keys, null);
        size = 0;
    }

    private void grow() {
        Object[] oldKeys = keys;
        int[] oldValues = values;
        Object[] newKeys = new Object[oldKeys.length * 2];
        int[] newValues = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insert(newKeys, newValues, oldKeys[i], oldValues[i]);
            }
        }
        keys = newKeys;
        values = newValues;
    }

    private static void insert(Object[] k, int[] v, Object key, int index) {
        int mask = k.length - 1;
        int i = hash(key) & mask;
        while (k[i] != null) {
            i = (i + 1) & mask;
        }
        k[i] = key;
        v[i] = index;
    }

    private static int hash(Object key) {
        int h = System.identityHashCode(key);
        return h ^ (h >>> 16) * 0x9E3779B1;
    }
}
