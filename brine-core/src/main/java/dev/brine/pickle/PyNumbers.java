package dev.brine.pickle;

import dev.brine.pickle.PyText.PyError;
import dev.brine.py.PyFloat;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * {@code int(bytes)}, {@code float(bytes)} and {@code repr(int)} with CPython's rules and error
 * messages, including the limit on decimal digits that CPython 3.11 applies both ways
 * ({@code sys.get_int_max_str_digits()}, 4300 by default).
 */
final class PyNumbers {
    /** CPython's default {@code sys.int_info.default_max_str_digits}. */
    static final int MAX_STR_DIGITS = 4300;

    /** How much of a bad line CPython quotes in "invalid literal for int()" ({@code %.200R}). */
    private static final int INT_ERROR_QUOTE = 200;

    /**
     * How much of a bad line is quoted where CPython quotes it whole: CPython would build a
     * message as long as the line; Brine stops at a megabyte.
     */
    static final int MESSAGE_QUOTE = 1 << 20;

    private PyNumbers() {
    }

    /** C's {@code Py_ISSPACE}: the ASCII whitespace {@code int()} and {@code float()} strip. */
    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** {@code int(bytes)} in base 10: a Long, or a BigInteger beyond 64 bits. */
    static Object parseInt(byte[] a, int off, int len) throws PyError {
        int end = off + len;
        // CPython parses a C string: a NUL ends it, and whatever follows makes the literal invalid
        int cEnd = off;
        while (cEnd < end && a[cEnd] != 0) {
            cEnd++;
        }
        int i = off;
        while (i < cEnd && isSpace(a[i])) {
            i++;
        }
        boolean negative = false;
        if (i < cEnd && (a[i] == '+' || a[i] == '-')) {
            negative = a[i] == '-';
            i++;
        }
        if (i < cEnd && a[i] == '_') {
            throw invalidInt(a, off, len);
        }
        int start = i;
        int digits = 0;
        int prev = 0;
        while (i < cEnd && (isDigit(a[i]) || a[i] == '_')) {
            if (a[i] == '_') {
                if (prev == '_') {
                    throw invalidInt(a, off, len);
                }
            } else {
                digits++;
            }
            prev = a[i];
            i++;
        }
        if (prev == '_') {
            throw invalidInt(a, off, len);
        }
        if (digits > MAX_STR_DIGITS) {
            throw PyError.value("Exceeds the limit (" + MAX_STR_DIGITS + " digits) for integer string conversion: value has "
                    + digits + " digits; use sys.set_int_max_str_digits() to increase the limit");
        }
        int digitsEnd = i;
        while (i < cEnd && isSpace(a[i])) {
            i++;
        }
        if (digits == 0 || i != end) {
            throw invalidInt(a, off, len);
        }
        StringBuilder sb = new StringBuilder(digits + 1);
        if (negative) {
            sb.append('-');
        }
        for (int k = start; k < digitsEnd; k++) {
            if (a[k] != '_') {
                sb.append((char) a[k]);
            }
        }
        if (digits <= 18) {
            return Long.parseLong(sb.toString());
        }
        BigInteger v = new BigInteger(sb.toString());
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static PyError invalidInt(byte[] a, int off, int len) {
        return PyError.value("invalid literal for int() with base 10: "
                + PyText.bytesRepr(a, off, Math.min(len, INT_ERROR_QUOTE), INT_ERROR_QUOTE));
    }

    /** {@code float(bytes)}. */
    static double parseFloat(byte[] a, int off, int len) throws PyError {
        int s = off;
        int last = off + len;
        while (s < last && isSpace(a[s])) {
            s++;
        }
        while (s < last - 1 && isSpace(a[last - 1])) {
            last--;
        }
        // underscores are allowed only between digits, and are then dropped
        StringBuilder clean = new StringBuilder(last - s);
        int prev = 0;
        for (int i = s; i < last; i++) {
            int c = a[i] & 0xff;
            if (c == '_') {
                if (!isDigit(prev)) {
                    throw invalidFloat(a, off, len);
                }
            } else {
                if (prev == '_' && !isDigit(c)) {
                    throw invalidFloat(a, off, len);
                }
                clean.append((char) c);
            }
            prev = c;
        }
        if (prev == '_') {
            throw invalidFloat(a, off, len);
        }
        String t = clean.toString();
        int i = 0;
        int n = t.length();
        boolean negative = false;
        if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            negative = t.charAt(i) == '-';
            i++;
        }
        String rest = t.substring(i);
        if (rest.equalsIgnoreCase("inf") || rest.equalsIgnoreCase("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (rest.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        // digits [. digits] [e [sign] digits], with at least one digit in the mantissa
        int mantissa = 0;
        int k = i;
        while (k < n && isDigit(t.charAt(k))) {
            k++;
            mantissa++;
        }
        if (k < n && t.charAt(k) == '.') {
            k++;
            while (k < n && isDigit(t.charAt(k))) {
                k++;
                mantissa++;
            }
        }
        if (mantissa == 0) {
            throw invalidFloat(a, off, len);
        }
        if (k < n && (t.charAt(k) == 'e' || t.charAt(k) == 'E')) {
            k++;
            if (k < n && (t.charAt(k) == '+' || t.charAt(k) == '-')) {
                k++;
            }
            int exp = 0;
            while (k < n && isDigit(t.charAt(k))) {
                k++;
                exp++;
            }
            if (exp == 0) {
                throw invalidFloat(a, off, len);
            }
        }
        if (k != n) {
            throw invalidFloat(a, off, len);
        }
        // Java's parser rounds correctly, as CPython's dtoa does; the syntax was checked above
        return Double.parseDouble(t);
    }

    private static PyError invalidFloat(byte[] a, int off, int len) {
        return PyError.value("could not convert string to float: " + PyText.bytesRepr(a, off, len, MESSAGE_QUOTE));
    }

    /** {@code repr(int)}: its decimal digits, or CPython's error when there are too many. */
    static String intRepr(Object v) throws PyError {
        if (v instanceof Long) {
            return v.toString();
        }
        BigInteger b = (BigInteger) v;
        // 10**4300 needs 14284.3 bits: anything longer certainly has too many digits, and
        // shorter values are converted and counted
        if (b.bitLength() > 14300) {
            throw tooManyDigits();
        }
        String s = b.toString();
        if (s.length() - (b.signum() < 0 ? 1 : 0) > MAX_STR_DIGITS) {
            throw tooManyDigits();
        }
        return s;
    }

    private static PyError tooManyDigits() {
        return PyError.value("Exceeds the limit (" + MAX_STR_DIGITS + " digits) for integer string conversion; "
                + "use sys.set_int_max_str_digits() to increase the limit");
    }

    /**
     * {@code repr(float)}. {@link PyFloat#repr} finds the shortest digits exactly but slowly; most
     * floats in real pickles are short, and for those Java's own digits are already the answer:
     * any decimal of at most 15 significant digits survives the trip to a double and back
     * (C's {@code DBL_DIG}), so when {@link Double#toString} — which always round-trips — yields at
     * most 15 digits, no shorter decimal can name the same double, and no other of that length.
     * Subnormals carry fewer bits, so the argument does not hold for them.
     */
    static String floatRepr(double d) {
        if (!(Math.abs(d) >= Double.MIN_NORMAL) || Double.isInfinite(d)) {
            return PyFloat.repr(d);
        }
        String s = Double.toString(d);
        int e = s.indexOf('E');
        String mantissa = e < 0 ? s : s.substring(0, e);
        int exp = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
        boolean negative = mantissa.charAt(0) == '-';
        int dot = mantissa.indexOf('.');
        String digits = mantissa.substring(negative ? 1 : 0, dot) + mantissa.substring(dot + 1);
        int decpt = dot - (negative ? 1 : 0) + exp; // the decimal point sits after this many digits
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        int end = digits.length();
        while (end > lead + 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(lead, end);
        decpt -= lead;
        if (digits.length() > 15) {
            return PyFloat.repr(d);
        }
        // Python's layout: exponent form when the exponent is below -4 or above 15
        StringBuilder out = new StringBuilder(24);
        if (negative) {
            out.append('-');
        }
        if (decpt <= -4 || decpt > 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int x = decpt - 1;
            out.append('e').append(x < 0 ? '-' : '+');
            if (Math.abs(x) < 10) {
                out.append('0');
            }
            out.append(Math.abs(x));
        } else if (decpt <= 0) {
            out.append("0.").append("0".repeat(-decpt)).append(digits);
        } else if (decpt >= digits.length()) {
            out.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
        } else {
            out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return out.toString();
    }

    /** {@code int.from_bytes(data, 'little', signed=True)}. */
    static Object fromLittleEndianSigned(byte[] a, int off, int len) {
        if (len == 0) {
            return 0L;
        }
        byte[] big = new byte[len];
        for (int i = 0; i < len; i++) {
            big[i] = a[off + len - 1 - i];
        }
        BigInteger v = new BigInteger(big);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** Whether the Latin-1 text of a slice equals {@code s}. */
    static boolean equalsAscii(byte[] a, int off, int len, String s) {
        return len == s.length() && new String(a, off, len, StandardCharsets.ISO_8859_1).equals(s);
    }
}
