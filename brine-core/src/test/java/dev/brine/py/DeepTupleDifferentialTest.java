package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.brine.pickle.Pickle;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tuples nested thousands deep, which CPython loads and hashes (a 5 KB pickle nests 5,000 deep): Brine loads them as
 * values (only dict keys and set items are bounded, at {@link Hashing#MAX_KEY_DEPTH}), so hashing and comparing them
 * must not recurse per level: they threw StackOverflowError from 5,000 deep. CPython hashes equal ones alike and
 * tells them from ones whose innermost item differs; comparing two such tuples it stops with a RecursionError, where
 * Java's {@code equals} has an answer, which Brine gives.
 */
class DeepTupleDifferentialTest {
    private static final int[] DEPTHS = {5_000, 50_000};

    @Test
    void deepTuplesHashAndCompareAsInPython() throws IOException {
        Python.require();
        // per depth: the pickle of t = ((...(x,)...),) for x = 1, then x = 2, and what Python's set makes of them
        String out = Python.checkText(String.join("\n",
                "import pickle",
                "for n in " + java.util.Arrays.toString(DEPTHS).replace('[', '(').replace(']', ',') + "):",
                "    one, two = (b'\\x80\\x02K' + bytes([x]) + b'\\x85' * n + b'.' for x in (1, 2))",
                "    a, b, c = pickle.loads(one), pickle.loads(one), pickle.loads(two)",
                "    try:",
                "        a == b",
                "        compared = 'compared'",
                "    except RecursionError:",
                "        compared = 'RecursionError'",
                "    print(one.hex(), two.hex(), len({a}), hash(a) == hash(b), hash(a) == hash(c), compared)"));
        List<String> lines = out.lines().toList();
        assertEquals(DEPTHS.length, lines.size(), out);
        for (String line : lines) {
            String[] f = line.split(" ");
            assertEquals(List.of("1", "True", "False", "RecursionError"), List.of(f).subList(2, 6), "CPython");
            Object a = Pickle.loads(HexFormat.of().parseHex(f[0]));
            Object b = Pickle.loads(HexFormat.of().parseHex(f[0]));
            Object c = Pickle.loads(HexFormat.of().parseHex(f[1]));
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertNotEquals(a, c);
            Set<Object> set = new HashSet<>(List.of(a, b));
            assertEquals(1, set.size());
            set.add(c);
            assertEquals(2, set.size());
        }
    }

    /** A chain of tuples each holding a list is never cached (a list may change): hashed without recursion too. */
    @Test
    void aDeepChainOfTuplesHoldingListsHashesWithoutRecursion() throws IOException {
        Python.require();
        // ([0], ([0], ([0], ... ()))), 20,000 deep, made outermost first with MARK ... TUPLE (CPython's pickler
        // would recurse); CPython loads it (it is unhashable there, a list inside; a Java value hashes)
        String hex = Python.checkText(String.join("\n",
                "import pickle",
                "n = 20000",
                "b = b'\\x80\\x02' + b'(]K\\x00a' * n + b')' + b't' * n + b'.'",
                "t = pickle.loads(b)",
                "for _ in range(n):",
                "    assert type(t) is tuple and t[0] == [0]",
                "    t = t[1]",
                "assert t == ()",
                "print(b.hex())")).strip();
        Object a = Pickle.loads(HexFormat.of().parseHex(hex));
        Object b = Pickle.loads(HexFormat.of().parseHex(hex));
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a, b);
    }
}
