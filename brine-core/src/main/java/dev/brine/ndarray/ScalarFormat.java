package dev.brine.ndarray;

import dev.brine.py.Complex;
import dev.brine.py.PythonRepr;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * numpy 2's {@code repr} of a scalar of the kinds whose text numpy writes itself: {@code np.True_},
 * {@code np.float32(0.1)}, {@code np.complex64(1+2j)}, {@code np.bytes_(b"it's")}, {@code np.str_('a')},
 * {@code np.void(b'\x61')}, {@code np.datetime64('2020-01-01')}, records as
 * {@code np.void((1, 2.0), dtype=[('a', '<i4'), ('b', '<f8')])}. Floats show the shortest digits of
 * their own precision, as numpy's scalar types do, not of a double (a float32 0.1 is not
 * 0.10000000149011612).
 */
public final class ScalarFormat {
    private ScalarFormat() {
    }

    /**
     * The repr of the one element of the 0-d array {@code scalar}, or null for the kinds this class
     * does not write (integers, whose text is Python's; Brine-only floats).
     */
    public static String repr(NDArray scalar) {
        DType t = scalar.dtype();
        switch (t.kind()) {
            case BOOL:
                return (Boolean) scalar.get() ? "np.True_" : "np.False_";
            case FLOAT:
                return t.itemsize() > 8 ? "np.longdouble('" + extended(scalar, 0, false, ".0") + "')"
                        : "np." + t.name() + "(" + real(scalar.getDouble(), t, false, ".0") + ")";
            case COMPLEX:
                if (t.itemsize() > 16) { // numpy's clongdoubletype_repr: as complex(), each part a long double's text
                    int half = t.itemsize() / 2;
                    boolean zeroReal = extended(scalar, 0, false, "").equals("0"); // +0 exactly (a double would underflow)
                    if (zeroReal) {
                        return "np.clongdouble('" + extended(scalar, half, false, "") + "j')";
                    }
                    return "np.clongdouble('" + complexPart(scalar, 0, false) + complexPart(scalar, half, true) + "j')";
                }
                return t.itemsize() != 8 && t.itemsize() != 16 ? null
                        : "np." + t.name() + "(" + complex(scalar.getComplex(), DType.numeric(DType.Kind.FLOAT, t.itemsize() / 2)) + ")";
            case BYTES:
                return "np.bytes_(" + PythonRepr.repr(scalar.get()) + ")";
            case UNICODE:
                return "np.str_(" + ArrayFormatter.unicodeRepr(t, scalar.storage(), scalar.offsetOf()) + ")";
            case VOID:
                return "np.void(" + ArrayFormatter.voidRepr((byte[]) scalar.get()) + ")";
            case STRUCTURED:
                return record(scalar);
            case DATETIME:
                return datetime((TimeValue) scalar.get());
            case TIMEDELTA:
                return timedelta((TimeValue) scalar.get());
            default:
                return null;
        }
    }

    /**
     * numpy's {@code str} of the long double or clongdouble element of {@code a} at {@code index}
     * ({@code 1e+400}, {@code 0.1}, {@code (1e+400+1e-400j)}, {@code 2j}): the shortest digits of the 80-bit value
     * itself, which a double may not hold (out of its range, or between two doubles); null for other dtypes.
     */
    public static String longDoubleText(NDArray a, long... index) {
        DType t = a.dtype();
        boolean complex = t.kind() == DType.Kind.COMPLEX && t.itemsize() > 16;
        if (!complex && !Elements.isExtended(t)) {
            return null;
        }
        byte[] raw = new byte[t.itemsize()];
        a.storage().get(a.offsetOf(index), raw, 0, raw.length);
        NDArray scalar = NDArray.fromBytes(t, Order.C, raw);
        if (!complex) {
            return extended(scalar, 0, false, ".0");
        }
        String repr = repr(scalar); // np.clongdouble('...'), whose text is str's but for the parentheses
        String text = repr.substring("np.clongdouble('".length(), repr.length() - 2);
        boolean zeroReal = extended(scalar, 0, false, "").equals("0");
        return zeroReal ? text : "(" + text + ")";
    }

    /**
     * numpy's repr of the {@code U} element of {@code a} at {@code index} when it holds a code unit that is no
     * code point ({@code '\U00110000'}, which {@link NDArray#get} refuses: no Java String holds it); null for other
     * elements and dtypes, whose value {@code get} gives.
     */
    public static String unicodeWithoutString(NDArray a, long... index) {
        DType t = a.dtype();
        if (t.kind() != DType.Kind.UNICODE) {
            return null;
        }
        long pos = a.offsetOf(index);
        boolean be = t.byteOrderChar() == '>';
        for (int i = 0; i < t.itemsize() / 4; i++) {
            if (!Character.isValidCodePoint(a.storage().getInt(pos + 4L * i, be))) {
                return ArrayFormatter.unicodeRepr(t, a.storage(), pos);
            }
        }
        return null;
    }

