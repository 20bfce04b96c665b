package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.Complex;
import dev.brine.py.PythonRepr;

/**
 * {@code complex(str)} as CPython 3.11 parses it ({@code complex_from_string_inner} in
 * complexobject.c): optional whitespace and one pair of parentheses around {@code <float>},
 * {@code <float>j}, {@code <float><signed-float>j}, or the older forms {@code <float><sign>j},
 * {@code <sign>j} and {@code j}, where {@code <float>} is any prefix {@code float()} accepts
 * (inf, infinity and nan included, any case); underscores only between digits, dropped first.
 */
final class ComplexLiteral {
    private final String s;
    private int at;

    private ComplexLiteral(String s) {
        this.s = s;
    }

    static Complex parse(String text) throws BrineException {
        String s = withoutUnderscores(asciiDigitsAndSpaces(text), text);
        ComplexLiteral p = new ComplexLiteral(s);
        Complex c = p.complex();
        if (c == null || p.at != s.length()) {
            throw malformed(text);
        }
        return c;
    }

    private static BrineException malformed(String text) {
        return new BrineException("complex() arg is a malformed string: " + PythonRepr.brief(text));
    }

    private Complex complex() {
        skipSpaces();
        boolean bracket = peek() == '(';
        if (bracket) {
            at++;
            skipSpaces();
        }
        double x = 0;
        double y;
        int start = at;
        double z = number();
        if (at != start) {
            if (peek() == '+' || peek() == '-') { // <float><signed-float>j or <float><sign>j
                x = z;
                int sign = at;
                y = number();
                if (at == sign) {
                    y = s.charAt(at) == '+' ? 1.0 : -1.0;
                    at++;
                }
                if (!imaginaryUnit()) {
                    return null;
                }
            } else if (imaginaryUnit()) { // <float>j
                y = z;
            } else { // <float>
                x = z;
                y = 0;
            }
        } else { // <sign>j or j
            y = 1.0;
            if (peek() == '+' || peek() == '-') {
                y = s.charAt(at) == '+' ? 1.0 : -1.0;
                at++;
            }
            if (!imaginaryUnit()) {
                return null;
            }
        }
        skipSpaces();
        if (bracket) {
            if (peek() != ')') {
                return null;
            }
            at++;
            skipSpaces();
        }
        return new Complex(x, y);
    }

    private boolean imaginaryUnit() {
        if (peek() == 'j' || peek() == 'J') {
            at++;
            return true;
        }
        return false;
    }

    /**
     * The longest prefix from {@code at} that is a float ({@code PyOS_string_to_double} with an end
     * pointer: a sign, digits with an optional point and exponent, or inf, infinity, nan), moving
     * {@code at} past it; {@code at} stays put when there is none.
     */
    private double number() {
        int i = at;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (s.regionMatches(true, i, "infinity", 0, 8)) {
            at = i + 8;
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (s.regionMatches(true, i, "inf", 0, 3)) {
            at = i + 3;
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (s.regionMatches(true, i, "nan", 0, 3)) {
            at = i + 3;
            // CPython: negate ? -fabs(Py_NAN) : fabs(Py_NAN); the sign bit survives in a pickle
            return Double.longBitsToDouble(negative ? 0xfff8000000000000L : 0x7ff8000000000000L);
        }
        int k = i;
        int digits = 0;
        while (k < s.length() && isDigit(s.charAt(k))) {
            k++;
            digits++;
        }
        if (k < s.length() && s.charAt(k) == '.') {
            k++;
            while (k < s.length() && isDigit(s.charAt(k))) {
                k++;
                digits++;
            }
        }
        if (digits == 0) {
            return 0;
        }
        if (k < s.length() && (s.charAt(k) == 'e' || s.charAt(k) == 'E')) {
            int e = k + 1;
            if (e < s.length() && (s.charAt(e) == '+' || s.charAt(e) == '-')) {
                e++;
            }
            int expDigits = 0;
            while (e < s.length() && isDigit(s.charAt(e))) {
                e++;
                expDigits++;
            }
            if (expDigits > 0) {
                k = e;
            }
        }
        double v = Double.parseDouble(s.substring(at, k)); // correctly rounded, as CPython's dtoa; beyond range: inf
        at = k;
        return v;
    }

    private char peek() {
        return at < s.length() ? s.charAt(at) : '\0';
    }

    private void skipSpaces() {
        while (at < s.length() && isSpace(s.charAt(at))) {
            at++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** C's {@code Py_ISSPACE}. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
    }

    /**
     * {@code _PyUnicode_TransformDecimalAndSpaceToASCII}: Unicode white space becomes ' ', Unicode
     * decimal digits their ASCII digit, any other non-ASCII character '?' (which no form accepts).
     */
    private static String asciiDigitsAndSpaces(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x80) {
                out.append((char) c);
            } else if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                out.append(' ');
            } else if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
                out.append((char) ('0' + Character.digit(c, 10)));
            } else {
                out.append('?');
            }
        }
        return out.toString();
    }

    /** {@code _Py_string_to_number_with_underscores}: an underscore only between two digits, then dropped. */
    private static String withoutUnderscores(String s, String text) throws BrineException {
        if (s.indexOf('_') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        char prev = '\0';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                if (!isDigit(prev)) {
                    throw malformed(text);
                }
            } else {
                out.append(c);
                if (prev == '_' && !isDigit(c)) {
                    throw malformed(text);
                }
            }
            prev = c;
        }
        if (prev == '_') {
            throw malformed(text);
        }
        return out.toString();
    }
}
