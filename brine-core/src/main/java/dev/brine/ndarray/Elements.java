package dev.brine.ndarray;

import dev.brine.py.Complex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes one element of any {@link DType} at a byte position in a {@link Storage},
 * honouring the type's byte order. Conversions between kinds follow numpy's C casts (truncation
 * towards zero from float to int, wrap-around between integer sizes).
 */
final class Elements {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private Elements() {
    }

    // ---------------------------------------------------------------- reading

    static double getDouble(DType t, Storage s, long pos) {
        boolean be = t.byteOrderChar() == '>';
        Float8Format f8 = Float8Format.of(t.kind());
        if (f8 != null) {
            return f8.toDouble(s.getByte(pos));
        }
        switch (t.kind()) {
            case BOOL:
                return s.getByte(pos) != 0 ? 1.0 : 0.0;
            case INT:
            case DATETIME:
            case TIMEDELTA:
                return getLong(t, s, pos);
            case UINT: {
                long v = getLong(t, s, pos);
                return v >= 0 ? v : (double) ((v >>> 1) | (v & 1)) * 2.0;
            }
            case FLOAT:
                return readFloat(t.itemsize(), s, pos, be);
            case BFLOAT16:
                return Floats.bfloat16ToFloat(s.getShort(pos, be));
            default:
                throw new IllegalStateException(t.name() + " elements have no double value" + hint(t));
        }
    }

    private static double readFloat(int size, Storage s, long pos, boolean be) {
        switch (size) {
            case 2:
                return Floats.halfToDouble(s.getShort(pos, be));
            case 4:
                return Float.intBitsToFloat(s.getInt(pos, be));
            case 8:
                return Double.longBitsToDouble(s.getLong(pos, be));
            default:
                return Floats.extendedToDouble(extendedMantissa(size, s, pos, be), extendedSignExp(size, s, pos, be));
        }
    }

    // x87 extended: 8 bytes of mantissa then 2 of sign and exponent (little-endian);
    // big-endian files hold the 10 significant bytes first

    /**
     * The 64-bit mantissa (explicit integer bit) of the x87 long double of {@code size} bytes at {@code pos},
     * as the x87 reads it: an encoding it refuses (an unnormal: see {@link Extended80#isInvalid}) is NaN's.
     * The bytes themselves are never changed.
     */
    static long extendedMantissa(int size, Storage s, long pos, boolean be) {
        return Extended80.valueMantissa(rawMantissa(size, s, pos, be), rawSignExp(size, s, pos, be));
    }

    /** The sign-and-exponent half-word of the x87 long double of {@code size} bytes at {@code pos}, as the x87 reads it. */
    static int extendedSignExp(int size, Storage s, long pos, boolean be) {
        return Extended80.valueSignExp(rawMantissa(size, s, pos, be), rawSignExp(size, s, pos, be));
    }

    private static long rawMantissa(int size, Storage s, long pos, boolean be) {
        return be ? s.getLong(pos + size - 10 + 2, true) : s.getLong(pos, false);
    }

    private static int rawSignExp(int size, Storage s, long pos, boolean be) {
        return (be ? s.getShort(pos + size - 10, true) : s.getShort(pos + 8, false)) & 0xFFFF;
    }

    /** Whether {@code t} is the complex of two x87 long doubles ({@code c24}/{@code c32}). */
    static boolean isExtendedComplex(DType t) {
        return t.kind() == DType.Kind.COMPLEX && t.itemsize() > 16;
    }

    /** Whether {@code t} is the x87 long double ({@code f12}/{@code f16}), which holds 64-bit integers exactly. */
    static boolean isExtended(DType t) {
        return t.kind() == DType.Kind.FLOAT && t.itemsize() > 8;
    }

    /** Whether {@code t} holds x87 long doubles: the long double itself or the complex of two. */
    static boolean holdsExtended(DType t) {
        return isExtended(t) || isExtendedComplex(t);
    }

    /** The bytes of one long double of {@code t} (a long double or its complex): 12 or 16. */
    private static int extendedSize(DType t) {
        return t.kind() == DType.Kind.COMPLEX ? t.itemsize() / 2 : t.itemsize();
    }

