package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings longer than the unpickler's 64 KiB buffer, which {@link LongUtf8Decoder} decodes piece by piece as their
 * bytes arrive, against CPython: lists of such strings (ASCII, Latin-1, BMP, astral characters, lone surrogates, in
 * random runs, so that multi-byte sequences straddle every buffer and read boundary) pickled by CPython at protocols
 * 1 to 5 load from an array, from a file, from a {@link FileInputStream} and from streams that hand over a few bytes
 * per read, and Brine writes them back to CPython's very bytes. Damaged ones: CPython refuses a string whose UTF-8 is
 * invalid (UnicodeDecodeError) and Brine too, naming the opcode and where its string starts; an input cut inside such a string is
 * truncated for both, as CPython reads the whole argument before decoding it.
 */
class LongStringLoadDifferentialTest {
    /**
     * Writes case files to argv[1]: NAME.pkl, and NAME.txt holding "ok", "invalid START" (the string's first byte)
     * or "truncated", as CPython's pickle.loads answers.
     */
    private static final String CASES = String.join("\n",
            "import pickle, pickletools, random, sys, os",
            "out = sys.argv[1]",
            "r = random.Random(2026)",
            "def piece():",
            "    k = r.randrange(6)",
            "    n = r.choice([1, 2, 3, 50, 4000, 70000])",
            "    if k == 0: return ''.join(chr(r.randrange(32, 127)) for _ in range(n))",
            "    if k == 1: return ''.join(chr(r.randrange(0x80, 0x100)) for _ in range(min(n, 5000)))",
            "    if k == 2: return ''.join(chr(r.randrange(0x100, 0xd800)) for _ in range(min(n, 3000)))",
            "    if k == 3: return ''.join(chr(r.randrange(0x10000, 0x110000)) for _ in range(min(n, 2000)))",
            "    # a lone surrogate; never a high one right before a low one, which Java's UTF-16 cannot tell from a pair",
            "    if k == 4: return r.choice([chr(r.randrange(0xd800, 0xdc00)) + 'x', chr(r.randrange(0xdc00, 0xe000))])",
            "    return 'x' * n",
            "def text(latin1_only):",
            "    s = ''",
            "    while len(s.encode('utf-8', 'surrogatepass')) <= 65536 + r.randrange(200000):",
            "        p = piece()",
            "        s += p.encode('latin-1', 'replace').decode('latin-1') if latin1_only else p",
            "    return s",
            "def verdict(data, start):",
            "    try:",
            "        pickle.loads(data)",
            "        return 'ok'",
            "    except UnicodeDecodeError:",
            "        return 'invalid %d' % start",
            "    except pickle.UnpicklingError as e:",
            "        assert 'truncated' in str(e), e",
            "        return 'truncated'",
            "n = 0",
            "for protocol in range(1, 6):",
            "    for latin1_only in (True, False):",
            "        for _ in range(3):",
            "            data = pickle.dumps([text(latin1_only), 'tail'], protocol)",
            "            cases = [data]",
            "            op = [o for o in pickletools.genops(data) if o[0].name.startswith('BINUNICODE')][0]",
            "            start = op[2] + 5",
            "            size = int.from_bytes(data[op[2] + 1:start], 'little')",
            "            for at in (start, start + 65535, start + 65536, start + size - 1, start + r.randrange(size)):",
            "                bad = bytearray(data)",
            "                bad[at] = 0xff",
            "                cases.append(bytes(bad))",
            "                cases.append(bytes(bad[:start + size - 1]))",
            "            for c in cases:",
            "                open(os.path.join(out, 'c%03d.pkl' % n), 'wb').write(c)",
            "                open(os.path.join(out, 'c%03d.txt' % n), 'w').write(verdict(c, start))",
            "                n += 1",
            "print(n)");

    @Test
    void longStringsLoadAndWriteBackAsCPythonFromEverySource(@TempDir Path dir) throws IOException {
        Python.require();
        int n = Integer.parseInt(new String(Python.check(CASES, new byte[0], dir.toString()), StandardCharsets.UTF_8).trim());
        int ok = 0;
        int invalid = 0;
        int truncated = 0;
        SplittableRandom random = new SplittableRandom(7);
        for (int k = 0; k < n; k++) {
            Path file = dir.resolve(String.format("c%03d.pkl", k));
            byte[] pickle = Files.readAllBytes(file);
            String verdict = Files.readString(dir.resolve(String.format("c%03d.txt", k)));
            int protocol = pickle[0] == (byte) 0x80 ? pickle[1] : 1;
            String where = "case " + k + " (protocol " + protocol + ", " + verdict + ")";
            if (verdict.equals("ok")) {
                ok++;
                assertArrayEquals(pickle, Pickle.dumps(Pickle.loads(pickle), protocol), where + ", from an array");
                assertArrayEquals(pickle, Pickle.dumps(Pickle.load(file), protocol), where + ", from a file");
                try (InputStream in = new FileInputStream(file.toFile())) {
                    assertArrayEquals(pickle, Pickle.dumps(Pickle.load(in), protocol), where + ", from a FileInputStream");
                }
                for (int maxRead : new int[] {7, 5000}) {
                    try (InputStream in = new Trickle(pickle, maxRead, random.split())) {
                        assertArrayEquals(pickle, Pickle.dumps(Pickle.load(in), protocol), where + ", reads of " + maxRead);
                    }
                }
            } else {
                for (Source source : Source.values()) {
                    UnpicklingException e = assertThrows(UnpicklingException.class, () -> source.load(pickle, file),
                            where + " from " + source);
                    if (verdict.equals("truncated")) {
                        assertTrue(e.getMessage().contains("truncated"), where + " from " + source + ": " + e.getMessage());
                    } else {
                        long start = Long.parseLong(verdict.substring("invalid ".length()));
                        assertTrue(e.getMessage().contains("invalid UTF-8 in the string argument starting at byte " + start),
                                where + " from " + source + ": " + e.getMessage());
                        assertEquals(start - 5, e.offset(), where + " from " + source); // the opcode's, as pickletools counts
                        assertEquals("BINUNICODE", e.opcode(), where + " from " + source);
                    }
                }
                if (verdict.equals("truncated")) {
                    truncated++;
                } else {
                    invalid++;
                }
            }
        }
        // every outcome must come up often, or the comparison proves little
        assertTrue(ok >= 30 && invalid >= 100 && truncated >= 100, List.of(ok, invalid, truncated).toString());
    }

    /** The ways a pickle reaches the unpickler. */
    private enum Source {
        ARRAY, FILE, STREAM, TRICKLE;

        Object load(byte[] pickle, Path file) throws IOException {
            switch (this) {
                case ARRAY:
                    return Pickle.loads(pickle);
                case FILE:
                    return Pickle.load(file);
                case STREAM:
                    try (InputStream in = new FileInputStream(file.toFile())) {
                        return Pickle.load(in);
                    }
                default:
                    try (InputStream in = new Trickle(pickle, 7, new SplittableRandom(pickle.length))) {
                        return Pickle.load(in);
                    }
            }
        }
    }
}
