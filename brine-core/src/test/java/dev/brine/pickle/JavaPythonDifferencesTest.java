package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brine.py.Global;
import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's "Where Java cannot say what Python says", checked against live CPython: each case
 * shows what CPython does and what Brine does instead, so a change on either side fails here.
 */
class JavaPythonDifferencesTest {
    @BeforeAll
    static void python() {
        Python.require();
    }

    /** Runs a script printing one hex pickle per line, and returns the pickles. */
    private static List<byte[]> pickles(String script) throws Exception {
        String out = new String(Python.check("import pickle, sys\n" + script, new byte[0]), StandardCharsets.US_ASCII);
        return out.lines().map(HexFormat.of()::parseHex).toList();
    }

    @Test
    void aSurrogatePairWrittenAsTwoCodePointsReadsAsTheCharacterTheyEncode() throws Exception {
        List<byte[]> p = pickles("""
                for o in ['\\ud83d\\ude00', '\\U0001f600', {'\\ud83d\\ude00': 1, '\\U0001f600': 2}, ['\\ud83d', 'x\\ude00']]:
                    print(pickle.dumps(o, 5).hex())
                """);
        Object pair = Pickle.loads(p.get(0));
        assertEquals("\ud83d\ude00", pair);
        assertArrayEquals(p.get(1), Pickle.dumps(pair, 5), "written as the supplementary character");
        assertFalse(java.util.Arrays.equals(p.get(0), p.get(1)), "CPython writes the two forms differently");
        assertEquals(Map.of("\ud83d\ude00", 2L), Pickle.loads(p.get(2)), "the dict keeps one of the two keys");
        Object lone = Pickle.loads(p.get(3));
        assertEquals(List.of("\ud83d", "x\ude00"), lone);
        assertArrayEquals(p.get(3), Pickle.dumps(lone, 5), "lone surrogates are preserved");
    }

    @Test
    void keysEqualAcrossNumericTypesStayApartInJava() throws Exception {
        // {1: 'a', 1.0: 'b', True: 'c'}, opcode by opcode (no Python dict can hold these three keys)
        // PROTO 2, EMPTY_DICT, MARK, BININT1 1, 'a', BINFLOAT 1.0, 'b', NEWTRUE, 'c', SETITEMS, STOP
        byte[] pickle = HexFormat.of().parseHex("80027d284b01580100000061473ff000000000000058010000006288580100000063752e");
        String python = new String(Python.check("import pickle, sys\nprint(repr(pickle.loads(sys.stdin.buffer.read())))",
                pickle), StandardCharsets.UTF_8).strip();
        assertEquals("{1: 'c'}", python, "CPython keeps the first key with the last value");
        Map<?, ?> brine = (Map<?, ?>) Pickle.loads(pickle);
        assertEquals(Set.of(1L, 1.0, true), brine.keySet());
        assertEquals("c", brine.get(true));
    }

    @Test
    void otherKeysPythonMergesStayApartInJava() throws Exception {
        // dicts built opcode by opcode from two keys Python calls equal: Decimal('1.0') and Decimal('1.00'),
        // 0.0 and -0.0, two bytes objects b'x' (BigDecimal.equals and Double.equals tell the first two pairs
        // apart; a byte[] key is compared by identity)
        String out = new String(Python.check("""
                import pickle, decimal
                def body(o): return pickle.dumps(o, 2)[2:-1]  # without PROTO and STOP (memo slots are reused)
                for a, b in [(decimal.Decimal('1.0'), decimal.Decimal('1.00')), (0.0, -0.0), (b'x', b'x')]:
                    data = b'\\x80\\x02}(' + body(a) + body('a') + body(b) + body('b') + b'u.'
                    print(data.hex(), repr(pickle.loads(data)))
                """, new byte[0]), StandardCharsets.UTF_8);
        List<String> lines = out.lines().toList();
        assertEquals(List.of("{Decimal('1.0'): 'b'}", "{0.0: 'b'}", "{b'x': 'b'}"),
                lines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList(), "CPython keeps one key");
        for (String line : lines) {
            Map<?, ?> brine = (Map<?, ?>) Pickle.loads(HexFormat.of().parseHex(line.substring(0, line.indexOf(' '))));
            assertEquals(List.of("a", "b"), List.copyOf(brine.values()), line);
        }
    }

