package dev.brine.safetensors;

import dev.brine.BrineException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and writer (RFC 8259), enough for safetensors headers and nothing
 * more: no dependency, bounded nesting, byte offsets in every message.
 *
 * <p>Reading: objects become {@code LinkedHashMap<String, Object>} (a duplicate key is an error, but
 * in the top-level {@code __metadata__}, where the last value wins, as the safetensors package reads it),
 * arrays {@code ArrayList}, strings {@code String}, integers {@code Long} or {@code BigInteger},
 * other numbers {@code Double}, and {@code true}/{@code false}/{@code null} as Boolean and null; a
 * number beyond the largest double is refused, as serde_json refuses it.
 * The input must be valid UTF-8; raw control characters in strings, lone surrogate escapes,
 * leading zeros and trailing garbage are refused, as serde_json refuses them.
 *
 * <p>Writing strings follows serde_json: {@code "} and {@code \} escaped, {@code \b \f \n \r \t}
 * short, other control characters as {@code \}{@code u00xx}, everything else as raw UTF-8.
 */
final class Json {
    /** The header's entry of free-form string metadata, the one object whose repeated keys are allowed. */
    private static final String METADATA = "__metadata__";

    /** The deepest nesting of arrays and objects read. */
    static final int MAX_DEPTH = 64;
    /** The most digits of an integer read (CPython's default {@code int} limit; a u64 has 20). */
    static final int MAX_INT_DIGITS = 4300;

    private final byte[] in;
    private final int end;
    private final long base; // file offset of in[0], for messages
    private final String where;
    private int pos;

    private Json(byte[] in, int off, int len, long base, String where) {
        this.in = in;
        this.pos = off;
        this.end = off + len;
        this.base = base - off;
        this.where = where;
    }

    /**
     * Parses {@code in[off, off+len)} as one JSON value followed only by whitespace.
     *
     * @param base the file offset of {@code in[off]}, for messages
     * @param where names the input in messages, e.g. {@code "model.safetensors: header"}
     */
    static Object parse(byte[] in, int off, int len, long base, String where) throws BrineException {
        checkUtf8(in, off, len, base, where);
        Json p = new Json(in, off, len, base, where);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != p.end) {
            throw p.error("unexpected '" + p.show(p.in[p.pos]) + "' after the JSON value");
        }
        return v;
    }

    private static void checkUtf8(byte[] in, int off, int len, long base, String where) throws BrineException {
        java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(in, off, len);
        java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(8192);
        while (true) {
            java.nio.charset.CoderResult r = d.decode(bytes, chars, true);
            if (r.isError()) {
                throw new BrineException(where + ": not valid UTF-8 at byte " + (base + bytes.position() - off));
            }
            if (r.isOverflow()) {
                chars.clear();
                continue;
            }
            break;
        }
    }

    private Object value(int depth) throws BrineException {
        if (pos >= end) {
            throw error("unexpected end of JSON, a value was expected");
        }
        byte c = in[pos];
        switch (c) {
            case '{':
                return object(depth + 1, false);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected '" + show(c) + "', a value was expected");
        }
    }

    /**
     * An object; a key given twice is an error unless {@code lastValueWins}, which is how the safetensors
     * package reads {@code __metadata__} (a map of strings, where serde keeps the last value) while it
     * refuses a tensor named twice.
     */
    private Map<String, Object> object(int depth, boolean lastValueWins) throws BrineException {
        checkDepth(depth);
        pos++; // {
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < end && in[pos] == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (pos >= end || in[pos] != '"') {
                throw error("a string key was expected");
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            boolean metadata = depth == 1 && key.equals(METADATA) && pos < end && in[pos] == '{';
            Object v = metadata ? object(depth + 1, true) : value(depth);
            if (out.containsKey(key) && !lastValueWins) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            out.put(key, v);
            skipWhitespace();
            if (pos < end && in[pos] == ',') {
                pos++;
                continue;
            }
            expect('}');
            return out;
        }
    }

    private List<Object> array(int depth) throws BrineException {
        checkDepth(depth);
        pos++; // [
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (pos < end && in[pos] == ']') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            out.add(value(depth));
            skipWhitespace();
            if (pos < end && in[pos] == ',') {
                pos++;
                continue;
            }
            expect(']');
            return out;
        }
    }

    private void checkDepth(int depth) throws BrineException {
        if (depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() throws BrineException {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        int run = pos;
        while (true) {
            if (pos >= end) {
                pos = start;
                throw error("unterminated string");
            }
            int b = in[pos] & 0xFF;
            if (b == '"') {
                sb.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
                pos++;
                return sb.toString();
            }
            if (b < 0x20) {
                throw error("control character U+" + String.format("%04X", b) + " inside a string (it must be escaped)");
            }
            if (b != '\\') {
                pos++;
                continue;
            }
            sb.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
            pos++;
            if (pos >= end) {
                throw error("unterminated escape");
            }
            byte e = in[pos++];
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char ch = hex4();
                    if (Character.isHighSurrogate(ch)) {
                        if (pos + 1 < end && in[pos] == '\\' && in[pos + 1] == 'u') {
                            pos += 2;
                            char low = hex4();
                            if (!Character.isLowSurrogate(low)) {
                                pos -= 6;
                                throw error("a high surrogate escape must be followed by a low surrogate escape");
                            }
                            sb.append(ch).append(low);
                        } else {
                            throw error("lone leading surrogate in a \\u escape");
                        }
                    } else if (Character.isLowSurrogate(ch)) {
                        pos -= 6;
                        throw error("lone trailing surrogate in a \\u escape");
                    } else {
                        sb.append(ch);
                    }
                }
                default -> {
                    pos -= 2;
                    throw error("invalid escape '\\" + show(e) + "'");
                }
            }
            run = pos;
        }
    }

    private char hex4() throws BrineException {
        if (pos + 4 > end) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(in[pos + i], 16);
            if (d < 0) {
                pos += i;
                throw error("invalid hex digit in a \\u escape");
            }
            v = (v << 4) | d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() throws BrineException {
        int start = pos;
        if (in[pos] == '-') {
            pos++;
        }
        if (pos >= end || !digit(in[pos])) {
            throw error("invalid number");
        }
        if (in[pos] == '0') {
            pos++;
            if (pos < end && digit(in[pos])) {
                throw error("invalid number: leading zeros are not allowed");
            }
        } else {
            while (pos < end && digit(in[pos])) {
                pos++;
            }
        }
        boolean integer = true;
        if (pos < end && in[pos] == '.') {
            integer = false;
            pos++;
            if (pos >= end || !digit(in[pos])) {
                throw error("invalid number: digits must follow the decimal point");
            }
            while (pos < end && digit(in[pos])) {
                pos++;
            }
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            integer = false;
            pos++;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            if (pos >= end || !digit(in[pos])) {
                throw error("invalid number: digits must follow the exponent");
            }
            while (pos < end && digit(in[pos])) {
                pos++;
            }
        }
        String text = new String(in, start, pos - start, StandardCharsets.US_ASCII);
        if (!integer || text.equals("-0")) {
            // serde_json reads -0 as the float -0.0, which no count or offset may be
            return finite(Double.parseDouble(text), start);
        }
        if (pos - start <= 18) {
            return Long.parseLong(text);
        }
        if (pos - start > MAX_INT_DIGITS) {
            // BigInteger parses in quadratic time: a 100 MB header of digits would take hours
            pos = start;
            throw error("an integer of " + (text.length() - (text.charAt(0) == '-' ? 1 : 0))
                    + " digits, more than the " + MAX_INT_DIGITS + " read");
        }
        BigInteger v = new BigInteger(text);
        if (v.bitLength() < 64) {
            return v.longValue();
        }
        finite(v.doubleValue(), start); // serde_json reads an integer beyond 64 bits as a float
        return v;
    }

    /**
     * {@code v}, refused when it is infinite: serde_json, which the safetensors package reads headers with,
     * refuses a number beyond the largest double ({@code 1e999}, a 310-digit integer) anywhere in the
     * header, an unknown field too, as "number out of range"; one merely too small ({@code 1e-999}) reads as 0.
     */
    private double finite(double v, int start) throws BrineException {
        if (Double.isInfinite(v)) {
            pos = start;
            throw error("number out of range (beyond the largest double, as the safetensors package reads numbers)");
        }
        return v;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private void literal(String word) throws BrineException {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || in[pos + i] != word.charAt(i)) {
                throw error("invalid literal, '" + word + "' expected");
            }
        }
        pos += word.length();
    }

    private void expect(char c) throws BrineException {
        if (pos >= end) {
            throw error("unexpected end of JSON, '" + c + "' expected");
        }
        if (in[pos] != c) {
            throw error("'" + c + "' expected, found '" + show(in[pos]) + "'");
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                pos++;
            } else {
                return;
            }
        }
    }

    private String show(byte b) {
        int v = b & 0xFF;
        return v >= 0x20 && v < 0x7F ? String.valueOf((char) v) : String.format("\\x%02x", v);
    }

    private BrineException error(String what) {
        return new BrineException(where + ": " + what + " at byte " + (base + pos));
    }

    // ---------------------------------------------------------------- writing

    /** Appends {@code s} as a JSON string literal, escaped as serde_json escapes. */
    static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Whether {@code s} can be written as UTF-8 (no lone surrogates), as JSON text must be. */
    static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
