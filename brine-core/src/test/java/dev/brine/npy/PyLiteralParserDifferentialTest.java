package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * PyLiteralParser against the live CPython: thousands of generated near-literals (nested
 * containers, every int and string form, signs, complex sums, comments, continuations, and random
 * corruptions of them) are each either parsed by both {@code ast.literal_eval} (with numpy's
 * {@code _filter_header} retry for format 1.0/2.0 headers) and PyLiteralParser to the same value,
 * or refused by both. Values are compared through a canonical text both sides print.
 */
class PyLiteralParserDifferentialTest {
    private static final String[] INTS = {"6", "0", "00", "0_0", "007", "1_000", "1__0", "1_", "0x1F", "0X_1f", "0x",
        "0o17", "0o8", "0b101", "0b2", "6L", "6l", "6 L", "0x6L", "6La", "99999999999999999999", "9223372036854775808",
        "-6", "+6", "--6", "- 6", "-(6)", "-(-6)", "+-6", "-0", "1if", "6.L"};
    private static final String[] FLOATS = {"1.5", "1.", ".5", "1e5", "1E-5", "1e", "1.e", "1_0.5", "1.0_", "09.5",
        "1e999", "-1.5", "2j", "2J", "1.5j", "09j", "1+2j", "1-2J", "-1+2j", "1+-2j", "1+2", "(1)+(2j)", "1j+2j",
        "1+2j+3j", "True+1j", "-2j", "1.5L"};
    private static final String[] STRINGS = {"'a'", "\"a\"", "'''a\nb'''", "\"\"\"a\"\"\"", "u'a'", "U'a'", "r'a\\n'",
        "R'\\''", "b'a'", "B'\\x41'", "br'\\x'", "Rb'a'", "rb'a'", "f'a'", "ur'a'", "'a' 'b'", "'a' b'b'", "u'a' 'b'",
        "'a'\n'b'", "'a' \\\n 'b'", "'\\x4'", "'\\x41'", "'\\u00e9'", "'\\U0001F600'", "'\\U00110000'", "'\\N{DIGIT ONE}'",
        "'\\N{NO SUCH NAME}'", "'\\777'", "b'\\777'", "'\\q'", "'a\\\nb'", "'a\nb'", "'\\0'", "'\u00e9'", "b'\u00e9'",
        "'\\\\'", "'\\''", "'", "'''", "'\\", "'\\N'", "'\\N{'", "'a'b", "'a'x'b'"};
    private static final String[] OTHERS = {"True", "False", "None", "...", "x", "set()", "set( )", "set(1)", "set",
        "Ellipsis", "true", "[]", "()", "{}", "(,)", "[,]", "{,}", "(1)", "((1))", "(1,)", "{1: 2}", "{[]: 1}",
        "{(1, []): 2}", "{1, []}", "{**{}}", "[*[]]", "(1 for x in y)", "1 if 1 else 2", "a.b", "[1][0]", "(1)(2)",
        "-True", "-None", "-'a'", "not 1", "~1", "1 < 2", "lambda: 1", "\u00a0", "\u000b", "$", "?", "\\"};
    private static final String[] SEPARATORS = {", ", ",", " , ", ",\n", "\n,", ", # c\n", ",\\\n", "\t,\f", ";", " "};
    private static final String CORRUPTIONS = "()[]{},:'\"#\\\n L-+.jxe_0 \t\r";