    @Test
    void distinctNaNKeysBecomeOneKey() throws Exception {
        // two float('nan') objects are two keys in Python (NaN != NaN, and they are not the same object)
        List<byte[]> p = pickles("""
                d = {float('nan'): 1, float('nan'): 2}
                print(pickle.dumps(d, 4).hex())
                print(pickle.dumps({float('nan'), float('nan')}, 4).hex())
                """);
        String python = new String(Python.check("import pickle, sys\nprint(len(pickle.loads(sys.stdin.buffer.read())))",
                p.get(0)), StandardCharsets.UTF_8).strip();
        assertEquals("2", python);
        Map<?, ?> brine = (Map<?, ?>) Pickle.loads(p.get(0));
        assertEquals(1, brine.size(), "Double.equals(NaN, NaN) is true");
        assertEquals(2L, brine.get(Double.NaN), "the last value");
        assertEquals(1, ((Set<?>) Pickle.loads(p.get(1))).size());
    }

    @Test
    void equalTimeValuesMayComeBackAsOneObject() throws Exception {
        // time(1, 0) twice, as two objects: java.time hands out one cached LocalTime for a whole hour,
        // so Brine writes the second as a memo reference where CPython writes the value again
        List<byte[]> p = pickles("""
                import datetime
                print(pickle.dumps([datetime.time(1, 0), datetime.time(1, 0)], 4).hex())
                """);
        List<?> brine = (List<?>) Pickle.loads(p.get(0));
        assertSame(brine.get(0), brine.get(1));
        byte[] again = Pickle.dumps(brine, 4);
        assertFalse(java.util.Arrays.equals(p.get(0), again), "the bytes differ");
        String python = new String(Python.check("""
                import pickle, sys, datetime
                print(pickle.loads(sys.stdin.buffer.read()) == [datetime.time(1, 0)] * 2)""", again),
                StandardCharsets.UTF_8).strip();
        assertEquals("True", python, "the values are the same");
    }

    @Test
    void namesOfGlobalsAreMemoizedByValue() throws Exception {
        List<byte[]> p = pickles("""
                import array
                for o in [[int, len], [int, float], [len, abs], [array.array, array._array_reconstructor]]:
                    print(pickle.dumps(o, 4).hex())
                """);
        // the builtin functions' module name is a str of its own, apart from the builtin types' (CPython 3.11)
        assertArrayEquals(p.get(0), Pickle.dumps(List.of(new Global("builtins", "int"), new Global("builtins", "len")), 4));
        assertEquals(2, count(p.get(0), "builtins"));
        assertArrayEquals(p.get(1), Pickle.dumps(List.of(new Global("builtins", "int"), new Global("builtins", "float")), 4));
        assertArrayEquals(p.get(2), Pickle.dumps(List.of(new Global("builtins", "len"), new Global("builtins", "abs")), 4));
        // a type and a function of another C module: CPython writes the module name twice, Brine once
        byte[] arrays = Pickle.dumps(List.of(new Global("array", "array"), new Global("array", "_array_reconstructor")), 4);
        assertFalse(java.util.Arrays.equals(p.get(3), arrays), "CPython writes 'array' twice here");
        String loaded = new String(Python.check("import array, pickle, sys\nprint(pickle.loads(sys.stdin.buffer.read())"
                + " == [array.array, array._array_reconstructor])", arrays), StandardCharsets.UTF_8).strip();
        assertEquals("True", loaded);
    }

    private static int count(byte[] haystack, String needle) {
        String s = new String(haystack, StandardCharsets.ISO_8859_1);
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
