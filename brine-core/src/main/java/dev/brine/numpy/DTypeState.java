package dev.brine.numpy;

import dev.brine.BrineException;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.DateTimeUnit;
import dev.brine.py.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * numpy's pickled dtype: {@code numpy.dtype(typestr, False, True)} followed by BUILD with the state
 * {@code (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])}, both ways.
 * Version 4 carries the metadata: the dtype's metadata dict (or None) for most types, and
 * {@code (metadata, (unit, count, 1, 1))} for datetime64/timedelta64; numpy writes version 3 when a
 * non-datetime type has no metadata.
 */
final class DTypeState {
    private static final int NPY_ALIGNED_STRUCT = 0x80;

    private DTypeState() {
    }

    /**
     * The arguments of {@code numpy.dtype(...)} for {@code t}; a {@code numpy.record} type names the
     * class {@code record} (written as the global {@code numpy.record}) where others give a type string.
     */
    static Tuple args(DType t, Object recordClass) {
        // numpy's arraydescr_reduce formats the type string anew on every call (PyUnicode_FromFormat("%c%d")),
        // so two dtypes in one pickle, say 'M8[ns]' and 'M8[s]', each write their 'M8' in full: a new String
        // here, never a shared literal that the pickler would write the second time as a memo GET
        return Tuple.of(t.isRecord() ? recordClass : new String(t.reduceTypeString()), Boolean.FALSE, Boolean.TRUE);
    }

    /** The BUILD state numpy writes for {@code t}. */
    static Tuple state(DType t) {
        Object subarray = null;
        Object names = null;
        Object fields = null;
        if (t.kind() == DType.Kind.SUBARRAY) {
            subarray = Tuple.of(t.subarrayBase(), shapeTuple(t.subarrayShape()));
        }
        if (t.isStructured()) {
            names = Tuple.copyOf(new ArrayList<>(t.names()));
            Map<Object, Object> table = new LinkedHashMap<>();
            // a titled field's name and title map to one tuple in numpy's dict, which pickles it once
            // and refers to it again with a memo GET
            Map<DType.Field, Tuple> entries = new java.util.IdentityHashMap<>();
            for (Map.Entry<String, DType.Field> e : t.fieldTable().entrySet()) {
                DType.Field f = e.getValue();
                table.put(e.getKey(), entries.computeIfAbsent(f, x -> x.title() == null
                        ? Tuple.of(x.type(), (long) x.offset()) : Tuple.of(x.type(), (long) x.offset(), x.title())));
            }
            fields = table;
        }
        // one String per byte-order char, as CPython has one str per latin-1 char: a second dtype in the same
        // pickle then refers to the first one's '<' with a memo GET, as numpy's pickles do; the interned
        // String is also the pickler's own latin-1 char (the text of b'|' below protocol 3), as in CPython
        String byteOrder = String.valueOf(t.byteOrderChar()).intern();
        List<Object> s = new ArrayList<>(List.of((long) t.stateVersion(), byteOrder));
        s.add(subarray);
        s.add(names);
        s.add(fields);
        s.add((long) t.stateElementSize());
        s.add((long) t.stateAlignment());
        s.add((long) t.flags());
        if (t.stateVersion() == 4) {
            // numpy's arraydescr_reduce: the metadata dict (or None), and for datetime types the unit as well
            if (t.kind() == DType.Kind.DATETIME || t.kind() == DType.Kind.TIMEDELTA) {
                // PyBytes_FromString: CPython's one object for a one-letter unit (b's', shared with any other
                // b's' in the pickle), a new one for 'ns', 'us', 'generic'
                byte[] unit = CPythonBytes.of(t.unit().symbol().getBytes(StandardCharsets.US_ASCII));
                s.add(Tuple.of(t.metadata(), Tuple.of(unit, (long) t.unitCount(), 1L, 1L)));
            } else {
                s.add(t.metadata());
            }
        }
        return Tuple.copyOf(s);
    }

    static Tuple shapeTuple(long[] shape) {
        Object[] dims = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        return Tuple.of(dims);
    }