    /**
     * The long double (or complex256) of {@code from} at {@code sp} into the long double (or complex256) of
     * {@code to} at {@code dp} bit for bit, as numpy's casts between them copy it: another byte order swaps the
     * bytes, an unnormal stays one, the padding goes along as far as both types have it (a double would lose
     * 11 bits and every value beyond its range). A real gives a complex the imaginary part +0; a complex gives
     * a real its real part.
     */
    static void copyExtended(DType from, Storage s, long sp, DType to, Storage d, long dp) {
        int sn = extendedSize(from);
        int dn = extendedSize(to);
        boolean sbe = from.byteOrderChar() == '>';
        boolean dbe = to.byteOrderChar() == '>';
        copyExtendedPart(sn, sbe, s, sp, dn, dbe, d, dp);
        if (isExtendedComplex(to) && isExtendedComplex(from)) {
            copyExtendedPart(sn, sbe, s, sp + sn, dn, dbe, d, dp + dn);
        } else if (isExtendedComplex(to)) {
            putExtended(dn, d, dp + dn, 0, 0, dbe);
        }
    }

    private static void copyExtendedPart(int sn, boolean sbe, Storage s, long sp, int dn, boolean dbe, Storage d, long dp) {
        byte[] b = new byte[Math.max(sn, dn)];
        s.get(sp, b, 0, sn);
        // in little-endian order the 10 significant bytes come first, then the padding: cut or extend that
        if (sbe) {
            reverse(b, 0, sn);
        }
        if (sn > dn) {
            Arrays.fill(b, dn, sn, (byte) 0);
        }
        if (dbe) {
            reverse(b, 0, dn);
        }
        d.put(dp, b, 0, dn);
    }

    /** Reverses the {@code n} bytes of {@code b} from {@code from}. */
    static void reverse(byte[] b, int from, int n) {
        for (int i = from, j = from + n - 1; i < j; i++, j--) {
            byte x = b[i];
            b[i] = b[j];
            b[j] = x;
        }
    }

    static long getLong(DType t, Storage s, long pos) {
        boolean be = t.byteOrderChar() == '>';
        switch (t.kind()) {
            case BOOL:
                return s.getByte(pos) != 0 ? 1 : 0;
            case INT:
                switch (t.itemsize()) {
                    case 1:
                        return s.getByte(pos);
                    case 2:
                        return s.getShort(pos, be);
                    case 4:
                        return s.getInt(pos, be);
                    default:
                        return s.getLong(pos, be);
                }
            case UINT:
                switch (t.itemsize()) {
                    case 1:
                        return s.getByte(pos) & 0xFFL;
                    case 2:
                        return s.getShort(pos, be) & 0xFFFFL;
                    case 4:
                        return s.getInt(pos, be) & 0xFFFFFFFFL;
                    default:
                        return s.getLong(pos, be);
                }
            case DATETIME:
            case TIMEDELTA:
                return s.getLong(pos, be);
            default:
                if (isExtended(t)) {
                    // exactly, from the 64-bit mantissa, as numpy's astype(int64)
                    return Casts.extendedToLong(extendedMantissa(t.itemsize(), s, pos, be), extendedSignExp(t.itemsize(), s, pos, be));
                }
                if (t.kind().isFloat()) {
                    return Casts.cvtt64(getDouble(t, s, pos));
                }
                throw new IllegalStateException(t.name() + " elements have no integer value" + hint(t));
        }
    }

    static Complex getComplex(DType t, Storage s, long pos) {
        if (t.kind() == DType.Kind.COMPLEX) {
            int half = t.itemsize() / 2;
            boolean be = t.byteOrderChar() == '>';
            return new Complex(readFloat(half, s, pos, be), readFloat(half, s, pos + half, be));
        }
        return new Complex(getDouble(t, s, pos), 0.0);
    }

    /**
     * The element as a float with one rounding, as numpy's {@code astype(float32)} gives it: a 64-bit integer
     * or a long double straight to the nearest float, where going through a double could round twice
     * (2**60 + 2**36 + 1 would be 1.1529215e18, not 1.1529216e18).
     */
    static float getFloat(DType t, Storage s, long pos) {
        boolean be = t.byteOrderChar() == '>';
        if (isExtended(t)) {
            int n = t.itemsize();
            return (float) Floats.extendedToDoubleRoundedToOdd(extendedMantissa(n, s, pos, be), extendedSignExp(n, s, pos, be));
        }
        if (t.itemsize() == 8 && !t.kind().isFloat()) { // int64, uint64, datetime and timedelta counts
            return Casts.longToFloat(getLong(t, s, pos), t.kind() == DType.Kind.UINT);
        }
        return (float) getDouble(t, s, pos);
    }

