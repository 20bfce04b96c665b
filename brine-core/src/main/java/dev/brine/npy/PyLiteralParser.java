package dev.brine.npy;

import dev.brine.BrineException;
import dev.brine.py.Tuple;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the Python literal in an NPY header exactly as numpy's reader does: CPython 3's
 * {@code ast.literal_eval} (tokens as CPython's tokenizer reads them: comments, line continuations,
 * implicit string concatenation, hex/octal/binary ints, floats, complex sums such as {@code 1+2j},
 * one unary sign, {@code set()} and {@code ...}), and for format 1.0 and 2.0 numpy's
 * {@code _filter_header}, which drops a name {@code L} right after a number (Python 2's long
 * suffix). Everything {@code literal_eval} refuses (names, calls, operators, {@code --6}) is
 * refused with its offset; nothing is ever evaluated. Bracket nesting is bounded by CPython's own
 * limit (200), so hostile input cannot exhaust the stack.
 *
 * <p>Results: {@link LinkedHashMap} for dicts, {@link ArrayList} for lists, {@link Tuple} for
 * tuples, {@link LinkedHashSet} for sets, String, {@code byte[]} for bytes, Long (BigInteger
 * beyond 64 bits), Double, {@link Complex}, Boolean, {@link #ELLIPSIS}, and null for None.
 */
final class PyLiteralParser {
    /** CPython's tokenizer refuses a 201st open bracket ("too many nested parentheses"). */
    private static final int MAX_NESTING = 200;
    /** CPython 3.11 refuses decimal int literals longer than this (sys.int_info.default_max_str_digits). */
    private static final int MAX_DECIMAL_DIGITS = 4300;

    /** Python's {@code ...} (the Ellipsis constant), which {@code literal_eval} accepts. */
    static final Object ELLIPSIS = new Object() {
        @Override
        public String toString() {
            return "Ellipsis";
        }
    };

    /** A Python complex literal's value; only ever refused in a header, but it parses. */
    record Complex(double real, double imag) {
    }

    /** What kind of expression a value came from: {@code literal_eval} treats signs and sums by it. */
    private enum Form { NUMBER, SIGNED, SUM, OTHER }

    private record Node(Object value, Form form) {
    }

    private final String text;
    private final boolean dropLongSuffix;
    private int pos;
    private int depth;
    /** Whether numpy's _filter_header retry was needed: an L was dropped, or its untokenize repaired the layout. */
    private boolean filtered;
    /** A form feed before the literal on a line after the first, which untokenize turns into an indent. */
    private boolean formFeedIndent;
    /** A lone carriage return before the literal: a newline to CPython, not to the tokenize module. */
    private boolean loneCarriageReturnFirst;

    private PyLiteralParser(String text, boolean dropLongSuffix) {
        this.text = text;
        this.dropLongSuffix = dropLongSuffix;
    }

    /**
     * Parses {@code text} as {@code ast.literal_eval} parses a whole source string.
     *
     * @param dropLongSuffix drop a name {@code L} right after a number, as numpy does for format 1.0 and 2.0
     */
    static Object parse(String text, boolean dropLongSuffix) throws BrineException {
        PyLiteralParser p = new PyLiteralParser(text, dropLongSuffix);
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            p.pos = nul;
            throw p.error("source code string cannot contain null bytes");
        }
        p.leading();
        Object v;
        try {
            v = p.topLevel();
        } catch (StackOverflowError e) {
            // MAX_NESTING keeps the default stack safe; a thread with a small one (128 KiB) may still run out
            throw p.error("the header's literal is nested too deeply for this thread's stack");
        }
        p.trailing();
        if (p.filtered) {
            p.refuseWhatUntokenizeBreaks();
        }
        return v;
    }

    // ---------------------------------------------------------------- lines around the literal

    /**
     * _filter_header re-reads the text with Python's pure tokenize module and writes it back with
     * untokenize, which differs from CPython's own tokenizer on a lone carriage return, and turns a
     * form feed that indents the literal's line into a space (an indent CPython then refuses).
     */
    private void refuseWhatUntokenizeBreaks() throws BrineException {
        if (loneCarriageReturnFirst) {
            throw error("a lone carriage return before the literal in a header that needs numpy's Python 2 filtering");
        }
        if (formFeedIndent) {
            throw error("unexpected indent (a form feed before the literal, once numpy's Python 2 filtering rewrites it)");
        }
    }

    /** literal_eval strips leading spaces and tabs; blank and comment lines follow; the literal starts in column 0. */
    private void leading() throws BrineException {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
        int column = 0;
        boolean firstLine = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t') {
                column++;
                pos++;
            } else if (c == '\f') {
                column = 0;
                formFeedIndent |= !firstLine;
                pos++;
            } else if (c == '#') {
                skipComment();
            } else if (c == '\n' || c == '\r') {
                loneCarriageReturnFirst |= newlineAt(pos) == 1 && c == '\r';
                skipNewline();
                column = 0;
                formFeedIndent = false;
                firstLine = false;
            } else {
                break;
            }
        }
        // _filter_header's untokenize turns a first line's indentation ('\f\t') into spaces literal_eval strips
        if (column != 0 && !(firstLine && dropLongSuffix)) {
            throw error("unexpected indent");
        }
        filtered |= column != 0;
    }

    /** After the literal: only spaces, comments, continuations and blank lines. */
    private void trailing() throws BrineException {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\f') {
                pos++;
            } else if (c == '#') {
                skipComment();
            } else if (c == '\n' || c == '\r') {
                boolean loneCarriageReturn = c == '\r' && newlineAt(pos) == 1;
                skipNewline();
                int end = pos;
                while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
                    end++;
                }
                if (end > pos && end == text.length()) {
                    // CPython reads a last line of only spaces, with no newline, as an indented statement
                    // (which _filter_header's untokenize drops, so format 1.0/2.0 headers pass)
                    if (!dropLongSuffix || loneCarriageReturn) {
                        throw error("unexpected indent");
                    }
                    filtered = true;
                }
            } else if (c == '\\') {
                continuation();
            } else {
                throw error("unexpected " + describeHere() + " after the header literal");
            }
        }
    }

    // ---------------------------------------------------------------- literals

    /** The whole expression: one literal, or a tuple without parentheses ({@code 1, 2} or {@code 1,}). */
    private Object topLevel() throws BrineException {
        Object first = literal().value;
        int at = pos;
        space();
        if (peek() != ',') {
            pos = at;
            return first;
        }
        List<Object> out = new ArrayList<>();
        out.add(first);
        while (peek() == ',') {
            pos++;
            int afterComma = pos;
            space();
            if (pos >= text.length() || "#\n\r".indexOf(peek()) >= 0) {
                pos = afterComma;
                break;
            }
            out.add(literal().value);
            at = pos;
            space();
            if (peek() != ',') {
                pos = at;
                break;
            }
        }
        return Tuple.copyOf(out);
    }

    private Node literal() throws BrineException {
        space();
        if (pos >= text.length()) {
            throw error("header ends where a value should be");
        }
        char c = text.charAt(pos);
        if (c == '+' || c == '-') {
            return signedOrSum();
        }
        Node atom = atom();
        return maybeSum(atom);
    }

    private Node atom() throws BrineException {
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return new Node(braces(), Form.OTHER);
            case '[':
                return new Node(list(), Form.OTHER);
            case '(':
                return parenthesized();
            case '\'':
            case '"':
                return new Node(strings(), Form.OTHER);
            case '.':
                if (text.startsWith("...", pos)) {
                    pos += 3;
                    return new Node(ELLIPSIS, Form.OTHER);
                }
                if (pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
                    return new Node(number(), Form.NUMBER);
                }
                throw error("unexpected " + describeHere());
            default:
                break;
        }
        if (isDigit(c)) {
            return new Node(number(), Form.NUMBER);
        }
        if (isNameStart(c)) {
            return name();
        }
        throw error("unexpected " + describeHere());
    }

    private Node name() throws BrineException {
        int start = pos;
        String word = identifier();
        if (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"') && stringPrefix(word)) {
            pos = start;
            return new Node(strings(), Form.OTHER);
        }
        switch (word) {
            case "True":
                return new Node(Boolean.TRUE, Form.OTHER);
            case "False":
                return new Node(Boolean.FALSE, Form.OTHER);
            case "None":
                return new Node(null, Form.OTHER);
            case "set": {
                // set() is the one call literal_eval allows: an empty set
                int afterName = pos;
                int depthBefore = depth;
                space();
                if (peek() == '(') {
                    open();
                    space();
                    if (peek() == ')') {
                        close();
                        return new Node(new LinkedHashSet<>(), Form.OTHER);
                    }
                }
                pos = afterName;
                depth = depthBefore;
                break;
            }
            default:
                break;
        }
        pos = start;
        throw error("the header is not a plain literal: found the name '" + shorten(word)
                + "' (names and calls are never evaluated)");
    }

    /** {@code -6}, {@code +(6)}: one sign on a number; then maybe {@code -1+2j}. */
    private Node signedOrSum() throws BrineException {
        int signAt = pos;
        boolean negative = text.charAt(pos) == '-';
        pos++;
        space();
        if (pos >= text.length()) {
            throw error("header ends where a value should be");
        }
        Node operand = atom();
        if (operand.form != Form.NUMBER || operand.value instanceof Boolean) {
            pos = signAt;
            throw error("malformed literal: a sign applies only to one plain number (literal_eval refuses "
                    + describeHere() + ")");
        }
        Node signed = new Node(negative ? negate(operand.value) : operand.value, Form.SIGNED);
        return maybeSum(signed);
    }

    /** literal_eval's one binary form: a real (maybe signed) number plus or minus a complex number. */
    private Node maybeSum(Node left) throws BrineException {
        int at = pos;
        space();
        char c = peek();
        if (c != '+' && c != '-') {
            pos = at;
            return left;
        }
        if ((left.form != Form.NUMBER && left.form != Form.SIGNED) || left.value instanceof Complex) {
            throw error("malformed literal: only a real number plus or minus an imaginary one is a literal");
        }
        pos++;
        space();
        if (pos >= text.length()) {
            throw error("header ends where a value should be");
        }
        Node right = atom();
        if (right.form != Form.NUMBER || !(right.value instanceof Complex)) {
            throw error("malformed literal: only a real number plus or minus an imaginary one is a literal");
        }
        double real = toDouble(left.value);
        Complex imag = (Complex) right.value;
        Complex sum = c == '+' ? new Complex(real + imag.real(), imag.imag()) : new Complex(real - imag.real(), -imag.imag());
        Node out = new Node(sum, Form.SUM);
        int after = pos;
        space();
        if (peek() == '+' || peek() == '-') {
            throw error("malformed literal: only one sum is a literal");
        }
        pos = after;
        return out;
    }

    private Node parenthesized() throws BrineException {
        open();
        space();
        if (peek() == ')') {
            close();
            return new Node(Tuple.of(), Form.OTHER);
        }
        Node first = literal();
        space();
        if (peek() == ')') {
            close();
            return first; // (x) is just x, as in Python, form and all
        }
        List<Object> out = new ArrayList<>();
        out.add(first.value);
        while (true) {
            space();
            expect(',', "in tuple");
            space();
            if (peek() == ')') {
                close();
                return new Node(Tuple.copyOf(out), Form.OTHER);
            }
            out.add(literal().value);
            space();
            if (peek() == ')') {
                close();
                return new Node(Tuple.copyOf(out), Form.OTHER);
            }
        }
    }

    private Object list() throws BrineException {
        open();
        List<Object> out = new ArrayList<>();
        while (true) {
            space();
            if (peek() == ']') {
                close();
                return out;
            }
            out.add(literal().value);
            space();
            if (peek() == ',') {
                pos++;
            } else if (peek() != ']') {
                throw error("expected ',' or ']' in list but found " + describeHere());
            }
        }
    }

    /** A dict, or a set when the first item has no colon. */
    private Object braces() throws BrineException {
        open();
        space();
        if (peek() == '}') {
            close();
            return new LinkedHashMap<>();
        }
        int firstAt = pos;
        Object first = literal().value;
        space();
        if (peek() == ':') {
            return dictFrom(first, firstAt);
        }
        Set<Object> out = new LinkedHashSet<>();
        Set<Object> seen = new java.util.HashSet<>();
        requireHashable(first, firstAt, "a set element");
        seen.add(pythonEquality(first));
        out.add(first);
        while (true) {
            space();
            if (peek() == '}') {
                close();
                return out;
            }
            expect(',', "in set");
            space();
            if (peek() == '}') {
                close();
                return out;
            }
            int at = pos;
            Object v = literal().value;
            requireHashable(v, at, "a set element");
            if (seen.add(pythonEquality(v))) { // Python keeps the first of equal elements (1, True, 1.0)
                out.add(v);
            }
        }
    }

    private Object dictFrom(Object firstKey, int firstAt) throws BrineException {
        Map<Object, Object> out = new LinkedHashMap<>();
        Map<Object, Object> firstOfEqualKeys = new java.util.HashMap<>();
        Object key = firstKey;
        int keyAt = firstAt;
        while (true) {
            expect(':', "in dict");
            Object v = literal().value;
            requireHashable(key, keyAt, "a dict key");
            // a repeated key (or an equal one: 1, True, 1.0) keeps its first place and object, and its last value
            Object kept = firstOfEqualKeys.putIfAbsent(pythonEquality(key), key);
            out.put(kept != null ? kept : key, v);
            space();
            if (peek() == '}') {
                close();
                return out;
            }
            expect(',', "in dict");
            space();
            if (peek() == '}') {
                close();
                return out;
            }
            keyAt = pos;
            key = literal().value;
            space();
        }
    }

    private void requireHashable(Object v, int at, String what) throws BrineException {
        if (!hashable(v)) {
            pos = at;
            throw error(what + " must be hashable (literal_eval raises TypeError: unhashable type)");
        }
    }

    /** A stand-in whose Java equality is Python's for literal values: True == 1 == 1.0 == (1+0j), b'' by content. */
    private static Object pythonEquality(Object v) {
        if (v instanceof Boolean) {
            return (Boolean) v ? 1L : 0L;
        }
        if (v instanceof Complex && ((Complex) v).imag() == 0) {
            return pythonEquality(((Complex) v).real());
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isFinite(d) && d == Math.rint(d)) {
                return integer(new java.math.BigDecimal(d).toBigInteger());
            }
            return v;
        }
        if (v instanceof byte[]) {
            return java.nio.ByteBuffer.wrap((byte[]) v);
        }
        if (v instanceof Tuple) {
            List<Object> items = new ArrayList<>();
            for (Object o : ((Tuple) v).asList()) {
                items.add(pythonEquality(o));
            }
            return items;
        }
        return v;
    }

    private static boolean hashable(Object v) {
        if (v instanceof List || v instanceof Map || v instanceof Set) {
            return false;
        }
        if (v instanceof Tuple) {
            for (Object item : ((Tuple) v).asList()) {
                if (!hashable(item)) {
                    return false;
                }
            }
        }
        return true;
    }

    private void open() throws BrineException {
        if (++depth > MAX_NESTING) {
            throw error("too many nested parentheses (more than " + MAX_NESTING + ", as CPython's tokenizer allows)");
        }
        pos++;
    }

    private void close() {
        depth--;
        pos++;
    }

    // ---------------------------------------------------------------- numbers

    /** One number token as CPython's tokenizer reads it: int, float or imaginary. */
    private Object number() throws BrineException {
        int start = pos;
        Object v;
        if (text.charAt(pos) == '0' && pos + 1 < text.length() && "xXoObB".indexOf(text.charAt(pos + 1)) >= 0) {
            char base = Character.toLowerCase(text.charAt(pos + 1));
            int radix = base == 'x' ? 16 : base == 'o' ? 8 : 2;
            pos += 2;
            String digits = digitPart(radix, true);
            if (digits == null) {
                throw error("invalid " + (radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary") + " literal");
            }
            if (pos < text.length() && isNamePart(text.charAt(pos)) && !longSuffixHere()) {
                throw error("invalid " + (radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary") + " literal");
            }
            v = integer(new BigInteger(digits, radix));
        } else {
            String intPart = text.charAt(pos) == '.' ? "" : digitPart(10, false);
            if (intPart == null) {
                throw error("invalid decimal literal");
            }
            boolean isFloat = false;
            StringBuilder f = new StringBuilder(intPart);
            if (peek() == '.') {
                pos++;
                isFloat = true;
                f.append('.');
                if (pos < text.length() && isDigit(text.charAt(pos))) {
                    String frac = digitPart(10, false);
                    if (frac == null) {
                        throw error("invalid decimal literal");
                    }
                    f.append(frac);
                }
            }
            if ((peek() == 'e' || peek() == 'E') && exponentFollows()) {
                pos++;
                isFloat = true;
                f.append('e');
                if (peek() == '+' || peek() == '-') {
                    f.append(text.charAt(pos++));
                }
                String exp = digitPart(10, false);
                if (exp == null) {
                    throw error("invalid decimal literal");
                }
                f.append(exp);
            }
            boolean imaginary = peek() == 'j' || peek() == 'J';
            if (imaginary) {
                pos++;
            }
            if (pos < text.length() && isNamePart(text.charAt(pos)) && !longSuffixHere()) {
                throw error("invalid decimal literal");
            }
            if (imaginary) {
                v = new Complex(0.0, Double.parseDouble(f.toString()));
            } else if (isFloat) {
                v = Double.parseDouble(f.toString());
            } else {
                if (intPart.length() > 1 && intPart.charAt(0) == '0' && intPart.chars().anyMatch(ch -> ch != '0')) {
                    pos = start;
                    throw error("leading zeros in decimal integer literals are not permitted");
                }
                if (intPart.length() > MAX_DECIMAL_DIGITS) {
                    pos = start;
                    throw error("the integer literal has more than " + MAX_DECIMAL_DIGITS + " digits");
                }
                v = integer(new BigInteger(intPart));
            }
        }
        if (pos < text.length() && isNamePart(text.charAt(pos)) && !longSuffixHere()) {
            throw error("invalid literal " + describeHere());
        }
        skipLongSuffix();
        return v;
    }

    /** Digits with single underscores between them, as Python allows; null when malformed. */
    private String digitPart(int radix, boolean underscoreFirst) {
        StringBuilder out = new StringBuilder();
        boolean wantDigit = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '_' && !wantDigit && out.length() > 0) {
                wantDigit = true;
            } else if (c == '_' && underscoreFirst && out.length() == 0 && wantDigit) {
                underscoreFirst = false;
            } else if (Character.digit(c, radix) >= 0 && c < 0x80) {
                out.append(c);
                wantDigit = false;
            } else {
                break;
            }
            pos++;
        }
        return out.length() == 0 || wantDigit ? null : out.toString();
    }

    private boolean exponentFollows() {
        int i = pos + 1;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        return i < text.length() && isDigit(text.charAt(i));
    }

    /** Whether numpy's _filter_header would drop the name at pos: exactly {@code L}, after a number. */
    private boolean longSuffixHere() {
        if (!dropLongSuffix || peek() != 'L') {
            return false;
        }
        return pos + 1 >= text.length() || !isNamePart(text.charAt(pos + 1));
    }

    /** _filter_header drops a NAME token 'L' that directly follows a NUMBER token (spaces between are no token). */
    private void skipLongSuffix() {
        if (!dropLongSuffix) {
            return;
        }
        int at = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\f') {
                pos++;
            } else if (c == '\\' && newlineAt(pos + 1) > 0) {
                pos += 1 + newlineAt(pos + 1);
            } else {
                break;
            }
        }
        if (longSuffixHere()) {
            pos++;
            filtered = true;
            // the filter keeps 'after a number' set across a dropped L, so 6 L L drops both
            skipLongSuffix();
        } else {
            pos = at;
        }
    }

    private static Object integer(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static Object negate(Object v) {
        if (v instanceof Long) {
            long l = (Long) v;
            return l == Long.MIN_VALUE ? BigInteger.valueOf(l).negate() : (Object) (-l);
        }
        if (v instanceof BigInteger) {
            return integer(((BigInteger) v).negate());
        }
        if (v instanceof Double) {
            return -(Double) v;
        }
        Complex c = (Complex) v;
        return new Complex(-c.real(), -c.imag());
    }

    private static double toDouble(Object v) {
        return v instanceof Double ? (Double) v : v instanceof Long ? (double) (Long) v : ((BigInteger) v).doubleValue();
    }

    // ---------------------------------------------------------------- strings

    private static boolean stringPrefix(String word) {
        switch (word.toLowerCase(java.util.Locale.ROOT)) {
            case "r":
            case "u":
            case "b":
            case "br":
            case "rb":
            case "f":
            case "fr":
            case "rf":
                return true;
            default:
                return false;
        }
    }

    /** Adjacent string literals, joined as Python joins them; bytes and str do not mix. */
    private Object strings() throws BrineException {
        StringBuilder str = null;
        ByteArrayOutputStream bytes = null;
        while (true) {
            int at = pos;
            String prefix = "";
            if (isNameStart(peek())) {
                prefix = identifier().toLowerCase(java.util.Locale.ROOT);
            }
            if (prefix.contains("f")) {
                pos = at;
                throw error("an f-string is not a literal (literal_eval refuses it)");
            }
            boolean raw = prefix.contains("r");
            boolean isBytes = prefix.contains("b");
            if ((isBytes && str != null) || (!isBytes && bytes != null)) {
                pos = at;
                throw error("cannot mix bytes and nonbytes literals");
            }
            if (isBytes) {
                if (bytes == null) {
                    bytes = new ByteArrayOutputStream();
                }
                quoted(raw, true, null, bytes);
            } else {
                if (str == null) {
                    str = new StringBuilder();
                }
                quoted(raw, false, str, null);
            }
            int after = pos;
            space();
            if (peek() == '\'' || peek() == '"') {
                continue;
            }
            if (isNameStart(peek())) {
                int nameAt = pos;
                String word = identifier();
                boolean more = (peek() == '\'' || peek() == '"') && stringPrefix(word);
                pos = nameAt;
                if (more) {
                    continue;
                }
            }
            pos = after;
            return str != null ? CPythonStrings.of(str.toString()) : bytes.toByteArray();
        }
    }

    private void quoted(boolean raw, boolean isBytes, StringBuilder str, ByteArrayOutputStream bytes) throws BrineException {
        char q = text.charAt(pos);
        String qqq = String.valueOf(q).repeat(3);
        boolean triple = text.startsWith(qqq, pos);
        int start = pos;
        pos += triple ? 3 : 1;
        while (true) {
            if (pos >= text.length()) {
                pos = start;
                throw error("unterminated string literal");
            }
            char c = text.charAt(pos);
            if (c == q && (!triple || text.startsWith(qqq, pos))) {
                pos += triple ? 3 : 1;
                return;
            }
            int nl = newlineAt(pos);
            if (nl > 0) {
                if (!triple) {
                    throw error("unterminated string literal (a newline inside a string)");
                }
                pos += nl;
                append('\n', isBytes, str, bytes);
                continue;
            }
            if (c == '\\') {
                if (pos + 1 >= text.length()) {
                    pos = start;
                    throw error("unterminated string literal");
                }
                if (raw) {
                    // a raw string keeps the backslash and what follows, which cannot end the string
                    int after = newlineAt(pos + 1);
                    append('\\', isBytes, str, bytes);
                    if (after > 0) {
                        append('\n', isBytes, str, bytes);
                        pos += 1 + after;
                    } else {
                        append(text.charAt(pos + 1), isBytes, str, bytes);
                        pos += 2;
                    }
                    continue;
                }
                escape(isBytes, str, bytes);
                continue;
            }
            append(c, isBytes, str, bytes);
            pos++;
        }
    }

    private void append(int c, boolean isBytes, StringBuilder str, ByteArrayOutputStream bytes) throws BrineException {
        if (isBytes) {
            if (c >= 0x80) {
                throw error("bytes can only contain ASCII literal characters");
            }
            bytes.write(c);
        } else {
            str.append((char) c);
        }
    }

    private void escape(boolean isBytes, StringBuilder str, ByteArrayOutputStream bytes) throws BrineException {
        int nl = newlineAt(pos + 1);
        if (nl > 0) {
            pos += 1 + nl; // a backslash before a newline joins the lines
            return;
        }
        int escapeAt = pos;
        char e = text.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case '\\':
            case '\'':
            case '"':
                put(e, isBytes, str, bytes);
                return;
            case 'n':
                put('\n', isBytes, str, bytes);
                return;
            case 'r':
                put('\r', isBytes, str, bytes);
                return;
            case 't':
                put('\t', isBytes, str, bytes);
                return;
            case 'a':
                put(0x07, isBytes, str, bytes);
                return;
            case 'b':
                put('\b', isBytes, str, bytes);
                return;
            case 'f':
                put('\f', isBytes, str, bytes);
                return;
            case 'v':
                put(0x0B, isBytes, str, bytes);
                return;
            case 'x':
                put(hex(2, escapeAt, "\\xXX"), isBytes, str, bytes);
                return;
            default:
                break;
        }
        if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int i = 0; i < 2 && pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '7'; i++) {
                v = v * 8 + (text.charAt(pos++) - '0');
            }
            put(isBytes ? v & 0xFF : v, isBytes, str, bytes);
            return;
        }
        if (!isBytes && e == 'u') {
            str.append((char) hex(4, escapeAt, "\\uXXXX"));
            return;
        }
        if (!isBytes && e == 'U') {
            int cp = hex(8, escapeAt, "\\UXXXXXXXX");
            if (cp < 0 || cp > Character.MAX_CODE_POINT) {
                pos = escapeAt;
                throw error("illegal Unicode character in \\U escape");
            }
            str.appendCodePoint(cp);
            return;
        }
        if (!isBytes && e == 'N') {
            str.appendCodePoint(namedCharacter(escapeAt));
            return;
        }
        // Python keeps an unknown escape as it is, backslash and all
        put('\\', isBytes, str, bytes);
        append(e, isBytes, str, bytes);
    }

    private int namedCharacter(int escapeAt) throws BrineException {
        int close = peek() == '{' ? text.indexOf('}', pos) : -1;
        String name = close > pos + 1 ? text.substring(pos + 1, close) : "";
        if (name.isEmpty() || name.length() > 100 || !name.strip().equals(name)) {
            pos = escapeAt;
            throw error("malformed \\N character escape");
        }
        try {
            int cp = Character.codePointOf(name);
            pos = close + 1;
            return cp;
        } catch (IllegalArgumentException e) {
            pos = escapeAt;
            throw error("unknown Unicode character name in \\N escape");
        }
    }

    /** Appends an escape's value (a byte for bytes, a char up to \777 for str). */
    private static void put(int v, boolean isBytes, StringBuilder str, ByteArrayOutputStream bytes) {
        if (isBytes) {
            bytes.write(v);
        } else {
            str.append((char) v);
        }
    }

    private int hex(int n, int escapeAt, String form) throws BrineException {
        long v = 0;
        for (int i = 0; i < n; i++) {
            int d = pos + i < text.length() && text.charAt(pos + i) < 0x80 ? Character.digit(text.charAt(pos + i), 16) : -1;
            if (d < 0) {
                pos = escapeAt;
                throw error("truncated " + form + " escape");
            }
            v = v * 16 + d;
        }
        pos += n;
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    // ---------------------------------------------------------------- tokens

    private String identifier() {
        int start = pos;
        while (pos < text.length() && isNamePart(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c < 0x80 ? Character.isLetter(c) : Character.isUnicodeIdentifierStart(c));
    }

    private static boolean isNamePart(char c) {
        return c == '_' || (c < 0x80 ? Character.isLetterOrDigit(c) : Character.isUnicodeIdentifierPart(c));
    }

    private void expect(char c, String where) throws BrineException {
        if (peek() != c) {
            throw error("expected '" + c + "' " + where + " but found " + describeHere());
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    /** Skips what separates tokens: inside brackets newlines and comments too, as Python's tokenizer does. */
    private void space() throws BrineException {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\f') {
                pos++;
            } else if (c == '\\') {
                continuation();
            } else if (depth > 0 && (c == '\n' || c == '\r')) {
                skipNewline();
            } else if (depth > 0 && c == '#') {
                skipComment();
            } else {
                break;
            }
        }
    }

    private void continuation() throws BrineException {
        int nl = newlineAt(pos + 1);
        if (nl == 0) {
            throw error("unexpected character after line continuation character");
        }
        if (pos + 1 + nl >= text.length()) {
            throw error("unexpected end of the header after a line continuation");
        }
        pos += 1 + nl;
    }

    /** The length of the newline at {@code i} ({@code \n}, {@code \r\n} or {@code \r}), or 0. */
    private int newlineAt(int i) {
        if (i >= text.length()) {
            return 0;
        }
        char c = text.charAt(i);
        if (c == '\n') {
            return 1;
        }
        if (c == '\r') {
            return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? 2 : 1;
        }
        return 0;
    }

    private void skipNewline() {
        pos += Math.max(1, newlineAt(pos));
    }

    private void skipComment() {
        while (pos < text.length() && newlineAt(pos) == 0) {
            pos++;
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
