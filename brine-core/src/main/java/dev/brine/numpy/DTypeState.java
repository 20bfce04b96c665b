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
        state = withEightItems(state);
        if (!(state instanceof Tuple) || ((Tuple) state).size() < 8) {
            throw new BrineException("numpy.dtype state must be a tuple of 8 or 9 items, got " + dev.brine.py.PythonRepr.brief(state));
        }
        long elsize = num(((Tuple) state).get(5));
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
     * state's metadata dict (version 4) kept as {@link DType#metadata()}; like numpy, a metadata item
     * that is not a dict is ignored.
     */
    static DType build(String typestr, Object state) throws BrineException {
        state = withEightItems(state);
        DType t = buildType(typestr, state);
        Tuple s = (Tuple) state;
        Object metadata = null;
        if (s.size() > 8 && s.get(0) instanceof Long && (Long) s.get(0) >= 4) {
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
     * numpy's {@code arraydescr_setstate} reads states of 5 to 9 items: numpy before 1.0 wrote {@code (endian,
     * subarray, fields, elsize, alignment)}, later versions put a version first ({@code 6}: no names yet, {@code 7}:
     * no flags yet). Those are read as the 8-item state they mean; the fields of a 5- or 6-item state, which carry
     * their order in a way Brine does not read, are refused by name.
     */
    private static Object withEightItems(Object state) throws BrineException {
        if (!(state instanceof Tuple) || ((Tuple) state).size() < 5 || ((Tuple) state).size() > 7) {
            return state;
        }
        Tuple s = (Tuple) state;
        int n = s.size();
        if (n < 7 && s.get(n - 3) != null) {
            throw new BrineException("a numpy dtype state of " + n + " items (numpy before 1.0) with fields is not read: "
                    + dev.brine.py.PythonRepr.brief(state));
        }
        return n == 5 ? Tuple.of(0L, s.get(0), s.get(1), null, null, s.get(3), s.get(4), 0L)
                : n == 6 ? Tuple.of(s.get(0), s.get(1), s.get(2), null, null, s.get(4), s.get(5), 0L)
                : Tuple.of(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5), s.get(6), 0L);
    }

    private static DType buildType(String typestr, Object state) throws BrineException {
        if (!(state instanceof Tuple) || ((Tuple) state).size() < 8) {
            throw new BrineException("numpy.dtype state must be a tuple of 8 or 9 items, got " + dev.brine.py.PythonRepr.brief(state));
        }
        Tuple s = (Tuple) state;
        String order = str(s.get(1), "byte order");
        Object subarray = s.get(2);
        Object names = s.get(3);
        Object fields = s.get(4);
        int elsize = (int) num(s.get(5));
        int flags = (int) num(s.get(7));
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
                    list.add(new DType.Field(fieldName(name), type, offset, title));
                }
                return DType.structured(list, elsize, (flags & NPY_ALIGNED_STRUCT) != 0);
            }
            if (subarray instanceof Tuple && ((Tuple) subarray).size() == 2) {
                Tuple sub = (Tuple) subarray;
                Object shape = sub.get(1);
                long[] dims = shape instanceof Tuple ? dims((Tuple) shape) : new long[] {num(shape)};
                return DType.subarray(dtype(sub.get(0)), dims);
            }
            DType base;
            if (typestr.equals("M8") || typestr.equals("m8")) {
                DateTimeUnit unit = DateTimeUnit.GENERIC;
                int count = 1;
                if (s.size() > 8 && s.get(8) instanceof Tuple) {
                    Tuple meta = (Tuple) s.get(8);
                    Object info = meta.size() == 2 ? meta.get(1) : meta;
                    if (info instanceof Tuple && ((Tuple) info).size() >= 2) {
                        Object u = ((Tuple) info).get(0);
                        String symbol = u instanceof byte[] ? new String((byte[]) u, StandardCharsets.US_ASCII) : str(u, "unit");
                        unit = DateTimeUnit.fromSymbol(symbol);
                        count = (int) num(((Tuple) info).get(1));
                    }
                }
                base = typestr.equals("M8") ? DType.datetime64(unit, count) : DType.timedelta64(unit, count);
            } else if ((typestr.startsWith("V") || typestr.startsWith("S") || typestr.startsWith("U")) && elsize > 0) {
                char k = typestr.charAt(0);
                base = k == 'V' ? DType.voidType(elsize) : k == 'S' ? DType.bytes(elsize) : DType.unicode(elsize / 4);
            } else {
                base = DType.parse(typestr);
            }
            char bo = order.isEmpty() ? '|' : order.charAt(0);
            if (bo == '=') {
                bo = '<'; // numpy writes native order as '<' or '>' explicitly; '=' only in odd old files
            }
            return bo == '|' ? base : base.withByteOrder(bo);
        } catch (IllegalArgumentException e) {
            throw new BrineException("numpy.dtype('" + typestr + "') with state " + state + " is not valid: " + e.getMessage());
        }
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