    /**
     * Whether the element is non-zero, as numpy's {@code astype(bool)} tests it: NaN is true, a complex when
     * either part is, and a long double on its own 80 bits (1e-4000 is true, though its nearest double is 0).
     */
    static boolean isTrue(DType t, Storage s, long pos) {
        if (holdsExtended(t)) {
            int n = extendedSize(t);
            boolean be = t.byteOrderChar() == '>';
            return extendedIsTrue(n, s, pos, be) || (isExtendedComplex(t) && extendedIsTrue(n, s, pos + n, be));
        }
        switch (t.kind()) {
            case BOOL:
                return s.getByte(pos) != 0;
            case COMPLEX: {
                Complex c = getComplex(t, s, pos);
                return c.real() != 0 || c.imag() != 0; // NaN != 0 too
            }
            default:
                return t.kind().isFloat() ? getDouble(t, s, pos) != 0 : getLong(t, s, pos) != 0;
        }
    }

    /** Whether the long double's bits are other than a zero's: unnormals too, which the x87 reads as NaN (numpy: True). */
    private static boolean extendedIsTrue(int size, Storage s, long pos, boolean be) {
        return rawMantissa(size, s, pos, be) != 0 || (rawSignExp(size, s, pos, be) & 0x7FFF) != 0;
    }

    static Object get(DType t, Storage s, long pos) {
        if (t.kind().isFloat()) {
            return getDouble(t, s, pos);
        }
        switch (t.kind()) {
            case BOOL:
                return s.getByte(pos) != 0;
            case INT:
                return getLong(t, s, pos);
            case UINT: {
                long v = getLong(t, s, pos);
                return v >= 0 ? (Object) v : BigInteger.valueOf(v).add(TWO_64);
            }
            case COMPLEX:
                return getComplex(t, s, pos);
            case BYTES: {
                byte[] b = raw(t, s, pos);
                int n = b.length;
                while (n > 0 && b[n - 1] == 0) {
                    n--;
                }
                return n == b.length ? b : Arrays.copyOf(b, n);
            }
            case UNICODE:
                return getString(t, s, pos);
            case VOID:
                return raw(t, s, pos);
            case DATETIME:
            case TIMEDELTA:
                return new TimeValue(s.getLong(pos, t.byteOrderChar() == '>'), t.unit(), t.unitCount(),
                        t.kind() == DType.Kind.TIMEDELTA);
            case STRUCTURED: {
                Map<String, Object> out = new LinkedHashMap<>();
                for (DType.Field f : t.fields()) {
                    out.put(f.name(), get(f.type(), s, pos + f.offset()));
                }
                return out;
            }
            case SUBARRAY: {
                // numpy's arr[i]['field'] for a subarray field: every nested level expanded
                NDArray out = NDArray.zeros(t.elementBase(), t.elementShape());
                s.copyTo(pos, out.storage(), 0, t.itemsize());
                return out;
            }
            default:
                throw new IllegalStateException(t.name() + " elements are Python objects and cannot be read from raw bytes");
        }
    }

