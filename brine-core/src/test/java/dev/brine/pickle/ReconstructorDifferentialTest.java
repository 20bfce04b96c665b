package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The builtin reconstructors Brine emulates ({@code _codecs.encode}, bytes, bytearray, set,
 * frozenset, complex, Decimal, OrderedDict, the datetime family) and the Python 2 name mapping,
 * against CPython's C {@code pickle.loads}, one call per case with arguments of the right and the
 * wrong types: for each pickle either both refuse, or both accept and CPython loads what Brine
 * writes back (at protocols 2 and 4) to a value of the same type and repr as the original.
 * Brine reads with the builtin registry only (no generic objects), as the API does by default.
 */
class ReconstructorDifferentialTest {
    /** Builds the pickles: {@code R(f, *args)} pickles as the call {@code f(*args)}. */
    private static final String MAKE = String.join("\n",
            "import pickle, codecs, datetime, decimal, collections",
            "from datetime import timedelta, timezone",
            "from decimal import Decimal",
            "from collections import OrderedDict",
            "class R:",
            "    def __init__(self, f, *args): self.f, self.args = f, args",
            "    def __reduce__(self): return (self.f, self.args)",
            "def ST(x): return x.__reduce__()[1][0]",
            "DT = datetime.datetime(2020, 1, 2, 3, 4, 5, 6)",
            "T = datetime.time(3, 4, 5, 6)",
            "def make(line):",
            "    if line.startswith('hex:'): return line[4:]",
            "    proto, expr = line.split(' ', 1)",
            "    return pickle.dumps(eval(expr), int(proto)).hex()");

    /** Loads the original and Brine's pickles in CPython: R (refused), A (agree) or what differs. */
    private static final String CHECK = String.join("\n",
            "import pickle",
            "def load(h):",
            "    try: return True, pickle.loads(bytes.fromhex(h))",
            "    except Exception as e: return False, type(e).__name__ + ': ' + str(e)",
            "def check(line):",
            "    orig, *brine = line.split(' ')",
            "    ok, a = load(orig)",
            "    if not ok: return 'R ' + a",
            "    if brine == ['-']: return 'X CPython accepts ' + repr(a)",
            "    for h in brine:",
            "        ok, b = load(h)",
            "        if not ok or type(a) is not type(b) or repr(a) != repr(b):",
            "            return 'X CPython loads ' + repr(a) + ' but Brine wrote ' + repr(b)",
            "    return 'A'");

