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
        StringBuilder out = new StringBuilder(s.length() + 8);
        int n = s.length();
        for (int i = 0; i < n; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= 0x10000) {
                out.append(String.format("\\U%08x", cp));
            } else if (cp >= 256 || cp == '\\' || cp == 0 || cp == '\n' || cp == '\r' || cp == 0x1a) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append((char) cp);
            }
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
