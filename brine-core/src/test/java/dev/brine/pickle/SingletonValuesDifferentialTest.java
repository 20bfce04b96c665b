package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CPython keeps one object of the empty str and bytes, and writes a second one as a memo reference;
 * so does Brine, whichever Java objects hold them. One-character strings keep the identities they
 * have: CPython's {@code str(Decimal('1'))}, {@code str(1)} and a str subclass's {@code __getnewargs__}
 * make a new one each time, and Brine writes what it read or was given apart as CPython writes them;
 * but the latin-1 text of a one-byte bytes object below protocol 3 ({@code _codecs.encode('\x07',
 * 'latin1')}) is CPython's one object of that character, in Brine too (see PySingletons for what this
 * leaves: one-character strings that CPython's reading would make one).
 */
class SingletonValuesDifferentialTest {
    /** Python values (in a setup with Decimal and a str subclass S of __main__); each pickled at every protocol. */
    private static final List<String> VALUES = List.of(
            "[Decimal('1'), '1', Decimal('1'), Decimal('-0'), '0']",
            "[S('a'), 'a', S(''), '', S('a')]",
            "['', b'', [''], {'': b''}, ('', b'')]",
            "[b'', bytearray(), '', 'x' * 0]");

    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    @Test
    void emptyStringsAreOneObjectAndOtherStringsKeepTheirIdentitiesAsCPythonWritesThemAfterReadingThem()
            throws IOException {
        List<String> lines = new ArrayList<>();
        for (String v : VALUES) {
            for (int from = 0; from <= 5; from++) {
                lines.add(from + "\t" + v);
            }
        }
        List<String> cpython = Python.eachLine("import pickle\n"
                        + "from decimal import Decimal\n"
                        + "class S(str): pass\n"
                        + "def case(line):\n"
                        + "    p, expr = line.split('\\t')\n"
                        + "    data = pickle.dumps(eval(expr), int(p))\n"
                        + "    return '\\t'.join([data.hex()] + [pickle.dumps(pickle.loads(data), q).hex() for q in range(6)])",
                "case(line)", null, lines);
        HexFormat hex = HexFormat.of();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] c = cpython.get(i).split("\t");
            Object read = Pickle.loads(hex.parseHex(c[0]), GENERIC);
            for (int q = 0; q <= 5; q++) {
                if (lines.get(i).contains("S(") && from(lines.get(i)) >= 2 && q < 2) {
                    continue; // a str subclass from protocol 2 on written below 2: copyreg.__newobj__ (README)
                }
                String brine = hex.formatHex(Pickle.dumps(read, q));
                if (!brine.equals(c[q + 1])) {
                    differences.add(lines.get(i) + " to " + q + "\n  CPython " + c[q + 1] + "\n  Brine   " + brine);
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    private static int from(String line) {
        return Integer.parseInt(line.substring(0, line.indexOf('\t')));
    }

    @Test
    void javaStringsAndBytesBuiltApartAreWrittenAsCPythonWritesTheSameValuesMadeApart() throws IOException {
        List<Object> built = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            built.add(new String(new char[] {'7'}));
            built.add(new String(new char[0]));
            built.add(new byte[] {7});
            built.add(new byte[0]);
            built.add(new java.math.BigDecimal("1"));
        }
        List<String> lines = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            lines.add(String.valueOf(p));
        }
        // str(7) and bytes(bytearray(...)) make a new object each time; the empty ones are always the one object
        List<String> cpython = Python.eachLine("import pickle\nfrom decimal import Decimal\n"
                        + "def make():\n"
                        + "    return [str(7), str(), bytes(bytearray(b'\\x07')), bytes(bytearray()), Decimal('1')]\n",
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
