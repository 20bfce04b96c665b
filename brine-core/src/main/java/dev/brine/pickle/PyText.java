package dev.brine.pickle;

import dev.brine.py.Printable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CPython's text machinery as the disassembler needs it, down to the wording of its errors: the
 * decoders pickletools applies to string arguments (UTF-8 with {@code surrogatepass},
 * {@code raw-unicode-escape}, {@code codecs.escape_decode} followed by ASCII, Latin-1), and
 * {@code repr} of str and bytes.
 *
 * <p>Strings are kept in their encoded form ({@link PyStr}) and decoded three times — to check
 * them, to choose the repr's quote, to print them — so that a huge argument is never held twice.
 * Decoding yields Python code points: a surrogate pair written as two three-byte sequences stays
 * two code points, as it does in Python, and is never merged the way Java's own decoders would.
 */
final class PyText {
    private PyText() {
    }

    /** A Python exception: its class name and message, as CPython would raise it. */
    static final class PyError extends Exception {
        private static final long serialVersionUID = 1L;
        final String type;

        PyError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }

        static PyError value(String message) {
            return new PyError("ValueError", message);
        }
    }

    // ---------------------------------------------------------------- str values

    static final int UTF8 = 0;
    static final int LATIN1 = 1;
    static final int RAW_UNICODE_ESCAPE = 2;
    /** {@code codecs.escape_decode}, then ASCII: how pickletools reads quoted and unquoted lines. */
    static final int ESCAPED = 3;

    private static final byte[] SPACE = {' '};

    /** A Python str, kept encoded: one or more segments, each in one of the encodings above. */
    static final class PyStr {
        final List<int[]> kinds = new ArrayList<>(2); // {encoding, offset, length}
        final List<byte[]> arrays = new ArrayList<>(2);
        boolean hasSingleQuote;
        boolean hasDoubleQuote;

        /** A str of one segment; call {@link #check()} before printing it. */
        static PyStr of(int encoding, byte[] a, int off, int len) {
            PyStr s = new PyStr();
            s.add(encoding, a, off, len);
            return s;
        }

        /** {@code "%s %s" % (first, second)}, as pickletools joins GLOBAL's module and name. */
        static PyStr pair(PyStr first, PyStr second) {
            PyStr s = new PyStr();
            s.kinds.addAll(first.kinds);
            s.arrays.addAll(first.arrays);
            s.add(LATIN1, SPACE, 0, 1);
            s.kinds.addAll(second.kinds);
            s.arrays.addAll(second.arrays);
            return s;
        }

        private void add(int encoding, byte[] a, int off, int len) {
            kinds.add(new int[] {encoding, off, len});
            arrays.add(a);
        }

        /** Decodes everything once: raises what CPython's decoder raises, and notes the quotes. */
        void check() throws PyError {
            for (int i = 0; i < kinds.size(); i++) {
                int[] k = kinds.get(i);
                byte[] a = arrays.get(i);
                switch (k[0]) {
                    case UTF8 -> checkUtf8(a, k[1], k[2]);
                    case RAW_UNICODE_ESCAPE -> checkRawUnicodeEscape(a, k[1], k[2]);
                    case ESCAPED -> checkEscaped(a, k[1], k[2]);
                    default -> { }
                }
            }
            hasSingleQuote = false;
            hasDoubleQuote = false;
            CodePoints it = codePoints();
            for (int cp; (cp = it.next()) >= 0 && !(hasSingleQuote && hasDoubleQuote); ) {
                hasSingleQuote |= cp == '\'';
                hasDoubleQuote |= cp == '"';
            }
        }

        CodePoints codePoints() {
            return new CodePoints(this);
        }
    }

    /** Iterates the code points of a checked {@link PyStr}. */
    static final class CodePoints {
        private final PyStr s;
        private int segment = -1;
        private int enc;
        private byte[] a;
        private int i;
        private int end;
        private boolean literalNext; // raw-unicode-escape: the char after a lone backslash is never an escape

        CodePoints(PyStr s) {
            this.s = s;
        }

        /** The next code point, or -1 at the end. */
        int next() {
            while (true) {
                if (a != null && i < end) {
                    int cp = decodeOne();
                    if (cp >= 0) {
                        return cp;
                    }
                    continue; // an escaped newline in escape_decode yields nothing
                }
                if (++segment >= s.kinds.size()) {
                    return -1;
                }
                int[] k = s.kinds.get(segment);
                enc = k[0];
                a = s.arrays.get(segment);
                i = k[1];
                end = k[1] + k[2];
                literalNext = false;
            }
        }

        private int decodeOne() {
            int c = a[i] & 0xff;
            switch (enc) {
                case LATIN1:
                    i++;
                    return c;
                case UTF8:
                    return utf8One(c);
                case RAW_UNICODE_ESCAPE:
                    return rawOne(c);
                default:
                    return escapedOne(c);
            }
        }

        private int utf8One(int c) {
            if (c < 0x80) {
                i++;
                return c;
            }
            if (c < 0xe0) {
                int cp = (c & 0x1f) << 6 | (a[i + 1] & 0x3f);
                i += 2;
                return cp;
            }
            if (c < 0xf0) {
                // includes the surrogates that surrogatepass lets through
                int cp = (c & 0x0f) << 12 | (a[i + 1] & 0x3f) << 6 | (a[i + 2] & 0x3f);
                i += 3;
                return cp;
            }
            int cp = (c & 0x07) << 18 | (a[i + 1] & 0x3f) << 12 | (a[i + 2] & 0x3f) << 6 | (a[i + 3] & 0x3f);
            i += 4;
            return cp;
        }

        private int rawOne(int c) {
            if (literalNext || c != '\\' || i + 1 >= end) {
                literalNext = false;
                i++;
                return c;
            }
            int e = a[i + 1] & 0xff;
            if (e != 'u' && e != 'U') {
                // CPython writes the backslash and the next char as they are, and moves past both
                literalNext = true;
                i++;
                return '\\';
            }
            int digits = e == 'u' ? 4 : 8;
            int cp = 0;
            for (int k = i + 2; k < i + 2 + digits; k++) {
                cp = cp << 4 | hex(a[k]);
            }
            i += 2 + digits;
            return cp;
        }

        private int escapedOne(int c) {
            if (c != '\\') {
                i++;
                return c;
            }
            int e = a[i + 1] & 0xff;
            i += 2;
            switch (e) {
                case '\n':
                    return -1;
                case '\\':
                case '\'':
                case '"':
                    return e;
                case 'b':
                    return '\b';
                case 'f':
                    return '\f';
                case 't':
                    return '\t';
                case 'n':
                    return '\n';
                case 'r':
                    return '\r';
                case 'v':
                    return 0x0b;
                case 'a':
                    return 0x07;
                case 'x': {
                    int v = hex(a[i]) << 4 | hex(a[i + 1]);
                    i += 2;
                    return v;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int n = 0; n < 2 && i < end && a[i] >= '0' && a[i] <= '7'; n++) {
                            v = v << 3 | (a[i++] - '0');
                        }
                        return v & 0xff; // a C char keeps the low eight bits of \400-\777
                    }
                    // an unknown escape keeps its backslash; the char after it is read again as plain
                    i--;
                    return '\\';
            }
        }
    }

    // ---------------------------------------------------------------- decoders' errors

    private static boolean cont(byte b) {
        return (b & 0xc0) == 0x80;
    }

    /**
     * CPython's UTF-8 decoder with the {@code surrogatepass} handler, for its errors only: the
     * same first failure, the same byte range, the same reason.
     */
    static void checkUtf8(byte[] a, int off, int len) throws PyError {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = a[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int left = end - i;
            String reason = null;
            int bad = 0; // bytes in the error range, for "invalid continuation byte"
            if (c < 0xc2) {
                reason = "invalid start byte";
                bad = 1;
            } else if (c < 0xe0) {
                if (left < 2) {
                    reason = "unexpected end of data";
                } else if (!cont(a[i + 1])) {
                    bad = 1;
                } else {
                    i += 2;
                    continue;
                }
            } else if (c < 0xf0) {
                if (left < 3) {
                    if (left >= 2) {
                        int c2 = a[i + 1] & 0xff;
                        if (!cont(a[i + 1]) || (c2 < 0xa0 ? c == 0xe0 : c == 0xed)) {
                            bad = 1;
                        }
                    }
                    if (bad == 0) {
                        reason = "unexpected end of data";
                    }
                } else {
                    int c2 = a[i + 1] & 0xff;
                    if (!cont(a[i + 1]) || (c == 0xe0 && c2 < 0xa0) || (c == 0xed && c2 >= 0xa0)) {
                        bad = 1;
                    } else if (!cont(a[i + 2])) {
                        bad = 2;
                    } else {
                        i += 3;
                        continue;
                    }
                }
            } else if (c < 0xf5) {
                if (left < 4) {
                    if (left >= 2) {
                        int c2 = a[i + 1] & 0xff;
                        if (!cont(a[i + 1]) || (c2 < 0x90 ? c == 0xf0 : c == 0xf4)) {
                            bad = 1;
                        } else if (left >= 3 && !cont(a[i + 2])) {
                            bad = 2;
                        }
                    }
                    if (bad == 0) {
                        reason = "unexpected end of data";
                    }
                } else {
                    int c2 = a[i + 1] & 0xff;
                    if (!cont(a[i + 1]) || (c == 0xf0 && c2 < 0x90) || (c == 0xf4 && c2 >= 0x90)) {
                        bad = 1;
                    } else if (!cont(a[i + 2])) {
                        bad = 2;
                    } else if (!cont(a[i + 3])) {
                        bad = 3;
                    } else {
                        i += 4;
                        continue;
                    }
                }
            } else {
                reason = "invalid start byte";
                bad = 1;
            }
            // surrogatepass: three bytes (counted to the end of the data, not of the error) that
            // encode a surrogate are accepted; anything else re-raises the decoder's error
            if (end - i >= 3 && (c & 0xf0) == 0xe0 && cont(a[i + 1]) && cont(a[i + 2])) {
                int cp = (c & 0x0f) << 12 | (a[i + 1] & 0x3f) << 6 | (a[i + 2] & 0x3f);
                if (cp >= 0xd800 && cp <= 0xdfff) {
                    i += 3;
                    continue;
                }
            }
            if (reason == null) {
                reason = "invalid continuation byte";
            }
            int start = i - off;
            int stop = reason.equals("unexpected end of data") ? len : start + bad;
            throw decodeError("utf-8", a, off, start, stop, reason);
        }
    }

    /** CPython's raw-unicode-escape decoder, for its errors only. */
    static void checkRawUnicodeEscape(byte[] a, int off, int len) throws PyError {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = a[i++] & 0xff;
            if (c != '\\' || i >= end) {
                continue;
            }
            int e = a[i++] & 0xff;
            if (e != 'u' && e != 'U') {
                continue; // both chars are taken as they are
            }
            int start = i - 2 - off;
            int count = e == 'u' ? 4 : 8;
            String message = e == 'u' ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape";
            long cp = 0;
            for (; count > 0; i++, count--) {
                int d = i < end ? hex(a[i]) : -1;
                if (d < 0) {
                    throw decodeError("rawunicodeescape", a, off, start, i - off, message);
                }
                cp = cp << 4 | d;
            }
            if (cp > 0x10ffff) {
                throw decodeError("rawunicodeescape", a, off, start, i - off, "\\Uxxxxxxxx out of range");
            }
        }
    }

    /** {@code codecs.escape_decode(data)[0].decode("ascii")}, for its errors only. */
    static void checkEscaped(byte[] a, int off, int len) throws PyError {
        int end = off + len;
        int i = off;
        long outPos = 0;
        long firstNonAscii = -1;
        int nonAsciiByte = 0;
        while (i < end) {
            int c = a[i++] & 0xff;
            int produced;
            if (c != '\\') {
                produced = c;
            } else {
                if (i == end) {
                    throw PyError.value("Trailing \\ in string");
                }
                int e = a[i++] & 0xff;
                switch (e) {
                    case '\n' -> produced = -1;
                    case '\\', '\'', '"', 'b', 'f', 't', 'n', 'r', 'v', 'a' -> produced = 0; // ASCII
                    case 'x' -> {
                        if (i + 1 < end && hex(a[i]) >= 0 && hex(a[i + 1]) >= 0) {
                            produced = hex(a[i]) << 4 | hex(a[i + 1]);
                            i += 2;
                        } else {
                            throw PyError.value("invalid \\x escape at position " + (i - 2 - off));
                        }
                    }
                    default -> {
                        if (e >= '0' && e <= '7') {
                            int v = e - '0';
                            for (int n = 0; n < 2 && i < end && a[i] >= '0' && a[i] <= '7'; n++) {
                                v = v << 3 | (a[i++] - '0');
                            }
                            produced = v & 0xff;
                        } else {
                            // the backslash is kept; the char after it is read again as plain
                            i--;
                            produced = '\\';
                        }
                    }
                }
            }
            if (produced >= 0) {
                if (produced >= 0x80 && firstNonAscii < 0) {
                    firstNonAscii = outPos;
                    nonAsciiByte = produced;
                }
                outPos++;
            }
        }
        if (firstNonAscii >= 0) {
            throw new PyError("UnicodeDecodeError", String.format(
                    "'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in range(128)",
                    nonAsciiByte, firstNonAscii));
        }
    }

    /** A hex digit as CPython's digit table reads it (ASCII only), or -1. */
    static int hex(byte b) {
        int c = b & 0xff;
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static PyError decodeError(String codec, byte[] a, int off, int start, int end, String reason) {
        if (end == start + 1) {
            return new PyError("UnicodeDecodeError", String.format(
                    "'%s' codec can't decode byte 0x%02x in position %d: %s", codec, a[off + start] & 0xff, start, reason));
        }
        return new PyError("UnicodeDecodeError", String.format(
                "'%s' codec can't decode bytes in position %d-%d: %s", codec, start, end - 1, reason));
    }

    // ---------------------------------------------------------------- repr

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code repr(s)} for a checked str, streamed to {@code out}. */
    static void writeRepr(PyStr s, DisOutput out) throws IOException {
        char quote = s.hasSingleQuote && !s.hasDoubleQuote ? '"' : '\'';
        out.ch(quote);
        CodePoints it = s.codePoints();
        for (int cp; (cp = it.next()) >= 0; ) {
            if (cp == quote || cp == '\\') {
                out.ch('\\');
                out.ch((char) cp);
            } else if (cp == '\t') {
                out.text("\\t");
            } else if (cp == '\n') {
                out.text("\\n");
            } else if (cp == '\r') {
                out.text("\\r");
            } else if (cp < 0x7f) {
                if (cp < ' ') {
                    hexEscape(out, 'x', cp, 2);
                } else {
                    out.ch((char) cp);
                }
            } else if (Printable.isPrintable(cp)) {
                out.codePoint(cp);
            } else if (cp <= 0xff) {
                hexEscape(out, 'x', cp, 2);
            } else if (cp <= 0xffff) {
                hexEscape(out, 'u', cp, 4);
            } else {
                hexEscape(out, 'U', cp, 8);
            }
        }
        out.ch(quote);
    }

    private static void hexEscape(DisOutput out, char kind, int v, int digits) throws IOException {
        out.ch('\\');
        out.ch(kind);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.ch(HEX[v >> shift & 0xf]);
        }
    }

    /** {@code repr(bytes)}, streamed to {@code out}. */
    static void writeBytesRepr(byte[] a, int off, int len, DisOutput out) throws IOException {
        writeBytesRepr(a, off, len, false, out);
    }

    /**
     * The repr of bytes, or of a bytearray's contents ({@code bytearray} true): CPython's
     * bytearray repr escapes a single quote even inside double quotes ({@code bytearray(b"it\'s")}),
     * where bytes' repr does not.
     */
    static void writeBytesRepr(byte[] a, int off, int len, boolean bytearray, DisOutput out) throws IOException {
        char quote = bytesQuote(a, off, len);
        out.ch('b');
        out.ch(quote);
        for (int i = off; i < off + len; i++) {
            int c = a[i] & 0xff;
            if (c == quote || c == '\\' || (bytearray && c == '\'')) {
                out.ch('\\');
                out.ch((char) c);
            } else if (c == '\t') {
                out.text("\\t");
            } else if (c == '\n') {
                out.text("\\n");
            } else if (c == '\r') {
                out.text("\\r");
            } else if (c < ' ' || c >= 0x7f) {
                hexEscape(out, 'x', c, 2);
            } else {
                out.ch((char) c);
            }
        }
        out.ch(quote);
    }

    private static char bytesQuote(byte[] a, int off, int len) {
        boolean single = false;
        for (int i = off; i < off + len; i++) {
            if (a[i] == '"') {
                return '\'';
            }
            single |= a[i] == '\'';
        }
        return single ? '"' : '\'';
    }

    /**
     * {@code repr(bytes)} as a string for an error message, cut after {@code maxChars} chars like
     * C's {@code %.200R}. Messages that CPython does not cut are cut at a large bound all the same,
     * so that a hostile line cannot make one exception message gigabytes long.
     */
    static String bytesRepr(byte[] a, int off, int len, int maxChars) {
        StringBuilder sb = new StringBuilder(Math.min(maxChars, len + 3));
        char quote = bytesQuote(a, off, len);
        sb.append('b').append(quote);
        for (int i = off; i < off + len && sb.length() < maxChars; i++) {
            int c = a[i] & 0xff;
            if (c == quote || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < ' ' || c >= 0x7f) {
                sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                sb.append((char) c);
            }
        }
        sb.append(quote);
        return sb.length() > maxChars ? sb.substring(0, maxChars) : sb.toString();
    }
}
