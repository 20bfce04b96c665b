package dev.brine.pickle;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 with Python's {@code surrogatepass} error handler: lone surrogates, which Python strings
 * may hold and pickles carry as three-byte sequences, survive both ways. Java's own codec would
 * replace them with '?'.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Encodes {@code s}; ASCII-only strings take a fast path. */
    static byte[] encode(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && s.charAt(i) < 0x80) {
            i++;
        }
        if (i == n) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        // a piece of a larger string, or a string whose UTF-8 fits an array (Pickler sends longer ones in pieces)
        byte[] out = new byte[Math.toIntExact(encodedLength(s))];
        encodeInto(s, i, out, i);
        for (int k = 0; k < i; k++) {
            out[k] = (byte) s.charAt(k);
        }
        return out;
    }

    /**
     * Encodes {@code s} from char {@code from} on into {@code out} at {@code at}, which must have
     * room for 3 bytes per char; returns where the bytes end.
     */
    static int encodeInto(String s, int from, byte[] out, int at) {
        int n = s.length();
        int o = at;
        for (int k = from; k < n; k++) {
            char c = s.charAt(k);
            if (c < 0x80) {
                out[o++] = (byte) c;
            } else if (c < 0x800) {
                out[o++] = (byte) (0xc0 | c >> 6);
                out[o++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && k + 1 < n && Character.isLowSurrogate(s.charAt(k + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++k));
                out[o++] = (byte) (0xf0 | cp >> 18);
                out[o++] = (byte) (0x80 | (cp >> 12 & 0x3f));
                out[o++] = (byte) (0x80 | (cp >> 6 & 0x3f));
                out[o++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                // includes lone surrogates: surrogatepass writes them as ordinary three-byte sequences
                out[o++] = (byte) (0xe0 | c >> 12);
                out[o++] = (byte) (0x80 | (c >> 6 & 0x3f));
                out[o++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return o;
    }

    /** The encoded length of {@code s} in bytes: up to 3 a char, so beyond 2 GiB for a long string. */
    static long encodedLength(String s) {
        int n = s.length();
        long len = 0;
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c < 0x80) {
                len += 1;
            } else if (c < 0x800) {
                len += 2;
            } else if (Character.isHighSurrogate(c) && k + 1 < n && Character.isLowSurrogate(s.charAt(k + 1))) {
                len += 4;
                k++;
            } else {
                len += 3;
            }
        }
        return len;
    }

    /** Decodes UTF-8 (surrogatepass), or returns {@code null} when the bytes are not valid. */
    static String decode(byte[] b, int off, int len) {
        char[] out = new char[len];
        int o = 0;
        int i = off;
        int stop = off + len;
        while (i < stop) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                out[o++] = (char) c;
                i++;
            } else if (c >= 0xc2 && c <= 0xdf) {
                if (i + 1 >= stop || !cont(b[i + 1])) {
                    return null;
                }
                out[o++] = (char) ((c & 0x1f) << 6 | (b[i + 1] & 0x3f));
                i += 2;
            } else if (c >= 0xe0 && c <= 0xef) {
                if (i + 2 >= stop || !cont(b[i + 1]) || !cont(b[i + 2])) {
                    return null;
                }
                int cp = (c & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f);
                if (cp < 0x800) {
                    return null; // overlong
                }
                out[o++] = (char) cp;
                i += 3;
            } else if (c >= 0xf0 && c <= 0xf4) {
                if (i + 3 >= stop || !cont(b[i + 1]) || !cont(b[i + 2]) || !cont(b[i + 3])) {
                    return null;
                }
                int cp = (c & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6 | (b[i + 3] & 0x3f);
                if (cp < 0x10000 || cp > 0x10ffff) {
                    return null;
                }
                out[o++] = Character.highSurrogate(cp);
                out[o++] = Character.lowSurrogate(cp);
                i += 4;
            } else {
                return null;
            }
        }
        return new String(out, 0, o);
    }

    private static boolean cont(byte b) {
        return (b & 0xc0) == 0x80;
    }
}
