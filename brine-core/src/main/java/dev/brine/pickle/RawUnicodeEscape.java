package dev.brine.pickle;

/**
 * Python's {@code raw-unicode-escape} codec, which protocol 0 uses for str (the UNICODE opcode):
 * bytes are Latin-1 characters except {@code \\uXXXX} and {@code \\UXXXXXXXX} escapes. The pickler
 * also escapes backslash, NUL, CR, LF and 0x1A so that the line stays one line.
 */
final class RawUnicodeEscape {
    private RawUnicodeEscape() {
    }

    /** Decodes a line read as Latin-1; malformed escapes stay as they are, like CPython's decoder would reject them. */
    static String decode(String latin) throws UnpicklingException {
        if (latin.indexOf('\\') < 0) {
            return latin;
        }
        StringBuilder out = new StringBuilder(latin.length());
        int n = latin.length();
        for (int i = 0; i < n; i++) {
            char c = latin.charAt(i);
            if (c != '\\' || i + 1 >= n || (latin.charAt(i + 1) != 'u' && latin.charAt(i + 1) != 'U')) {
                out.append(c);
                continue;
            }
            // Python counts the backslashes: an escape needs an odd number before the 'u'
            int slashes = 0;
            for (int k = i; k >= 0 && latin.charAt(k) == '\\'; k--) {
                slashes++;
            }
            if ((slashes & 1) == 0) {
                out.append(c);
                continue;
            }
            int digits = latin.charAt(i + 1) == 'u' ? 4 : 8;
            if (i + 2 + digits > n) {
                throw new UnpicklingException("truncated \\" + latin.charAt(i + 1) + " escape in UNICODE argument", -1, "UNICODE");
            }
            int cp = 0;
            for (int k = i + 2; k < i + 2 + digits; k++) {
                int d = Character.digit(latin.charAt(k), 16);
                if (d < 0) {
                    throw new UnpicklingException("truncated \\" + latin.charAt(i + 1) + " escape in UNICODE argument", -1, "UNICODE");
                }
                cp = cp * 16 + d;
            }
            if (cp < 0 || cp > 0x10ffff) {
                throw new UnpicklingException("\\U escape out of range in UNICODE argument", -1, "UNICODE");
            }
            out.appendCodePoint(cp);
            i += 1 + digits;
        }
        return out.toString();
    }

    /** The protocol 0 bytes of {@code s}, without the trailing newline. */
    static byte[] encode(String s) {
        return encode(s, 0, s.length());
    }

    /**
     * The protocol 0 bytes of {@code s} from char {@code from} to {@code to}, which must not split a
     * surrogate pair; at most 10 bytes a char ({@code \\U0001f600} for a pair), so a piece of up to
     * 200 million chars fits one array.
     */
    static byte[] encode(String s, int from, int to) {
        byte[] out = new byte[Math.toIntExact(encodedLength(s, from, to))];
        int o = 0;
        for (int i = from; i < to; ) {
            int cp = codePointAt(s, i, to);
            i += Character.charCount(cp);
            if (cp >= 0x10000) {
                out[o++] = '\\';
                out[o++] = 'U';
                o = hex(cp, 8, out, o);
            } else if (escaped(cp)) {
                out[o++] = '\\';
                out[o++] = 'u';
                o = hex(cp, 4, out, o);
            } else {
                out[o++] = (byte) cp;
            }
        }
        return out;
    }

    /** How many bytes {@link #encode(String, int, int)} gives, as a long: a whole string may need more than 2 GiB. */
    static long encodedLength(String s, int from, int to) {
        long n = 0;
        for (int i = from; i < to; ) {
            int cp = codePointAt(s, i, to);
            i += Character.charCount(cp);
            n += cp >= 0x10000 ? 10 : escaped(cp) ? 6 : 1;
        }
        return n;
    }

    /** A code point, a lone surrogate being one, without looking at or beyond {@code to}. */
    private static int codePointAt(String s, int i, int to) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
            return Character.toCodePoint(c, s.charAt(i + 1));
        }
        return c;
    }

    private static boolean escaped(int cp) {
        return cp >= 256 || cp == '\\' || cp == 0 || cp == '\n' || cp == '\r' || cp == 0x1a;
    }

    private static int hex(int v, int digits, byte[] out, int o) {
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            out[o++] = (byte) "0123456789abcdef".charAt(v >>> shift & 0xf);
        }
        return o;
    }
}
