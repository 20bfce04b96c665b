package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The protocol 0 FLOAT opcode ({@code F<text>\n}) against CPython's C {@code pickle.loads}: which
 * texts load, to which double (bit for bit; a NaN matches a NaN of the same sign), and which are
 * refused. The C reader is stricter than Python's {@code float()}: no surrounding whitespace, no
 * underscores, and a finite literal too big for a double is an error, not infinity; it reads the
 * line as a C string, so a literal followed by a NUL loads. Inputs: hand-picked edge cases and 3,000
 * random texts over the characters such literals are made of.
 */
class FloatOpcodeDifferentialTest {
    /** CPython's result for one text, hex-encoded in {@code line}: the double's bits, "nan", or "-" when refused. */
    private static final String ORACLE = String.join("\n",
            "import pickle, struct, math",
            "def load(line):",
            "    v = pickle.loads(b'F' + bytes.fromhex(line) + b'\\n.')",
            "    return ('-nan' if math.copysign(1, v) < 0 else 'nan') if v != v else struct.pack('>d', v).hex()");

    private static final List<String> EDGES = List.of("1.5", "-0.0", "0.1", "1e308", "1.7976931348623157e308",
            "1.7976931348623159e308", "1e309", "1e500", "-1e500", "1e-400", "5e-324", "2e-324", "inf", "-inf", "+inf",
            "Infinity", "-INFINITY", "infinit", "nan", "-NaN", "+nan", "nanx", "+1.5", "1.", ".", ".5", "-.5e3", "1e",
            "1e+", "1e+5", "1E-5", "00012.5", "1e0001", "1_0.5", " 1.5", "1.5 ", "\t1.5", "1.5\r", "0x10", "1d", "1f",
            "", "-", "+-1", "1.5.2", "1e5.5", "\u00a01", "1,5", "1.5\0junk", "1.5\0", "\0", "\0" + "1.5", "-nan\0x",
            "1.5 \0");

    private static final String ALPHABET = "0123456789.eE+-_ infINFaN\0";

    @Test
    void loadsAndRefusesAsCPythonsCReader() throws IOException {
        Python.require();
        List<String> inputs = new ArrayList<>(EDGES);
        SplittableRandom r = new SplittableRandom(0xF10A7);
        for (int i = 0; i < 3_000; i++) {
            inputs.add(RandomTexts.next(r, ALPHABET, 8, 3));
        }
        List<String> lines = new ArrayList<>();
        for (String s : inputs) {
            lines.add(HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1)));
        }
        List<String> expected = Python.eachLine(ORACLE, "load(line)", "Exception", lines);
        int loaded = 0;
        for (int k = 0; k < inputs.size(); k++) {
            String text = inputs.get(k);
            byte[] pickle = ("F" + text + "\n.").getBytes(StandardCharsets.ISO_8859_1);
            String actual;
            try {
                double v = (Double) Pickle.loads(pickle);
                actual = Double.isNaN(v) ? (Double.doubleToRawLongBits(v) < 0 ? "-nan" : "nan") : String.format("%016x", Double.doubleToRawLongBits(v));
                loaded++;
            } catch (UnpicklingException e) {
                actual = "-";
            }
            assertEquals(expected.get(k), actual, "F" + text.replace("\n", "\\n"));
        }
        // both outcomes must occur, or the comparison proves little
        assertTrue(loaded > 300 && loaded < inputs.size() - 300, "loaded " + loaded + " of " + inputs.size());
    }
}
