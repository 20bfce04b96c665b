package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.Tuple;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A finite {@code decimal.Decimal} literal whose exponent {@link java.math.BigDecimal} cannot hold
 * (its scale is an {@code int}; CPython's exponents reach about ±10^18), put in the form CPython's
 * {@code str()} gives it, so that the value stays an inert {@code decimal.Decimal(str)} that
 * writes back as CPython would. {@code Decimal('1E+5000000000')} is a valid Python value, and Brine
 * writes one itself for a {@code BigDecimal} of scale {@code Integer.MIN_VALUE}.
 */
final class DecimalLiteral {
    /** sign, integer digits, fraction digits, exponent: what libmpdec accepts (whitespace and '_' already dropped). */
    private static final Pattern FINITE = Pattern.compile("([+-]?)([0-9]*)(?:\\.([0-9]*))?[eE]([+-]?[0-9]+)");
    /** libmpdec's MAX_EMAX (64-bit): the largest adjusted exponent a Decimal literal may have. */
    private static final BigInteger MAX_ADJUSTED = BigInteger.valueOf(999_999_999_999_999_999L);
    /** libmpdec's MIN_ETINY (64-bit): the smallest exponent a Decimal literal may have. */
    private static final BigInteger MIN_EXPONENT = BigInteger.valueOf(-1_999_999_999_999_999_997L);

    private DecimalLiteral() {
    }

    /**
     * The literal {@code Decimal((sign, digits, exponent))} stands for, checked in CPython's order and
     * with its messages (_decimal's dectuple_as_str): a tuple or list of three; a sign of 0 or 1; an
     * int exponent, or 'F' (an infinity, whose digits are checked and then ignored), 'n' (a NaN whose
     * digits are its payload) or 'N' (a signalling NaN); a tuple or list of digits 0 to 9 (none is a
     * zero). Bools are ints, as in Python. At most {@code maxDigits} digits are taken.
     *
     * @param sequence the argument, a {@link Tuple} or a {@link List}
     */
    static String ofTuple(Object sequence, int maxDigits) throws BrineException {
        List<?> parts = Iterables.itemsOf(sequence);
        if (parts.size() != 3) {
            throw new BrineException("argument must be a sequence of length 3");
        }
        Long sign = integer(parts.get(0));
        if (sign == null || (sign != 0 && sign != 1)) {
            throw new BrineException("sign must be an integer with the value 0 or 1");
        }
        String exponent = exponent(parts.get(2));
        Object coefficient = parts.get(1);
        if (!(coefficient instanceof Tuple || coefficient instanceof List)) {
            throw new BrineException("coefficient must be a tuple of digits");
        }
        List<?> digits = Iterables.itemsOf(coefficient);
        if (digits.size() > maxDigits) {
            // as for a literal: BigDecimal parses in time quadratic in the digits
            throw new BrineException("decimal.Decimal of a tuple of " + digits.size() + " digits: more than the "
                    + maxDigits + " Brine reads");
        }
        StringBuilder text = new StringBuilder(sign == 1 ? "-" : "");
        int start = text.length();
        for (Object d : digits) {
            Long digit = integer(d);
            if (digit == null || digit < 0 || digit > 9) {
                throw new BrineException("coefficient must be a tuple of digits");
            }
            text.append((char) ('0' + digit));
        }
        if (exponent.equals("F")) {
            return text.replace(start, text.length(), "Infinity").toString();
        }
        if (exponent.equals("n") || exponent.equals("N")) {
            return text.insert(start, exponent.equals("n") ? "NaN" : "sNaN").toString(); // the payload's zeros drop later
        }
        return (text.length() == start ? text.append('0') : text).append('E').append(exponent).toString();
    }

    /** A sign or digit as the int Python takes it for (a bool is 0 or 1), or null for anything else. */
    private static Long integer(Object v) {
        if (v instanceof Boolean) {
            return (Boolean) v ? 1L : 0L;
        }
        return v instanceof Long ? (Long) v : v instanceof BigInteger ? Long.MAX_VALUE : null; // a BigInteger is out of any range
    }

    /** The third item: a special's letter, or an exponent's digits, which must fit a C ssize_t. */
    private static String exponent(Object v) throws BrineException {
        if (v instanceof String) {
            if (!v.equals("F") && !v.equals("n") && !v.equals("N")) {
                throw new BrineException("string argument in the third position must be 'F', 'n' or 'N'");
            }
            return (String) v;
        }
        if (v instanceof BigInteger) { // Brine reads an int as a BigInteger only beyond a long
            throw new BrineException("Python int too large to convert to C ssize_t");
        }
        Long e = integer(v);
        if (e == null) {
            throw new BrineException("exponent must be an integer");
        }
        return Long.toString(e);
    }

    /**
     * CPython's {@code str()} of {@code s}, or null when {@code s} is not a finite literal with an
     * exponent (the caller's "invalid literal").
     *
     * @throws BrineException when the exponent is beyond what CPython accepts (InvalidOperation there)
     */
    static String canonical(String s) throws BrineException {
        Matcher m = FINITE.matcher(s);
        if (!m.matches()) {
            return null;
        }
        String whole = m.group(2);
        String fraction = m.group(3) == null ? "" : m.group(3);
        if (whole.isEmpty() && fraction.isEmpty()) {
            return null; // "E5", ".E5": no digits
        }
        String digits = stripLeadingZeros(whole + fraction);
        BigInteger exponent = new BigInteger(m.group(4)).subtract(BigInteger.valueOf(fraction.length()));
        BigInteger adjusted = exponent.add(BigInteger.valueOf(digits.length() - 1));
        if (adjusted.compareTo(MAX_ADJUSTED) > 0 || exponent.compareTo(MIN_EXPONENT) < 0) {
            throw new BrineException("decimal.Decimal literal " + brief(s) + " has an exponent beyond CPython's limits"
                    + " (Python raises InvalidOperation for it)");
        }
        return (m.group(1).equals("-") ? "-" : "") + scientific(digits, exponent, adjusted);
    }

    /**
     * The General Decimal Arithmetic's to-scientific-string of coefficient {@code digits} and
     * {@code exponent}, which CPython's {@code str()} and Java's {@code BigDecimal.toString()} both follow.
     */
    private static String scientific(String digits, BigInteger exponent, BigInteger adjusted) {
        if (exponent.signum() <= 0 && adjusted.compareTo(BigInteger.valueOf(-6)) >= 0) {
            // plain notation: only reached for exponents BigDecimal could hold, kept for completeness
            int point = digits.length() + exponent.intValueExact();
            return point > 0 ? digits.substring(0, point) + (point < digits.length() ? "." + digits.substring(point) : "")
                    : "0." + "0".repeat(-point) + digits;
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return mantissa + "E" + (adjusted.signum() >= 0 ? "+" : "") + adjusted;
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    private static String brief(String s) {
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
}
