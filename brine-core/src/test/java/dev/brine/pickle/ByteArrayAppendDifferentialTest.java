package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.ByteArray;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * APPEND and APPENDS onto a bytearray, which CPython's C {@code pickle.loads} turns into
 * {@code bytearray.extend}, against CPython: the bytearray is CPython's own {@code bytearray(b'ab')}
 * at protocols 0 to 5 ({@code builtins.bytearray} through REDUCE below 5, BYTEARRAY8 at 5), followed
 * by hand-made appends: ints of every opcode, bools, memo references, runs of 1,200 and 1,000,000
 * single-byte APPENDs (which Brine used to refuse: each append copied the array and was charged in
 * full against maxBytesRatio), and items CPython refuses (not ints, out of range). Brine must load
 * the same bytes or refuse too.
 */
class ByteArrayAppendDifferentialTest {
    private static final String ORACLE = String.join("\n",
            "import pickle, hashlib",
            "def prefix(line):",
            "    p = int(line)",
            "    d = pickle.dumps(bytearray(b'ab'), p)[:-1]",
            "    if p >= 4:",
            "        assert d[2] == 0x95",
            "        d = d[:2] + d[11:]  # no FRAME: the appends that follow would straddle its end",
            "    return d.hex()",
            "def load(line):",
            "    v = pickle.loads(bytes.fromhex(line))",
            "    r = repr(v)",
            "    if len(r) > 300: r = '%d %s' % (len(v), hashlib.sha256(v).hexdigest())",
            "    return type(v).__name__ + ' ' + r");

    /** Appended to each bytearray before STOP. */
    private static final String[] BODIES = {
        "", "K\u0001a", "(K\u0001K\u0002e", "(e", "\u0088a", "\u0089a", "(\u0088\u0089K\u00ffK\u0000e", "I65\na",
        "(I1\nI02\nI01\nL7L\ne", "M\u00ff\u0000a", "J\u00ff\u0000\u0000\u0000a", "\u008a\u0001\u007fa", "\u008a\u0002\u00ff\u0000a",
        "q\u0000K\u0003a0h\u0000K\u0004a", "q\u0000(K\u0001eh\u0000\u0086", "K\u0001aK\u0002a(K\u0003K\u0004eK\u0005a",
        // refused by CPython: not an int, out of range(256)
        "M\u0000\u0001a", "J\u00ff\u00ff\u00ff\u00ffa", "\u008a\u0001\u0080a", "Na", "G?\u00f0\u0000\u0000\u0000\u0000\u0000\u0000a",
        "C\u0001xa", "X\u0001\u0000\u0000\u0000aa", "]a", "(K\u0001M\u0000\u0001e", "(K\u0001Ne", "L99999999999999999999L\na",
        "\u008a\u0009\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0001a",
        appends(1_200, 0), appends(1_200, 1_000), appends(3_000, 1), appends(2_500, 7),
    };

    /** {@code n} single-byte APPENDs, or APPENDS batches of {@code batch} items with an APPEND after each. */
    private static String appends(int n, int batch) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (batch > 0 && i % batch == 0) {
                s.append(i == 0 ? "(" : "e(");
            }
            s.append('K').append((char) (i * 7 % 256));
            if (batch == 0) {
                s.append('a');
            }
        }
        return batch > 0 ? s.append("eK\u0009a").toString() : s.toString();
    }

    @Test
    void appendsAsCPythonsBytearrayExtend() throws IOException {
        Python.require();
        List<String> prefixes = Python.eachLine(ORACLE, "prefix(line)", null, List.of("0", "1", "2", "3", "4", "5"));
        List<byte[]> pickles = new ArrayList<>();
        for (String prefix : prefixes) {
            for (String body : BODIES) {
                pickles.add(pickle(HexFormat.of().parseHex(prefix), body));
            }
        }
        // a million single-byte APPENDs onto the bytearray of protocols 0 (REDUCE) and 5 (BYTEARRAY8)
        StringBuilder million = new StringBuilder(3_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            million.append('K').append((char) (i % 251)).append('a');
        }
        int firstMillion = pickles.size();
        pickles.add(pickle(HexFormat.of().parseHex(prefixes.get(0)), million.toString()));
        pickles.add(pickle(HexFormat.of().parseHex(prefixes.get(5)), million.toString()));
        List<String> lines = new ArrayList<>();
        for (byte[] p : pickles) {
            lines.add(HexFormat.of().formatHex(p));
        }
        List<String> expected = Python.eachLine(ORACLE, "load(line)", "Exception", lines);
        int refused = 0;
        for (int k = 0; k < pickles.size(); k++) {
            long start = System.nanoTime();
            String actual;
            try {
                Object v = Pickle.loads(pickles.get(k));
                if (v instanceof ByteArray) {
                    sameBytesHeld((ByteArray) v, (ByteArray) Pickle.loads(pickles.get(k)));
                }
                actual = show(v);
            } catch (UnpicklingException e) {
                actual = "-";
                refused++;
            }
            String what = k >= firstMillion ? "a million APPENDs onto " + prefixes.get(k == firstMillion ? 0 : 5)
                    : "bytearray " + prefixes.get(k / BODIES.length) + " then " + HexFormat.of().formatHex(
                            BODIES[k % BODIES.length].getBytes(StandardCharsets.ISO_8859_1)).substring(0,
                            Math.min(80, 2 * BODIES[k % BODIES.length].length()));
            assertEquals(expected.get(k), actual, what);
            if (k >= firstMillion) {
                // amortized appends take well under a second; copying the array on each took minutes
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < 20_000, what + " took " + millis + " ms");
            }
        }
        assertTrue(refused > 50 && refused < pickles.size() - 50, "refused " + refused + " of " + pickles.size());
    }

    /**
     * Two loads of one pickle are equal with the same hash while appends left spare capacity after the
     * bytes, and the hash is that of the bytes {@link ByteArray#array()} then gives.
     */
    private static void sameBytesHeld(ByteArray a, ByteArray b) {
        assertEquals(a, b);
        int hash = a.hashCode();
        assertEquals(hash, b.hashCode());
        assertEquals(a.size(), a.array().length);
        assertEquals(Arrays.hashCode(a.array()), hash);
        assertEquals(a, b);
    }

    private static byte[] pickle(byte[] prefix, String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix);
        out.writeBytes(body.getBytes(StandardCharsets.ISO_8859_1));
        out.write('.');
        return out.toByteArray();
    }

    /** What the oracle prints for a value: its type and repr, or for a long bytearray its size and SHA-256. */
    private static String show(Object v) {
        String r = PythonRepr.repr(v);
        if (r.length() > 300 && v instanceof ByteArray) {
            byte[] b = ((ByteArray) v).array();
            try {
                r = b.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }
        String type = v instanceof ByteArray ? "bytearray" : v instanceof Tuple ? "tuple" : v.getClass().getName();
        return type + " " + r;
    }
}
