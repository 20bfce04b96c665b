package dev.brine.mapping;

import dev.brine.BrineException;
import java.math.BigInteger;
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
