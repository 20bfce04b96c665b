package dev.brine.cli;

import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.ScalarFormat;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * {@link ArrayStats} of a long double array ({@code float96}/{@code float128}), whose values a double cannot all hold:
 * {@code 1e+400} is finite there and infinite as a double, so reading through doubles counted it as an infinity and
 * left it out of the mean. Each element is read as numpy's text of its 80 bits (the shortest digits that read back as
 * it) and summed as a decimal; min and max print as numpy prints those elements, mean and std to 17 significant digits
 * in Python's notation (numpy prints a long double mean with up to 21). Where numpy's own long double arithmetic
 * overflows (the std of values near {@code 1e4000}, whose squares pass the type's range, is {@code inf} there) the
 * decimals give the finite value.
 */
final class LongDoubleStats {
    /** Enough digits that sums of values of any magnitude keep the 17 printed ones. */
    private static final MathContext WORK = new MathContext(40);
    private static final MathContext PRINTED = new MathContext(17);

    private LongDoubleStats() {
    }

    static ArrayStats of(NDArray a) {
        long n = 0;
        long nans = 0;
        long infs = 0;
        Number min = null;
        Number max = null;
        // one pass (Welford's, as ArrayStats does on doubles): each element's text, the costly part, is made once
        BigDecimal mean = BigDecimal.ZERO;
        BigDecimal m2 = BigDecimal.ZERO;
        ArrayStats.Odometer it = new ArrayStats.Odometer(a.shape());
        for (long i = 0; i < a.size(); i++) {
            Number v = value(ScalarFormat.longDoubleText(a, it.index()));
            it.next();
            if (v instanceof Double && ((Double) v).isNaN()) {
                nans++;
                continue;
            }
            if (v instanceof Double) {
                infs++;
            } else {
                n++;
                BigDecimal x = ((Element) v).value;
                BigDecimal d = x.subtract(mean, WORK);
                mean = mean.add(d.divide(BigDecimal.valueOf(n), WORK), WORK);
                m2 = m2.add(d.multiply(x.subtract(mean, WORK), WORK), WORK);
            }
            min = min == null || compare(v, min) < 0 ? v : min;
            max = max == null || compare(v, max) > 0 ? v : max;
        }
        if (n == 0) {
            return new ArrayStats(0, orNaN(min), orNaN(max), Double.NaN, Double.NaN, nans, infs);
        }
        BigDecimal std = m2.max(BigDecimal.ZERO).divide(BigDecimal.valueOf(n), WORK).sqrt(WORK);
        return new ArrayStats(n, min, max, new Element(mean, pythonText(mean)), new Element(std, pythonText(std)), nans,
                infs);
    }

    private static Number orNaN(Number v) {
        return v == null ? Double.NaN : v;
    }

    /** An element: a finite one as its decimal and numpy's text, an infinity or NaN as a Double. */
    private static Number value(String text) {
        switch (text) {
            case "nan", "-nan", "+nan":
                return Double.NaN;
            case "inf", "+inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return new Element(new BigDecimal(text), text);
        }
    }

    private static int compare(Number x, Number y) {
        if (x instanceof Element && y instanceof Element) {
            return ((Element) x).value.compareTo(((Element) y).value);
        }
        return Double.compare(x.doubleValue(), y.doubleValue()); // an infinity against anything: a double says it
    }

    /** {@code value} to 17 significant digits as Python's repr writes a float: {@code 0.1}, {@code 3.3333333333333333e+399}. */
    static String pythonText(BigDecimal value) {
        if (value.signum() == 0) {
            return "0.0";
        }
        BigDecimal r = value.round(PRINTED).stripTrailingZeros();
        int exponent = r.precision() - r.scale() - 1;
        String sign = r.signum() < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String digits = r.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
                    + Math.abs(exponent);
        }
        String plain = r.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /** A long double statistic: its decimal value, printed as {@code text} (JSON quotes it, as it does the elements). */
    static final class Element extends Number {
        private static final long serialVersionUID = 1;
        final BigDecimal value;
        private final String text;

        Element(BigDecimal value, String text) {
            this.value = value;
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public int intValue() {
            return value.intValue();
        }

        @Override
        public long longValue() {
            return value.longValue();
        }

        @Override
        public float floatValue() {
            return value.floatValue();
        }

        @Override
        public double doubleValue() {
            return value.doubleValue();
        }
    }
}