    private static String getString(DType t, Storage s, long pos) {
        int n = t.itemsize() / 4;
        boolean be = t.byteOrderChar() == '>';
        while (n > 0 && s.getInt(pos + 4L * (n - 1), be) == 0) {
            n--;
        }
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int cp = s.getInt(pos + 4L * i, be);
            if (!Character.isValidCodePoint(cp)) {
                // numpy's str holds it ('\U00110000'); a Java String cannot, and a stand-in would change the data
                throw new IllegalStateException(JavaValueNames.withArticle(t.name()) + " item holds 0x" + Integer.toHexString(cp)
                        + " at character " + i + ", which is no Unicode code point and has no Java String form"
                        + " (its bytes: rawBytes(); its repr: toString())");
            }
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    static byte[] raw(DType t, Storage s, long pos) {
        byte[] b = new byte[t.itemsize()];
        s.get(pos, b, 0, b.length);
        return b;
    }

    private static String hint(DType t) {
        switch (t.kind()) {
            case COMPLEX:
                return "; use getComplex or get";
            case BYTES:
            case UNICODE:
            case VOID:
            case STRUCTURED:
            case SUBARRAY:
                return "; use get";
            default:
                return "";
        }
    }

    // ---------------------------------------------------------------- writing

    static void setDouble(DType t, Storage s, long pos, double v) {
        boolean be = t.byteOrderChar() == '>';
        Float8Format f8 = Float8Format.of(t.kind());
        if (f8 != null) {
            s.putByte(pos, f8.fromDouble(v));
            return;
        }
        switch (t.kind()) {
            case BOOL:
                s.putByte(pos, (byte) (v != 0 ? 1 : 0));
                return;
            case INT:
            case UINT:
                setLong(t, s, pos, Casts.floatToInteger(v, t, true));
                return;
            case DATETIME:
            case TIMEDELTA:
                setLong(t, s, pos, Casts.cvtt64(v));
                return;
            case FLOAT:
                writeFloat(t.itemsize(), s, pos, v, be);
                return;
            case BFLOAT16:
                s.putShort(pos, Floats.floatToBfloat16((float) v), be);
                return;
            case COMPLEX: {
                int half = t.itemsize() / 2;
                writeFloat(half, s, pos, v, be);
                writeFloat(half, s, pos + half, 0.0, be);
                return;
            }
            default:
                throw new IllegalArgumentException("cannot store a number in " + JavaValueNames.withArticle(t.name()) + " element" + hint(t));
        }
    }

    private static void writeFloat(int size, Storage s, long pos, double v, boolean be) {
        switch (size) {
            case 2:
                s.putShort(pos, Floats.doubleToHalf(v), be);
                return;
            case 4:
                s.putInt(pos, Float.floatToRawIntBits((float) v), be);
                return;
            case 8:
                s.putLong(pos, Double.doubleToRawLongBits(v), be);
                return;
            default:
                putExtended(size, s, pos, Floats.doubleToExtendedMantissa(v), Floats.doubleToExtendedSignExp(v), be);
        }
    }

    private static void putExtended(int size, Storage s, long pos, long mant, int signExp, boolean be) {
        int pad = size - 10;
        if (be) {
            s.putShort(pos + pad, (short) signExp, true);
            s.putLong(pos + pad + 2, mant, true);
            for (int i = 0; i < pad; i++) {
                s.putByte(pos + i, (byte) 0);
            }
        } else {
            s.putLong(pos, mant, false);
            s.putShort(pos + 8, (short) signExp, false);
            for (int i = 0; i < pad; i++) {
                s.putByte(pos + 10 + i, (byte) 0);
            }
        }
    }

    /** Whether {@code a} to {@code b} is float16 to float32 or back, which numpy converts bit by bit. */
    static boolean isHalfFloatPair(DType a, DType b) {
        return a.kind() == DType.Kind.FLOAT && b.kind() == DType.Kind.FLOAT
                && (a.itemsize() == 2 && b.itemsize() == 4 || a.itemsize() == 4 && b.itemsize() == 2);
    }

    /**
     * A float16 element to float32 or back as numpy converts it ({@code npy_half_to_float}, {@code npy_float_to_half}),
     * reading the element once: a NaN by bit operations, which keep the payload and a signalling NaN signalling (a
     * conversion through a double, done by the hardware, makes it quiet: numpy's {@code astype} of half 0x7c01 is
     * float 0x7f802000, not 0x7fc02000); any other value through a double, which holds both exactly.
     */
    static void convertHalfFloat(DType from, Storage s, long pos, DType to, Storage out, long at) {
        boolean fromBe = from.byteOrderChar() == '>';
        boolean toBe = to.byteOrderChar() == '>';
        if (from.itemsize() == 2) {
            short h = s.getShort(pos, fromBe);
            double v = Floats.halfToDouble(h);
            out.putInt(at, Double.isNaN(v) ? Floats.halfNaNToFloatBits(h) : Float.floatToRawIntBits((float) v), toBe);
        } else {
            int f = s.getInt(pos, fromBe);
            float v = Float.intBitsToFloat(f);
            out.putShort(at, Float.isNaN(v) ? Floats.floatNaNToHalf(f) : Floats.doubleToHalf(v), toBe);
        }
    }

    static void setLong(DType t, Storage s, long pos, long v) {
        boolean be = t.byteOrderChar() == '>';
        switch (t.kind()) {
            case BOOL:
                s.putByte(pos, (byte) (v != 0 ? 1 : 0));
                return;
            case INT:
            case UINT:
                switch (t.itemsize()) {
                    case 1:
                        s.putByte(pos, (byte) v);
                        return;
                    case 2:
                        s.putShort(pos, (short) v, be);
                        return;
                    case 4:
                        s.putInt(pos, (int) v, be);
                        return;
                    default:
                        s.putLong(pos, v, be);
                        return;
                }
            case DATETIME:
            case TIMEDELTA:
                s.putLong(pos, v, be);
                return;
            default:
                setInteger(t, s, pos, v, false);
        }
    }

    /**
     * Stores the integer {@code v} ({@code unsigned}: read as uint64) in a float or complex element
     * with one rounding, as C's cast does: exactly into a long double, straight to float32 (not
     * through a double, which would round twice). Other kinds take it as {@link #setLong} does.
     */
    static void setInteger(DType t, Storage s, long pos, long v, boolean unsigned) {
        boolean be = t.byteOrderChar() == '>';
        int size = t.kind() == DType.Kind.COMPLEX ? t.itemsize() / 2 : t.itemsize();
        switch (t.kind()) {
            case BOOL:
            case INT:
            case UINT:
            case DATETIME:
            case TIMEDELTA:
                setLong(t, s, pos, v);
                return;
            default:
                break;
        }
        boolean floatSlot = t.kind() == DType.Kind.FLOAT || t.kind() == DType.Kind.COMPLEX;
        if (!floatSlot || size == 2 || size == 8) {
            // a double rounds once; float16 only differs from it beyond 2^53, where it is infinite anyway
            // (bfloat16 and 8-bit floats round through it as ml_dtypes does; other kinds refuse numbers)
            setDouble(t, s, pos, unsigned && v < 0 ? (double) ((v >>> 1) | (v & 1)) * 2.0 : (double) v);
            return;
        }
        if (size == 4) {
            s.putInt(pos, Float.floatToRawIntBits(Casts.longToFloat(v, unsigned)), be);
        } else {
            putExtended(size, s, pos, Casts.longToExtendedMantissa(v, unsigned), Casts.longToExtendedSignExp(v, unsigned), be);
        }
        if (t.kind() == DType.Kind.COMPLEX) {
            writeFloat(size, s, pos + size, 0.0, be);
        }
    }

    static void set(DType t, Storage s, long pos, Object v) {
        if (v == null) {
            throw new IllegalArgumentException("cannot store null in " + JavaValueNames.withArticle(t.name()) + " element");
        }
        switch (t.kind()) {
            case BYTES:
            case VOID:
                putBytes(t, s, pos, toBytes(t, v));
                return;
            case UNICODE:
                if (v instanceof Character) {
                    v = String.valueOf(((Character) v).charValue()); // the one-character str it stands for
                }
                if (!(v instanceof String)) {
                    throw mismatch(t, v);
                }
                putString(t, s, pos, (String) v);
                return;
            case STRUCTURED:
                setStructured(t, s, pos, v);
                return;
            case SUBARRAY:
                setSubarray(t, s, pos, v);
                return;
            case OBJECT:
                throw new IllegalArgumentException("object elements cannot be stored as raw bytes");
            default:
                setScalar(t, s, pos, v);
        }
    }

    private static void setScalar(DType t, Storage s, long pos, Object v) {
        if (v instanceof Boolean) {
            setLong(t, s, pos, (Boolean) v ? 1 : 0);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            // a Python int: numpy 2 refuses one the element cannot hold rather than wrapping it
            long x = ((Number) v).longValue();
            IntegerBounds.check(t, x);
            if (intThroughDouble(t)) {
                setDouble(t, s, pos, (double) x);
            } else {
                setLong(t, s, pos, x);
            }
        } else if (v instanceof BigInteger) {
            BigInteger b = (BigInteger) v;
            IntegerBounds.check(t, b);
            if (t.kind() == DType.Kind.BOOL) {
                s.putByte(pos, (byte) (b.signum() != 0 ? 1 : 0)); // numpy: any non-zero int is True, however large
            } else if (intThroughDouble(t)) {
                setDouble(t, s, pos, finiteDouble(t, b));
            } else if (b.signum() >= 0 && b.bitLength() <= 64 && (t.kind() == DType.Kind.UINT || t.kind().isFloat()
                    || t.kind() == DType.Kind.COMPLEX)) {
                setInteger(t, s, pos, b.longValue(), true);
            } else if (b.bitLength() <= 63) {
                setLong(t, s, pos, b.longValue());
            } else if (holdsExtended(t)) {
                // rounded once to the 64-bit mantissa, as numpy reads a Python int into a long double (from its digits)
                putExtendedInteger(t, s, pos, b);
            } else if (t.kind().isFloat() || t.kind() == DType.Kind.COMPLEX) {
                setDouble(t, s, pos, finiteDouble(t, b));
            } else {
                throw new IllegalArgumentException("Python integer " + b + " out of bounds for " + t.name());
            }
        } else if (v instanceof Character) {
            // a number element takes a char's code, as Java widens a char to an int (NDArray.of(char[]) is uint16);
            // a str or bytes element takes it as a one-character string (see set)
            IntegerBounds.check(t, (Character) v);
            setLong(t, s, pos, (Character) v);
        } else if (v instanceof Number && IntegerBounds.applies(t)) {
            // a Python float into an integer: truncated, NaN, infinities and out-of-range refused (numpy's a[0] = 3.7)
            setLong(t, s, pos, IntegerBounds.truncate(t, ((Number) v).doubleValue()).longValue());
        } else if (v instanceof Number) {
            setDouble(t, s, pos, notIntoTime(t, ((Number) v).doubleValue()));
        } else if (v instanceof Complex) {
            Complex c = (Complex) v;
            if (t.kind() == DType.Kind.COMPLEX) {
                setComplex(t, s, pos, c.real(), c.imag());
            } else if (t.kind() == DType.Kind.BOOL) {
                // numpy: a complex is true when either part is non-zero
                s.putByte(pos, (byte) (c.real() != 0 || c.imag() != 0 ? 1 : 0));
            } else {
                // numpy's a[i] = 1+2j raises TypeError (int(), float()) or ValueError (datetime64): no silent real part
                throw new IllegalArgumentException("cannot store the complex " + c + " in " + JavaValueNames.withArticle(t.name())
                        + " element: numpy refuses a complex there (store its real part)");
            }
        } else if (v instanceof TimeValue && (t.kind() == DType.Kind.DATETIME || t.kind() == DType.Kind.TIMEDELTA)) {
            TimeValue tv = (TimeValue) v;
            if (tv.unit() != t.unit() || tv.unitCount() != t.unitCount()) {
                if (!tv.isNaT()) {
                    throw new IllegalArgumentException("time value in " + tv.unit().symbol() + " does not match " + t.str());
                }
            }
            setLong(t, s, pos, tv.count());
        } else {
            throw mismatch(t, v);
        }
    }

    /**
     * Whether numpy stores a Python int in an element of {@code t} through a double ({@code a[i] = x} and
     * {@code np.array([x], t)} convert the int with {@code float(x)} first): float32 and complex64, where rounding
     * twice differs from C's one cast beyond 2^53 ({@code 2**60 + 2**36 + 1} is {@code 2**60} in numpy's float32, and
     * {@code 2**60 + 2**37} after {@code astype}, which rounds once as {@link #setInteger} does). float16 and the 8-bit
     * floats go through a double anyway; a long double reads the int's digits.
     */
    private static boolean intThroughDouble(DType t) {
        return (t.kind() == DType.Kind.FLOAT || t.kind() == DType.Kind.COMPLEX)
                && (t.kind() == DType.Kind.COMPLEX ? t.itemsize() / 2 : t.itemsize()) == 4;
    }

    /** Both parts of a complex element, each rounded once from its double. */
    static void setComplex(DType t, Storage s, long pos, double real, double imag) {
        int half = t.itemsize() / 2;
        boolean be = t.byteOrderChar() == '>';
        writeFloat(half, s, pos, real, be);
        writeFloat(half, s, pos + half, imag, be);
    }

    /**
     * {@code v} for an element of {@code t}, which must not be a datetime64/timedelta64: numpy's {@code a[i] = v}
     * refuses every Python float there (ValueError: Could not convert object to NumPy datetime). Other elements take
     * every double.
     */
    static double notIntoTime(DType t, double v) {
        if (t.kind() == DType.Kind.DATETIME || t.kind() == DType.Kind.TIMEDELTA) {
            // numpy's a[0] = 2.0 raises ValueError (Could not convert object to NumPy datetime) for any Python float,
            // integral or not, where Brine used to truncate it to a count
            throw new IllegalArgumentException("cannot store the float " + v + " in " + JavaValueNames.withArticle(t.name())
                    + " element: numpy refuses a Python float there; store a count as a long, or a TimeValue");
        }
        return v;
    }

    /** The double nearest to {@code b}, refused where it is infinite, as Python's float(b) raises OverflowError. */
    private static double finiteDouble(DType t, BigInteger b) {
        double d = b.doubleValue();
        if (Double.isInfinite(d)) {
            throw new IllegalArgumentException("Python integer of " + b.bitLength() + " bits is too large to convert to float for "
                    + JavaValueNames.withArticle(t.name()) + " element, as numpy refuses it (int too large to convert to float)");
        }
        return d;
    }

    /** The integer {@code b} as a long double element (both parts of a complex256: imaginary +0), rounded once. */
    private static void putExtendedInteger(DType t, Storage s, long pos, BigInteger b) {
        int n = extendedSize(t);
        boolean be = t.byteOrderChar() == '>';
        long[] x = Casts.integerToExtended(b);
        putExtended(n, s, pos, x[0], (int) x[1], be);
        if (isExtendedComplex(t)) {
            putExtended(n, s, pos + n, 0, 0, be);
        }
    }

    /**
     * A U item copied into another U type code unit by code unit, truncated or NUL-padded as numpy's
     * {@code astype} does, whether or not each unit is a code point (such items have no Java String).
     */
    static void copyUnicode(DType from, Storage s, long sp, DType to, Storage d, long dp) {
        boolean sbe = from.byteOrderChar() == '>';
        boolean dbe = to.byteOrderChar() == '>';
        int sn = from.itemsize() / 4;
        int dn = to.itemsize() / 4;
        for (int i = 0; i < dn; i++) {
            d.putInt(dp + 4L * i, i < sn ? s.getInt(sp + 4L * i, sbe) : 0, dbe);
        }
    }

    private static byte[] toBytes(DType t, Object v) {
        if (v instanceof byte[]) {
            return (byte[]) v;
        }
        if ((v instanceof String || v instanceof Character) && t.kind() == DType.Kind.BYTES) {
            String str = String.valueOf(v); // a Character as the one-character str it stands for
            for (int i = 0; i < str.length(); i++) {
                if (str.charAt(i) > 0x7F) {
                    throw new IllegalArgumentException("a bytes element takes ASCII text only; encode it first");
                }
            }
            return str.getBytes(StandardCharsets.US_ASCII);
        }
        throw mismatch(t, v);
    }

    private static void putBytes(DType t, Storage s, long pos, byte[] b) {
        int n = Math.min(b.length, t.itemsize());
        s.put(pos, b, 0, n);
        for (int i = n; i < t.itemsize(); i++) {
            s.putByte(pos + i, (byte) 0);
        }
    }

    private static void putString(DType t, Storage s, long pos, String str) {
        int cap = t.itemsize() / 4;
        boolean be = t.byteOrderChar() == '>';
        int i = 0;
        int k = 0;
        // numpy truncates text that is longer than the field
        while (i < str.length() && k < cap) {
            int cp = str.codePointAt(i);
            i += Character.charCount(cp);
            s.putInt(pos + 4L * k++, cp, be);
        }
        while (k < cap) {
            s.putInt(pos + 4L * k++, 0, be);
        }
    }

    private static void setStructured(DType t, Storage s, long pos, Object v) {
        if (!(v instanceof Map)) {
            throw mismatch(t, v);
        }
        Map<?, ?> m = (Map<?, ?>) v;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            DType.Field f = e.getKey() instanceof String ? t.field((String) e.getKey()) : null;
            if (f == null) {
                throw new IllegalArgumentException("no field " + e.getKey() + " in " + t);
            }
            set(f.type(), s, pos + f.offset(), e.getValue());
        }
    }

