package dev.brine.npy;

import dev.brine.BrineException;
import dev.brine.py.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Python literal in an NPY header the way {@code ast.literal_eval} would, but only the
 * subset a header can hold: dicts, lists, tuples, strings, ints (with Python 2's {@code L}
 * suffix), True, False and None. Anything else (a name, a call, an operator) is refused with its
 * offset; nothing is ever evaluated. Nesting is bounded, so hostile input cannot exhaust the stack.
 *
 * <p>Results: {@link LinkedHashMap} for dicts, {@link ArrayList} for lists, {@link Tuple} for
 * tuples, String, Long (BigInteger beyond 64 bits), Boolean, and null for None.
 */
final class PyLiteralParser {
    private static final int MAX_NESTING = 100;

    private final String text;
    private final boolean allowLongSuffix;
    private int pos;
    private int depth;

    private PyLiteralParser(String text, boolean allowLongSuffix) {
        this.text = text;
        this.allowLongSuffix = allowLongSuffix;
    }

    /**
     * Parses {@code text} as one literal followed only by whitespace.
     *
     * @param allowLongSuffix accept Python 2 long literals such as {@code 3L} (numpy does for format 1.0 and 2.0)
     */
    static Object parse(String text, boolean allowLongSuffix) throws BrineException {
        PyLiteralParser p = new PyLiteralParser(text, allowLongSuffix);
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the header literal");
        }
        return v;
    }

    private Object value() throws BrineException {
        skipSpace();
        if (pos >= text.length()) {
            throw error("header ends where a value should be");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return nested(this::dict);
            case '[':
                return nested(this::list);
            case '(':
                return nested(this::tuple);
            case '\'':
            case '"':
                return string();
            default:
                break;
        }
        if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            String word = text.substring(start, pos);
            if (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')
                    && (word.equalsIgnoreCase("u") || word.equalsIgnoreCase("r"))) {
                pos = start;
                return prefixedString(word);
            }
            switch (word) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return null;
                default:
                    pos = start;
                    throw error("the header is not a plain literal: found the name '" + shorten(word)
                            + "' (names and calls are never evaluated)");
            }
        }
        throw error("unexpected " + describeHere());
    }

    private interface Part {
        Object parse() throws BrineException;
    }

    private Object nested(Part part) throws BrineException {
        if (++depth > MAX_NESTING) {
            throw error("the header nests more than " + MAX_NESTING + " levels deep");
        }
        Object v = part.parse();
        depth--;
        return v;
    }

    private Object dict() throws BrineException {
        pos++; // {
        Map<Object, Object> out = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return out;
            }
            int keyAt = pos;
            Object key = value();
            if (key instanceof List || key instanceof Map) {
                pos = keyAt;
                throw error("a dict key must be hashable");
            }
            skipSpace();
            expect(':');
            Object v = value();
            out.put(key, v);
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
                throw error("expected ',' or '}' in dict but found " + describeHere());
            }
        }
    }

    private Object list() throws BrineException {
        pos++; // [
        List<Object> out = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == ']') {
                pos++;
                return out;
            }
            out.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != ']') {
                throw error("expected ',' or ']' in list but found " + describeHere());
            }
        }
    }

    private Object tuple() throws BrineException {
        pos++; // (
        List<Object> out = new ArrayList<>();
        boolean sawComma = false;
        while (true) {
            skipSpace();
            if (peek() == ')') {
                pos++;
                // (x) is just x, as in Python; () and (x,) are tuples
                return out.size() == 1 && !sawComma ? out.get(0) : Tuple.copyOf(out);
            }
            out.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
                sawComma = true;
            } else if (peek() != ')') {
                throw error("expected ',' or ')' in tuple but found " + describeHere());
            }
        }
    }

    private Object number() throws BrineException {
        int start = pos;
        boolean negative = false;
        while (peek() == '-' || peek() == '+') {
            negative ^= text.charAt(pos) == '-';
            pos++;
            skipSpace();
        }
        int digitsStart = pos;
        StringBuilder digits = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == '_' && digits.length() > 0 && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1))) {
                // Python allows 1_000
            } else {
                break;
            }
            pos++;
        }
        if (digits.length() == 0) {
            pos = start;
            throw error("unexpected " + describeHere());
        }
        if (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '.' || c == 'e' || c == 'E' || c == 'j' || c == 'J' || c == 'x' || c == 'X' || c == 'o' || c == 'b') {
                pos = digitsStart;
                throw error("only integers are expected in an NPY header, found " + describeHere());
            }
            if ((c == 'L' || c == 'l') && allowLongSuffix) {
                pos++;
            }
        }
        if (digits.length() > 1 && digits.charAt(0) == '0' && digits.chars().anyMatch(ch -> ch != '0')) {
            pos = digitsStart;
            throw error("leading zeros in a decimal integer are not allowed");
        }
        if (digits.length() > 4300) {
            throw error("integer literal too long");
        }
        BigInteger v = new BigInteger(digits.toString());
        if (negative) {
            v = v.negate();
        }
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object prefixedString(String prefix) throws BrineException {
        pos += prefix.length();
        boolean raw = prefix.equalsIgnoreCase("r");
        return quoted(raw);
    }

    private Object string() throws BrineException {
        return quoted(false);
    }

    private String quoted(boolean raw) throws BrineException {
        char q = text.charAt(pos);
        boolean triple = text.startsWith(String.valueOf(q).repeat(3), pos);
        int start = pos;
        pos += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == q && (!triple || text.startsWith(String.valueOf(q).repeat(3), pos))) {
                pos += triple ? 3 : 1;
                return out.toString();
            }
            if ((c == '\n' || c == '\r') && !triple) {
                throw error("newline inside a string");
            }
            if (c == '\\') {
                if (pos + 1 >= text.length()) {
                    throw error("unterminated string");
                }
                if (raw) {
                    out.append(c).append(text.charAt(pos + 1));
                    pos += 2;
                    continue;
                }
                escape(out);
                continue;
            }
            out.append(c);
            pos++;
        }
    }

    private void escape(StringBuilder out) throws BrineException {
        char e = text.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case '\n':
                return;
            case '\\':
            case '\'':
            case '"':
                out.append(e);
                return;
            case 'n':
                out.append('\n');
                return;
            case 'r':
                out.append('\r');
                return;
            case 't':
                out.append('\t');
                return;
            case 'a':
                out.append('\u0007');
                return;
            case 'b':
                out.append('\b');
                return;
            case 'f':
                out.append('\f');
                return;
            case 'v':
                out.append('\u000B');
                return;
            case 'x':
                out.appendCodePoint(hex(2));
                return;
            case 'u':
                out.appendCodePoint(hex(4));
                return;
            case 'U': {
                int cp = hex(8);
                if (!Character.isValidCodePoint(cp)) {
                    throw error("illegal Unicode character in \\U escape");
                }
                out.appendCodePoint(cp);
                return;
            }
            default:
                if (e >= '0' && e <= '7') {
                    int v = e - '0';
                    for (int i = 0; i < 2 && pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '7'; i++) {
                        v = v * 8 + (text.charAt(pos++) - '0');
                    }
                    out.appendCodePoint(v);
                    return;
                }
                // Python keeps unknown escapes as they are
                out.append('\\').append(e);
        }
    }

    private int hex(int n) throws BrineException {
        if (pos + n > text.length()) {
            throw error("truncated escape");
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) {
                throw error("bad hex digit in escape");
            }
            v = v * 16 + d;
        }
        pos += n;
        return v;
    }

    private void expect(char c) throws BrineException {
        if (peek() != c) {
            throw error("expected '" + c + "' but found " + describeHere());
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '\\' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                pos += 2;
            } else {
                break;
            }
        }
    }

    private String describeHere() {
        if (pos >= text.length()) {
            return "the end of the header";
        }
        return "'" + shorten(text.substring(pos, Math.min(text.length(), pos + 20))) + "'";
    }

    private static String shorten(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder b = new StringBuilder();
        for (char c : t.toCharArray()) {
            b.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    private BrineException error(String message) {
        return new BrineException(message + " (header character " + pos + ")");
    }
}
