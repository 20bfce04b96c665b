package dev.brine.ndarray;

import dev.brine.py.Complex;
import dev.brine.py.PythonRepr;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * numpy's {@code repr(array)} closely enough to read: the same brackets, line wrapping at 75
 * columns, {@code ...} summaries past 1000 elements with 3 edge items, float formatting with
 * common padding and up to 8 fractional digits, and the {@code dtype=} / {@code shape=} suffixes.
 */
final class ArrayFormatter {
    private static final int LINE_WIDTH = ArrayLayout.LINE_WIDTH;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = ArrayLayout.EDGE_ITEMS;
    private static final int PRECISION = 8;
    private static final String PREFIX = "array(";
    /**
     * The most characters of elements {@link #repr} writes before the rest become {@code ...}: records whose
     * subarray fields hold items of no bytes, or arrays of them, can stand for more items than any text holds.
     */
    private static final long MAX_CHARS = 1_000_000;
    /**
     * The most subarray items of the shown records whose text sets a field's common width: numpy measures every
     * item of them, which follows the input's bytes; past this many only the items shown are measured.
     */
    private static final long MAX_MEASURED = 1 << 18;
    /** {@link #MAX_MEASURED} for items holding floats, whose shortest digits cost some 50 µs each to find. */
    private static final long MAX_MEASURED_FLOATS = 1 << 12;

    private final NDArray a;
    private final boolean summarize;
    /**
     * Whether each float is its own {@code str}, unpadded: numpy's {@code _void_scalar_to_string} formats a structured
     * scalar's fields with {@code formatter={'float_kind': str}}, floats inside nested records and subarrays too.
     */
    private final boolean strFloats;
    private ElementFormat format;
    /** Characters of element text written so far, against {@link #MAX_CHARS}. */
    private long written;

    private ArrayFormatter(NDArray a) {
        this(a, false);
    }

    private ArrayFormatter(NDArray a, boolean strFloats) {
        this.a = a;
        this.summarize = a.size() > THRESHOLD;
        this.strFloats = strFloats;
    }

    static String repr(NDArray a) {
        return new ArrayFormatter(a).repr();
    }

    /** What {@link #repr} prints between {@code array(} and the suffixes: one element for a 0-d array. */
    static String body(NDArray a) {
        ArrayFormatter f = new ArrayFormatter(a);
        if (a.size() == 0) {
            return "[]";
        }
        f.format = f.new ElementFormat(a.dtype(), f.shownOffsets(), false);
        String text = a.shape().length == 0 ? f.format.format(0)
                : ArrayLayout.body(a.shape(), f.summarize, index -> f.format.format(a.offsetOf(index)), MAX_CHARS);
        return text.length() > MAX_CHARS ? text.substring(0, (int) MAX_CHARS) + "..." : text;
    }

    /**
     * The fields of the record {@code scalar} (a 0-d structured array) as numpy 2's repr of its {@code np.void} writes
     * them, {@code (1, [2.0, 3.0])}: numpy's {@code StructuredVoidFormat} of the one record, as an array's element (ints,
     * complex numbers and datetimes padded to the widths of all the items of their subarray field, subarrays on one
     * line however long) but each float its own {@code str}.
     */
    static String voidScalarFields(NDArray scalar) {
        ArrayFormatter f = new ArrayFormatter(scalar, true);
        f.format = f.new ElementFormat(scalar.dtype(), List.of(scalar.offsetOf()), false);
        String text = f.format.format(scalar.offsetOf());
        return text.length() > MAX_CHARS ? text.substring(0, (int) MAX_CHARS) + "..." : text;
    }

    /** The text of each element of {@code column} (C order), with the widths numpy shares across them. */
    static List<String> texts(NDArray column) {
        ArrayFormatter f = new ArrayFormatter(column);
        List<Long> offsets = new ArrayList<>();
        for (long i = 0; i < column.size(); i++) {
            offsets.add(column.offsetOfFlat(i));
        }
        f.format = f.new ElementFormat(column.dtype(), offsets, false);
        List<String> out = new ArrayList<>();
        for (long off : offsets) {
            out.add(f.format.format(off));
        }
        return out;
    }