    /**
     * numpy's {@code c<type>type_repr}: {@code 2j} when the real part is +0, else both parts with the
     * imaginary one signed ({@code 1+2j}, {@code nan+infj}); integral parts drop their {@code .0}.
     */
    private static String complex(Complex c, DType part) {
        boolean positiveZero = c.real() == 0 && Double.doubleToRawLongBits(c.real()) == 0;
        if (positiveZero) {
            return real(c.imag(), part, false, "") + "j";
        }
        return real(c.real(), part, false, "") + real(c.imag(), part, true, "") + "j";
    }

    /**
     * numpy's {@code <type>type_repr_either}: positional for zero and for magnitudes from 1e-4 up to
     * the type's cutoff (1e3 for float16, 1e6 for float32, 1e16 for float64, as numpy 2.2 chose), scientific
     * beyond, in the type's shortest digits; {@code integral} is what follows a point-less number
     * ({@code 1.0} for a float, {@code 1} in a complex). The bounds compare as doubles, as numpy's C does:
     * a float32 1e-4 (9.9999997e-05) is below 1e-4.
     */
    /**
     * numpy's {@code str} of a float16, float32 or float64 scalar holding {@code v}, the text inside its repr
     * ({@code np.float16(6.55e+04)}): the shortest digits of the dtype's own precision, positional from 1e-4 up to
     * the dtype's switch (1e3, 1e6, 1e16), else in exponent form.
     *
     * @throws IllegalArgumentException for any other dtype
     */
    public static String floatText(double v, DType t) {
        if (t.kind() != DType.Kind.FLOAT || t.itemsize() > 8) {
            throw new IllegalArgumentException("not a float16, float32 or float64 dtype: " + t);
        }
        return real(v, t, false, ".0");
    }

    private static String real(double v, DType t, boolean sign, String integral) {
        String plus = sign ? "+" : "";
        if (Double.isNaN(v)) {
            return plus + "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? plus + "inf" : "-inf";
        }
        boolean negative = v < 0 || 1 / v < 0;
        double abs = Math.abs(v);
        BigDecimal d = ArrayFormatter.shortest(abs, t).stripTrailingZeros();
        String body = abs == 0 || (abs >= 1e-4 && abs < cutoff(t)) ? positional(d, integral) : scientific(d);
        return (negative ? "-" : plus) + body;
    }

    private static double cutoff(DType t) {
        return t.itemsize() == 2 ? 1e3 : t.itemsize() == 4 ? 1e6 : 1e16;
    }

    private static String positional(BigDecimal d, String integral) {
        return d.scale() <= 0 ? d.toBigInteger() + integral : d.toPlainString();
    }

    /** Python's layout: {@code 1e+16}, {@code 9.9e-05}, at least two exponent digits. */
    private static String scientific(BigDecimal d) {
        String digits = d.unscaledValue().toString();
        int exponent = digits.length() - d.scale() - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = Integer.toString(Math.abs(exponent));
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }

    /**
     * numpy 2's datetime64 repr: the ISO text, followed by the unit only where the text does not tell
     * it (a unit count other than 1, or hours, which the text shares with datetime64's default
     * parsing of {@code 'T05'}); NaT always names its unit ({@code 'generic'} too).
     */
    private static String datetime(TimeValue t) {
        if (t.isNaT()) {
            return "np.datetime64('NaT','" + unitText(t) + "')";
        }
        String iso = t.toString();
        boolean plain = t.unit() == DateTimeUnit.GENERIC || (t.unitCount() == 1 && t.unit() != DateTimeUnit.HOUR);
        return "np.datetime64('" + iso + "'" + (plain ? "" : ",'" + unitText(t) + "'") + ")";
    }

    /** numpy 2's timedelta64 repr: the count (or {@code 'NaT'}) and the unit, which a generic one has not. */
    private static String timedelta(TimeValue t) {
        String count = t.isNaT() ? "'NaT'" : Long.toString(t.count());
        return "np.timedelta64(" + count + (t.unit() == DateTimeUnit.GENERIC ? "" : ",'" + unitText(t) + "'") + ")";
    }

    private static String unitText(TimeValue t) {
        return (t.unitCount() == 1 ? "" : Integer.toString(t.unitCount())) + t.unit().symbol();
    }

