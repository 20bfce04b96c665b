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
 * The protocol 0 INT ({@code I<text>\n}) and LONG ({@code L<text>\n}) opcodes against CPython's C
 * {@code pickle.loads}: which texts load, to which value and type (int or bool), and which are
 * refused. The C reader tries {@code strtol} with base 0 (octal {@code I011} is 9, hex, leading
 * whitespace) before Python's {@code int(text, 0)} (underscores, {@code 0o}/{@code 0b}, trailing
 * whitespace); LONG drops one trailing L first. Inputs: hand-picked edge cases and 3,000 random
 * texts over the characters such literals are made of, each read as INT and as LONG.
 */
class IntOpcodeDifferentialTest {
    /** CPython's result for one opcode and hex-encoded text: "type value", or "-" when refused. */
    private static final String ORACLE = String.join("\n",
            "import pickle",
            "def load(line):",
            "    v = pickle.loads(line[:1].encode() + bytes.fromhex(line[1:]) + b'\\n.')",
            "    return type(v).__name__ + ' ' + str(v)");

    private static final List<String> EDGES = List.of("0", "1", "00", "01", "02", "10", "-1", "+1", "-0", "+0",
            "0\t", "12 ", " 12", "1_0", "1_000L", "1__0", "_1", "1_", "011", "09", "0o11", "0x1f", "0X1F", "0x", "0xg",
            "0b101", "0b", "0_0", "000", "0x_1f", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "99999999999999999999999", "0x8000000000000000", "0777777777777777777777777",
            "L", "1L", "1LL", "1l", "", " ", "-", "+-1", "1 2", "1\u000b", "\u000c1", "1\r", "\u00a01", "1\u0000x",
            "\u0000", "\u0000x", "0\u0000", "1.0", "1e3", "١", " 0", " 1", "-01", "0x1\u0000z", "True");

    private static final String ALPHABET = "0123456789_ xXoObBL+-\tabf";

    @Test
    void loadsAndRefusesAsCPythonsCReader() throws IOException {
        Python.require();
        List<String> texts = new ArrayList<>(EDGES);
        SplittableRandom r = new SplittableRandom(0x1A7);
        for (int i = 0; i < 3_000; i++) {
            texts.add(RandomTexts.next(r, ALPHABET, 7, 2));
        }
        List<String> lines = new ArrayList<>();
        List<byte[]> pickles = new ArrayList<>();
        for (String op : new String[] {"I", "L"}) {
            for (String s : texts) {
                lines.add(op + HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1)));
                pickles.add((op + s + "\n.").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        List<String> expected = Python.eachLine(ORACLE, "load(line)", "Exception", lines);
        int loaded = 0;
        for (int k = 0; k < lines.size(); k++) {
            String actual;
            try {
                Object v = Pickle.loads(pickles.get(k));
                actual = (v instanceof Boolean ? "bool " + ((Boolean) v ? "True" : "False") : "int " + v);
                loaded++;
            } catch (UnpicklingException e) {
                actual = "-";
            }
            String shown = new String(pickles.get(k), StandardCharsets.ISO_8859_1);
            assertEquals(expected.get(k), actual, shown.replace("\n", "\\n").replace("\0", "\\0"));
        }
        // both outcomes must occur, or the comparison proves little
        assertTrue(loaded > 500 && loaded < lines.size() - 500, "loaded " + loaded + " of " + lines.size());
    }
}
