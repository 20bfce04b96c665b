package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * {@link PythonRepr} on strings against CPython's {@code repr(str)}: which characters print as
 * they are and which are escaped (backslash x, u or U and hex digits), the choice of quote, and
 * the short escapes. The inputs cover every plane, controls, format characters, lone surrogates,
 * private use, and the characters the JVM's Unicode tables do not know yet but CPython's do (Java
 * 17 has Unicode 13, CPython 3.11 Unicode 14), which a repr built on {@code Character.getType}
 * would escape.
 */
class PythonReprDifferentialTest {
    @Test
    void stringsReprAsCPythonWritesThem() throws IOException {
        Python.require();
        List<int[]> inputs = inputs(new SplittableRandom(0x5EED), 4_000);
        List<String> lines = new ArrayList<>();
        for (int[] cps : inputs) {
            StringJoiner j = new StringJoiner(",");
            for (int cp : cps) {
                j.add(Integer.toHexString(cp));
            }
            lines.add(j.toString());
        }
        List<String> expected = Python.eachLine("", "repr(''.join(chr(int(c, 16)) for c in line.split(',')))", null, lines);
        PythonRepr repr = new PythonRepr(4, 10, Integer.MAX_VALUE);
        for (int k = 0; k < inputs.size(); k++) {
            String s = new String(inputs.get(k), 0, inputs.get(k).length);
            assertEquals(expected.get(k), repr.format(s), "code points " + hex(inputs.get(k)));
        }
    }

    /**
     * Lists, dicts and 1-tuples nested 30,000 deep, shown to every level: as Python's reprlib (the bounds
     * PythonRepr follows) shows them, without overflowing the stack (the repr once recursed per level).
     */
    @Test
    void deepNestingShowsAsReprlibAtAnyDepth() throws IOException {
        Python.require();
        int n = 30_000;
        Object x = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            x = i % 3 == 0 ? new ArrayList<>(List.of(x)) : i % 3 == 1 ? new java.util.LinkedHashMap<>(java.util.Map.of("k", x))
                    : Tuple.of(x);
        }
        for (int depth : new int[] {n / 2, n + 1}) {
            String expected = new String(Python.check("import sys, reprlib\nsys.setrecursionlimit(10 ** 6)\nx = []\n"
                    + "for i in range(" + n + "):\n    x = [x] if i % 3 == 0 else {'k': x} if i % 3 == 1 else (x,)\n"
                    + "r = reprlib.Repr()\nr.maxlevel = " + depth + "\nsys.stdout.write(r.repr(x))", new byte[0]),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(expected, new PythonRepr(depth, 20, 200).format(x), "depth " + depth);
        }
    }

    /**
     * bytes and bytearray against CPython's repr: every byte value alone, then quote and backslash
     * mixes and random byte strings. bytearray's repr escapes a single quote even inside double
     * quotes ({@code bytearray(b"it\'s")}), bytes' does not.
     */
    @Test
    void bytesAndBytearraysReprAsCPythonWritesThem() throws IOException {
        Python.require();
        List<byte[]> inputs = byteInputs(new SplittableRandom(0xBA7E5), 2_000);
        List<String> lines = new ArrayList<>();
        for (byte[] b : inputs) {
            lines.add(java.util.HexFormat.of().formatHex(b));
        }
        List<String> expected = Python.eachLine("",
                "repr(bytes.fromhex(line)) + ' ' + repr(bytearray.fromhex(line))", null, lines);
        PythonRepr repr = new PythonRepr(4, 10, Integer.MAX_VALUE);
        for (int k = 0; k < inputs.size(); k++) {
            byte[] b = inputs.get(k);
            String actual = repr.format(b) + " " + repr.format(ByteArray.wrap(b.clone()));
            assertEquals(expected.get(k), actual, "bytes " + lines.get(k));
        }
    }