    private static final String[] CALLS = {
        // 1a: timezone offsets strictly within a day, sub-second offsets, the name's type
        "R(timezone, timedelta(days=131))", "R(timezone, timedelta(hours=24))", "R(timezone, -timedelta(hours=24))",
        "R(timezone, timedelta(hours=24, microseconds=-1))", "R(timezone, -timedelta(hours=24, microseconds=-1))",
        "timezone(timedelta(hours=19))", "timezone(timedelta(hours=-18))", "timezone(timedelta(seconds=30))",
        "timezone(timedelta(microseconds=1))", "timezone(timedelta(hours=5), 'EST')", "timezone(timedelta(0), '')",
        "timezone.utc", "R(timezone, timedelta(0), 5)", "R(timezone, timedelta(0), None)",
        "R(timezone, timedelta(0), 'a', 'b')", "R(timezone, 5)", "R(timezone)",
        // datetime and time with a tzinfo that is none
        "R(datetime.datetime, ST(DT), 5)", "R(datetime.datetime, ST(DT), 'UTC')",
        "R(datetime.datetime, ST(DT), timedelta(1))", "R(datetime.datetime, ST(DT), None)",
        "R(datetime.datetime, ST(DT), timezone(timedelta(hours=5), 'EST'))", "R(datetime.time, ST(T), 5)",
        "R(datetime.time, ST(T), timezone(timedelta(hours=-3)))", "R(datetime.datetime, ST(DT), timezone.utc, 1)",
        // 1b: _codecs.encode's argument types, codec names and error handlers
        "R(codecs.encode, 'ab', 'latin1', 1)", "R(codecs.encode, 'ab', 1)", "R(codecs.encode, b'ab', 'latin1')",
        "R(codecs.encode, 'ab', None)", "R(codecs.encode, 'ab', 'latin1', None)", "R(codecs.encode)",
        "R(codecs.encode, 'ab', 'latin1', 'strict', 1)", "R(codecs.encode, 'a\\xe9')",
        "R(codecs.encode, 'ab', 'latin')", "R(codecs.encode, 'ab', 'LATIN_1')", "R(codecs.encode, 'ab', ' latin1')",
        "R(codecs.encode, 'ab', 'Latin 1')", "R(codecs.encode, 'ab', 'iso8859_1')", "R(codecs.encode, 'ab', 'L1')",
        "R(codecs.encode, 'ab', 'utf8 ')", "R(codecs.encode, 'ab', 'u8')", "R(codecs.encode, 'ab', 'US-ASCII')",
        "R(codecs.encode, 'a\\u0100b', 'latin1', 'ignore')", "R(codecs.encode, 'a\\u0100b', 'latin1', 'replace')",
        "R(codecs.encode, 'a\\u0100b', 'latin1', 'backslashreplace')",
        "R(codecs.encode, 'a\\U0001f600b', 'latin1', 'backslashreplace')",
        "R(codecs.encode, 'a\\U0001f600b', 'ascii', 'replace')", "R(codecs.encode, 'a\\xe9', 'ascii', 'xmlcharrefreplace')",
        "R(codecs.encode, 'a\\u0100b', 'latin1', 'bogus')", "R(codecs.encode, 'ab', 'latin1', 'bogus')",
        "R(codecs.encode, 'a\\u0100b', 'latin1')", "R(codecs.encode, 'a\\xe9', 'ascii')",
        "R(codecs.encode, '\\ud800', 'utf-8')", "R(codecs.encode, '\\ud800x', 'utf-8', 'surrogatepass')",
        "R(codecs.encode, '\\udc80', 'latin1', 'surrogateescape')", "R(codecs.encode, '\\ud800', 'utf-8', 'ignore')",
        "R(codecs.encode, '\\ud800', 'latin1', 'surrogatepass')",
        // bytes and bytearray
        "R(bytes, 221)", "R(bytes, 0)", "R(bytes, True)", "R(bytes, -1)", "R(bytes, 2**70)", "R(bytes, [1, 2, True])",
        "R(bytes, [256])", "R(bytes, [-1])", "R(bytes, [1.0])", "R(bytes, (1, 2))", "R(bytes, b'ab')",
        "R(bytes, bytearray(b'ab'))", "R(bytes, 'ab')", "R(bytes, 'ab', 'latin1')", "R(bytes, 'ab', 'latin1', 'strict')",
        "R(bytes, 1, 'latin1')", "R(bytes, 'ab', 5)", "R(bytes, 'a\\u0100', 'latin1', 'ignore')", "R(bytes)",
        "R(bytearray, 5)", "R(bytearray, 'ab')", "R(bytearray, 'ab', 'latin-1')", "R(bytearray, [1, 2])",
        "R(bytearray, b'xy')", "R(bytearray, -3)", "R(bytearray, None)", "R(bytearray, 'ab', 'latin1', 7)",
        // set, frozenset, complex
        "R(set, [1, 2])", "R(set, [[1]])", "R(set, 1)", "R(set, [1], [2])", "R(frozenset, (1, 2))", "R(frozenset)",
        "R(complex, 2**1100)", "R(complex, 1, 2**1100)", "R(complex, 1, True)", "R(complex, 1.5, -0.0)",
        "R(complex, 'x', 1)", "R(complex, 1, 'x')", "R(complex, 1, 2, 3)", "R(complex, None)",
        // Decimal
        "R(Decimal, '-0')", "R(Decimal, ' 1_0 ')", "R(Decimal, 'nan0012')", "R(Decimal, '-sNaN007')",
        "R(Decimal, 'Inf')", "R(Decimal, '-infinity')", "R(Decimal, 'abc')", "R(Decimal, 'nan-1')", "R(Decimal, 5)",
        "R(Decimal, 2**80)", "R(Decimal, True)", "R(Decimal, b'1')", "R(Decimal, '1', '2')", "R(Decimal)",
        // OrderedDict
        "R(OrderedDict, [(1, 2)])", "R(OrderedDict, [[1, 2]])", "R(OrderedDict, [(1, 2, 3)])", "R(OrderedDict, 5)",
        "R(OrderedDict, [(1, 2)], 5)", "R(OrderedDict, {1: 2})", "R(OrderedDict, [([], 2)])",
        // timedelta: bools are ints, up to 7 arguments, at most 999999999 days either way
        "R(timedelta, True, False, 1)", "R(timedelta, 1, 2, 3, 4)", "R(timedelta, 1, 2, 3, 4, 5, 6, 7)",
        "R(timedelta, 1, 2, 3, 4, 5, 6, 7, 8)", "R(timedelta, 999999999, 86399, 999999)",
        "R(timedelta, 999999999, 86400)", "R(timedelta, 1000000000)", "R(timedelta, -999999999)",
        "R(timedelta, -999999999, -1)", "R(timedelta, 0, 0, -1)", "R(timedelta, 0, -86401, 5)", "R(timedelta, 'x')",
        "R(timedelta, 2**70)", "R(timedelta, -2**70, 2**70 * 86400)",
    };

