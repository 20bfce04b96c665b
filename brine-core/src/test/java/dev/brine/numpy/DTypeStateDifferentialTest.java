package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.pickle.Pickle;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-made {@code numpy.dtype} BUILD states against the installed numpy's {@code arraydescr_setstate}: a state numpy
 * refuses is refused, one it accepts gives the same dtype (compared by numpy, loading what Brine writes back). Brine
 * used to accept 10-item states, versions 7 and -1, and an empty or two-character byte order, and to refuse a byte
 * order numpy takes as native ('x') and a bool for the flags.
 */
class DTypeStateDifferentialTest {
    /** (numpy.dtype's arguments, the BUILD state), as Python literals; dt is numpy.dtype. */
    private static final List<String> CASES = List.of(
            "('f8', False, True), (3, '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1, 0, None, None)", // 10 items
            "('f8', False, True), (3, '<', None, None)", // 4 items
            "('f8', False, True), ()",
            "('f8', False, True), (7, '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (-1, '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (5, '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (2, '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (1, '>', None, None, None, -1, -1, 0)",
            "('f8', False, True), (0, '>', None, None, None, -1, -1, 0)",
            "('f8', False, True), (4, '>', None, None, None, -1, -1, 0)",
            "('f8', False, True), (True, '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3.0, '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), ('3', '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (2**40, '<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, '', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, '<<', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, 'x', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, '=', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, '>', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, b'>', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, b'', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, '\\xe9', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, b'\\xff', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, 60, None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, None, None, None, None, -1, -1, 0)",
            "('i1', False, True), (3, '|', None, None, None, -1, -1, 0)",
            "('i2', False, True), (3, 'x', None, None, None, -1, -1, 0)",
            "('i2', False, True), (3, '>', None, None, None, -1, -1, 0)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1, False)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1, True)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1, 1.0)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1, None)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1, -1)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1, 2**64)",
            "('f8', False, True), (3, '<', None, None, None, -1.0, -1, 0)",
            "('f8', False, True), (3, '<', None, None, None, -1, None, 0)",
            "('f8', False, True), (3, '<', None, None, None, True, -1, 0)",
            "('f8', False, True), (3, '<', None, None, None, 2**70, -1, 0)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1)", // 7 items: no flags
            "('f8', False, True), (3, '<', None, None, -1, -1)", // 6 items: no names
            "('f8', False, True), ('<', None, None, -1, -1)", // 5 items: no version
            "('f8', False, True), ('>', None, None, -1, -1)",
            "('f8', False, True), (3, '<', None, None, None, -1, -1, 0, {'a': 1})", // version 3 with metadata
            "('f8', False, True), (4, '<', None, None, None, -1, -1, 0, {'a': 1})",
            "('f8', False, True), (4, '<', None, None, None, -1, -1, 0, None)",
            "('f8', False, True), (3, '<', None, ('a',), None, -1, -1, 0)", // names without fields
            "('f8', False, True), (3, '<', None, None, {}, -1, -1, 0)", // fields without names
            "('V16', False, True), (3, '|', None, ('a', 'b'), {'a': (dt('<f8'), 0), 'b': (dt('<i4'), 8)}, 16, 1, 16)",
            "('V16', False, True), (3, '|', None, ['a', 'b'], {'a': (dt('<f8'), 0), 'b': (dt('<i4'), 8)}, 16, 1, 16)",
            "('V16', False, True), (3, '|', None, ('a',), [('a', (dt('<f8'), 0))], 16, 1, 16)",
            "('V16', False, True), (3, '|', None, ('a', 'b'), {'a': (dt('<f8'), 0), 'b': (dt('<i4'), 8)}, 16, 8, 16 | 128)",
            "('V16', False, True), (3, '|', (dt('<f8'), (2,)), None, None, 16, 8, 0)",
            "('V16', False, True), (3, '|', (dt('<f8'), 2), None, None, 16, 8, 0)",
            "('V16', False, True), (3, '|', (dt('<f8'), [2]), None, None, 16, 8, 0)",
            "('V16', False, True), (3, '|', (dt('<f8'), ('2',)), None, None, 16, 8, 0)",
            "('V16', False, True), (3, '|', ('<f8', (2,)), None, None, 16, 8, 0)",
            "('V16', False, True), (3, '|', (dt('<f8'), (2,), 0), None, None, 16, 8, 0)",
            "('V16', False, True), (3, '|', [dt('<f8'), (2,)], None, None, 16, 8, 0)",
            "('V8', False, True), (3, '|', None, None, None, 8, 1, 0)",
            "('M8', False, True), (4, '<', None, None, None, -1, -1, 0, (None, (b'ns', 1, 1, 1)))",
            "('M8', False, True), (4, '<', None, None, None, -1, -1, 0, ({'k': 'v'}, (b'D', 7, 1, 1)))",
            "('M8', False, True), (4, '<', None, None, None, -1, -1, 0, (None, (b'ns', 1, 1, 1), 0))",
            "('M8', False, True), (4, '<', None, None, None, -1, -1, 0, None)",
            "('m8', False, True), (3, '>', None, None, None, -1, -1, 0, (None, (b's', 1, 1, 1)))",
            "('M8', False, True), (4, '<', None, None, None, -1, -1, 0, (None, (b'ns', 2)))",
            "('M8', False, True), (4, '<', None, None, None, -1, -1, 0, (None, (b'ns', 1, 1, 1, 1)))",
            "('M8', False, True), (4, '<', None, None, None, -1, -1, 0, (None, (b'xx', 1, 1, 1)))",
            "('V16', False, True), (3, '|', (dt('<f8'), 2.0), None, None, 16, 8, 0)",
            "('V16', False, True), (3, '|', (dt('<f8'), float('nan')), None, None, 16, 8, 0)",
            "('V16', False, True), (1, '|', None, ('a',), {'a': (dt('<f8'), 0), -1: ['a']}, 16, 1, 0)",
            "('V16', False, True), (2, '|', None, ('a', 'b'), {'a': (dt('<f8'), 0), 'b': (dt('<i4'), 8)}, 16, 8, 16 | 128)",
            "('V16', False, True), (1, '|', None, None, 16, 1)",
            "('f8', False, True), (1, '>', None, None, -1, -1)");