    /**
     * numpy 2's repr of a structured scalar ({@code _void_scalar_to_string}): its fields as a tuple, then
     * {@code dtype=} and the dtype's str; an np.rec element's as {@code np.record(..., dtype=...)}. numpy formats the
     * fields as an array's element but floats with {@code str} ({@code 2.0}, not {@code 2.}), inside nested records
     * and subarrays too, and subarrays on one line ({@link ArrayFormatter#voidScalarFields}).
     */
    private static String record(NDArray scalar) {
        String fields = ArrayFormatter.voidScalarFields(scalar);
        String type = ArrayFormatter.dtypeShortRepr(scalar.dtype());
        if (scalar.dtype().isRecord()) { // numpy's record scalar names its type and prints the fields bare
            return "np.record(" + fields + ", dtype=" + type.substring("(numpy.record, ".length(), type.length() - 1) + ")";
        }
        return "np.void(" + fields + ", dtype=" + type + ")";
    }

    /**
     * A part of a clongdouble whose real part is not +0, as numpy's {@code clongdoubletype_repr} writes it: it tests
     * the part with {@code npy_isfinite} and {@code npy_isnan}, on the value the x87 loads, so an encoding the x87
     * refuses (an unnormal, a pseudo-infinity) is {@code nan} there ({@code 1+nanj}), not the digits its bits give.
     */
    private static String complexPart(NDArray scalar, int at, boolean sign) {
        byte[] raw = scalar.rawBytes();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(scalar.dtype().byteOrder());
        int size = scalar.dtype().itemsize() / 2;
        boolean be = scalar.dtype().byteOrder() == java.nio.ByteOrder.BIG_ENDIAN;
        long mantissa = be ? b.getLong(at + size - 8) : b.getLong(at);
        int signExp = (be ? b.getShort(at + size - 10) : b.getShort(at + 8)) & 0xFFFF;
        if (Extended80.isInvalid(mantissa, signExp)) {
            return sign ? "+nan" : "nan";
        }
        return extended(scalar, at, sign, "");
    }

    /**
     * The long double at byte {@code at} of {@code scalar}'s element as numpy writes it: its own shortest
     * digits (Extended80), positional from 1e-4 up to 1e16, else scientific.
     */
    private static String extended(NDArray scalar, int at, boolean sign, String integral) {
        byte[] raw = scalar.rawBytes();
        boolean be = scalar.dtype().byteOrder() == java.nio.ByteOrder.BIG_ENDIAN;
        int size = scalar.dtype().kind() == DType.Kind.COMPLEX ? scalar.dtype().itemsize() / 2 : scalar.dtype().itemsize();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw, at, size).order(be ? java.nio.ByteOrder.BIG_ENDIAN
                : java.nio.ByteOrder.LITTLE_ENDIAN);
        long rawMantissa = be ? b.getLong(at + size - 8) : b.getLong(at);
        int rawSignExp = (be ? b.getShort(at + size - 10) : b.getShort(at + 8)) & 0xFFFF;
        // numpy's scalar repr (Dragon4 on the bits, no x87 load) takes the integer bit as set above exponent field
        // 0: an unnormal's repr is that normal number's digits (np.longdouble('1.5')), though its value is NaN,
        // and a pseudo-infinity's is 'inf'; arrays print 'nan' for both (their repr tests isnan first: see Real)
        int signExp = rawSignExp;
        long mantissa = (rawSignExp & 0x7FFF) != 0 ? rawMantissa | Long.MIN_VALUE : rawMantissa;
        String plus = sign ? "+" : "";
        if (Extended80.isSpecial(signExp)) {
            if (mantissa << 1 != 0) {
                return plus + "nan";
            }
            return Extended80.isNegative(signExp) ? "-inf" : plus + "inf";
        }
        String minus = Extended80.isNegative(signExp) ? "-" : plus;
        if (mantissa == 0) {
            return minus + "0" + (integral.isEmpty() ? "" : ".0");
        }
        BigDecimal d = Extended80.shortest(mantissa, signExp).stripTrailingZeros();
        // numpy chooses scientific only when the value compares beyond the bounds, which NaN never does: an
        // invalid encoding (its value is NaN) prints positionally whatever its size
        boolean positional = Extended80.isInvalid(rawMantissa, rawSignExp)
                || d.compareTo(new BigDecimal("1e-4")) >= 0 && d.compareTo(new BigDecimal("1e16")) < 0;
        return minus + (positional ? positional(d, integral) : scientific(d));
    }
}
