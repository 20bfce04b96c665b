package dev.brine.pickle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes a str argument longer than the read buffer piece by piece, as its bytes arrive, by the rules of
 * {@link Utf8#decode} (UTF-8 with {@code surrogatepass}): into Latin-1 bytes while every character fits one, which
 * become the {@code String} with one copy, and into UTF-16 from the first character that does not.
 *
 * <p>Why: the argument is never held whole as bytes, nor as a {@code char[]} of twice its characters. A protocol 0–2
 * pickle carries a numpy array's N bytes as a Latin-1 str of N characters, about 1.5 N bytes of UTF-8; it was read
 * into one array of those bytes, decoded into 2 N bytes of chars and compressed into the N of the {@code String}:
 * 4.5 N of heap at once, besides the array. Now the Latin-1 bytes (at most the argument's length) and the
 * {@code String} are all there is: 2.5 N at the peak (see {@code LongStringMemoryTest}).
 */
final class LongUtf8Decoder {
    private final int maxChars;
    private byte[] latin1; // null once a character above U+00FF has come
    private char[] utf16;
    private int count;

    /**
     * @param capacity where to start (the argument's length when the input is known to hold it all)
     * @param maxChars the argument's length in bytes, which no decoding of it exceeds in characters
     */
    LongUtf8Decoder(int capacity, int maxChars) {
        this.maxChars = maxChars;
        this.latin1 = new byte[Math.min(capacity, maxChars)];
    }

    /**
     * Decodes the sequences that begin in {@code b[from, to)} and end there too. Returns where the first sequence it
     * could not finish begins ({@code to} when none), so that the caller hands it over again with the bytes that
     * complete it; with {@code last}, an unfinished sequence is invalid. Returns -1 for invalid UTF-8.
     */
    int decode(byte[] b, int from, int to, boolean last) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i = latin1 != null ? copyAscii(b, i, to) : putChar(c, i + 1);
                continue;
            }
            int length = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
            if (length == 0) {
                return -1;
            }
            if (i + length > to) {
                return last ? -1 : i;
            }
            int cp = codePoint(b, i, length);
            if (cp < 0) {
                return -1;
            }
            if (cp < 0x10000) {
                i = putChar(cp, i + length);
            } else {
                putChar(Character.highSurrogate(cp), i);
                i = putChar(Character.lowSurrogate(cp), i + length);
            }
        }
        return i;
    }

    /** The text decoded so far. */
    String result() {
        return latin1 != null ? new String(latin1, 0, count, StandardCharsets.ISO_8859_1) : new String(utf16, 0, count);
    }

    /** The code point of the complete {@code length}-byte sequence at {@code i}, or -1 when it is not valid. */
    private static int codePoint(byte[] b, int i, int length) {
        for (int k = 1; k < length; k++) {
            if ((b[i + k] & 0xc0) != 0x80) {
                return -1;
            }
        }
        int c = b[i] & 0xff;
        if (length == 2) {
            return (c & 0x1f) << 6 | (b[i + 1] & 0x3f);
        }
        if (length == 3) {
            int cp = (c & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f);
            return cp < 0x800 ? -1 : cp; // overlong; surrogates pass
        }
        int cp = (c & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6 | (b[i + 3] & 0x3f);
        return cp < 0x10000 || cp > 0x10ffff ? -1 : cp;
    }

    /** Copies the run of ASCII bytes from {@code i} (at least one) into the Latin-1 text; returns where it ends. */
    private int copyAscii(byte[] b, int i, int to) {
        int stop = i + 1;
        while (stop < to && b[stop] >= 0) {
            stop++;
        }
        reserve(stop - i);
        System.arraycopy(b, i, latin1, count, stop - i);
        count += stop - i;
        return stop;
    }

    /** Appends one character; returns {@code next}, for the caller's position. */
    private int putChar(int ch, int next) {
        if (latin1 != null && ch > 0xff) {
            widen();
        }
        reserve(1);
        if (latin1 != null) {
            latin1[count++] = (byte) ch;
        } else {
            utf16[count++] = (char) ch;
        }
        return next;
    }

    private void widen() {
        utf16 = new char[latin1.length];
        for (int k = 0; k < count; k++) {
            utf16[k] = (char) (latin1[k] & 0xff);
        }
        latin1 = null;
    }

    /** Room for {@code n} more characters, growing by doubling up to the most the argument can decode to. */
    private void reserve(int n) {
        int capacity = latin1 != null ? latin1.length : utf16.length;
        if (count + n <= capacity) {
            return;
        }
        int grown = (int) Math.min(maxChars, Math.max(count + (long) n, 2L * capacity));
        if (latin1 != null) {
            latin1 = Arrays.copyOf(latin1, grown);
        } else {
            utf16 = Arrays.copyOf(utf16, grown);
        }
    }
}
