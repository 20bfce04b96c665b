package dev.brine.py;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr(float)} and {@code float(str)} for doubles. Java 17's
 * {@link Double#toString} does not always give the shortest digits (it prints 2e23 as
 * 1.9999999999999998E23), and Python's protocol 0 writes the shortest, so this finds them exactly.
 */
public final class PyFloat {
    /** Python's {@code float('-nan')}: the quiet NaN with its sign bit set (Java's own negation of NaN may not set it). */
    private static final double NEGATIVE_NAN = Double.longBitsToDouble(0xfff8000000000000L);
    private static final RoundingMode[] CANDIDATES = {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING};

    private PyFloat() {
    }

    /**
     * numpy's {@code str(numpy.float32(value))}, the text inside numpy 2's repr {@code np.float32(...)}: the shortest
     * digits that read back as the same float (not the same double), positional from {@code 1e-04} up to {@code 1e+06}
     * and in exponent form outside (numpy's float32 switch, where Python's float switches at 1e16: {@code 1e+06},
     * {@code 1.4824577e+12}); the bounds are compared with the float's exact value, so float32 0.0001, just below
     * 1e-4, is {@code 1e-04}.
     */
    public static String repr(float value) {
        if (Float.isNaN(value) || Float.isInfinite(value) || value == 0) {
            return repr((double) value);
        }
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision <= 9; precision++) {
            BigDecimal best = null;
            for (RoundingMode mode : CANDIDATES) {
                BigDecimal candidate = exact.round(new MathContext(precision, mode));
                if (candidate.floatValue() == value
                        && (best == null || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                float abs = Math.abs(value);
                return layout(value < 0, best.stripTrailingZeros(), abs < 1e-4 || abs >= 1e6);
            }
        }
        return repr((double) value);
    }

    /** Python's {@code repr(value)}: shortest round-tripping digits, Python's layout. */
    public static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (Double.doubleToRawLongBits(value) < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestDigits(value);
        int decpt = shortest.precision() - shortest.scale(); // Python's switch: by the digits' exponent
        return layout(value < 0, shortest, decpt <= -4 || decpt > 16);
    }

    /** The shortest digits as Python writes a float: in exponent form ({@code 1e+16}, {@code 1.5e-05}) or positional. */
    private static String layout(boolean negative, BigDecimal shortest, boolean exponent) {
        String digits = shortest.unscaledValue().abs().toString();
        int decpt = digits.length() - shortest.scale();
        StringBuilder out = new StringBuilder(24);
        if (negative) {
            out.append('-');
        }
        if (exponent) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            out.append('e').append(exp < 0 ? '-' : '+');
            int abs = Math.abs(exp);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (decpt <= 0) {
            out.append("0.");
            for (int i = 0; i < -decpt; i++) {
                out.append('0');
            }
            out.append(digits);
        } else if (decpt >= digits.length()) {
            out.append(digits);
            for (int i = digits.length(); i < decpt; i++) {
                out.append('0');
            }
            out.append(".0");
        } else {
            out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return out.toString();
    }

    /** The shortest decimal that reads back as {@code value}, nearest to it among equals. */
    private static BigDecimal shortestDigits(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal best = null;
            for (RoundingMode mode : CANDIDATES) {
                BigDecimal candidate = exact.round(new MathContext(precision, mode));
                if (candidate.doubleValue() == value
                        && (best == null || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best.stripTrailingZeros();
            }
        }
        return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
    }

    /**
     * Python's {@code float(text)} for the forms pickles contain: decimal and exponent notation,
     * {@code inf}, {@code -inf}, {@code nan} (any case, optional sign).
     *
     * @throws NumberFormatException when the text is not a Python float literal
     */
    public static double parse(String text) {
        String t = text.strip();
        String body = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        boolean negative = t.startsWith("-");
        String lower = body.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("inf") || lower.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan")) { // float('-nan') keeps its sign bit, which pickles write back
            return negative ? NEGATIVE_NAN : Double.NaN;
        }
        if (body.isEmpty() || !isDecimalLiteral(body)) {
            throw new NumberFormatException("not a float: " + text);
        }
        return Double.parseDouble(t); // isDecimalLiteral admitted only digits, one dot, an exponent
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isDecimalLiteral(String s) {
        // digits [. digits] [e[+-]digits]; Java's parser also takes hex, 'd'/'f' suffixes, which Python does not
        int i = 0;
        int n = s.length();
        int digits = 0;
        while (i < n && isAsciiDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isAsciiDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && isAsciiDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == n;
    }
}