    private String repr() {
        List<String> extras = new ArrayList<>();
        long[] shape = a.shape();
        String body;
        if (a.size() == 0) {
            body = "[]";
            if (!(shape.length == 1 && shape[0] == 0)) {
                extras.add("shape=" + shapeRepr(shape));
            }
        } else {
            body = body(a);
            if (summarize) {
                extras.add("shape=" + shapeRepr(shape));
            }
        }
        if (a.size() == 0 || !impliedDtype(a.dtype())) {
            extras.add("dtype=" + dtypeShortRepr(a.dtype()));
        }
        if (extras.isEmpty()) {
            return PREFIX + body + ")";
        }
        String arr = PREFIX + body + ",";
        String extra = String.join(", ", extras) + ")";
        int lastLine = Character.codePointCount(arr, arr.lastIndexOf('\n') + 1, arr.length()); // Python's len
        String spacer = lastLine + extra.length() + 1 > LINE_WIDTH ? "\n" + " ".repeat(PREFIX.length()) : " ";
        return arr + spacer + extra;
    }

    /** Byte offsets of the elements that will be shown, for computing the common format. */
    private List<Long> shownOffsets() {
        List<Long> out = new ArrayList<>();
        if (a.dtype().itemsize() == 0) { // items of no bytes are all alike: one stands for all of them
            out.add(0L);
            return out;
        }
        collect(new long[0], out);
        return out;
    }

    private void collect(long[] index, List<Long> out) {
        long[] shape = a.shape();
        if (index.length == shape.length) {
            out.add(a.offsetOf(index));
            return;
        }
        for (long i : indicesOf(shape[index.length])) {
            long[] next = Arrays.copyOf(index, index.length + 1);
            next[index.length] = i;
            collect(next, out);
        }
    }

    private long[] indicesOf(long len) {
        if (summarize && len > 2 * EDGE_ITEMS) {
            long[] r = new long[2 * EDGE_ITEMS];
            for (int i = 0; i < EDGE_ITEMS; i++) {
                r[i] = i;
                r[EDGE_ITEMS + i] = len - EDGE_ITEMS + i;
            }
            return r;
        }
        long[] r = new long[(int) len];
        for (int i = 0; i < len; i++) {
            r[i] = i;
        }
        return r;
    }

