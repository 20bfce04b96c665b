package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.py.ByteArray;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Dict keys and set items through the Pickler, against CPython 3.11 building the same value: where
 * Python refuses to make it ({@code TypeError: unhashable type: 'list'}) Brine refuses to write it
 * with that message (no reader, CPython's or Brine's, would load it); where Python makes it, Brine
 * writes CPython's bytes, at protocols 0 to 5.
 */
class UnhashableKeyDifferentialTest {
    private static Map<String, Object> cases() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("{[1]: 2}", dict(new ArrayList<>(List.of(1L)), 2L));
        c.put("{(1, [2]): 3}", dict(Tuple.of(1L, new ArrayList<>(List.of(2L))), 3L));
        c.put("{(1, (2, {})): 3}", dict(Tuple.of(1L, Tuple.of(2L, new LinkedHashMap<>())), 3L));
        c.put("{bytearray(b'\\x02'): 2}", dict(new ByteArray(new byte[] {2}), 2L));
        c.put("{frozenset([(1, [2])]): 3}", dict(FrozenSet.of(Tuple.of(1L, new ArrayList<>(List.of(2L)))), 3L));
        c.put("{'a': 1, 'b': 2, {1}: 3}", dict("a", 1L, "b", 2L, new LinkedHashSet<>(List.of(1L)), 3L));
        c.put("{(1, [2]): 3}  # a Java array writes as a tuple", dict(new Object[] {1L, new ArrayList<>(List.of(2L))}, 3L));
        c.put("{{}}", set(new LinkedHashMap<>()));
        c.put("{(1, [])}", set(Tuple.of(1L, new ArrayList<>())));
        c.put("frozenset([bytearray(b'')])", FrozenSet.of(new ByteArray(new byte[0])));
        // one item per set: Python orders a set by hash, and str hashes are seeded per process
        c.put("{'k': 1, 2: {(1, 'a')}, 3: {frozenset([3])}, (4.5, None, True, b'x', 10**30): 'v'}",
                dict("k", 1L, 2L, set(Tuple.of(1L, "a")), 3L, set(FrozenSet.of(3L)),
                        Tuple.of(4.5, null, true, new byte[] {'x'}, BigInteger.TEN.pow(30)), "v"));
        c.put("{(1, (2, 3)): [1], frozenset(): ()}", dict(Tuple.of(1L, Tuple.of(2L, 3L)), new ArrayList<>(List.of(1L)),
                FrozenSet.of(), Tuple.empty()));
        // the generic object of a class Python hashes by identity
        GenericObject instance = GenericObject.newObject(new Global("brine_keys", "Plain"), Tuple.empty());
        c.put("{Plain(): 1}", dict(instance, 1L));
        return c;
    }

    private static Map<Object, Object> dict(Object... kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Set<Object> set(Object... items) {
        return new LinkedHashSet<>(List.of(items));
    }

    @Test
    void brineRefusesWhatPythonCannotHashAndWritesTheRestAsCPython() throws IOException {
        Python.require();
        Map<String, Object> cases = cases();
        List<String> lines = new ArrayList<>();
        for (String expr : cases.keySet()) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + "\t" + expr);
            }
        }
        String setup = String.join("\n",
                "import pickle, sys, types",
                "m = types.ModuleType('brine_keys'); sys.modules['brine_keys'] = m",
                "class Plain: pass",
                "Plain.__module__ = 'brine_keys'; m.Plain = Plain",
                "def case(line):",
                "    p, expr = line.split('\\t')",
                "    try:",
                "        v = eval(expr)",
                "    except TypeError as e:",
                "        return 'TypeError: ' + str(e)",
                "    return pickle.dumps(v, int(p)).hex()");
        List<String> cpython = Python.eachLine(setup, "case(line)", null, lines);
        List<String> differences = new ArrayList<>();
        int i = 0;
        int refused = 0;
        for (Object value : cases.values()) {
            for (int p = 0; p <= 5; p++, i++) {
                String brine;
                try {
                    brine = HexFormat.of().formatHex(Pickle.dumps(value, p));
                } catch (PicklingException e) {
                    brine = "refused: " + e.getMessage();
                }
                String expected = cpython.get(i);
                boolean same = expected.startsWith("TypeError: ")
                        ? brine.startsWith("refused: ") && brine.contains(expected.substring("TypeError: ".length()))
                        : brine.equals(expected);
                if (!same) {
                    differences.add(lines.get(i) + "\n  CPython " + expected + "\n  Brine   " + brine);
                }
                refused += expected.startsWith("TypeError: ") ? 1 : 0;
            }
        }
        assertEquals("", String.join("\n", differences));
        assertEquals(10 * 6, refused, "cases CPython refuses");
    }
}