    /**
     * The dtype that {@code numpy.dtype(numpy.record, ...)} followed by BUILD with {@code state} makes:
     * the void or structured type the state describes (its size is the state's, as numpy takes it
     * there too), marked as a record type.
     */
    static DType buildRecord(Object state) throws BrineException {
        requireReadable(state);
        state = withEightItems(state);
        long elsize = integer(((Tuple) state).get(5), "element size");
        if (elsize < 0 || elsize > Integer.MAX_VALUE) {
            throw new BrineException("numpy.record dtype state has the element size " + elsize);
        }
        DType t = build("V" + elsize, state);
        if (t.kind() != DType.Kind.STRUCTURED && t.kind() != DType.Kind.VOID) {
            throw new BrineException("numpy.record dtype state describes " + t + ", not a void or structured type");
        }
        return t.asRecord();
    }

    /**
     * The dtype that {@code numpy.dtype(typestr)} followed by BUILD with {@code state} makes, with the
     * state's metadata dict (its 9th item) kept as {@link DType#metadata()}; a metadata item that is not a dict is
     * ignored (numpy keeps it, and then fails to show it).
     */
    static DType build(String typestr, Object state) throws BrineException {
        requireReadable(state);
        state = withEightItems(state);
        DType t = buildType(typestr, state);
        Tuple s = (Tuple) state;
        Object metadata = null;
        if (s.size() > 8) { // whatever the version: numpy reads a 9th item as the metadata
            metadata = s.get(8);
            if (t.kind() == DType.Kind.DATETIME || t.kind() == DType.Kind.TIMEDELTA) {
                metadata = metadata instanceof Tuple && ((Tuple) metadata).size() == 2 ? ((Tuple) metadata).get(0) : null;
            }
        }
        return metadata instanceof Map ? t.withMetadata((Map<?, ?>) metadata) : t;
    }

    /**
     * The dtype {@code numpy.dtype(typestr, False, True)} makes before (or without) its BUILD: the type
     * string parsed as numpy parses it ({@code 'M8'} generic datetime64, {@code 'U8'} eight characters).
     */
    static DType unbuilt(String typestr) throws BrineException {
        try {
            return DType.parse(typestr);
        } catch (IllegalArgumentException e) {
            throw new BrineException("numpy.dtype('" + typestr + "') is not valid: " + e.getMessage());
        }
    }

    /**
     * Refuses a state that numpy's {@code arraydescr_setstate} refuses (numpy 2.4, checked in
     * DTypeStateDifferentialTest), in its order: a tuple of 5 to 9 items, a version from 0 to 4 (none in a 5-item
     * state; a 6-item state, which has no names, only 0 or 1), a byte order of one character (a str of ASCII or bytes;
     * any character but '>' and '|' means native, as there), integers for the element size, alignment and flags
     * (flags of any size: numpy keeps their low 64 bits), names and fields both None or a tuple and a dict, and a
     * subarray of (dtype, shape). A datetime64 or timedelta64 state needs its 9th item, (metadata, unit): numpy
     * crashes without it.
     */
    private static void requireReadable(Object state) throws BrineException {
        if (!(state instanceof Tuple) || ((Tuple) state).size() < 5 || ((Tuple) state).size() > 9) {
            throw new BrineException("numpy.dtype state must be a tuple of 5 to 9 items, got "
                    + dev.brine.py.PythonRepr.brief(state) + " (numpy: \"Invalid state while unpickling\")");
        }
        Tuple s = (Tuple) state;
        int n = s.size();
        int at = n == 5 ? 0 : 1; // where the byte order is: a 5-item state has no version
        long version = n == 5 ? 0 : integer(s.get(0), "version");
        if (version < 0 || version > 4) {
            throw new BrineException("can't handle version " + version + " of numpy.dtype pickle (numpy reads 0 to 4)");
        }
        if (n == 6 && version > 1) {
            throw new BrineException("a 6-item numpy.dtype state has no names, which numpy takes from the fields only"
                    + " at versions 0 and 1, not " + version);
        }
        byteOrder(s.get(at));
        integer(s.get(n == 5 || n == 6 ? n - 2 : 5), "element size");
        integer(s.get(n == 5 || n == 6 ? n - 1 : 6), "alignment");
        if (n >= 8) {
            flags(s.get(7));
        }
        Object subarray = s.get(at + 1);
        if (subarray != null && !(subarray instanceof Tuple && ((Tuple) subarray).size() == 2
                && AwaitingBuild.dtypeOf(((Tuple) subarray).get(0)) != null && isShape(((Tuple) subarray).get(1)))) {
            throw new BrineException("incorrect subarray in numpy.dtype state: " + dev.brine.py.PythonRepr.brief(subarray)
                    + " (numpy takes (dtype, shape), the shape an int or a tuple of ints)");
        }
        if (n >= 7) {
            Object names = s.get(3);
            Object fields = s.get(4);
            if ((names == null) != (fields == null) || names != null && !(names instanceof Tuple)
                    || fields != null && !(fields instanceof Map)) {
                throw new BrineException("inconsistent fields and names in numpy.dtype state: names "
                        + dev.brine.py.PythonRepr.brief(names) + ", fields " + dev.brine.py.PythonRepr.brief(fields)
                        + " (numpy takes both None, or a tuple and a dict)");
            }
        }
    }