    private static String shapeRepr(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static boolean impliedDtype(DType t) {
        return t.equals(DType.FLOAT64) || t.equals(DType.INT64) || t.equals(DType.BOOL) || t.equals(DType.COMPLEX128);
    }

    /** numpy's {@code dtype_short_repr}. */
    static String dtypeShortRepr(DType t) {
        switch (t.kind()) {
            case STRUCTURED:
                return t.structStr(); // numpy's dtype_short_repr: str(dtype)
            case BYTES:
            case UNICODE:
            case VOID:
                return "'" + t.str() + "'";
            default:
                if (t.byteOrderChar() == '>') {
                    return "'" + t.str() + "'";
                }
                // numpy quotes a name that is not a plain word: datetime64 bare, 'datetime64[D]' quoted; Brine's own
                // float names (float8_e4m3fn) stay bare, as there is no numpy to ask
                return plainName(t.name()) || !isNumpyType(t) ? t.name() : "'" + t.name() + "'";
        }
    }

    /** Python's {@code name[0].isalpha() and name.isalnum()} for the ASCII names of dtypes. */
    private static boolean plainName(String name) {
        return !name.isEmpty() && Character.isLetter(name.charAt(0)) && name.chars().allMatch(Character::isLetterOrDigit);
    }

    private static boolean isNumpyType(DType t) {
        return t.kind() != DType.Kind.BFLOAT16 && Float8Format.of(t.kind()) == null;
    }

    // ---------------------------------------------------------------- element formats

    /**
     * Formats elements of one dtype with widths shared across the shown elements; records get one
     * format per field over the whole column, and subarrays one over all their elements, as numpy's
     * {@code StructuredVoidFormat} and {@code SubArrayFormat} do.
     */
    private final class ElementFormat {
        private final DType type;
        private final FloatFormat floats;
        /** A float that is its own {@code str} ({@link #strFloats}). */
        private final boolean strFloat;
        private final FloatFormat reals;
        private final FloatFormat imags;
        private final List<ElementFormat> fields = new ArrayList<>();
        private final ElementFormat base;
        /** A subarray's shape with every nested level expanded, or null. */
        private final long[] subShape;
        /** A subarray of more than 1000 items shows 3 at each end of its longer axes, as numpy's SubArrayFormat. */
        private final boolean subSummarized;
        /** Whether the items this format is made for are not one 0-d array's (numpy's BoolFormat pads True then). */
        private final boolean padTrue;
        private int width;
        /** The float values (complex parts: real at the offset, imaginary after it) read for the widths, kept for the text. */
        private final Map<Long, Real> values = new java.util.HashMap<>();

        ElementFormat(DType type, List<Long> offsets, boolean inSubarray) {
            this.type = type;
            this.padTrue = inSubarray || a.shape().length > 0;
            this.subShape = type.kind() == DType.Kind.SUBARRAY ? type.elementShape() : null;
            this.subSummarized = subShape != null && count(subShape) > THRESHOLD;
            this.strFloat = strFloats && type.kind() == DType.Kind.FLOAT; // not Brine's own floats, which numpy lacks
            Storage s = a.storage();
            FloatFormat fl = null;
            FloatFormat re = null;
            FloatFormat im = null;
            ElementFormat sub = null;
            if (type.kind().isFloat() && !strFloat) {
                Real[] v = new Real[offsets.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = real(type, offsets.get(i));
                }
                fl = new FloatFormat(v, type, false);
            } else if (type.kind() == DType.Kind.COMPLEX) {
                Real[] rv = new Real[offsets.size()];
                Real[] iv = new Real[offsets.size()];
                DType part = part(type);
                for (int i = 0; i < rv.length; i++) {
                    rv[i] = real(part, offsets.get(i));
                    iv[i] = real(part, offsets.get(i) + part.itemsize());
                }
                re = new FloatFormat(rv, part, false);
                im = new FloatFormat(iv, part, true);
            } else if (type.kind() == DType.Kind.STRUCTURED) {
                for (DType.Field f : type.fields()) {
                    List<Long> shifted = new ArrayList<>();
                    for (long off : offsets) {
                        shifted.add(off + f.offset());
                    }
                    fields.add(new ElementFormat(f.type(), shifted, inSubarray));
                }
            } else if (type.kind() == DType.Kind.SUBARRAY) {
                // as numpy prints a subarray field: one format over its innermost items, every nested level
                // expanded, measured on all the items of the records shown (within MAX_MEASURED)
                sub = new ElementFormat(type.elementBase(), measured(offsets), true);
            }
            floats = fl;
            reals = re;
            imags = im;
            base = sub;
            if (type.kind() != DType.Kind.STRUCTURED && type.kind() != DType.Kind.SUBARRAY
                    && type.kind() != DType.Kind.BYTES && type.kind() != DType.Kind.UNICODE
                    && type.kind() != DType.Kind.VOID && !strFloat) {
                width = type.kind() == DType.Kind.DATETIME || type.kind() == DType.Kind.TIMEDELTA
                        ? timeWidth(offsets) : widest(offsets);
            }
        }

        private int widest(List<Long> offsets) {
            int w = 0;
            for (long off : offsets) {
                w = Math.max(w, raw(off).length());
            }
            return w;
        }

        /**
         * numpy's {@code _TimelikeFormat}: the width of the texts of the smallest and the largest value that are not
         * NaT, at least 5 ({@code 'NaT'}) when there is a NaT. Where a count times its unit overflows
         * ({@code M8[25h]} with counts near 2**63) another value's text can be longer, and numpy does not pad for it.
         */
        private int timeWidth(List<Long> offsets) {
            Long min = null;
            Long max = null;
            long minCount = 0;
            long maxCount = 0;
            boolean nat = false;
            for (long off : offsets) {
                TimeValue t = (TimeValue) Elements.get(type, a.storage(), off);
                if (t.isNaT()) {
                    nat = true;
                } else {
                    if (min == null || t.count() < minCount) {
                        min = off;
                        minCount = t.count();
                    }
                    if (max == null || t.count() > maxCount) {
                        max = off;
                        maxCount = t.count();
                    }
                }
            }
            int w = min == null ? 0 : Math.max(raw(min).length(), raw(max).length());
            return nat ? Math.max(w, 5) : w;
        }

        String format(long off) {
            String r = raw(off);
            return r.length() < width ? " ".repeat(width - r.length()) + r : r;
        }

        private String raw(long off) {
            Storage s = a.storage();
            if (strFloat) {
                return floatStr(off);
            }
            if (floats != null) {
                return floats.format(real(type, off));
            }
            switch (type.kind()) {
                case COMPLEX: {
                    DType part = part(type);
                    // as numpy's ComplexFloatingFormat: the j follows the digits, the padding follows the j
                    String i = imags.format(real(part, off + part.itemsize()));
                    int digits = i.stripTrailing().length();
                    return reals.format(real(part, off)) + i.substring(0, digits) + "j" + i.substring(digits);
                }
                case DATETIME: {
                    TimeValue t = (TimeValue) Elements.get(type, s, off);
                    return "'" + t + "'";
                }
                case TIMEDELTA: {
                    TimeValue t = (TimeValue) Elements.get(type, s, off);
                    return t.isNaT() ? "'NaT'" : Long.toString(t.count());
                }
                case STRUCTURED: {
                    StringBuilder b = new StringBuilder("(");
                    List<DType.Field> fs = type.fields();
                    for (int i = 0; i < fs.size(); i++) {
                        if (i > 0) {
                            b.append(", ");
                        }
                        b.append(fields.get(i).format(off + fs.get(i).offset()));
                    }
                    return b.append(fs.size() == 1 ? ",)" : ")").toString();
                }
                case SUBARRAY:
                    return subarray(off, subShape, 0);
                case UNICODE:
                    return unicodeRepr(type, s, off);
                case BOOL: // numpy's BoolFormat: ' True' among items that are not one 0-d array's, so True and False align
                    return (Boolean) Elements.get(type, s, off) ? (padTrue ? " True" : "True") : "False";
                default:
                    return scalarRepr(type, Elements.get(type, s, off));
            }
        }

        /**
         * numpy's {@code SubArrayFormat}: nested brackets on one line, {@code ...} for the middle of an axis longer
         * than six in a subarray of more than 1000 items; past {@link #MAX_CHARS} written, {@code ...} for the rest.
         */
        private String subarray(long off, long[] shape, int axis) {
            long step = step(shape, axis);
            StringBuilder b = new StringBuilder("[");
            long len = shape[axis];
            boolean summary = subSummarized && len > 2 * EDGE_ITEMS;
            for (long i = 0; i < len; i++) {
                if (i > 0) {
                    b.append(", ");
                }
                if (written > MAX_CHARS) {
                    b.append("...");
                    break;
                }
                if (summary && i == EDGE_ITEMS) {
                    b.append("...");
                    i = len - EDGE_ITEMS - 1;
                    continue;
                }
                if (axis == shape.length - 1) {
                    String item = base.format(off + i * step);
                    written += item.length() + 2;
                    b.append(item);
                } else {
                    b.append(subarray(off + i * step, shape, axis + 1));
                }
            }
            return b.append(']').toString();
        }

        /** numpy's {@code str} of the float at {@code off}: its type's shortest digits, a long double's own. */
        private String floatStr(long off) {
            if (type.itemsize() <= 8) {
                return ScalarFormat.floatText(((Number) Elements.get(type, a.storage(), off)).doubleValue(), type);
            }
            byte[] raw = new byte[type.itemsize()];
            a.storage().get(off, raw, 0, raw.length);
            return ScalarFormat.longDoubleText(NDArray.fromBytes(type, Order.C, raw));
        }

        /** The float of type {@code t} at {@code off}, read once: a long double's digits take time to find. */
        private Real real(DType t, long off) {
            return values.computeIfAbsent(off, o -> Real.read(t, a.storage(), o));
        }

        /** Bytes between neighbours along {@code axis} of a subarray of {@code shape}. */
        private long step(long[] shape, int axis) {
            long step = type.elementBase().itemsize();
            for (int i = axis + 1; i < shape.length; i++) {
                step *= shape[i];
            }
            return step;
        }

        /**
         * The offsets of the innermost items of this subarray in each record at {@code offsets}: all of them, as
         * numpy measures, while they are at most {@link #MAX_MEASURED}; else those {@link #subarray} shows. Items
         * of no bytes are all alike, so one stands for them.
         */
        private List<Long> measured(List<Long> offsets) {
            List<Long> out = new ArrayList<>();
            long itemsize = type.elementBase().itemsize();
            if (itemsize == 0 || offsets.isEmpty()) {
                if (!offsets.isEmpty()) {
                    out.add(offsets.get(0));
                }
                return out;
            }
            long items = type.itemsize() / itemsize;
            long most = holdsFloats(type.elementBase()) ? MAX_MEASURED_FLOATS : MAX_MEASURED;
            if (items <= most / offsets.size()) {
                for (long off : offsets) {
                    for (long k = 0; k < items; k++) {
                        out.add(off + k * itemsize);
                    }
                }
                return out;
            }
            for (long off : offsets) {
                shown(off, 0, out, most);
            }
            return out;
        }

        private void shown(long off, int axis, List<Long> out, long most) {
            long len = subShape[axis];
            long step = step(subShape, axis);
            boolean summary = subSummarized && len > 2 * EDGE_ITEMS;
            for (long i = 0; i < len && out.size() < most; i++) {
                if (summary && i == EDGE_ITEMS) {
                    i = len - EDGE_ITEMS;
                }
                if (axis == subShape.length - 1) {
                    out.add(off + i * step);
                } else {
                    shown(off + i * step, axis + 1, out, most);
                }
            }
        }
    }

    private static boolean holdsFloats(DType t) {
        switch (t.kind()) {
            case STRUCTURED:
                return t.fields().stream().anyMatch(f -> holdsFloats(f.type()));
            case SUBARRAY:
                return holdsFloats(t.elementBase());
            case COMPLEX:
                return true;
            default:
                return t.kind().isFloat();
        }
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = n > THRESHOLD ? n : n * d; // stops growing once past the threshold, so never overflows
        }
        return n;
    }