    @Test
    void generatedLiteralsParseAsCPythonParsesThem() throws IOException {
        Python.require("numpy");
        Random r = new Random(1129);
        List<String> cases = new ArrayList<>();
        for (String[] group : new String[][] {INTS, FLOATS, STRINGS, OTHERS}) {
            for (String s : group) {
                cases.add(s);
                cases.add("(" + s + ",)");
                cases.add("{'k': " + s + "}");
                cases.add("  " + s + "  # tail\n\n");
            }
        }
        for (int i = 0; i < 10000; i++) {
            String s = (r.nextInt(5) == 0 ? pick(r, "\n", " ", "# c\n", "\t", " \n ", "\f") : "") + value(r, 0)
                    + (r.nextInt(4) == 0 ? pick(r, " # c", "\n", "\n\n  \n", " \\\n", ",", " x") : "");
            cases.add(r.nextInt(3) == 0 ? corrupt(s, r) : s);
        }
        for (boolean filter : new boolean[] {false, true}) {
            List<String> lines = new ArrayList<>();
            for (String c : cases) {
                lines.add(HexFormat.of().formatHex(c.getBytes(StandardCharsets.UTF_8)));
            }
            List<String> expected = Python.eachLine(String.join("\n",
                    "import ast, struct, warnings",
                    "warnings.simplefilter('ignore')",
                    "from numpy.lib._format_impl import _filter_header",
                    "FILTER = " + (filter ? "True" : "False"),
                    "def bits(f): return str(struct.unpack('<q', struct.pack('<d', f))[0])",
                    "def canon(v):",
                    "    if v is None: return 'N'",
                    "    if v is True: return 'T'",
                    "    if v is False: return 'F'",
                    "    if v is ...: return 'E'",
                    "    if isinstance(v, int): return 'i' + str(v)",
                    "    if isinstance(v, float): return 'f' + bits(v)",
                    "    if isinstance(v, complex): return 'c' + bits(v.real) + ',' + bits(v.imag)",
                    "    if isinstance(v, str): return 's' + v.encode('utf-16-le', 'surrogatepass').hex()",
                    "    if isinstance(v, bytes): return 'b' + v.hex()",
                    "    if isinstance(v, tuple): return '(' + ' '.join(map(canon, v)) + ')'",
                    "    if isinstance(v, list): return '[' + ' '.join(map(canon, v)) + ']'",
                    "    if isinstance(v, set): return '<' + ' '.join(sorted(map(canon, v))) + '>'",
                    "    if isinstance(v, dict): return '{' + ' '.join(canon(k) + ':' + canon(x) for k, x in v.items()) + '}'",
                    "    raise TypeError(type(v))",
                    "def ev(s):",
                    "    try:",
                    "        return ast.literal_eval(s)",
                    "    except SyntaxError:",
                    "        if not FILTER: raise",
                    "        return ast.literal_eval(_filter_header(s))",
                    "def run(line):",
                    "    try:",
                    "        return canon(ev(bytes.fromhex(line).decode('utf-8')))",
                    "    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError, IndentationError):",
                    "        return '-'",
                    "    except Exception:",
                    "        return '-'"),
                    "run(line)", null, lines);
            List<String> differences = new ArrayList<>();
            int parsed = 0;
            for (int i = 0; i < cases.size(); i++) {
                String brine;
                try {
                    brine = canon(PyLiteralParser.parse(cases.get(i), filter));
                    parsed++;
                } catch (BrineException e) {
                    brine = "-";
                }
                if (!brine.equals(expected.get(i))) {
                    differences.add(cases.get(i).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t") + " [" + lines.get(i) + "]\n    python: " + expected.get(i) + "\n    brine:  " + brine);
                }
            }
            assertTrue(parsed > cases.size() / 5, parsed + " of " + cases.size() + " parsed");
            assertEquals(List.of(), differences, differences.size() + " of " + cases.size() + " differ (filter " + filter + ")");
        }
    }

    private static String value(Random r, int depth) {
        int k = depth > 4 ? r.nextInt(4) : r.nextInt(8);
        switch (k) {
            case 0:
                return pick(r, INTS);
            case 1:
                return pick(r, FLOATS);
            case 2:
                return pick(r, STRINGS);
            case 3:
                return pick(r, OTHERS);
            case 4:
                return "(" + items(r, depth, false) + ")";
            case 5:
                return "[" + items(r, depth, false) + "]";
            case 6:
                return "{" + items(r, depth, r.nextBoolean()) + "}";
            default:
                return r.nextBoolean() ? "(" + value(r, depth + 1) + ")" : pick(r, "-", "+", "") + value(r, depth + 1);
        }
    }

    private static String items(Random r, int depth, boolean dict) {
        int n = r.nextInt(4);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(r.nextInt(10) == 0 ? pick(r, SEPARATORS) : ", ");
            }
            if (dict) {
                b.append(r.nextInt(6) == 0 ? value(r, depth + 1) : "'k" + r.nextInt(3) + "'").append(r.nextInt(8) == 0 ? " :\n " : ": ");
            }
            b.append(value(r, depth + 1));
        }
        if (n > 0 && r.nextInt(3) == 0) {
            b.append(",");
        }
        return b.toString();
    }

    private static String corrupt(String s, Random r) {
        StringBuilder b = new StringBuilder(s);
        int n = 1 + r.nextInt(2);
        for (int i = 0; i < n; i++) {
            int at = r.nextInt(b.length() + 1);
            if (r.nextBoolean() && at < b.length()) {
                b.deleteCharAt(at);
            } else {
                b.insert(at, CORRUPTIONS.charAt(r.nextInt(CORRUPTIONS.length())));
            }
        }
        return b.toString();
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    /** The canonical text the Python side prints for the same value. */
    private static String canon(Object v) {
        if (v == null) {
            return "N";
        }
        if (v == PyLiteralParser.ELLIPSIS) {
            return "E";
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? "T" : "F";
        }
        if (v instanceof Long || v instanceof BigInteger) {
            return "i" + v;
        }
        if (v instanceof Double) {
            return "f" + Double.doubleToRawLongBits((Double) v);
        }
        if (v instanceof PyLiteralParser.Complex) {
            PyLiteralParser.Complex c = (PyLiteralParser.Complex) v;
            return "c" + Double.doubleToRawLongBits(c.real()) + "," + Double.doubleToRawLongBits(c.imag());
        }
        if (v instanceof String) {
            StringBuilder b = new StringBuilder("s");
            for (char ch : ((String) v).toCharArray()) {
                b.append(String.format("%02x%02x", ch & 0xFF, ch >> 8));
            }
            return b.toString();
        }
        if (v instanceof byte[]) {
            return "b" + HexFormat.of().formatHex((byte[]) v);
        }
        if (v instanceof Tuple) {
            return "(" + join(((Tuple) v).asList()) + ")";
        }
        if (v instanceof List) {
            return "[" + join((List<?>) v) + "]";
        }
        if (v instanceof Set) {
            TreeSet<String> sorted = new TreeSet<>();
            for (Object o : (Set<?>) v) {
                sorted.add(canon(o));
            }
            return "<" + String.join(" ", sorted) + ">";
        }
        if (v instanceof Map) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                parts.add(canon(e.getKey()) + ":" + canon(e.getValue()));
            }
            return "{" + String.join(" ", parts) + "}";
        }
        throw new AssertionError("unexpected value " + v.getClass());
    }

    private static String join(List<?> items) {
        List<String> parts = new ArrayList<>();
        for (Object o : items) {
            parts.add(canon(o));
        }
        return String.join(" ", parts);
    }
}