    /**
     * A subarray element from an NDArray of the shape {@link #get} gives (every nested level
     * expanded), a list of this level's elements (each set as the base type takes it), or a flat list
     * of all the innermost elements.
     */
    private static void setSubarray(DType t, Storage s, long pos, Object v) {
        DType base = t.subarrayBase();
        DType inner = t.elementBase();
        long count = NDArray.elementCount(t.subarrayShape());
        long innerCount = NDArray.elementCount(t.elementShape());
        if (v instanceof NDArray) {
            NDArray a = (NDArray) v;
            if (!Arrays.equals(a.shape(), t.elementShape())) {
                throw new IllegalArgumentException("subarray value of shape " + Arrays.toString(a.shape())
                        + " does not match " + Arrays.toString(t.elementShape()));
            }
            NDArray c = a.dtype().equals(inner) && a.order() == Order.C ? a : a.astype(inner).toOrder(Order.C);
            c.storage().copyTo(0, s, pos, t.itemsize());
        } else if (v instanceof List && ((List<?>) v).size() == innerCount && isFlat((List<?>) v)) {
            // every innermost element in C order; first, since when the inner levels hold one element each
            // ((3, 1) of shorts) the count matches this level's too, whose items would have to be lists
            List<?> l = (List<?>) v;
            for (int i = 0; i < innerCount; i++) {
                set(inner, s, pos + (long) i * inner.itemsize(), l.get(i));
            }
        } else if (v instanceof List && ((List<?>) v).size() == count) {
            List<?> l = (List<?>) v;
            for (int i = 0; i < count; i++) {
                set(base, s, pos + (long) i * base.itemsize(), l.get(i));
            }
        } else {
            throw mismatch(t, v);
        }
    }

