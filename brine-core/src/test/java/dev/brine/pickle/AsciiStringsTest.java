package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AsciiStrings} answers with a string's bytes exactly when every char is ASCII, and is live
 * on the JDKs it is meant for (else the pickler's speed-up would vanish without a failing test).
 * The bytes it lets the pickler write are checked against CPython by {@link HotPathIdentityTest}.
 */
class AsciiStringsTest {
    @Test
    void isEnabledUpToJdk23AndNeverAfter() {
        // JDK 24 prints a warning on the first Unsafe field read (JEP 498), so the class stays off there
        assertEquals(Runtime.version().feature() <= 23, AsciiStrings.ENABLED,
                "AsciiStrings.ENABLED on JDK " + Runtime.version().feature());
    }

    @Test
    void copiesExactlyTheCharsOfAsciiStringsAndWritesNothingForOthers() {
        for (String s : corpus()) {
            boolean ascii = s.chars().allMatch(c -> c < 0x80);
            for (int at : new int[] {0, 3, 8}) {
                byte[] dst = new byte[at + s.length() + 16];
                java.util.Arrays.fill(dst, (byte) '~');
                byte[] expected = dst.clone();
                boolean copied = AsciiStrings.copyIfAscii(s, dst, at);
                assertEquals(ascii && AsciiStrings.ENABLED, copied, () -> describe(s));
                if (copied) {
                    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(bytes, 0, expected, at, bytes.length);
                }
                assertArrayEquals(expected, dst, () -> "at " + at + ": " + describe(s));
            }
        }
    }

    @Test
    void isAsciiLooksAtEveryByteOfEveryLength() {
        for (int n = 0; n <= 40; n++) {
            byte[] v = new byte[n];
            java.util.Arrays.fill(v, (byte) 'q');
            assertEquals(true, AsciiStrings.isAscii(v), "length " + n);
            for (int k = 0; k < n; k++) {
                for (int high : new int[] {0x80, 0xff, 0xc3}) {
                    v[k] = (byte) high;
                    assertEquals(false, AsciiStrings.isAscii(v), "length " + n + ", byte 0x"
                            + Integer.toHexString(high) + " at " + k);
                }
                v[k] = 0x7f;
                assertEquals(true, AsciiStrings.isAscii(v), "length " + n + ", 0x7f at " + k);
                v[k] = 'q';
            }
        }
    }

    @Test
    void isAsciiOfARangeLooksOnlyInsideIt() {
        for (int n = 0; n <= 40; n++) {
            for (int off : new int[] {0, 1, 7, 8, 13}) {
                byte[] v = new byte[off + n + 9];
                java.util.Arrays.fill(v, (byte) 0xff); // non-ASCII all around the range
                java.util.Arrays.fill(v, off, off + n, (byte) 'q');
                assertEquals(true, AsciiStrings.isAscii(v, off, n), "length " + n + " at " + off);
                for (int k = off; k < off + n; k++) {
                    v[k] = (byte) 0x80;
                    assertEquals(false, AsciiStrings.isAscii(v, off, n), "length " + n + " at " + off + ", 0x80 at " + k);
                    v[k] = 'q';
                }
            }
        }
    }

    /** Strings of every short length, with one char on either side of 0x80 and 0x100 at each position, made every way the JDK makes them. */
    private static List<String> corpus() {
        List<String> all = new ArrayList<>();
        for (int n = 0; n <= 40; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append((char) ('a' + i % 26));
            }
            String plain = b.toString();
            all.add(plain);
            all.add(new String(plain.toCharArray()));
            all.add(new String(plain.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
            all.add(("#" + plain).substring(1));
            all.add(plain.intern());
            for (int k = 0; k < n; k++) {
                for (char c : new char[] {'\u007f', '\u0080', '\u00e9', '\u00ff', '\u0100', '\u20ac', '\ud800', '\udfff'}) {
                    String one = plain.substring(0, k) + c + plain.substring(k + 1);
                    all.add(one);
                    all.add(new StringBuilder(one).toString());
                }
            }
        }
        // ASCII chars that once sat in a string stored as UTF-16
        all.add("abc\u0100".substring(0, 3));
        all.add(new StringBuilder("\u0100abcdefghij").deleteCharAt(0).toString());
        all.add("a\ud83d\ude00b");
        return all;
    }

    private static String describe(String s) {
        StringBuilder d = new StringBuilder("length " + s.length() + ":");
        s.chars().forEach(c -> d.append(' ').append(Integer.toHexString(c)));
        return d.toString();
    }
}
