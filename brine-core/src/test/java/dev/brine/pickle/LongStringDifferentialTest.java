package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Strings too long to encode as one array: beyond {@link Pickler#LARGE_STRING_CHARS} chars the Pickler
 * writes the UTF-8 (or protocol 0's raw-unicode-escape) a piece at a time, so a str whose bytes pass
 * 2 GiB (a Java array's limit) is written, or refused, and never held whole. Against CPython 3.11:
 * pieces of any size, split next to surrogate pairs, lone surrogates and escapes, give the bytes
 * {@code pickle.dumps} gives at protocols 0 to 5; the opcode chosen for a length at the 255-byte
 * and 4 GiB boundaries is pickle.py's {@code save_str}'s (given an encoded value that only
 * reports its length, so nothing of that size is made).
 */
class LongStringDifferentialTest {
    // astral pairs, lone surrogates, the characters protocol 0 escapes, Latin-1 and ASCII
    private static final String PATTERN_PY = "'a\\U0001f600\\ud800b\\\\\\n\\r\\x00\\x1a\\xe9\\u20ac\\udc00\\U0010ffffz'";
    private static final String PATTERN = "a\uD83D\uDE00\uD800b\\\n\r\u0000\u001a\u00e9\u20ac\uDC00\uDBFF\uDFFFz";
    private static final int REPEAT = Pickler.LARGE_STRING_CHARS / PATTERN.length() + 7;

    @Test
    void aStringWrittenInPiecesIsCPythonsPickleAtEveryProtocol() throws Exception {
        Python.require();
        String s = PATTERN.repeat(REPEAT);
        assertTrue(s.length() > Pickler.LARGE_STRING_CHARS);
        String cpython = new String(Python.check(String.join("\n",
                "import hashlib, pickle",
                "s = " + PATTERN_PY + " * " + REPEAT,
                "for p in range(6):",
                "    print(hashlib.sha256(pickle.dumps(s, p)).hexdigest())"), new byte[0]), StandardCharsets.UTF_8);
        List<String> expected = cpython.lines().toList();
        List<String> differences = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            PicklerOptions options = PicklerOptions.DEFAULT.withProtocol(p);
            // in memory with the default pieces, and to a stream with pieces of 1, 2 and 4099 chars
            check(differences, p, "dumps", Pickle.dumps(s, options), expected.get(p));
            for (int pieceChars : new int[] {1, 2, 4099}) {
                ByteArrayOutputStream sink = new ByteArrayOutputStream();
                Pickler pickler = new Pickler(sink, options);
                pickler.pieceChars = pieceChars;
                pickler.dump(s);
                check(differences, p, pieceChars + "-char pieces", sink.toByteArray(), expected.get(p));
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    /**
     * The last pieces of a str near Java's limit (a Latin-1 String holds up to 2^31 - 1 chars; CPython pickles one of
     * 2,147,000,000 at protocol 4): the piece's end is computed without int overflow, which made one of more than
     * 2^31 - 2^20 chars fail with a StringIndexOutOfBoundsException (found by a hunt with a 2 GB string; too big for
     * the suite, so the arithmetic is checked here).
     */
    @Test
    void aPieceNearJavasLimitEndsAtTheStringsEnd() {
        int max = Integer.MAX_VALUE;
        assertEquals(4, Pickler.pieceEnd(0, 10, 4));
        assertEquals(10, Pickler.pieceEnd(8, 10, 4));
        assertEquals(2047 << 20 | 12345, Pickler.pieceEnd(2047 << 20, 2047 << 20 | 12345, 1 << 20));
        assertEquals(max - 1, Pickler.pieceEnd(max - 10, max - 1, 1 << 20));
        assertEquals(max, Pickler.pieceEnd(max - 1, max, max));
    }

    private static void check(List<String> differences, int p, String how, byte[] brine, String expected)
            throws NoSuchAlgorithmException {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(brine));
        if (!digest.equals(expected)) {
            differences.add("protocol " + p + ", " + how + ": " + brine.length + " bytes, not CPython's");
        }
    }

    @Test
    void theOpcodeForEachLengthIsSaveStrsAtTheBoundaries() throws IOException {
        Python.require();
        long[] lengths = {0, 1, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L,
            0x100000001L, 1L << 40};
        List<String> lines = new ArrayList<>();
        for (int p = 1; p <= 5; p++) {
            for (long n : lengths) {
                lines.add(p + "\t" + n);
            }
        }
        String setup = String.join("\n",
                "import io, pickle, struct",
                "class Encoded:",
                "    def __init__(self, n): self.n = n",
                "    def __len__(self): return self.n",
                "    def __radd__(self, header): return bytes(header)",
                "class Str:",
                "    def __init__(self, n): self.n = n",
                "    def encode(self, *args): return Encoded(self.n)",
                "def case(line):",
                "    p, n = (int(x) for x in line.split('\\t'))",
                "    pk = pickle._Pickler(io.BytesIO(), p)",
                "    written = []",
                "    pk.write = written.append",
                "    pk._write_large_bytes = lambda header, payload: written.append(header)",
                "    try:",
                "        pk.save_str(Str(n))",
                "    except (struct.error, OverflowError):",
                "        return 'refused'",
                "    return '%02x' % written[0][0]");
        List<String> python = Python.eachLine(setup, "case(line)", null, lines);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] pn = lines.get(i).split("\t");
            Opcode op = Pickler.binaryStringOpcode(Long.parseLong(pn[1]), Integer.parseInt(pn[0]));
            String brine = op == null ? "refused" : String.format("%02x", op.code());
            if (!brine.equals(python.get(i))) {
                differences.add(lines.get(i) + ": pickle.py " + python.get(i) + ", Brine " + brine);
            }
        }
        assertEquals("", String.join("\n", differences));
        assertTrue(python.contains("refused") && python.contains("8d"), "the 4 GiB boundary was reached: " + python);
    }

    @Test
    void aPickleInMemoryIsRefusedBeforeItPassesWhatAJavaArrayHolds() throws IOException {
        // dumps() returns one byte[]; a str of more than 2 GiB is refused before any of it is encoded
        PickleOutput inMemory = new PickleOutput(null);
        inMemory.requireArrayRoom(Integer.MAX_VALUE - 8);
        PicklingException e = assertThrows(PicklingException.class, () -> inMemory.requireArrayRoom(Integer.MAX_VALUE - 7));
        assertTrue(e.getMessage().contains("dump it to a stream"), e.getMessage());
        new PickleOutput(new ByteArrayOutputStream()).requireArrayRoom(Long.MAX_VALUE / 2); // a stream takes any size
    }
}