    /** What numpy's dtype shows of itself, or 'refused'; dtype is CPython's pickle's result. */
    private static final String DESCRIBE = String.join("\n",
            "import pickle, sys, numpy",
            "dt = numpy.dtype",
            "def describe(b):",
            "    try:",
            "        d = pickle.loads(b)",
            "    except Exception:",
            "        return 'refused'",
            "    meta = dict(d.metadata) if d.metadata is not None else None",
            "    return repr((type(d).__name__, d.str, d.descr, d.names, d.isalignedstruct, d.itemsize, d.subdtype, meta))");

    @Test
    void refusedAsNumpyRefusesAndOtherwiseTheSameDType() throws IOException {
        Python.require("numpy");
        // the hand-made pickles: numpy.dtype(*args), then BUILD with the state, as a __reduce__ gives them
        String pickles = new String(Python.check(String.join("\n",
                "import pickle, sys, numpy",
                "dt = numpy.dtype",
                "class D:",
                "    def __init__(self, args, state): self.args, self.state = args, state",
                "    def __reduce__(self): return (numpy.dtype, self.args, self.state)",
                "for line in sys.stdin.read().split('\\n'):",
                "    args, state = eval(line)",
                "    print(pickle.dumps(D(args, state), 2).hex())"), String.join("\n", CASES).getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
        List<String> hex = List.of(pickles.strip().split("\n"));
        assertEquals(CASES.size(), hex.size());
        List<String> brine = new ArrayList<>();
        for (String h : hex) {
            try {
                Object loaded = Pickle.loads(HexFormat.of().parseHex(h));
                brine.add(HexFormat.of().formatHex(Pickle.dumps(loaded, 2)));
            } catch (BrineException e) {
                brine.add("refused");
            }
        }
        List<String> compared = Python.eachLine(DESCRIBE + "\n"
                + "def compare(line):\n"
                + "    numpy_hex, brine_hex = line.split(' ')\n"
                + "    theirs = describe(bytes.fromhex(numpy_hex))\n"
                + "    ours = 'refused' if brine_hex == 'refused' else describe(bytes.fromhex(brine_hex))\n"
                + "    return 'same ' + theirs if theirs == ours else 'numpy ' + theirs + ' brine ' + ours",
                "compare(line)", null, pairs(hex, brine));
        List<String> differences = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < CASES.size(); i++) {
            if (!compared.get(i).startsWith("same ")) {
                differences.add(CASES.get(i) + ": " + compared.get(i));
            }
            refused += compared.get(i).equals("same refused") ? 1 : 0;
        }
        assertEquals("", String.join("\n", differences));
        assertTrue(refused > 10 && refused < CASES.size() - 10, refused + " refused: both kinds are checked");
    }

    /** A datetime64 state without its 9th item, on which numpy crashes (a segmentation fault), is refused. */
    @Test
    void aDateTimeStateWithoutItsUnitIsRefused() throws IOException {
        Python.require("numpy");
        for (String state : List.of("(4, '<', None, None, None, -1, -1, 0)", "(3, '<', None, None, None, -1, -1)")) {
            byte[] pickle = Python.check(String.join("\n",
                    "import pickle, sys, numpy",
                    "class D:",
                    "    def __reduce__(self): return (numpy.dtype, ('M8', False, True), " + state + ")",
                    "sys.stdout.buffer.write(pickle.dumps(D(), 2))"), new byte[0]);
            BrineException e = assertThrows(BrineException.class, () -> Pickle.loads(pickle));
            assertTrue(e.getMessage().contains("invalid datetime dtype state: its 9th item must be (metadata, (unit, count, 1, 1))"),
                    e.getMessage());
        }
    }

    private static List<String> pairs(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i) + " " + b.get(i));
        }
        return out;
    }
}