    /**
     * Containers as CPython 3.11 prints them: OrderedDict as a list of pairs (and a bare {@code ...} where it holds
     * itself), sets and frozensets, one-item tuples, empty ones, and cycles through lists and dicts. Python builds and
     * pickles each value, Brine loads it and prints it.
     */
    @Test
    void containersReprAsCPythonWritesThem() throws IOException {
        Python.require();
        String[] values = {
            "OrderedDict([('a', 1), ('b', [2, (3,)])])", "OrderedDict()", "[OrderedDict(), set(), frozenset(), (), {}]",
            "frozenset({1})", "{1: OrderedDict(x=b'y')}", "(1,)",
            "(lambda d: (d.__setitem__('self', d), d)[1])(OrderedDict(a=1))",
            "(lambda l: (l.append(OrderedDict(k=l)), l)[1])([1])",
            "(lambda d: (d.__setitem__('me', d), d)[1])({'x': 0})",
        };
        List<String> lines = new ArrayList<>(List.of(values));
        List<String> out = Python.eachLine("import pickle\nfrom collections import OrderedDict",
                "pickle.dumps(eval(line), protocol=2).hex() + ' ' + repr(eval(line))", null, lines);
        PythonRepr repr = new PythonRepr(8, 10, Integer.MAX_VALUE);
        for (int k = 0; k < values.length; k++) {
            String line = out.get(k);
            byte[] pickle = java.util.HexFormat.of().parseHex(line.substring(0, line.indexOf(' ')));
            Object loaded = dev.brine.pickle.Pickle.loads(pickle);
            assertEquals(line.substring(line.indexOf(' ') + 1), repr.format(loaded), values[k]);
        }
    }