    /** Whether numpy takes {@code shape} as a subarray's shape: a number (an int, a bool, a float it truncates) or a tuple of ints. */
    private static boolean isShape(Object shape) {
        if (shape instanceof Long || shape instanceof Boolean) {
            return true;
        }
        if (shape instanceof Double) {
            return Double.isFinite((Double) shape); // int(nan) and int(inf) raise
        }
        if (!(shape instanceof Tuple)) {
            return false;
        }
        for (Object d : (Tuple) shape) {
            if (!(d instanceof Long || d instanceof Boolean)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A state's byte order as numpy reads it: one character of a str (ASCII) or of bytes; '=' for any character but
     * '>' and '|', which numpy takes as native ('x' included).
     */
    private static char byteOrder(Object v) throws BrineException {
        String order;
        if (v instanceof String) {
            order = (String) v;
            for (int i = 0; i < order.length(); i++) {
                if (order.charAt(i) > 0x7f) {
                    throw new BrineException("numpy.dtype byte order " + dev.brine.py.PythonRepr.brief(v)
                            + " is not ASCII (numpy encodes it as ASCII)");
                }
            }
        } else if (v instanceof byte[]) {
            order = new String((byte[]) v, StandardCharsets.ISO_8859_1);
        } else {
            throw new BrineException("numpy.dtype byte order is not a string: " + dev.brine.py.PythonRepr.brief(v));
        }
        if (order.length() != 1) {
            throw new BrineException("numpy.dtype byte order " + dev.brine.py.PythonRepr.brief(v)
                    + " is not one character (numpy: \"endian is not 1-char string\")");
        }
        char c = order.charAt(0);
        return c == '>' || c == '|' ? c : '=';
    }

    /**
     * The flags item as numpy keeps it: any int (a bool too), its low 64 bits, a char's negative value made positive
     * as numpy did when flags were a signed char.
     */
    private static long flags(Object v) throws BrineException {
        long f;
        if (v instanceof java.math.BigInteger) {
            f = ((java.math.BigInteger) v).longValue(); // the low 64 bits, as C's unsigned long conversion keeps them
        } else {
            f = integer(v, "flags");
        }
        return f < 0 && f >= -128 ? f + 128 : f;
    }

    /** An int of the state (numpy's C integer conversions take a bool as 0 or 1, and no other type). */
    private static long integer(Object v, String what) throws BrineException {
        if (v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        throw new BrineException("numpy.dtype state's " + what + " must be an int, got " + dev.brine.py.PythonRepr.brief(v));
    }

    /**
     * numpy's {@code arraydescr_setstate} reads states of 5 to 9 items: numpy before 1.0 wrote {@code (endian,
     * subarray, fields, elsize, alignment)}, later versions put a version first ({@code 6}: no names yet, {@code 7}:
     * no flags yet). Those are read as the 8-item state they mean; the fields of a state of version 0 or 1, which
     * carry their order in a way Brine does not read (under the key -1), are refused by name.
     */
    private static Object withEightItems(Object state) throws BrineException {
        Tuple s = (Tuple) state; // checked by requireReadable
        int n = s.size();
        Object fields = s.get(n < 7 ? n - 3 : 4);
        if ((n == 5 || integer(s.get(0), "version") < 2) && fields != null) {
            throw new BrineException("a numpy dtype state of version 0 or 1 (numpy before 1.0) with fields is not read: "
                    + dev.brine.py.PythonRepr.brief(state));
        }
        return n == 5 ? Tuple.of(0L, s.get(0), s.get(1), null, null, s.get(3), s.get(4), 0L)
                : n == 6 ? Tuple.of(s.get(0), s.get(1), s.get(2), null, null, s.get(4), s.get(5), 0L)
                : n == 7 ? Tuple.of(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5), s.get(6), 0L)
                : s;
    }

    private static DType buildType(String typestr, Object state) throws BrineException {
        Tuple s = (Tuple) state; // checked by requireReadable, made 8 items by withEightItems
        char order = byteOrder(s.get(1));
        Object subarray = s.get(2);
        Object names = s.get(3);
        Object fields = s.get(4);
        int elsize = (int) integer(s.get(5), "element size");
        // numpy recomputes the flags of a state before version 3 from its fields (the aligned bit is lost)
        long flags = integer(s.get(0), "version") < 3 ? 0 : flags(s.get(7));
        try {
            if (names instanceof Tuple && fields instanceof Map) {
                List<DType.Field> list = new ArrayList<>();
                Map<?, ?> table = (Map<?, ?>) fields;
                for (Object name : (Tuple) names) {
                    Object entry = field(table, name);
                    if (!(entry instanceof Tuple) || ((Tuple) entry).size() < 2) {
                        throw new BrineException("numpy.dtype field " + dev.brine.py.PythonRepr.brief(name)
                                + " has no (dtype, offset) entry");
                    }
                    Tuple e = (Tuple) entry;
                    DType type = dtype(e.get(0));
                    int offset = (int) num(e.get(1));
                    Object t = e.size() > 2 ? e.get(2) : null;
                    // a Python 2 str title read with encoding='bytes' stays bytes in numpy (then no alias of
                    // the field); Brine's titles are str, so it reads as the latin-1 str
                    String title = t instanceof String ? (String) t
                            : t instanceof byte[] ? new String((byte[]) t, StandardCharsets.ISO_8859_1) : null;
                    if (t != null && title == null) { // numpy takes any object as a title: refused rather than lost
                        throw new BrineException("numpy.dtype field " + dev.brine.py.PythonRepr.brief(name)
                                + " has the title " + dev.brine.py.PythonRepr.brief(t)
                                + ", which is neither str nor bytes: Brine holds str titles only");
                    }
                    list.add(new DType.Field(fieldName(name), type, offset, title));
                }
                return DType.structured(list, elsize, (flags & NPY_ALIGNED_STRUCT) != 0);
            }
            if (subarray instanceof Tuple && ((Tuple) subarray).size() == 2) {
                Tuple sub = (Tuple) subarray;
                Object shape = sub.get(1);
                long[] dims = shape instanceof Tuple ? dims((Tuple) shape) : new long[] {shapeNumber(shape)};
                return DType.subarray(dtype(sub.get(0)), dims);
            }
            DType base;
            if (typestr.equals("M8") || typestr.equals("m8")) {
                Tuple info = dateTimeInfo(s);
                Object u = info.get(0);
                String symbol = u instanceof byte[] ? new String((byte[]) u, StandardCharsets.US_ASCII) : str(u, "unit");
                DateTimeUnit unit = DateTimeUnit.fromSymbol(symbol);
                if (info.size() == 3) {
                    throw new BrineException("invalid datetime dtype unit " + dev.brine.py.PythonRepr.brief(info)
                            + ": numpy takes (unit, num) or (unit, num, den, events) (\"Use (unit, num) with no event\")");
                }
                long count = positiveInt(info.get(1), info);
                long den = info.size() > 2 ? positiveInt(info.get(2), info) : 1; // the events, 4th, numpy ignores
                if (den != 1) {
                    long[] unitAndCount = divided(unit, count, den);
                    unit = DateTimeUnit.values()[(int) unitAndCount[0]];
                    count = unitAndCount[1];
                }
                if (count > Integer.MAX_VALUE) {
                    throw new BrineException("invalid datetime dtype unit " + dev.brine.py.PythonRepr.brief(info)
                            + ": " + count + " " + unit.symbol() + " units do not fit numpy's int");
                }
                base = typestr.equals("M8") ? DType.datetime64(unit, (int) count) : DType.timedelta64(unit, (int) count);
            } else if ((typestr.startsWith("V") || typestr.startsWith("S") || typestr.startsWith("U")) && elsize > 0) {
                char k = typestr.charAt(0);
                base = k == 'V' ? DType.voidType(elsize) : k == 'S' ? DType.bytes(elsize) : DType.unicode(elsize / 4);
            } else {
                base = DType.parse(typestr);
            }
            // numpy writes native order as '<' or '>' explicitly; '=' (or another character numpy takes as native)
            // only in odd old files
            return order == '|' ? base : base.withByteOrder(order == '=' ? '<' : order);
        } catch (IllegalArgumentException e) {
            throw new BrineException("numpy.dtype('" + typestr + "') with state " + state + " is not valid: " + e.getMessage());
        }
    }

    /**
     * The unit tuple {@code (unit, count[, num, den])} of a datetime64 or timedelta64 state, whose 9th item is
     * {@code (metadata, unit tuple)}. numpy refuses any other 9th item, and crashes (a segmentation fault) on a state
     * without one.
     */
    private static Tuple dateTimeInfo(Tuple s) throws BrineException {
        Object meta = s.size() > 8 ? s.get(8) : null;
        if (s.size() < 9 || !(meta instanceof Tuple) || ((Tuple) meta).size() != 2) {
            throw new BrineException("invalid datetime dtype state: its 9th item must be (metadata, (unit, count, 1, 1)),"
                    + " got " + (s.size() < 9 ? "a state of " + s.size() + " items" : dev.brine.py.PythonRepr.brief(meta)));
        }
        Object info = ((Tuple) meta).get(1);
        if (!(info instanceof Tuple) || ((Tuple) info).size() < 2 || ((Tuple) info).size() > 4) {
            throw new BrineException("invalid datetime dtype unit " + dev.brine.py.PythonRepr.brief(info)
                    + " (numpy takes a tuple of 2 to 4 items: unit, count, 1, 1)");
        }
        return (Tuple) info;
    }

    /** A datetime unit's num or den: an int from 1 to 2^31 - 1 (a bool is one), as numpy requires. */
    private static long positiveInt(Object v, Tuple info) throws BrineException {
        long n = v instanceof Boolean ? ((Boolean) v ? 1 : 0) : v instanceof Long ? (Long) v : 0;
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new BrineException("invalid datetime dtype unit " + dev.brine.py.PythonRepr.brief(info)
                    + ": its num and den must be ints from 1 to 2147483647 (numpy: \"Invalid tuple values for tuple to"
                    + " NumPy datetime metadata conversion\")");
        }
        return n;
    }

    /**
     * {@code count} units divided by {@code den}, as numpy's {@code convert_datetime_divisor_to_multiple} makes them
     * (a state numpy never writes: its den is always 1): the first smaller unit, among the few numpy tries, whose
     * multiple {@code den} divides ({@code D/2} is 12h, {@code M/8} 90h). Returns the unit's ordinal and the count.
     */
    private static long[] divided(DateTimeUnit unit, long count, long den) throws BrineException {
        if (unit == DateTimeUnit.GENERIC) {
            throw new BrineException("can't use a 'den' divisor with generic datetime units");
        }
        DateTimeUnit[] units;
        long[] multiples;
        switch (unit) {
            case YEAR -> {
                units = new DateTimeUnit[] {DateTimeUnit.MONTH, DateTimeUnit.WEEK, DateTimeUnit.DAY};
                multiples = new long[] {12, 52, 365};
            }
            case MONTH -> {
                units = new DateTimeUnit[] {DateTimeUnit.WEEK, DateTimeUnit.DAY, DateTimeUnit.HOUR};
                multiples = new long[] {4, 30, 720};
            }
            case WEEK -> {
                units = new DateTimeUnit[] {DateTimeUnit.DAY, DateTimeUnit.HOUR, DateTimeUnit.MINUTE};
                multiples = new long[] {7, 168, 10080};
            }
            case DAY -> {
                units = new DateTimeUnit[] {DateTimeUnit.HOUR, DateTimeUnit.MINUTE, DateTimeUnit.SECOND};
                multiples = new long[] {24, 1440, 86400};
            }
            case HOUR -> {
                units = new DateTimeUnit[] {DateTimeUnit.MINUTE, DateTimeUnit.SECOND};
                multiples = new long[] {60, 3600};
            }
            case MINUTE -> {
                units = new DateTimeUnit[] {DateTimeUnit.SECOND, DateTimeUnit.MILLISECOND};
                multiples = new long[] {60, 60000};
            }
            default -> { // seconds and below: a thousand of the next, a million of the one after, where they exist
                int next = unit.ordinal() + 1;
                int smaller = Math.max(0, Math.min(2, DateTimeUnit.ATTOSECOND.ordinal() + 1 - next));
                units = new DateTimeUnit[smaller];
                multiples = new long[smaller];
                for (int i = 0; i < smaller; i++) {
                    units[i] = DateTimeUnit.values()[next + i];
                    multiples[i] = i == 0 ? 1000 : 1000000;
                }
            }
        }
        for (int i = 0; i < units.length; i++) {
            if (multiples[i] % den == 0) {
                return new long[] {units[i].ordinal(), count * (multiples[i] / den)};
            }
        }
        throw new BrineException("divisor (" + den + ") is not a multiple of a lower unit in datetime metadata ("
                + unit.symbol() + ")");
    }

    /** A subarray shape given as a number: numpy takes {@code int(shape)} (a bool is 0 or 1, a float is truncated). */
    private static long shapeNumber(Object shape) throws BrineException {
        if (shape instanceof Double) {
            return (long) (double) (Double) shape; // isShape let only finite floats through
        }
        return integer(shape, "subarray shape");
    }

    /**
     * The entry of {@code name} in a pickled fields dict. Python 2 field names read with
     * {@code encoding='bytes'} are {@code byte[]}, which Java maps compare by identity; Python compares
     * bytes by value, so a name that is not the key object itself is looked for by its bytes.
     */
    private static Object field(Map<?, ?> table, Object name) {
        Object entry = table.get(name);
        if (entry == null && name instanceof byte[]) {
            for (Map.Entry<?, ?> e : table.entrySet()) {
                if (e.getKey() instanceof byte[] && java.util.Arrays.equals((byte[]) e.getKey(), (byte[]) name)) {
                    return e.getValue();
                }
            }
        }
        return entry;
    }

    /**
     * A field name: a str, or the bytes of a Python 2 str read with {@code encoding='bytes'}, which numpy
     * decodes as ASCII (and fails on other bytes, as Brine does).
     */
    private static String fieldName(Object name) throws BrineException {
        if (name instanceof byte[]) {
            byte[] b = (byte[]) name;
            for (byte x : b) {
                if (x < 0) {
                    throw new BrineException("numpy.dtype field name " + dev.brine.py.PythonRepr.brief(name)
                            + " is not ASCII: numpy cannot decode a Python 2 field name read with encoding='bytes' either;"
                            + " read with py2Strings(LATIN1)");
                }
            }
            return new String(b, StandardCharsets.US_ASCII);
        }
        return str(name, "field name");
    }

    static long[] dims(Tuple shape) throws BrineException {
        long[] out = new long[shape.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = num(shape.get(i));
            if (out[i] < 0) {
                throw new BrineException("negative dimension in shape " + dev.brine.py.PythonRepr.brief(shape));
            }
        }
        return out;
    }

    private static DType dtype(Object v) throws BrineException {
        DType t = AwaitingBuild.dtypeOf(v); // a field's dtype may come without its BUILD too
        if (t != null) {
            return t;
        }
        throw new BrineException("expected a numpy dtype, got " + dev.brine.py.PythonRepr.brief(v));
    }

    static long num(Object v) throws BrineException {
        if (v instanceof Long) {
            return (Long) v;
        }
        throw new BrineException("expected an int, got " + dev.brine.py.PythonRepr.brief(v));
    }

    private static String str(Object v, String what) throws BrineException {
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof byte[]) {
            return new String((byte[]) v, StandardCharsets.ISO_8859_1);
        }
        throw new BrineException("numpy.dtype " + what + " must be a str, got " + dev.brine.py.PythonRepr.brief(v));
    }
}
