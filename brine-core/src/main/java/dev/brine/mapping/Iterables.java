package dev.brine.mapping;

import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the builtin reconstructors ({@code set}, {@code frozenset}, {@code bytes}, {@code bytearray})
 * get by iterating an argument, as CPython iterates it, and the Python type names CPython's
 * refusals print ({@link PythonTypeNames}). Only the values a pickle reads as are iterated: anything else (a generic object,
 * whose {@code __iter__} Brine never runs) is not.
 */
final class Iterables {
    private Iterables() {
    }

    /**
     * The items iterating {@code v} gives in Python, in its order: a str's characters (code points,
     * each a str; each distinct one once, which is all a set keeps of them), a dict's keys, the ints
     * of bytes or a bytearray, the items of a list, tuple, set or frozenset; null when Brine does not
     * iterate {@code v}. A list or tuple is a view, bytes a view made as it is read.
     */
    static List<?> itemsOf(Object v) {
        if (v instanceof List) {
            return (List<?>) v;
        }
        if (v instanceof Tuple) {
            return ((Tuple) v).asList();
        }
        if (v instanceof Set || v instanceof Map) {
            return new ArrayList<>(v instanceof Set ? (Set<?>) v : ((Map<?, ?>) v).keySet());
        }
        if (v instanceof String) {
            return distinctCharacters((String) v);
        }
        if (v instanceof byte[] || v instanceof ByteArray) {
            byte[] b = v instanceof byte[] ? (byte[]) v : ((ByteArray) v).array();
            return new AbstractList<Long>() {
                @Override
                public Long get(int i) {
                    return (long) (b[i] & 0xff);
                }

                @Override
                public int size() {
                    return b.length;
                }
            };
        }
        return null;
    }

    /** Whether {@link #itemsOf} iterates {@code v}, without making its items. */
    static boolean isIterable(Object v) {
        return v instanceof List || v instanceof Tuple || v instanceof Set || v instanceof Map || v instanceof String
                || v instanceof byte[] || v instanceof ByteArray;
    }

    /**
     * A str's distinct characters in first-seen order: a str of a million equal characters gives
     * one, not a million strings for the set to drop (the call read through the whole str all the
     * same; the unpickler charges a call's str arguments for that).
     */
    private static List<String> distinctCharacters(String s) {
        BitSet seen = new BitSet(); // grows to the highest code point met: a few words for ASCII
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (!seen.get(cp)) {
                seen.set(cp);
                out.add(new String(Character.toChars(cp)));
            }
        }
        return out;
    }

    /**
     * Whether CPython would refuse {@code v} as not iterable (and not a number for complex(), not a
     * count for bytes()): the scalar types a pickle holds. A generic object or an array may be
     * iterable in Python, so it is refused in Brine's own words instead.
     */
    static boolean isPlainScalar(Object v) {
        return v == null || v instanceof Boolean || v instanceof Long || v instanceof BigInteger || v instanceof Double
                || v instanceof Complex || v instanceof BigDecimal || PythonTypeNames.isInertDecimal(v) || PythonTypeNames.isTime(v);
    }

    /**
     * The order CPython 3.11 iterates a set of {@code ints} (distinct, each in range(256), so its own
     * hash) in, when it was built by adding them one at a time in this order to an empty set, as
     * every set and frozenset a pickle writes is built: by the slot each lands in, of setobject.c's
     * table (8 slots at first, linear probes of 9, then perturbation; grown fourfold when 3/5 full).
     * {@code bytearray(s)} takes the bytes in that order.
     */
    static int[] setOrder(int[] ints) {
        int[] table = emptyTable(8);
        int used = 0;
        for (int v : ints) {
            insert(table, v);
            used++;
            if (used * 5 >= (table.length - 1) * 3) {
                table = resized(table, used * 4);
            }
        }
        return Arrays.stream(table).filter(v -> v >= 0).toArray();
    }

    private static int[] emptyTable(int size) {
        int[] table = new int[size];
        Arrays.fill(table, -1);
        return table;
    }

    /** set_table_resize: the smallest power of two above {@code minUsed}, refilled in the old table's order. */
    private static int[] resized(int[] old, int minUsed) {
        int size = 8;
        while (size <= minUsed) {
            size <<= 1;
        }
        int[] table = emptyTable(size);
        for (int v : old) {
            if (v >= 0) {
                insert(table, v);
            }
        }
        return table;
    }

    /** set_add_entry / set_insert_clean for a new key: its hash's slot, then the probe sequence. */
    private static void insert(int[] table, int hash) {
        int mask = table.length - 1;
        int i = hash & mask;
        long perturb = hash;
        while (true) {
            int probes = i + 9 <= mask ? 9 : 0;
            for (int j = i; j <= i + probes; j++) {
                if (table[j] < 0) {
                    table[j] = hash;
                    return;
                }
            }
            perturb >>>= 5;
            i = (int) ((i * 5L + 1 + perturb) & mask);
        }
    }
}
