package dev.brine.numpy;

import dev.brine.ndarray.ArrayLayout;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.FieldTexts;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.TimeValue;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.py.Unhashable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A numpy array of dtype {@code object}, or of any dtype that holds objects (a structured type with
 * an object field, whose items are then tuples): a dtype, a shape and Python values in storage order.
 * numpy pickles such arrays with their items as a list; Brine reads them only when asked
 * ({@link NumpyPickles#addTo(dev.brine.mapping.ClassRegistry.Builder, NumpyNames, boolean)}).
 */
public final class ObjectArray implements Unhashable {
    private final DType dtype;
    private final long[] shape;
    private final List<Object> items;
    private final boolean fortran;

    /**
     * An object array of {@code shape} holding {@code items} in C order: numpy pickles an object
     * array's items by iterating it in C order whatever its layout, and records the layout in
     * {@code fortran} (true for an array that is Fortran- but not C-contiguous).
     */
    public ObjectArray(long[] shape, List<?> items, boolean fortran) {
        this(DType.OBJECT, shape, items, fortran);
    }

    /**
     * An array of {@code dtype}, which must hold objects ({@link DType#hasObject()}), of {@code shape}
     * holding {@code items} as numpy's pickle lists them (C order, whatever {@code fortran} says), as
     * many as the shape holds.
     */
    public ObjectArray(DType dtype, long[] shape, List<?> items, boolean fortran) {
        if (!dtype.hasObject()) {
            throw new IllegalArgumentException(dtype + " holds no objects");
        }
        long count;
        try {
            // numpy's rule, as for any array: no negative sizes, and the non-zero sizes times the 8-byte pointers
            // fit even when a zero makes the array empty ((2, 0) holds nothing; (2**62, 0) is "too big")
            count = java.util.Arrays.stream(shape).anyMatch(d -> d < 0) ? -1
                    : dev.brine.ndarray.NDArray.byteSize(DType.OBJECT, shape) / DType.OBJECT.itemsize();
        } catch (ArithmeticException e) {
            count = -1;
        }
        if (count != items.size()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold the " + items.size() + " items");
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        // fixed in size: the shape counts the items, and a pickle with fewer than it says crashes numpy's reader
        this.items = Arrays.asList(items.toArray());
        this.fortran = fortran;
    }

    /** The dtype: {@code object}, or a type with an object inside. */
    public DType dtype() {
        return dtype;
    }

    /** The shape. */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The items in C order; live: an item may be replaced ({@code set}), but the list keeps the size the shape
     * gives it ({@code add} and {@code remove} throw {@link UnsupportedOperationException}), as a numpy array's
     * items can be assigned but not added.
     */
    public List<Object> items() {
        return items;
    }

    /** Whether numpy recorded the array as Fortran-ordered (the items are in C order all the same). */
    public boolean isFortran() {
        return fortran;
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof ObjectArray) || !((ObjectArray) o).dtype.equals(dtype) || !Arrays.equals(((ObjectArray) o).shape, shape)
                || ((ObjectArray) o).fortran != fortran) {
            return false;
        }
        // an array may hold itself, directly or through its items' lists (a[0] = [a]): a pair already being
        // compared on this thread is taken as equal, so the comparison ends (as Python's == of such lists)
        java.util.IdentityHashMap<Object, Object> comparing = COMPARING.get();
        if (comparing.get(this) == o) {
            return true;
        }
        Object before = comparing.put(this, o);
        try {
            return items.equals(((ObjectArray) o).items);
        } finally {
            if (before == null) {
                comparing.remove(this);
            } else {
                comparing.put(this, before);
            }
        }
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + items.size(); // not the items': an array may hold itself
    }

    /**
     * As numpy's repr: {@code array([1, 'a'], dtype=object)}, {@code array(None, dtype=object)},
     * nested brackets by the shape, rows wrapped at 75 columns as numpy wraps them ({@link ArrayLayout}),
     * summarized as numpy summarizes arrays of more than 1,000 items (three at each end of an axis
     * around {@code ...}), and for an empty array numpy's
     * {@code shape=} note. A list item prints as numpy prints it, {@code list([1, 2])}; a record's fields of numbers,
     * bools, strings and datetimes as numpy's per-field formats print them ({@code (  1, 'x')}, {@code 0.},
     * {@code '2020-01-01'}), an object subarray field as nested brackets, and an aligned type in its dict form.
     */
    @Override
    public String toString() {
        return repr(ITEMS);
    }

    /** The pairs of arrays being compared on this thread (see {@link #equals}). */
    private static final ThreadLocal<java.util.IdentityHashMap<Object, Object>> COMPARING =
            ThreadLocal.withInitial(java.util.IdentityHashMap::new);

    /** Items in full, as {@link PythonRepr#repr(Object)} writes them; {@link #repr} bounds the whole. */
    private static final PythonRepr ITEMS = new PythonRepr(64, Integer.MAX_VALUE, Integer.MAX_VALUE);

    /**
     * How deep object arrays inside object arrays are written out (the items of a file's arrays may be arrays
     * in turn, to any depth); deeper ones print as {@code array(..., dtype=object)} (or their structured
     * type). Kept per thread, as the nesting runs through {@link PythonRepr}, which cannot carry it.
     */
    private static final int MAX_NESTING = 16;
    /**
     * The object arrays being written on this thread: one met again is written as numpy writes it,
     * {@code array(..., dtype=object)} (or its structured type).
     */
    private static final ThreadLocal<java.util.IdentityHashMap<ObjectArray, Boolean>> ACTIVE =
            ThreadLocal.withInitial(java.util.IdentityHashMap::new);

    /**
     * numpy's repr (see {@link #toString()}) with each item as {@code items} writes it (the CLI's bounds on
     * depth, items and string length), in all at most {@link PythonRepr#MAX_OUTPUT} characters and a
     * closing {@code ...}: a small file whose arrays share their items can have an exponentially long repr.
     */
    public String repr(PythonRepr items) {
        java.util.IdentityHashMap<ObjectArray, Boolean> active = ACTIVE.get();
        if (active.size() >= MAX_NESTING || active.containsKey(this)) {
            return "array(..., dtype=" + typeRepr() + ")"; // numpy names the structured type here too
        }
        active.put(this, Boolean.TRUE);
        try {
            String text = layout(items);
            return text.length() > PythonRepr.MAX_OUTPUT ? text.substring(0, PythonRepr.MAX_OUTPUT) + "..." : text;
        } finally {
            active.remove(this);
        }
    }

    private String layout(PythonRepr itemRepr) {
        boolean empty = false;
        for (long d : shape) {
            empty |= d == 0;
        }
        if (empty) {
            boolean oneDim = shape.length == 1;
            return "array([], " + (oneDim ? "" : "shape=" + PythonRepr.repr(DTypeState.shapeTuple(shape)) + ", ")
                    + "dtype=" + typeRepr() + ")";
        }
        long count = 1;
        for (long d : shape) {
            count = count > SUMMARY_THRESHOLD ? count : count * d; // stops growing once past the threshold
        }
        StringBuilder out = new StringBuilder("array(");
        boolean summarize = count > SUMMARY_THRESHOLD;
        List<java.util.Map<Long, String>> fields = fieldTexts(summarize);
        out.append(shape.length == 0 ? itemText(new long[0], itemRepr, fields)
                : ArrayLayout.body(shape, summarize, index -> itemText(index, itemRepr, fields), PythonRepr.MAX_OUTPUT));
        out.append(',');
        // numpy 2 names the shape of a summarized array; the note goes on a line of its own past 75 columns
        String extra = (summarize ? "shape=" + PythonRepr.repr(DTypeState.shapeTuple(shape)) + ", " : "")
                + "dtype=" + typeRepr() + ")";
        int lastLine = out.codePointCount(out.lastIndexOf("\n") + 1, out.length()); // Python's len
        out.append(lastLine + extra.length() + 1 > 75 ? "\n" + " ".repeat("array(".length()) : " ");
        return out.append(extra).toString();
    }

    /**
     * What numpy's repr prints after {@code dtype=}: {@code object}, or the structured type's str (an aligned one in
     * the dict form with {@code 'aligned': True}).
     */
    private String typeRepr() {
        return dtype.equals(DType.OBJECT) ? "object" : FieldTexts.dtypeText(dtype);
    }

    /** numpy's print options: arrays of more items are summarized, showing this many at each end of an axis. */
    private static final long SUMMARY_THRESHOLD = 1000;

    /**
     * An item as numpy's {@code _object_format} writes it: a list would read as one more axis, so it is named; a
     * record as numpy's StructuredVoidFormat writes it, each field as {@code fields} has it (else as its value's repr).
     */
    private String itemText(long[] index, PythonRepr itemRepr, List<java.util.Map<Long, String>> fields) {
        long flat = flatIndex(index);
        Object item = items.get((int) flat);
        if (fields != null && item instanceof Tuple && ((Tuple) item).size() == fields.size()) {
            Tuple record = (Tuple) item;
            List<String> texts = new ArrayList<>();
            for (int k = 0; k < fields.size(); k++) {
                String text = fields.get(k) == null ? null : fields.get(k).get(flat);
                Object v = record.get(k);
                if (text == null && dtype.fields().get(k).type().kind() == DType.Kind.SUBARRAY && v instanceof ObjectArray
                        && ((ObjectArray) v).dtype.equals(DType.OBJECT)) {
                    ObjectArray sub = (ObjectArray) v; // numpy's SubArrayFormat: nested brackets on one line
                    text = sub.bracketed(0, 0, sub.items.size() > SUMMARY_THRESHOLD, itemRepr, new long[1]);
                }
                texts.add(text != null ? text : objectText(v, itemRepr));
            }
            return "(" + String.join(", ", texts) + (texts.size() == 1 ? ",)" : ")");
        }
        return objectText(item, itemRepr);
    }

    private static String objectText(Object item, PythonRepr itemRepr) {
        String text = itemRepr.format(item);
        return item instanceof List ? "list(" + text + ")" : text;
    }

    /**
     * For a structured dtype, per field, the text numpy's repr gives each shown record's value (by flat index):
     * fields of numbers, bools, strings and datetimes formatted over the column as numpy formats them (padded to a
     * common width); null for a field of objects, each written as {@link #itemText} writes it, and null in all for
     * other dtypes.
     */
    private List<java.util.Map<Long, String>> fieldTexts(boolean summarize) {
        if (dtype.kind() != DType.Kind.STRUCTURED) {
            return null;
        }
        List<Long> shown = new ArrayList<>();
        shownFlats(0, 0, summarize, shown);
        List<java.util.Map<Long, String>> out = new ArrayList<>();
        List<DType.Field> fs = dtype.fields();
        for (int k = 0; k < fs.size(); k++) {
            out.add(fieldTexts(fs.get(k).type(), k, shown));
        }
        return out;
    }

    private java.util.Map<Long, String> fieldTexts(DType t, int k, List<Long> shown) {
        java.util.Map<Long, String> out = new java.util.HashMap<>();
        if (t.hasObject()) {
            return null;
        }
        List<Object> values = new ArrayList<>();
        for (long flat : shown) {
            values.add(numpyValue(t, field(flat, k)));
        }
        try {
            NDArray column = NDArray.fromValues(t, values, values.size());
            List<String> texts = FieldTexts.of(shape.length == 0 ? column.reshape() : column); // 0-d: True unpadded
            for (int i = 0; i < shown.size(); i++) {
                out.put(shown.get(i), texts.get(i));
            }
            return out;
        } catch (RuntimeException e) { // a value numpy's field type would not hold as Brine has it: its repr instead
            return null;
        }
    }

    private Object field(long flat, int k) {
        Object item = items.get((int) flat);
        return item instanceof Tuple && k < ((Tuple) item).size() ? ((Tuple) item).get(k) : null;
    }

    /**
     * The value numpy holds in a field of type {@code t} for the Python value its pickle gave: a datetime64's
     * datetime.date or datetime.datetime (or int, below microseconds) as its count of the field's unit.
     */
    private static Object numpyValue(DType t, Object v) {
        if ((t.kind() != DType.Kind.DATETIME && t.kind() != DType.Kind.TIMEDELTA) || t.unitCount() != 1) {
            return v;
        }
        boolean delta = t.kind() == DType.Kind.TIMEDELTA;
        if (v instanceof Long) {
            return new TimeValue((Long) v, t.unit(), 1, delta);
        }
        if (v == null) {
            return new TimeValue(TimeValue.NAT, t.unit(), 1, delta);
        }
        java.time.Duration since;
        if (!delta && v instanceof java.time.LocalDate) {
            since = java.time.Duration.ofDays(((java.time.LocalDate) v).toEpochDay());
        } else if (!delta && v instanceof java.time.LocalDateTime) {
            since = java.time.Duration.between(java.time.LocalDateTime.of(1970, 1, 1, 0, 0), (java.time.LocalDateTime) v);
        } else if (delta && v instanceof java.time.Duration) {
            since = (java.time.Duration) v;
        } else {
            return v;
        }
        long nanos = switch (t.unit()) {
            case WEEK -> 7L * 86_400_000_000_000L;
            case DAY -> 86_400_000_000_000L;
            case HOUR -> 3_600_000_000_000L;
            case MINUTE -> 60_000_000_000L;
            case SECOND -> 1_000_000_000L;
            case MILLISECOND -> 1_000_000L;
            case MICROSECOND -> 1_000L;
            default -> 0;
        };
        if (nanos == 0) {
            return v;
        }
        java.math.BigInteger[] qr = java.math.BigInteger.valueOf(since.getSeconds()).multiply(java.math.BigInteger.valueOf(1_000_000_000L))
                .add(java.math.BigInteger.valueOf(since.getNano())).divideAndRemainder(java.math.BigInteger.valueOf(nanos));
        return qr[1].signum() != 0 || qr[0].bitLength() > 63 ? v : new TimeValue(qr[0].longValue(), t.unit(), 1, delta);
    }

    /** The flat indices of the items the repr shows: all, or three at each end of an axis longer than six. */
    private void shownFlats(int axis, long base, boolean summarize, List<Long> out) {
        if (axis == shape.length) {
            out.add(base);
            return;
        }
        long len = shape[axis];
        for (long i = 0; i < len; i++) {
            if (summarize && len > 6 && i == 3) {
                i = len - 3;
            }
            shownFlats(axis + 1, base * len + i, summarize, out);
        }
    }

    /**
     * numpy's {@code SubArrayFormat} of an object subarray field's value: nested brackets on one line, the items as
     * {@code _object_format} writes them, three at each end of a longer axis past 1000 items; once the items
     * {@code written} pass {@link PythonRepr#MAX_OUTPUT} characters, {@code ...} for the rest.
     */
    private String bracketed(int axis, long base, boolean summarize, PythonRepr itemRepr, long[] written) {
        if (axis == shape.length) {
            String text = objectText(items.get((int) base), itemRepr);
            written[0] += text.length() + 2;
            return text;
        }
        long len = shape[axis];
        List<String> parts = new ArrayList<>();
        for (long i = 0; i < len; i++) {
            if (written[0] > PythonRepr.MAX_OUTPUT) {
                parts.add("...");
                break;
            }
            if (summarize && len > 6 && i == 3) {
                parts.add("...");
                i = len - 3;
            }
            parts.add(bracketed(axis + 1, base * len + i, summarize, itemRepr, written));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    /** The position in {@link #items} of the element at {@code index}: C order, whatever the layout flag. */
    private long flatIndex(long[] index) {
        long flat = 0;
        for (int i = 0; i < shape.length; i++) {
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** {@code numpy.ndarray}: an array is mutable, so Python refuses it as a dict key or set item. */
    @Override
    public String pythonTypeName() {
        return "numpy.ndarray";
    }
}
