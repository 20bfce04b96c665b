package dev.brine.pickle;

import dev.brine.LimitExceededException;
import java.math.BigInteger;

/**
 * The text integers of protocol 0 (INT {@code I<text>\n} and LONG {@code L<text>L\n}) exactly as
 * CPython's C unpickler reads them. CPython never writes anything but plain decimal digits, but
 * it reads more, and a file another tool made may hold it:
 * <ul>
 * <li>INT tries C's {@code strtol(s, &end, 0)} first: leading whitespace, a sign, {@code 0x} hex,
 * a leading {@code 0} meaning octal ({@code I011} is 9). When that stops at the end of the line
 * (or at a NUL: C strings end there) and fits a C long, it is the value, and a line of exactly
 * two characters holding 0 or 1 is False or True ({@code I00}, {@code I01}, also {@code I 1}).
 * Otherwise it falls back to {@code int(s, 0)} (Python's literal rules: underscores,
 * {@code 0o}/{@code 0b}, surrounding whitespace, no leading zeros).</li>
 * <li>LONG drops one trailing {@code L} and reads the rest with {@code int(s, 0)}.</li>
 * </ul>
 * The memo indices of GET and PUT are read as {@code int(text, 10)} ({@link #parseMemoIndex}).
 * Each method returns null for text CPython refuses. Digit counts are bounded by the caller's
 * limit in every base (CPython bounds base 10 only), since Java's BigInteger parses in quadratic time.
 */
final class TextInts {
    /** Where strtol stops and what it read; {@code digits} 0 means no conversion. */
    private static final class StrtolResult {
        long value;
        int end;
        int digits;
        boolean overflow;
    }

    private TextInts() {
    }

    /** The INT opcode's value for {@code line} (without its newline): Boolean, Long or BigInteger. */
    static Object parseInt(String line, int maxDigits) throws LimitExceededException {
        if (line.isEmpty()) {
            return null; // C: "pickle data was truncated"
        }
        String s = cString(line);
        StrtolResult r = strtol(s);
        if (!r.overflow && r.end == s.length()) {
            if (line.length() == 2 && (r.value == 0 || r.value == 1)) {
                return r.value == 1; // C: len == 3 counts the newline
            }
            return r.value;
        }
        return pyIntBase0(s, maxDigits);
    }

    /** The LONG opcode's value for {@code line} (without its newline): Long or BigInteger. */
    static Object parseLong(String line, int maxDigits) throws LimitExceededException {
        if (line.isEmpty()) {
            return null; // C: "pickle data was truncated"
        }
        String s = line.endsWith("L") ? line.substring(0, line.length() - 1) : line;
        return pyIntBase0(cString(s), maxDigits);
    }

    /** The text C sees: it ends at the first NUL. */
    static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /** C's isspace in the C locale, which is also Python's {@code Py_ISSPACE}. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int digitValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        return 99;
    }

    /** glibc's {@code strtol(s, &end, 0)} on a 64-bit long. */
    private static StrtolResult strtol(String s) {
        StrtolResult r = new StrtolResult();
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int base = 10;
        if (i < s.length() && s.charAt(i) == '0') {
            boolean hex = i + 2 < s.length() && (s.charAt(i + 1) | 0x20) == 'x' && digitValue(s.charAt(i + 2)) < 16;
            // "0x" without a hex digit after it reads as the number 0 followed by 'x'
            base = hex ? 16 : 8;
            i += hex ? 2 : 0;
        }
        BigInteger acc = BigInteger.ZERO;
        int start = i;
        while (i < s.length() && digitValue(s.charAt(i)) < base) {
            acc = acc.multiply(BigInteger.valueOf(base)).add(BigInteger.valueOf(digitValue(s.charAt(i))));
            i++;
            if (acc.bitLength() > 64) {
                // already out of range: keep scanning for where strtol stops, without growing the number
                acc = BigInteger.ONE.shiftLeft(64);
            }
        }
        r.digits = i - start;
        if (r.digits == 0) {
            r.end = 0; // no conversion: end is the start of the text
            return r;
        }
        BigInteger v = negative ? acc.negate() : acc;
        r.overflow = v.bitLength() > 63;
        r.value = v.longValue();
        r.end = i;
        return r;
    }

    /**
     * The memo index of GET ({@code g<text>\n}) and PUT ({@code p<text>\n}): C's
     * {@code PyLong_FromString(s, NULL, 10)}, which is Python's {@code int(s, 10)} on the text up to a
     * NUL (surrounding whitespace, a sign, underscores between digits, leading zeros; no {@code 0x}
     * and no non-ASCII digits). Long or BigInteger, or null for text CPython refuses.
     */
    static Object parseMemoIndex(String line, int maxDigits) throws LimitExceededException {
        return pyInt(cString(line), 10, maxDigits);
    }

    /** Python's {@code int(s, 0)} on ASCII text, or null when Python refuses it. */
    static Object pyIntBase0(String s, int maxDigits) throws LimitExceededException {
        return pyInt(s, 0, maxDigits);
    }

    /** Python's {@code int(s, base)} for base 0 (the prefix says) or 10 on ASCII text, or null when Python refuses it. */
    private static Object pyInt(String s, int explicitBase, int maxDigits) throws LimitExceededException {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        while (n > i && isSpace(s.charAt(n - 1))) {
            n--;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int base = 10;
        boolean zerosOnly = false;
        if (explicitBase == 0 && i < n && s.charAt(i) == '0') {
            char p = i + 1 < n ? (char) (s.charAt(i + 1) | 0x20) : 0;
            base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 10;
            if (base != 10) {
                i += 2;
                if (i < n && s.charAt(i) == '_') {
                    i++; // one underscore may follow the prefix: 0x_1f
                }
            } else {
                zerosOnly = true; // "010" is an error in Python 3; "00" and "0_0" are 0
            }
        }
        StringBuilder digits = new StringBuilder();
        boolean lastUnderscore = true; // no leading underscore
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == '_') {
                if (lastUnderscore) {
                    return null;
                }
                lastUnderscore = true;
                continue;
            }
            if (digitValue(c) >= base || (zerosOnly && c != '0')) {
                return null;
            }
            digits.append(c);
            lastUnderscore = false;
        }
        if (digits.length() == 0 || lastUnderscore) {
            return null;
        }
        if (digits.length() > maxDigits) {
            throw new LimitExceededException("maxIntDigits", "a text integer of " + digits.length()
                    + " digits, more than the " + maxDigits + " allowed");
        }
        BigInteger v = new BigInteger(digits.toString(), base);
        v = negative ? v.negate() : v;
        return v.bitLength() <= 63 ? (Object) v.longValue() : v;
    }
}