    /**
     * A Java {@code Object[]}, which Brine writes as a tuple, shows as the tuple CPython loads from that pickle (it showed
     * as Java's {@code [Ljava.lang.Object;@...} before; found by a randomized hunt), nested, of one item, empty, and
     * holding a list that holds the array again.
     */
    @Test
    void objectArraysReprAsTheTuplesTheyPickleAs() throws IOException {
        Python.require();
        List<Object> self = new ArrayList<>();
        Object[] holder = {self, "x"};
        self.add(holder);
        Object[] values = {
            new Object[] {1L, "x"}, new Object[] {1L}, new Object[0], new String[] {"a", "b"},
            java.util.Map.of("t", new Object[] {new Object[] {2.5, null}, List.of(new Object[] {true})}), holder,
        };
        PythonRepr repr = new PythonRepr(8, 10, Integer.MAX_VALUE);
        for (Object v : values) {
            byte[] pickle = dev.brine.pickle.Pickle.dumps(v);
            String expected = new String(Python.check("import pickle, sys\nsys.stdout.write(repr(pickle.loads(sys.stdin.buffer.read())))",
                    pickle), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(expected, repr.format(v));
            assertEquals(expected, PythonRepr.repr(v));
        }
    }

    /** timedelta reprs against CPython's, up to timedelta.max and down to timedelta.min (whose microseconds overflow a long). */
    @Test
    void timedeltasReprAsCPythonWritesThem() throws IOException {
        Python.require();
        long[][] cases = {{0, 0}, {1, 0}, {0, 1}, {-1, 0}, {0, -1}, {86_399, 999_999}, {-86_400, 1},
            {999_999_999L * 86_400 + 86_399, 999_999}, {-999_999_999L * 86_400, 0}, {123_456_789_012L, 345_678},
            {-5, 500_000}, {86_400 * 3, 0}};
        List<String> lines = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        PythonRepr repr = new PythonRepr(4, 10, Integer.MAX_VALUE);
        for (long[] c : cases) {
            lines.add(c[0] + " " + c[1]);
            mine.add(repr.format(java.time.Duration.ofSeconds(c[0], c[1] * 1000)));
        }
        List<String> expected = Python.eachLine("import datetime",
                "repr(datetime.timedelta(seconds=int(line.split()[0]), microseconds=int(line.split()[1])))", null, lines);
        assertEquals(expected, mine);
    }

    /**
     * Decimals pickled by CPython, read back by Brine and shown by {@link PythonRepr}, against CPython's repr of
     * each: seeded random literals (signs, leading and trailing zeros, points, exponents) with the values
     * BigDecimal cannot hold among them (negative zeros such as {@code -0.00} and {@code -0E+3}, NaN and sNaN with
     * payloads, infinities), which Brine keeps as inert objects and Python shows as {@code Decimal('-0')}.
     */
    @Test
    void decimalsReprAsCPythonWritesThem() throws IOException {
        Python.require();
        SplittableRandom r = new SplittableRandom(0xDEC1);
        List<String> lines = new ArrayList<>(List.of("-0", "-0.00", "0E+3", "-0E+3", "-0E-30", "NaN", "-NaN", "nan007",
            "sNaN", "-sNaN12", "Infinity", "-inf", "+INF", "1.5", "1E+3", "0.000001", "0.0000001", " 2.50 ", "1_000"));
        String[] specials = {"NaN", "sNaN", "Inf", "Infinity", "nan"};
        while (lines.size() < 3_000) {
            String sign = new String[] {"", "-", "+"}[r.nextInt(3)];
            if (r.nextInt(10) == 0) {
                String special = specials[r.nextInt(specials.length)];
                boolean payload = special.endsWith("aN") && r.nextBoolean(); // only NaNs carry digits
                lines.add(sign + special + (payload ? Integer.toString(r.nextInt(500)) : ""));
                continue;
            }
            StringBuilder digits = new StringBuilder();
            int n = 1 + r.nextInt(20);
            boolean zeros = r.nextInt(4) == 0; // negative zeros of every scale and exponent
            for (int k = 0; k < n; k++) {
                digits.append(zeros ? '0' : (char) ('0' + r.nextInt(10)));
            }
            if (r.nextBoolean()) {
                digits.insert(r.nextInt(n + 1), '.');
            }
            if (r.nextBoolean()) {
                digits.append(r.nextBoolean() ? 'E' : 'e').append(r.nextInt(61) - 30);
            }
            lines.add(sign + digits);
        }
        List<String> expected = Python.eachLine("import decimal", "repr(decimal.Decimal(line))", null, lines);
        byte[] pickle = Python.check("import sys, pickle, decimal\n"
                + "sys.stdout.buffer.write(pickle.dumps([decimal.Decimal(l) for l in sys.stdin.read().split('\\n')]))",
                String.join("\n", lines).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<?> read = (List<?>) dev.brine.pickle.Pickle.loads(pickle);
        for (int k = 0; k < lines.size(); k++) {
            assertEquals(expected.get(k), PythonRepr.repr(read.get(k)), "Decimal('" + lines.get(k) + "')");
        }
    }

    private static List<byte[]> byteInputs(SplittableRandom r, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int c = 0; c < 256; c++) {
            out.add(new byte[] {(byte) c});
        }
        String[] samples = {"", "it's", "say \"hi\"", "'\"", "\"'", "''", "\\'", "\\\"", "a\\b", "'\\\"\n"};
        for (String s : samples) {
            out.add(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        byte[] quotes = {'\'', '"', '\\', 'a', '\n', 0, (byte) 0x80, (byte) 0xff};
        for (int i = out.size(); i < n; i++) {
            byte[] b = new byte[1 + r.nextInt(10)];
            for (int k = 0; k < b.length; k++) {
                b[k] = r.nextBoolean() ? quotes[r.nextInt(quotes.length)] : (byte) r.nextInt(256);
            }
            out.add(b);
        }
        return out;
    }

    /** The code points the JVM's Unicode tables call unassigned. */
    private static List<Integer> unassignedInJvm() {
        List<Integer> out = new ArrayList<>();
        for (int cp = 0; cp < 0x110000; cp++) {
            if (Character.getType(cp) == Character.UNASSIGNED) {
                out.add(cp);
            }
        }
        return out;
    }

    private static List<int[]> inputs(SplittableRandom r, int n) {
        List<int[]> out = new ArrayList<>();
        // every code point the JVM calls unassigned, 64 to a string: most are unassigned in
        // CPython too (escaped by both), the rest are the newer characters
        List<Integer> unassigned = unassignedInJvm();
        for (int i = 0; i < unassigned.size(); i += 64) {
            List<Integer> part = unassigned.subList(i, Math.min(unassigned.size(), i + 64));
            out.add(part.stream().mapToInt(Integer::intValue).toArray());
        }
        int[][] samples = {
            {'a', '\'', 'b'}, {'a', '"', 'b'}, {'\'', '"'}, {'\\', '\n', '\r', '\t', 0, 0x7f},
            {0x80, 0x9f, 0xa0, 0xad, 0xff}, {0x2028, 0x2029, 0x200b, 0xfeff}, {0xd800}, {0xdfff, 'x'},
            {0xe000, 0xf8ff, 0xf0000, 0x10ffff}, {0x1f600, 0x1f9ff}, {0x3000, 0x1680, 0x85},
        };
        for (int[] s : samples) {
            out.add(s);
        }
        for (int i = out.size(); i < n; i++) {
            int len = 1 + r.nextInt(8);
            int[] cps = new int[len];
            for (int k = 0; k < len; k++) {
                cps[k] = switch (r.nextInt(5)) {
                    case 0 -> r.nextInt(0x100);
                    case 1 -> r.nextInt(0x10000);
                    case 2 -> 0x10000 + r.nextInt(0x20000);
                    case 3 -> r.nextInt(0x110000);
                    default -> new int[] {'\'', '"', '\\', ' ', 'a'}[r.nextInt(5)];
                };
            }
            out.add(cps);
        }
        return out;
    }

    private static String hex(int[] cps) {
        StringJoiner j = new StringJoiner(" ");
        for (int cp : cps) {
            j.add(String.format("U+%04X", cp));
        }
        return j.toString();
    }
}