    /** Python-ish repr of a non-float element value (used inside records too). */
    private static String scalarRepr(DType t, Object v) {
        if (v instanceof Boolean) {
            return (Boolean) v ? "True" : "False";
        }
        if (v instanceof String) {
            return Descrs.repr(v);
        }
        if (v instanceof byte[]) {
            return t.kind() == DType.Kind.VOID ? voidRepr((byte[]) v) : PythonRepr.repr(v);
        }
        if (v instanceof Double) {
            Real r = Real.of((Double) v, t);
            return new FloatFormat(new Real[] {r}, t, false).format(r);
        }
        if (v instanceof Complex) {
            Complex c = (Complex) v;
            DType part = part(t);
            Real re = Real.of(c.real(), part);
            Real im = Real.of(c.imag(), part);
            return new FloatFormat(new Real[] {re}, part, false).format(re)
                    + new FloatFormat(new Real[] {im}, part, true).format(im) + "j";
        }
        if (v instanceof TimeValue) {
            return "'" + v + "'";
        }
        if (v instanceof Map) {
            StringBuilder b = new StringBuilder("(");
            int i = 0;
            for (DType.Field f : t.fields()) {
                if (i++ > 0) {
                    b.append(", ");
                }
                b.append(scalarRepr(f.type(), ((Map<?, ?>) v).get(f.name())));
            }
            return b.append(t.fields().size() == 1 ? ",)" : ")").toString();
        }
        if (v instanceof NDArray) {
            NDArray sub = (NDArray) v;
            String r = sub.toString();
            int open = r.indexOf('[');
            int close = r.lastIndexOf(']');
            return open >= 0 && close > open ? r.substring(open, close + 1).replaceAll("\\s+", " ") : r;
        }
        return String.valueOf(v);
    }

