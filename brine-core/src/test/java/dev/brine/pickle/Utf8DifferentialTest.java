package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * {@link Utf8#decode} against CPython's {@code bytes.decode('utf-8', 'surrogatepass')}, which is
 * what {@code pickle} uses for BINUNICODE strings, on 20,000 inputs: valid text of every length
 * class (ASCII, Latin-1, BMP, astral), encoded lone surrogates, and damaged sequences (truncated,
 * overlong, beyond U+10FFFF, stray continuation bytes). Both sides print "-" for a refusal and the
 * UTF-16 code units otherwise.
 */
class Utf8DifferentialTest {
    @Test
    void decodesAndRefusesExactlyAsCPython() throws IOException {
        Python.require();
        List<byte[]> inputs = inputs(new SplittableRandom(0xC0FFEE), 20_000);
        // the empty input is left out: it says nothing about decoding
        List<byte[]> sent = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (byte[] b : inputs) {
            if (b.length > 0) {
                sent.add(b);
                lines.add(HexFormat.of().formatHex(b));
            }
        }
        List<String> expected = Python.eachLine("", "bytes.fromhex(line).decode('utf-8', 'surrogatepass')"
                + ".encode('utf-16-be', 'surrogatepass').hex() or '.'", "UnicodeDecodeError", lines);
        int valid = 0;
        for (int k = 0; k < sent.size(); k++) {
            byte[] b = sent.get(k);
            String s = Utf8.decode(b, 0, b.length);
            String actual = s == null ? "-" : utf16Hex(s);
            assertEquals(expected.get(k), actual, () -> "input " + HexFormat.of().formatHex(b));
            valid += s == null ? 0 : 1;
        }
        // the generator must exercise both outcomes, or the comparison proves little
        assertEquals(true, valid > 5_000 && valid < sent.size() - 2_000, "valid inputs: " + valid);
    }

    /** Decoding at an offset inside a larger buffer (how the unpickler calls it). */
    @Test
    void decodesASliceOfABuffer() {
        byte[] buf = "xx\u00e9t\u00e9\ud83d\ude00yy".getBytes(StandardCharsets.UTF_8);
        assertEquals("\u00e9t\u00e9\ud83d\ude00", Utf8.decode(buf, 2, buf.length - 4));
    }

    private static String utf16Hex(String s) {
        if (s.isEmpty()) {
            return ".";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            sb.append(String.format("%04x", (int) s.charAt(i)));
        }
        return sb.toString();
    }

    private static List<byte[]> inputs(SplittableRandom r, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int pieces = 1 + r.nextInt(6);
            for (int p = 0; p < pieces; p++) {
                piece(r, b);
            }
            byte[] bytes = b.toByteArray();
            if (i % 4 == 0 && bytes.length > 0) { // damage: flip, drop or cut one byte
                int at = r.nextInt(bytes.length);
                switch (r.nextInt(3)) {
                    case 0 -> bytes[at] ^= (byte) (1 << r.nextInt(8));
                    case 1 -> bytes = cut(bytes, at, at + 1);
                    default -> bytes = java.util.Arrays.copyOf(bytes, at);
                }
            }
            out.add(bytes);
        }
        return out;
    }

    private static byte[] cut(byte[] b, int from, int to) {
        byte[] out = new byte[b.length - (to - from)];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, to, out, from, b.length - to);
        return out;
    }

    private static void piece(SplittableRandom r, ByteArrayOutputStream b) {
        switch (r.nextInt(9)) {
            case 0 -> codePoint(b, r.nextInt(0x80)); // ASCII
            case 1 -> codePoint(b, 0x80 + r.nextInt(0x80)); // Latin-1
            case 2 -> codePoint(b, 0x100 + r.nextInt(0xd800 - 0x100)); // BMP
            case 3 -> codePoint(b, 0xd800 + r.nextInt(0x800)); // a lone surrogate, surrogatepass style
            case 4 -> codePoint(b, 0xe000 + r.nextInt(0x2000)); // BMP above the surrogates
            case 5 -> codePoint(b, 0x10000 + r.nextInt(0x100000)); // astral
            case 6 -> { // overlong forms of a small code point
                int cp = r.nextInt(0x800);
                b.write(0xe0 | cp >> 12);
                b.write(0x80 | (cp >> 6 & 0x3f));
                b.write(0x80 | (cp & 0x3f));
            }
            case 7 -> { // a four-byte form beyond U+10FFFF
                int cp = 0x110000 + r.nextInt(0xf0000);
                b.write(0xf0 | (cp >> 18 & 0x07));
                b.write(0x80 | (cp >> 12 & 0x3f));
                b.write(0x80 | (cp >> 6 & 0x3f));
                b.write(0x80 | (cp & 0x3f));
            }
            default -> b.write(r.nextInt(256)); // any byte at all
        }
    }

    /** UTF-8 of a code point, surrogates included (as surrogatepass writes them). */
    private static void codePoint(ByteArrayOutputStream b, int cp) {
        if (cp < 0x80) {
            b.write(cp);
        } else if (cp < 0x800) {
            b.write(0xc0 | cp >> 6);
            b.write(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            b.write(0xe0 | cp >> 12);
            b.write(0x80 | (cp >> 6 & 0x3f));
            b.write(0x80 | (cp & 0x3f));
        } else {
            b.write(0xf0 | cp >> 18);
            b.write(0x80 | (cp >> 12 & 0x3f));
            b.write(0x80 | (cp >> 6 & 0x3f));
            b.write(0x80 | (cp & 0x3f));
        }
    }
}