    /** Hand-made pickles: the review's reproducers and the Python 2 names (mapped only below protocol 3). */
    private static final String[] RAW = {
        "8003636461746574696d650a74696d657a6f6e650a7102636461746574696d650a74696d6564656c74610a71034b834b004b00877104527105857106522e",
        hex("c_codecs\nencode\n(Vab\nVlatin1\nI1\ntR."),
        hex("c__builtin__\nbytes\n(K\u00ddtR."),
        hex("\u0080\u0003c__builtin__\nset\n]\u0085R."),
        hex("\u0080\u0002c__builtin__\nset\n]\u0085R."),
        hex("c__builtin__\nset\n(]tR."),
        hex("\u0080\u0004\u008c\u000b__builtin__\u008c\u0003set\u0093]\u0085R."),
        hex("\u0080\u0002\u008c\u000b__builtin__\u008c\u0003set\u0093]\u0085R."),
        hex("\u0080\u0003c__builtin__\nbytearray\n)R."),
        hex("\u0080\u0001c__builtin__\nbytearray\n)R."),
        // APPEND(S) onto a bytearray: CPython calls extend
        hex("\u0080\u0005\u0096\u0002\0\0\0\0\0\0\0ab(K\u0001K\u0002e."),
        hex("\u0080\u0005\u0096\u0002\0\0\0\0\0\0\0ab(K\u0001\u0088e."),
        hex("\u0080\u0005\u0096\u0002\0\0\0\0\0\0\0abK\u0001a."),
        hex("\u0080\u0005\u0096\0\0\0\0\0\0\0\0(e."),
        hex("\u0080\u0005\u0096\u0002\0\0\0\0\0\0\0ab(M\0\u0001e."),
        hex("\u0080\u0005\u0096\0\0\0\0\0\0\0\0(C\u0002xye."),
        hex("\u0080\u0005\u0096\0\0\0\0\0\0\0\0(J\u00ff\u00ff\u00ff\u00ffe."),
        hex("c__builtin__\nbytearray\n(VA\nVlatin1\ntR(I66\nI67\ne."),
    };

    private static String hex(String latin1) {
        return HexFormat.of().formatHex(latin1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void acceptsAndRefusesAsCPythonsCReader() throws IOException {
        Python.require();
        List<String> lines = new ArrayList<>();
        for (String call : CALLS) {
            lines.add("2 " + call);
            lines.add("4 " + call);
        }
        for (String raw : RAW) {
            lines.add("hex:" + raw);
        }
        List<String> pickles = Python.eachLine(MAKE, "make(line)", null, lines);
        List<String> checks = new ArrayList<>();
        List<String> brineErrors = new ArrayList<>();
        for (String p : pickles) {
            StringBuilder line = new StringBuilder(p);
            String error = null;
            try {
                Object v = Pickle.loads(HexFormat.of().parseHex(p));
                for (int proto : new int[] {2, 4}) {
                    line.append(' ').append(HexFormat.of().formatHex(Pickle.dumps(v, proto)));
                }
            } catch (BrineException e) {
                line.append(" -");
                error = e.getMessage();
            }
            checks.add(line.toString());
            brineErrors.add(error);
        }
        List<String> verdicts = Python.eachLine(CHECK, "check(line)", null, checks);
        int refused = 0;
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            String verdict = verdicts.get(k);
            boolean brineRefused = brineErrors.get(k) != null;
            refused += brineRefused ? 1 : 0;
            String want = brineRefused ? "R" : "A";
            if (!verdict.equals(want) && !(brineRefused && verdict.startsWith("R "))) {
                failures.add(lines.get(k) + ": CPython " + verdict + "; Brine " + (brineRefused ? "refused: "
                        + brineErrors.get(k) : "accepted"));
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(refused > 40 && refused < lines.size() - 40, "refused " + refused + " of " + lines.size());
    }
}
