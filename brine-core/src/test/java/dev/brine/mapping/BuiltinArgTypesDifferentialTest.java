package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.py.PyFloat;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Argument types CPython's builtin reconstructors take beyond what pickles usually hold, against
 * CPython 3.11 loading the same hand-made pickle: {@code complex(str)} (every form of the literal,
 * malformed ones refused), {@code Decimal(float)} (the float's exact value) and {@code timedelta}
 * with float arguments (CPython's summing and rounding, over thousands of random values), the datetime types
 * by their fields and {@code OrderedDict} of a tuple of pairs. Each
 * case's value is compared by what each side pickles it back to, so a different value or exponent
 * shows; a case CPython refuses must be refused.
 */
class BuiltinArgTypesDifferentialTest {
    /** Lines "input pickle hex TAB CPython's pickle of the loaded value at protocol 2, or 'refused'". */
    private static List<String> cpython(String setup, List<String> lines) throws IOException {
        Python.require();
        String script = String.join("\n",
                "import pickle, datetime, decimal",
                "def su(s):",
                "    b = s.encode('utf-8', 'surrogatepass'); return b'X' + len(b).to_bytes(4, 'little') + b",
                setup,
                "def case(line):",
                "    data = make(line)",
                "    try:",
                "        out = pickle.dumps(pickle.loads(data), 2).hex()",
                "    except (ValueError, TypeError, OverflowError, ArithmeticError) as e:",
                "        out = 'refused'",
                "    return data.hex() + '\\t' + out");
        return Python.eachLine(script, "case(line)", null, lines);
    }

    private static void compare(List<String> lines, List<String> cpython, int minRefused, int minRead) throws IOException {
        List<String> differences = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] io = cpython.get(i).split("\t");
            String brine;
            try {
                brine = HexFormat.of().formatHex(Pickle.dumps(Pickle.loads(HexFormat.of().parseHex(io[0])), 2));
            } catch (dev.brine.BrineException e) {
                brine = "refused";
            }
            if (!brine.equals(io[1])) {
                differences.add(lines.get(i) + ": CPython " + io[1] + ", Brine " + brine);
            }
            refused += io[1].equals("refused") ? 1 : 0;
        }
        assertEquals("", String.join("\n", differences));
        assertTrue(refused >= minRefused && lines.size() - refused >= minRead, refused + " of " + lines.size()
                + " refused by CPython");
    }

    @Test
    void complexFromAString() throws IOException {
        List<String> texts = List.of("1+2j", " ( 1.5-2.5J ) ", "j", "-j", "+J", "1+j", "1-j", "inf+nanj", "-nan", "nan",
                "-infinity-infJ", "1e5", "1e", "1e+", "1_0j", "1__0j", "_1", "1_", "1_e5", "(1+2j", "1+2j)", "", " ", "()",
                "abc", "1+2", "1.5e-3-4E+2j", "infinityj", "-infj", "\u0661\u0662j", "\u00a01j\u2003", "1e500j",
                ".5j", "5.j", ".j", "1+2jj", "+1.5", "NaNj", "1 + 2j", "\t-0\n", "-0j", "(-0-0j)", "0x10", "1j+1",
                "((1))", "1e-400", "2.5e-324j", "+-1j", "infj+1", "1+infinity", "1+infj");
        List<String> lines = new ArrayList<>();
        for (String t : texts) {
            StringBuilder escaped = new StringBuilder();
            t.codePoints().forEach(c -> escaped.append(String.format("\\U%08x", c)));
            lines.add(escaped.toString());
        }
        String setup = String.join("\n",
                "def make(line):",
                "    s = line.encode('ascii').decode('unicode_escape')",
                "    return b'\\x80\\x04' + su('builtins') + su('complex') + b'\\x93' + su(s) + b'\\x85R.'");
        compare(lines, cpython(setup, lines), 10, 25);
    }

    @Test
    void decimalFromAFloat() throws IOException {
        List<String> lines = List.of("1.5", "0.1", "-0.0", "0.0", "1e20", "1e-300", "5e-324", "float('nan')",
                "-float('nan')", "float('inf')", "-float('inf')", "1.7976931348623157e308", "123.456", "-2.5", "2.0",
                "1e16", "0.3333333333333333", "-1e-5");
        String setup = String.join("\n",
                "import struct",
                "def make(line):",
                "    f = eval(line)",
                "    return b'\\x80\\x04' + su('decimal') + su('Decimal') + b'\\x93G' + struct.pack('>d', f) + b'\\x85R.'");
        compare(lines, cpython(setup, lines), 0, 18);
    }

    @Test
    void timedeltaWithFloatArguments() throws IOException {
        List<String> lines = new ArrayList<>(List.of("(0.5,)", "(1.5, 0.5)", "(0, 0, 0.5)", "(0, 0, 1.5)", "(0, 0, 2.5)",
                "(0, 0, -0.5)", "(0, 0, -1.5)", "(0, 5e-07)", "(1e-11,)", "(0, 0, 0, 0.0005)", "(0, 0, 0, 0, 0, 0, 1.25)",
                "(-0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5)", "(999999999.9,)", "(1000000000.0,)", "(-999999999.5,)",
                "(float('nan'),)", "(float('inf'),)", "(0, -float('inf'))", "(True, 1.5, False)", "(0.1, 0.2, 0.3)",
                "(1e300,)", "(0, 0, 0.49999999999999994)", "(0, 0, 1, 0.0015)"));
        Random random = new Random(20261129);
        for (int i = 0; i < 3000; i++) {
            int n = 1 + random.nextInt(7);
            StringBuilder t = new StringBuilder("(");
            for (int k = 0; k < n; k++) {
                if (k > 0) {
                    t.append(", ");
                }
                double scale = Math.pow(10, random.nextInt(12) - 6);
                t.append(random.nextInt(4) == 0 ? String.valueOf(random.nextInt(2000) - 1000)
                        : PyFloat.repr((random.nextDouble() - 0.5) * scale * (random.nextBoolean() ? 1 : 0.5)));
                if (random.nextInt(5) == 0) {
                    t.append(random.nextBoolean() ? " + 0.5" : " - 0.5"); // exact halves, where the parity rule decides
                }
            }
            lines.add(t.append(n == 1 ? ",)" : ")").toString());
        }
        String setup = String.join("\n",
                "def make(line):",
                "    args = pickle.dumps(eval(line), 2)[2:-1]",
                "    return b'\\x80\\x02cdatetime\\ntimedelta\\n' + args + b'R.'");
        compare(lines, cpython(setup, lines), 5, 3000);
    }

    /**
     * The datetime types called by their fields, as pickles other than CPython's own may hold them (found by a
     * randomized hunt: these were refused as "arguments not understood"), with CPython's range checks; a bool as an
     * int; and {@code OrderedDict} of a tuple of pairs.
     */
    @Test
    void datetimeTypesByFieldsAndOrderedDictOfATuple() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String args : List.of("()", "(1,)", "(1, 2)", "(1, 2, 3)", "(1, 2, 3, 4)", "(1, 2, 3, 4, None)",
                "(1, 2, 3, 4, datetime.timezone.utc)", "(23, 59, 59, 999999, datetime.timezone(datetime.timedelta(hours=-5)))",
                "(24,)", "(-1,)", "(1, 60)", "(1, 2, 60)", "(1, 2, 3, 1000000)", "(1, 2, 3, -1)", "(True, False)",
                "(1, 2, 3, 4, 5)", "(1.5,)", "(1, 2, 3, 4, None, 6)", "(2**40,)")) {
            lines.add("time	" + args);
        }
        for (String args : List.of("(2020, 1, 1)", "(2020, 1, 1, 1)", "(2020, 2, 29, 1, 2, 3, 4)",
                "(2020, 1, 1, 1, 2, 3, 4, datetime.timezone.utc)", "(9999, 12, 31, 23, 59, 59, 999999, None)",
                "(1, 1, 1, 0, 0, 0, 0, datetime.timezone(datetime.timedelta(minutes=90)))", "(0, 1, 1)", "(10000, 1, 1)",
                "(2021, 2, 29)", "(2020, 13, 1)", "(2020, 1, 1, 24)", "(2020, 1, 1, 0, 0, 0, 1000000)", "(2020, 1)",
                "(2020, 1, 1, 1, 2, 3, 4, 'UTC')", "(True, True, True)")) {
            lines.add("datetime	" + args);
        }
        for (String args : List.of("(True, 1, 1)", "(0, 1, 1)", "(10000, 1, 1)", "(2020, 2, 30)", "(2020, 1, False)")) {
            lines.add("date	" + args);
        }
        for (String args : List.of("(((\"a\", 1), (\"b\", 2)),)", "((),)", "(((\"a\", 1, 2),),)", "(([\"a\", 1],),)")) {
            lines.add("OrderedDict	" + args);
        }
        String setup = String.join("\n",
                "def make(line):",
                "    name, args = line.split('\\t')",
                "    module = b'collections' if name == 'OrderedDict' else b'datetime'",
                "    return b'\\x80\\x02c' + module + b'\\n' + name.encode() + b'\\n' + pickle.dumps(eval(args), 2)[2:-1] + b'R.'");
        compare(lines, cpython(setup, lines), 20, 18);
    }

    /**
     * A packed time or datetime state holds its microseconds in three bytes, up to 16,777,215. CPython loads any of
     * them without a check (and the object then prints and compares oddly); Brine refuses what its time types cannot
     * hold, naming it. The product in int arithmetic used to wrap above 2,147,483 microseconds, so that such a state
     * loaded as another time without a word (4,294,968 as 704 nanoseconds).
     */
    @Test
    void packedMicrosecondsBeyondAMillionAreRefusedNotWrapped() throws IOException {
        Python.require();
        for (int us : new int[] {1_000_000, 2_147_484, 4_294_968, 16_777_215}) {
            String state = String.format("bytes([1, 1, 1, %d, %d, %d])", us >> 16, us >> 8 & 0xff, us & 0xff);
            for (String reduce : List.of("datetime.time, (" + state + ",)",
                    "datetime.datetime, (bytes([7, 228, 1, 1]) + " + state + ",)")) {
                String out = new String(Python.check(String.join("\n",
                        "import datetime, pickle, sys",
                        "class R:",
                        "    def __reduce__(self): return " + reduce,
                        "data = pickle.dumps(R(), 2)",
                        "print(pickle.loads(data).microsecond)",
                        "sys.stdout.write(data.hex())"), new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
                String[] lines = out.split("\n");
                assertEquals(String.valueOf(us), lines[0], "CPython loads it, microsecond and all");
                dev.brine.BrineException e = org.junit.jupiter.api.Assertions.assertThrows(dev.brine.BrineException.class,
                        () -> Pickle.loads(HexFormat.of().parseHex(lines[1])));
                assertTrue(e.getMessage().contains("microsecond " + us + " in the pickled state is beyond 999999"), e.getMessage());
            }
        }
    }

    /**
     * A packed date or datetime state holds its year in two bytes. CPython loads year 0 or 10000 to 65535 without a
     * check (and the object's arithmetic then fails); Brine loaded them as java.time values it then refused to write
     * back ("holds years 1 to 9999 only"), so a load/save round trip failed at the save. Now the read refuses them,
     * naming the year; years 1 and 9999 load.
     */
    @Test
    void packedYearsOutsidePythonsRangeAreRefusedWhereRead() throws IOException {
        Python.require();
        for (int year : new int[] {0, 1, 9999, 10000, 34788, 65535}) {
            String date = String.format("bytes([%d, %d, 1, 2])", year >> 8, year & 0xff);
            for (String reduce : List.of("datetime.date, (" + date + ",)",
                    "datetime.datetime, (" + date + " + bytes(6),)")) {
                String out = new String(Python.check(String.join("\n",
                        "import datetime, pickle, sys",
                        "class R:",
                        "    def __reduce__(self): return " + reduce,
                        "data = pickle.dumps(R(), 2)",
                        "print(pickle.loads(data).year)",
                        "sys.stdout.write(data.hex())"), new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
                String[] lines = out.split("\n");
                assertEquals(String.valueOf(year), lines[0], "CPython loads it, year and all");
                byte[] data = HexFormat.of().parseHex(lines[1]);
                if (year >= 1 && year <= 9999) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(data, Pickle.dumps(Pickle.loads(data), 2),
                            "round trip of year " + year);
                    continue;
                }
                dev.brine.BrineException e = org.junit.jupiter.api.Assertions.assertThrows(dev.brine.BrineException.class,
                        () -> Pickle.loads(data));
                assertTrue(e.getMessage().contains("year " + year + " in the pickled state is outside Python's 1 to 9999"),
                        e.getMessage());
            }
        }
    }

    /**
     * date, time, datetime and timedelta called by their fields with values out of range are refused with CPython's
     * own words (Brine gave java.time's: {@code Invalid date 'FEBRUARY 30'}, {@code Invalid value for HourOfDay}).
     * Oracle: each call's pickle loaded by CPython, whose exception message Brine's must contain.
     */
    @Test
    void outOfRangeDateTimeFieldsAreRefusedWithCPythonsWords() throws IOException {
        Python.require();
        List<String> calls = List.of("date, (2020, 2, 30)", "date, (2021, 2, 29)", "date, (2020, 4, 31)",
                "date, (2020, 13, 1)", "date, (2020, 0, 1)", "date, (2020, 1, 0)", "date, (0, 1, 1)", "date, (10000, 1, 1)",
                "datetime, (2020, 2, 30)", "datetime, (2020, 1, 1, 24)", "datetime, (2020, 1, 1, 0, 60)",
                "datetime, (2020, 1, 1, 0, 0, 60)", "datetime, (2020, 1, 1, 0, 0, 0, -1)", "datetime, (2020, 13, 1, 25)",
                "time, (24,)", "time, (-1,)", "time, (0, 60)", "time, (0, 0, 60)", "time, (0, 0, 0, 1000000)",
                "time, (24, 60)", "timedelta, (1000000000,)", "timedelta, (-1000000000,)", "timedelta, (999999999, 86400)",
                "timedelta, (10**20,)", "timedelta, (1e31,)", "timedelta, (0, 0, 0, 0, 0, 0, 10**9)");
        List<String> messages = Python.eachLine(String.join("\n",
                "import datetime, pickle",
                "class R:",
                "    def __init__(self, r): self.r = r",
                "    def __reduce__(self): return self.r",
                "def refusal(call):",
                "    name, args = call.split(', ', 1)",
                "    data = pickle.dumps(R((getattr(datetime, name), eval(args))), 2)",
                "    try:",
                "        pickle.loads(data)",
                "        return 'loads'",
                "    except (ValueError, OverflowError) as e:",
                "        return data.hex() + ' ' + str(e)"), "refusal(line)", null, calls);
        for (int i = 0; i < calls.size(); i++) {
            String line = messages.get(i);
            int space = line.indexOf(' ');
            assertTrue(space > 0, calls.get(i) + ": CPython " + line);
            String cpython = line.substring(space + 1);
            dev.brine.BrineException e = org.junit.jupiter.api.Assertions.assertThrows(dev.brine.BrineException.class,
                    () -> Pickle.loads(HexFormat.of().parseHex(line.substring(0, space))), calls.get(i));
            assertTrue(e.getMessage().contains(cpython), calls.get(i) + ": CPython says '" + cpython + "', Brine '"
                    + e.getMessage() + "'");
        }
    }

    @Test
    void codecsEncodeWithCp1252AndUtf16() throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> texts = List.of("", "abc", "\\u00e9\\u20ac", "a\\u0081b\\u009d", "\\U0001f600x", "\\ud800", "\\udc80", "\\u00ff\\u0100");
        for (String encoding : List.of("cp1252", "Windows-1252", "1252", "utf-16", "UTF16", "u16", "utf-16-le",
                "utf_16be", "UnicodeLittleUnmarked", "unicodebigunmarked")) {
            for (String errors : List.of("strict", "ignore", "replace", "backslashreplace", "xmlcharrefreplace",
                    "surrogatepass", "surrogateescape")) {
                for (String text : texts) {
                    lines.add(encoding + "\t" + errors + "\t" + text);
                }
            }
        }
        // which characters cp1252 encodes, and to what: every BMP character, 256 at a time
        for (int block = 0; block < 0x100; block++) {
            if (block < 0xd8 || block > 0xdf) {
                lines.add("cp1252\txmlcharrefreplace\t" + (block << 8));
            }
        }
        String setup = String.join("\n",
                "def make(line):",
                "    encoding, errors, text = line.split('\\t')",
                "    text = ''.join(map(chr, range(int(text), int(text) + 256))) if text.isdigit() and int(text) % 256 == 0 and int(text) > 0 or text == '0' else text.encode('ascii').decode('unicode_escape')",
                "    return b'\\x80\\x04' + su('_codecs') + su('encode') + b'\\x93' + su(text) + su(encoding) + su(errors) + b'\\x87R.'");
        compare(lines, cpython(setup, lines), 50, 500);
    }

    @Test
    void otherCodecsAreRefusedByName() throws IOException {
        for (String codec : List.of("raw_unicode_escape", "unicode_escape", "rot13", "idna", "utf-32", "cp1251")) {
            byte[] pickle = Python.check(String.join("\n",
                    "import sys",
                    "def su(s):",
                    "    b = s.encode(); return b'\\x8c' + bytes([len(b)]) + b",
                    "sys.stdout.buffer.write(b'\\x80\\x04' + su('_codecs') + su('encode') + b'\\x93' + su('abc') + su('"
                            + codec + "') + b'\\x86R.')"), new byte[0]);
            dev.brine.BrineException e = org.junit.jupiter.api.Assertions.assertThrows(dev.brine.BrineException.class,
                    () -> Pickle.loads(pickle));
            assertTrue(e.getMessage().contains("the codec '" + codec + "' is not one Brine runs"), e.getMessage());
        }
    }
}
