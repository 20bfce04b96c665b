package dev.brine.ndarray;

/**
 * C's {@code strtol(s, &end, 10)} where the whole rest of the string must be the number, as numpy's
 * type-string parser uses it: leading C whitespace and one sign are allowed ({@code 'i +4'} is int32).
 */
final class CStrtol {
    /** Not a number filling the rest of the string: numpy then tries its type names. */
    static final long NOT_A_NUMBER = -1;
    /** A number numpy refuses outright: negative, beyond a C int, or followed by a NUL. */
    static final long OUT_OF_RANGE = -2;

    private CStrtol() {
    }

    static long parse(String s, int from) {
        int i = from;
        while (i < s.length() && " \t\n\u000B\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digitsAt = i;
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            if (v <= Integer.MAX_VALUE) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            i++;
        }
        if (i == digitsAt) {
            return NOT_A_NUMBER;
        }
        if ((negative && v != 0) || v > Integer.MAX_VALUE) {
            return OUT_OF_RANGE;
        }
        if (i < s.length()) {
            return s.charAt(i) == '\0' ? OUT_OF_RANGE : NOT_A_NUMBER;
        }
        return v;
    }
}