    /**
     * numpy's repr of the {@code U} item at byte {@code pos}: Python's repr of its text, and where a UTF-32 unit is no
     * code point (above U+10FFFF: np.frombuffer, other writers store them as they are), {@code \U6f2664ec} for it
     * as numpy writes it, which Java's strings cannot hold; surrogate units each on their own ({@code \ud800\udfff}).
     */
    static String unicodeRepr(DType t, Storage s, long pos) {
        boolean be = t.byteOrderChar() == '>';
        int n = t.itemsize() / 4;
        while (n > 0 && s.getInt(pos + 4L * (n - 1), be) == 0) {
            n--; // numpy drops trailing NULs
        }
        boolean valid = true;
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < n; i++) {
            int cp = s.getInt(pos + 4L * i, be);
            // a surrogate unit stays one character in Python, where Java's strings would pair it with the next
            valid &= Character.isValidCodePoint(cp) && !(cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
            single |= cp == '\'';
            dbl |= cp == '"';
        }
        if (valid) {
            return PythonRepr.repr(Elements.get(t, s, pos));
        }
        char quote = single && !dbl ? '"' : '\''; // Python's choice of quotes
        StringBuilder out = new StringBuilder().append(quote);
        for (int i = 0; i < n; i++) {
            int cp = s.getInt(pos + 4L * i, be);
            if (!Character.isValidCodePoint(cp)) {
                out.append(String.format("\\U%08x", cp));
            } else if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else {
                String one = PythonRepr.repr(new String(Character.toChars(cp))); // a quote other than ours stands bare
                out.append(one, 1, one.length() - 1);
            }
        }
        return out.append(quote).toString();
    }