    /** Whether no item of {@code l} is itself a list or an array (a level of a subarray). */
    private static boolean isFlat(List<?> l) {
        for (Object x : l) {
            if (x instanceof List || x instanceof NDArray) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException mismatch(DType t, Object v) {
        String hint = v instanceof List && t.kind() != DType.Kind.SUBARRAY
                ? " (one element takes one value: give nested lists' values flat, in C order, with the shape)" : "";
        return new IllegalArgumentException("cannot store " + JavaValueNames.describe(v) + " in " + JavaValueNames.withArticle(t.name()) + " element" + hint);
    }

    // ---------------------------------------------------------------- equality

    /**
     * Element equality: floats, and each part of a complex, as {@link Double#equals} (NaN equals NaN, -0.0
     * differs from 0.0), long doubles on their exact
     * 80-bit value by the same rule ({@link ExtendedValues}), records field by field, padding ignored.
     */
    static boolean equal(DType t, Storage a, long pa, Storage b, long pb) {
        if (isExtended(t)) {
            return ExtendedValues.equal(t.itemsize(), t.byteOrderChar() == '>', a, pa, b, pb);
        }
        if (isExtendedComplex(t)) {
            int half = t.itemsize() / 2;
            boolean be = t.byteOrderChar() == '>';
            return ExtendedValues.equal(half, be, a, pa, b, pb) && ExtendedValues.equal(half, be, a, pa + half, b, pb + half);
        }
        if (t.kind().isFloat()) {
            return Double.doubleToLongBits(getDouble(t, a, pa)) == Double.doubleToLongBits(getDouble(t, b, pb));
        }
        switch (t.kind()) {
            case COMPLEX: { // each part as a float element: -0.0 apart from 0.0 (Complex.equals is Python's ==)
                Complex x = getComplex(t, a, pa);
                Complex y = getComplex(t, b, pb);
                return Double.doubleToLongBits(x.real()) == Double.doubleToLongBits(y.real())
                        && Double.doubleToLongBits(x.imag()) == Double.doubleToLongBits(y.imag());
            }
            case STRUCTURED:
                for (DType.Field f : t.fields()) {
                    if (!equal(f.type(), a, pa + f.offset(), b, pb + f.offset())) {
                        return false;
                    }
                }
                return true;
            case SUBARRAY: {
                DType base = t.subarrayBase();
                int step = base.itemsize();
                for (long off = 0; step > 0 && off < t.itemsize(); off += step) {
                    if (!equal(base, a, pa + off, b, pb + off)) {
                        return false;
                    }
                }
                return true;
            }
            case BOOL:
                return (a.getByte(pa) != 0) == (b.getByte(pb) != 0);
            default:
                for (int i = 0; i < t.itemsize(); i++) {
                    if (a.getByte(pa + i) != b.getByte(pb + i)) {
                        return false;
                    }
                }
                return true;
        }
    }

    /** A hash consistent with {@link #equal}. */
    static int hash(DType t, Storage s, long pos) {
        if (isExtended(t)) {
            return ExtendedValues.hash(t.itemsize(), t.byteOrderChar() == '>', s, pos);
        }
        if (isExtendedComplex(t)) {
            int half = t.itemsize() / 2;
            boolean be = t.byteOrderChar() == '>';
            return 31 * ExtendedValues.hash(half, be, s, pos) + ExtendedValues.hash(half, be, s, pos + half);
        }
        if (t.kind().isFloat()) {
            return Double.hashCode(getDouble(t, s, pos));
        }
        switch (t.kind()) {
            case COMPLEX: {
                Complex c = getComplex(t, s, pos);
                return 31 * Double.hashCode(c.real()) + Double.hashCode(c.imag());
            }
            case STRUCTURED: {
                int h = 1;
                for (DType.Field f : t.fields()) {
                    h = 31 * h + hash(f.type(), s, pos + f.offset());
                }
                return h;
            }
            case SUBARRAY: {
                DType base = t.subarrayBase();
                int step = base.itemsize();
                int h = 1;
                for (long off = 0; step > 0 && off < t.itemsize(); off += step) {
                    h = 31 * h + hash(base, s, pos + off);
                }
                return h;
            }
            case BOOL:
                return s.getByte(pos) != 0 ? 1 : 0;
            default: {
                int h = 1;
                for (int i = 0; i < t.itemsize(); i++) {
                    h = 31 * h + s.getByte(pos + i);
                }
                return h;
            }
        }
    }
}
