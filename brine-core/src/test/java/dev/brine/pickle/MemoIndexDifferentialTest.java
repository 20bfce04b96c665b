package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.LimitExceededException;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The protocol 0 GET ({@code g<text>\n}) and PUT ({@code p<text>\n}) opcodes against CPython's C
 * {@code pickle.loads}: which memo index texts it reads, as which index, and which it refuses. C reads
 * them with {@code PyLong_FromString(s, NULL, 10)}: Python's {@code int(s, 10)} up to a NUL (whitespace
 * around, a sign, underscores between digits, leading zeros), then a C ssize_t. Every pickle first
 * memoizes the value i at each probe index i; a GET shows which index it read by its value, a PUT
 * stores 777 and the probes read back show where. Inputs: edge cases and 1,500 random texts.
 */
class MemoIndexDifferentialTest {
    private static final int[] PROBES = {0, 1, 2, 3, 5, 7, 9, 10, 11, 12, 20, 99, 100, 255, 1000, 4096, 10000, 65535};

    /**
     * CPython's result for "g" or "p" and the hex of a pickle: the repr of what it loads, "-" when it
     * refuses, or "memory" when the index is too large for CPython's memo array (Brine keeps far
     * indices in a map instead).
     */
    private static final String ORACLE = String.join("\n",
            "import pickle",
            "def load(line):",
            "    try:",
            "        return repr(pickle.loads(bytes.fromhex(line[1:])))",
            "    except MemoryError:",
            "        return 'memory'");

    private static final List<String> EDGES = List.of("0", "1", "00", "01", "012", "10", "-1", "+1", "-0", "+0", "+-1",
            "--1", " 1", "1 ", "\t1\t", "\u000b1\u000c", "1\r", "\r1", " ", "", "-", "+", "_", "1_0", "1__0", "_1", "1_",
            "0_0_1", "0x1", "0X1", "0o1", "0b1", "1L", "1.0", "1e1", "1 2", "1\u0000", "1\u0000x", "\u00001", "\u0000",
            "\u00a01", "1\u00a0", "\u00851", "\u00d9\u00a1", "\u00b2", "0000000000000000000000001",
            "0".repeat(4_300) + "1", "0".repeat(4_299) + "1", "0_".repeat(2_000) + "9", "99", "100", "65535", "54321",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "1152921504606846976", "99999999999999999999999", "1".repeat(4_301), "True", "None");

    private static final String ALPHABET = "0123456789_ +-\t\u000b\r\u0000xL.\u00a0";

    @Test
    void readsAndRefusesAsCPythonsCReader() throws IOException {
        Python.require();
        List<String> texts = new ArrayList<>(EDGES);
        SplittableRandom r = new SplittableRandom(0x6E7);
        while (texts.size() < EDGES.size() + 1_500) {
            String text = RandomTexts.next(r, ALPHABET, 7, 2);
            if (text.chars().filter(c -> c >= '0' && c <= '9').count() <= 5) {
                texts.add(text); // CPython's memo array grows to twice a PUT index, zero-filled: keep it small
            }
        }
        byte[] probes = probes();
        List<String> lines = new ArrayList<>();
        List<byte[]> pickles = new ArrayList<>();
        for (String op : new String[] {"g", "p"}) {
            for (String text : texts) {
                ByteArrayOutputStream p = new ByteArrayOutputStream();
                p.writeBytes(probes);
                p.writeBytes(op.equals("p") ? "I777\n".getBytes(StandardCharsets.US_ASCII) : new byte[0]);
                p.writeBytes((op + text + "\n").getBytes(StandardCharsets.ISO_8859_1));
                if (op.equals("p")) {
                    p.write('0'); // POP the 777, then a tuple of every probe
                    p.write('(');
                    for (int i : PROBES) {
                        p.write('j');
                        p.writeBytes(le32(i));
                    }
                    p.write('t');
                }
                p.write('.');
                pickles.add(p.toByteArray());
                lines.add(op + HexFormat.of().formatHex(p.toByteArray()));
            }
        }
        List<String> expected = Python.eachLine(ORACLE, "load(line)", "Exception", lines);
        String farPut = expected.get(texts.size() + texts.indexOf("54321")); // a PUT that no probe sees
        int loaded = 0;
        int tooLarge = 0;
        int overLimit = 0;
        for (int k = 0; k < lines.size(); k++) {
            String actual;
            try {
                actual = PythonRepr.repr(Pickle.loads(pickles.get(k)));
                loaded++;
            } catch (UnpicklingException e) {
                actual = "-";
            } catch (LimitExceededException e) {
                // CPython's own limit: int() of more than 4,300 digits (Brine's maxIntDigits, as for INT)
                actual = "-";
                overLimit++;
            }
            String text = texts.get(k % texts.size());
            String shown = lines.get(k).charAt(0) + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
            String want = expected.get(k);
            if (want.equals("memory")) {
                // CPython's memo is an array of twice the largest index; Brine keeps such a PUT in a map
                want = farPut;
                tooLarge++;
            }
            assertEquals(want, actual, shown.replace("\n", "\\n").replace("\0", "\\0"));
        }
        assertEquals(4, overLimit, "GET and PUT of 4,301 digits, twice");
        assertEquals(2, tooLarge, "the PUTs of 2**63 - 1 and 2**60");
        // both outcomes must occur, or the comparison proves little
        assertTrue(loaded > 500 && loaded < lines.size() - 500, "loaded " + loaded + " of " + lines.size());
    }

    /** For each probe index i: BININT i, LONG_BINPUT i, POP. */
    private static byte[] probes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i : PROBES) {
            out.write('J');
            out.writeBytes(le32(i));
            out.write('r');
            out.writeBytes(le32(i));
            out.write('0');
        }
        return out.toByteArray();
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