    /** The float type of each part of complex type {@code t}, in its byte order. */
    private static DType part(DType t) {
        DType part = DType.numeric(DType.Kind.FLOAT, t.itemsize() / 2);
        return t.byteOrderChar() == '>' ? part.withByteOrder('>') : part;
    }

    /** numpy's {@code _void_scalar_to_string}: every byte in hex, printable or not ({@code b'\x27\x7F'}). */
    static String voidRepr(byte[] b) {
        StringBuilder out = new StringBuilder("b'");
        for (byte x : b) {
            out.append(String.format("\\x%02X", x & 0xFF)); // upper-case hex, unlike bytes
        }
        return out.append('\'').toString();
    }

    /**
     * numpy's {@code FloatingFormat} in its default mode: shortest unique digits, at most 8 after the
     * point; its {@code fillFormat} pads every value to the widest one's integer part (and, in
     * scientific mode, to the most mantissa digits and the longest exponent), and widens the integer
     * part for nan and inf.
     */
    private static final class FloatFormat {
        private final DType type;
        private final boolean sign;
        private final boolean exp;
        private int padLeft;
        private int padRight;
        private int expPrecision; // mantissa digits after the point, scientific mode
        private int expDigits = 2; // exponent digits, scientific mode
        /** numpy's upper cutoff for a long double, 10 ** min(8, finfo.precision = 18). */
        private static final BigDecimal LONG_DOUBLE_CUTOFF = new BigDecimal("1e8");
        /** The double 1e-4, exactly, as numpy compares it with a long double array. */
        private static final BigDecimal SMALL = new BigDecimal(1e-4);

