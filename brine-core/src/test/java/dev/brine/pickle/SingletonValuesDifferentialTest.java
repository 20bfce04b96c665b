package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.mapping.ClassRegistry;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CPython keeps one object of the empty str and bytes and of each one-character str below U+0100,
 * so what it unpickles holds each such value once and writes it once, then memo references: {@code pickle.dumps(pickle.loads(p), q)} shares them even where {@code p} did not (a
 * protocol 0 pickle of {@code ['a', b'a']} writes the two 'a's apart). Brine's reading and writing give
 * the same bytes, at every pair of protocols, numpy's {@code b'b'} and a field named 'b' included; and
 * Java strings and byte arrays built apart are written as CPython writes the same values.
 *
 * <p>Not covered, and not done: CPython's unpickler makes one-byte bytes of protocols 0 to 2
 * ({@code _codecs.encode(s, 'latin1')}) its one object of that value too, so a pickle that wrote two
 * such values apart (a numpy array's {@code b'b'} and a {@code b'b'} of the program's) is written back
 * with one; Brine reads them as two byte arrays and writes them apart (see {@code PySingletons}).
 */
class SingletonValuesDifferentialTest {
    private static final List<String> VALUES = List.of(
            "['a', b'a', bytearray(b'a'), bytearray(b'ab'), 'a', b'a', bytearray(b'a')]",
            "[chr(233), ''.join([chr(233)]), chr(300), ''.join([chr(300)]), '', str(), b'', bytes(), bytearray()]",
            "{'a': 'a', 'b': [b'b', 'b', bytes([98])], 'latin1': 'latin1', 'é': b'\\xe9'}",
            "[np.zeros(2, [('a', '<i4'), ('b', '<f8')]), np.arange(3), {'b': 'b'}]",
            "[np.dtype([('b', '<i2')]), np.array([b'b', b'a'], dtype='S1'), 'b']");

    @Test
    void valuesCPythonKeepsOnceAreWrittenOnceAsCPythonWritesThemAfterReadingThem() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (String v : VALUES) {
            for (int from = 0; from <= 5; from++) {
                lines.add(from + "\t" + v);
            }
        }
        List<String> cpython = Python.eachLine("import pickle, numpy as np\n"
                        + "def case(line):\n"
                        + "    p, expr = line.split('\\t')\n"
                        + "    data = pickle.dumps(eval(expr), int(p))\n"
                        + "    return '\\t'.join([data.hex()] + [pickle.dumps(pickle.loads(data), q).hex() for q in range(6)])",
                "case(line)", null, lines);
        ClassRegistry numpy2 = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build();
        UnpicklerOptions reading = UnpicklerOptions.builder().registry(numpy2).build();
        PicklerOptions writing = PicklerOptions.builder().registry(numpy2).build();
        HexFormat hex = HexFormat.of();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] c = cpython.get(i).split("\t");
            Object read = Pickle.loads(hex.parseHex(c[0]), reading);
            for (int q = 0; q <= 5; q++) {
                String brine = hex.formatHex(Pickle.dumps(read, writing.withProtocol(q)));
                if (!brine.equals(c[q + 1])) {
                    differences.add(lines.get(i) + " to " + q + "\n  CPython " + c[q + 1] + "\n  Brine   " + brine);
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    @Test
    void javaStringsAndBytesBuiltApartAreWrittenAsCPythonWritesTheValues() throws IOException {
        List<Object> built = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            built.add(new String(new char[] {'a'}));
            built.add(new String(new char[] {'\u00e9'}));
            built.add(new String(new char[] {'\u012c'}));
            built.add(new String(new char[0]));
            built.add(new byte[] {7});
            built.add(new byte[0]);
            built.add(new byte[] {7, 8});
        }
        List<String> lines = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            lines.add(String.valueOf(p));
        }
        // CPython's own values, each made twice the way unpickling makes it (decoding, bytes of a buffer)
        List<String> cpython = Python.eachLine("import pickle\n"
                        + "def make():\n"
                        + "    return [b'a'.decode(), b'\\xc3\\xa9'.decode(), b'\\xc4\\xac'.decode(), b''.decode(),"
                        + " bytes(bytearray(b'\\x07')), bytes(bytearray()), bytes(bytearray(b'\\x07\\x08'))]\n",
                "pickle.dumps(make() + make(), int(line)).hex()", null, lines);
        List<String> differences = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            String brine = HexFormat.of().formatHex(Pickle.dumps(built, p));
            if (!brine.equals(cpython.get(p))) {
                differences.add(p + "\n  CPython " + cpython.get(p) + "\n  Brine   " + brine);
            }
        }
        assertEquals("", String.join("\n", differences));
    }
}