        FloatFormat(Real[] values, DType type, boolean sign) {
            this.type = type;
            this.sign = sign;
            BigDecimal max = BigDecimal.ZERO;
            BigDecimal min = null;
            boolean anyFinite = false;
            boolean anyNonFinite = false;
            boolean negativeInf = false;
            boolean extended = false;
            for (Real v : values) {
                if (v.isFinite() && !v.isZero()) {
                    BigDecimal x = v.exact();
                    max = x.compareTo(max) > 0 ? x : max;
                    min = min == null || x.compareTo(min) < 0 ? x : min;
                }
                anyFinite |= v.isFinite();
                anyNonFinite |= !v.isFinite();
                negativeInf |= v.isInfinite() && v.negative();
                extended |= v.isExtended();
            }
            if (min == null) {
                exp = false;
            } else if (extended) { // a long double's magnitude may be past a double's range: compared as decimals
                exp = max.compareTo(LONG_DOUBLE_CUTOFF) >= 0 || min.compareTo(SMALL) < 0
                        || max.compareTo(min.multiply(BigDecimal.valueOf(1000))) > 0;
            } else {
                double mx = max.doubleValue();
                double mn = min.doubleValue();
                // numpy 2 compares in the array's own type (Python floats are weak scalars): a float32 1e-4 is not below
                // 1e-4 and since numpy 2.2 the upper cutoff is 10 ** min(8, finfo.precision): 1e3 for float16, 1e6 for float32
                exp = mx >= narrow(cutoff(type)) || mn < narrow(1e-4) || narrow(mx / mn) > narrow(1e3);
            }
            if (exp) {
                for (Real v : values) {
                    if (v.isFinite()) {
                        String m = digits(v, new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN))
                                .stripTrailingZeros().unscaledValue().abs().toString();
                        expPrecision = Math.max(expPrecision, m.length() - 1);
                    }
                }
            }
            int widestExponent = 0;
            for (Real v : values) {
                if (!v.isFinite()) {
                    continue;
                }
                String p = exp ? scientific(v) : positional(v);
                int dot = p.indexOf('.');
                padLeft = Math.max(padLeft, dot);
                if (exp) {
                    widestExponent = Math.max(widestExponent, p.length() - p.indexOf('e') - 2);
                } else {
                    padRight = Math.max(padRight, p.length() - dot - 1);
                }
            }
            if (exp) {
                expDigits = widestExponent;
                padRight = expDigits + 2 + expPrecision;
            }
            if (!anyFinite) {
                padLeft = 0;
                padRight = 0;
            }
            if (anyNonFinite) { // room for nan, inf and their sign
                int offset = padRight + 1;
                padLeft = Math.max(padLeft, 3 + (sign || negativeInf ? 1 : 0) - offset);
            }
        }

        String format(Real v) {
            if (!v.isFinite()) {
                String r = v.isNaN() ? (sign ? "+nan" : "nan") : !v.negative() ? (sign ? "+inf" : "inf") : "-inf";
                int total = padLeft + padRight + 1;
                return r.length() < total ? " ".repeat(total - r.length()) + r : r;
            }
            String p = exp ? scientific(v) : positional(v);
            int dot = p.indexOf('.');
            String left = " ".repeat(Math.max(0, padLeft - dot));
            return exp ? left + p : left + p + " ".repeat(Math.max(0, padRight - (p.length() - dot - 1)));
        }

        private String positional(Real v) {
            BigDecimal d = v.shortest();
            if (d.scale() > PRECISION) { // numpy's dragon4 rounds the exact binary value at the cutoff, not the shortest digits
                d = v.exact().setScale(PRECISION, RoundingMode.HALF_EVEN);
            }
            d = d.stripTrailingZeros();
            String s = d.scale() <= 0 ? d.toBigInteger().toString() + "." : d.toPlainString();
            return (v.negative() ? "-" : sign ? "+" : "") + s;
        }

        private String scientific(Real v) {
            BigDecimal d = v.shortest();
            if (d.signum() != 0 && d.precision() != expPrecision + 1) {
                // numpy's min_digits: digits beyond the shortest unique ones are the exact value's, not zeros
                // (a float32 1e-4 among values of 8 digits is 9.9999997e-05), and so is the rounding of longer ones
                d = v.exact();
            }
            int e = d.signum() == 0 ? 0 : d.precision() - d.scale() - 1;
            BigDecimal mant = d.movePointLeft(e).setScale(expPrecision, RoundingMode.HALF_EVEN);
            if (mant.compareTo(BigDecimal.TEN) >= 0) {
                e++;
                mant = d.movePointLeft(e).setScale(expPrecision, RoundingMode.HALF_EVEN);
            }
            String m = mant.toPlainString();
            if (expPrecision == 0) {
                m = m + ".";
            }
            String ex = Integer.toString(Math.abs(e));
            return (v.negative() ? "-" : sign ? "+" : "") + m + "e" + (e < 0 ? "-" : "+") + "0".repeat(Math.max(0, expDigits - ex.length())) + ex;
        }

        /**
         * numpy's {@code exp_cutoff_max}, {@code 10 ** min(8, finfo(dtype).precision)}, for numpy's own
         * float types; 1e8 (numpy's cutoff before 2.2) for those numpy lacks (bfloat16, the 8-bit floats).
         */
        private static double cutoff(DType type) {
            if (type.kind() != DType.Kind.FLOAT) {
                return 1e8;
            }
            switch (type.itemsize()) {
                case 2:
                    return 1e3;
                case 4:
                    return 1e6;
                default:
                    return 1e8;
            }
        }

        /** {@code x} rounded to this float type, as numpy casts a Python float compared with the array. */
        private double narrow(double x) {
            if (Float8Format.of(type.kind()) != null) {
                return x; // not numpy's types, and without inf most of them cannot hold 1e8: compared as doubles
            }
            switch (type.kind() == DType.Kind.BFLOAT16 ? 3 : type.itemsize()) {
                case 2:
                    return Floats.halfToDouble(Floats.doubleToHalf(x));
                case 3:
                    return Floats.bfloat16ToFloat(Floats.floatToBfloat16((float) x));
                case 4:
                    return (float) x;
                default:
                    return x;
            }
        }

        /**
         * What numpy's dragon4 prints in unique mode with a cutoff of {@code mc.getPrecision()} significant
         * digits: the shortest unique digits when they fit, else the exact binary value rounded at the
         * cutoff (rounding the shortest digits instead rounds twice: 2.000000015 is 2.00000001499..., so 2.00000001).
         */
        private BigDecimal digits(Real v, MathContext mc) {
            BigDecimal u = v.shortest();
            return u.precision() <= mc.getPrecision() ? u : v.exact().round(mc);
        }
    }

    /** The shortest decimal that reads back as the same value of {@code type}, a float type (numpy scalars' repr too). */
    static BigDecimal shortest(double v, DType type) {
        if (v == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal exact = new BigDecimal(v);
        for (int p = 1; p < 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (sameValue(r, v, type)) {
                return r;
            }
            // at a power of two the gap below is half the gap above: the nearest p digits may read back as the
            // value below while the next ones up still read back as v (float16 0.015625 is 0.01563, not 0.01562);
            // not for the 8-bit floats, whose conversions saturate: 500 would read back as their largest, 448
            BigDecimal up = exact.round(new MathContext(p, RoundingMode.UP));
            if (Float8Format.of(type.kind()) == null && sameValue(up, v, type)) {
                return up;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

    private static boolean sameValue(BigDecimal r, double v, DType type) {
        Float8Format f8 = Float8Format.of(type.kind());
        if (f8 != null) {
            return f8.fromDouble(r.doubleValue()) == f8.fromDouble(v);
        }
        switch (type.kind() == DType.Kind.BFLOAT16 ? 3 : type.itemsize()) {
            case 2:
                return Floats.doubleToHalf(r.doubleValue()) == Floats.doubleToHalf(v);
            case 3:
                return Floats.floatToBfloat16(r.floatValue()) == Floats.floatToBfloat16((float) v);
            case 4:
                return r.floatValue() == (float) v;
            default:
                return r.doubleValue() == v;
        }
    }
}
