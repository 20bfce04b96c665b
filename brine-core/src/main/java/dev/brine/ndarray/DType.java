package dev.brine.ndarray;

import dev.brine.py.Tuple;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A numpy data type: what one element of an array is and how its bytes are laid out. Immutable.
 *
 * <p>Covers numpy's bool, signed and unsigned integers, float16/32/64 and long double, complex,
 * fixed-size bytes ({@code S<n>}), unicode ({@code U<n>}, UTF-32), raw void ({@code V<n>}),
 * datetime64/timedelta64 with units, subarrays (nested as numpy nests them) and structured (record) types with named,
 * possibly nested and padded fields; plus {@link Kind#BFLOAT16}, the 8-bit floats
 * ({@link Kind#FLOAT8_E4M3FN} and its kin) and {@link #COMPLEX32}, which numpy has no descr for
 * (torch and safetensors use them; see {@link #isBrineOnly()}). The byte order is kept exactly as numpy keeps it: {@code '<'}, {@code '>'}, or
 * {@code '|'} where it does not apply.
 *
 * <p>{@link #descr()} and {@link #str()} give what {@code numpy.lib.format.dtype_to_descr} and
 * {@code dtype.str} give; {@link #fromDescr(Object)} parses any descr numpy writes (it is parsed,
 * never evaluated). The {@code state*} accessors expose what {@code dtype.__reduce__()} puts in a
 * pickle.
 *
 * <p>Equality is numpy's: same kind, byte order, size, unit and fields (name, title, type,
 * offset); whether a structured type was built with {@code align=True}, is a
 * {@code numpy.record} type, or has {@linkplain #metadata() metadata}, does not count.
 */
public final class DType {

    /** What kind of value an element holds. */
    public enum Kind {
        /** {@code bool}, one byte. */
        BOOL('b'),
        /** Signed integers of 1, 2, 4 or 8 bytes. */
        INT('i'),
        /** Unsigned integers of 1, 2, 4 or 8 bytes. */
        UINT('u'),
        /** IEEE floats of 2, 4 or 8 bytes, or an x87 long double in 16 (or 12) bytes. */
        FLOAT('f'),
        /** Two floats: 8, 16 or 32 bytes, or two float16 in 4 (torch's complex32, which numpy lacks). */
        COMPLEX('c'),
        /** Brain float: the top half of a float32. Brine-only; numpy has no descr for it. */
        BFLOAT16('f'),
        /** 8-bit float, 4 exponent bits (bias 7), 3 mantissa bits, no infinities, largest 448: torch's {@code float8_e4m3fn}. Brine-only. */
        FLOAT8_E4M3FN('f'),
        /** 8-bit float, 5 exponent bits (bias 15), 2 mantissa bits, IEEE infinities and NaNs: torch's {@code float8_e5m2}. Brine-only. */
        FLOAT8_E5M2('f'),
        /** 8-bit float like e4m3fn with bias 8, no negative zero, NaN only {@code 0x80}: torch's {@code float8_e4m3fnuz}. Brine-only. */
        FLOAT8_E4M3FNUZ('f'),
        /** 8-bit float like e5m2 with bias 16, no negative zero or infinities, NaN only {@code 0x80}: torch's {@code float8_e5m2fnuz}. Brine-only. */
        FLOAT8_E5M2FNUZ('f'),
        /** 8-bit unsigned power of two {@code 2^(bits-127)}, NaN {@code 0xFF} (a block scale): torch's {@code float8_e8m0fnu}. Brine-only. */
        FLOAT8_E8M0FNU('f'),
        /** Fixed-size bytes, {@code S<n>}, NUL-padded. */
        BYTES('S'),
        /** Fixed-size UTF-32 text, {@code U<n>}, NUL-padded. */
        UNICODE('U'),
        /** Raw bytes without structure, {@code V<n>}. */
        VOID('V'),
        /** A record of named fields. */
        STRUCTURED('V'),
        /**
         * A fixed-shape block of a base type, which may itself be a subarray type: a field's type, or a
         * dtype of its own (arrays expand it into their shape, as numpy does).
         */
        SUBARRAY('V'),
        /** {@code datetime64}: a signed 64-bit count of units since 1970-01-01. */
        DATETIME('M'),
        /** {@code timedelta64}: a signed 64-bit count of units. */
        TIMEDELTA('m'),
        /** Python objects: arrays of them need pickle and are never read from NPY data. */
        OBJECT('O');

        private final char numpyKind;

        Kind(char numpyKind) {
            this.numpyKind = numpyKind;
        }

        /** numpy's {@code dtype.kind} letter. */
        public char numpyKind() {
            return numpyKind;
        }

        /** Whether elements are real floating-point numbers: numpy's floats, bfloat16 and the 8-bit floats. */
        public boolean isFloat() {
            return this == FLOAT || this == BFLOAT16 || Float8Format.of(this) != null;
        }
    }

    /**
     * One field of a structured type.
     *
     * @param name the field's name (may be empty, as numpy allows)
     * @param type the field's type
     * @param offset the field's byte offset inside the record
     * @param title numpy's optional title (an alias), or {@code null}
     */
    public record Field(String name, DType type, int offset, String title) {
        /** Validates the field. */
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (offset < 0) {
                throw new IllegalArgumentException("negative field offset " + offset + " for field '" + name + "'");
            }
        }

        /** A field without a title. */
        public Field(String name, DType type, int offset) {
            this(name, type, offset, null);
        }

        /** Seeded per JVM, as a {@link Tuple}'s: see {@link DType#hashCode}. */
        @Override
        public int hashCode() {
            return Tuple.of(name, type, offset, title).hashCode();
        }
    }

    /** Little-endian constants for numpy's plain types. */
    public static final DType BOOL = scalar(Kind.BOOL, '|', 1);
    /** {@code int8}. */
    public static final DType INT8 = scalar(Kind.INT, '|', 1);
    /** {@code <i2}. */
    public static final DType INT16 = scalar(Kind.INT, '<', 2);
    /** {@code <i4}. */
    public static final DType INT32 = scalar(Kind.INT, '<', 4);
    /** {@code <i8}. */
    public static final DType INT64 = scalar(Kind.INT, '<', 8);
    /** {@code uint8}. */
    public static final DType UINT8 = scalar(Kind.UINT, '|', 1);
    /** {@code <u2}. */
    public static final DType UINT16 = scalar(Kind.UINT, '<', 2);
    /** {@code <u4}. */
    public static final DType UINT32 = scalar(Kind.UINT, '<', 4);
    /** {@code <u8}. */
    public static final DType UINT64 = scalar(Kind.UINT, '<', 8);
    /** {@code <f2}. */
    public static final DType FLOAT16 = scalar(Kind.FLOAT, '<', 2);
    /** {@code <f4}. */
    public static final DType FLOAT32 = scalar(Kind.FLOAT, '<', 4);
    /** {@code <f8}. */
    public static final DType FLOAT64 = scalar(Kind.FLOAT, '<', 8);
    /** {@code <c8}. */
    public static final DType COMPLEX64 = scalar(Kind.COMPLEX, '<', 8);
    /** {@code <c16}. */
    public static final DType COMPLEX128 = scalar(Kind.COMPLEX, '<', 16);
    /** Two little-endian float16: torch's {@code complex32} (Brine-only; numpy has no {@code c4}). */
    public static final DType COMPLEX32 = scalar(Kind.COMPLEX, '<', 4);
    /** Little-endian bfloat16 (Brine-only; no numpy descr). */
    public static final DType BFLOAT16 = scalar(Kind.BFLOAT16, '<', 2);
    /** torch's {@code float8_e4m3fn}, safetensors' {@code F8_E4M3} (Brine-only; no numpy descr). */
    public static final DType FLOAT8_E4M3FN = scalar(Kind.FLOAT8_E4M3FN, '|', 1);
    /** torch's {@code float8_e5m2}, safetensors' {@code F8_E5M2} (Brine-only). */
    public static final DType FLOAT8_E5M2 = scalar(Kind.FLOAT8_E5M2, '|', 1);
    /** torch's {@code float8_e4m3fnuz}, safetensors' {@code F8_E4M3FNUZ} (Brine-only). */
    public static final DType FLOAT8_E4M3FNUZ = scalar(Kind.FLOAT8_E4M3FNUZ, '|', 1);
    /** torch's {@code float8_e5m2fnuz}, safetensors' {@code F8_E5M2FNUZ} (Brine-only). */
    public static final DType FLOAT8_E5M2FNUZ = scalar(Kind.FLOAT8_E5M2FNUZ, '|', 1);
    /** torch's {@code float8_e8m0fnu}, safetensors' {@code F8_E8M0} (Brine-only). */
    public static final DType FLOAT8_E8M0FNU = scalar(Kind.FLOAT8_E8M0FNU, '|', 1);
    /** numpy's object dtype {@code |O}; only for describing pickled dtypes, never for array data. */
    public static final DType OBJECT = scalar(Kind.OBJECT, '|', 8);

    /** A new object dtype equal to {@link #OBJECT}: what each {@code numpy.dtype('O8', False, True)} in a pickle makes. */
    static DType newObjectType() {
        return scalar(Kind.OBJECT, '|', 8);
    }

    // numpy flag bits (ndarraytypes.h) that the pickled state carries
    private static final int NPY_NEEDS_INIT = 0x08;
    private static final int NPY_NEEDS_PYAPI = 0x10;
    private static final int NPY_ALIGNED_STRUCT = 0x80;
    private static final int NPY_FROM_FIELDS = 0x01 | 0x02 | NPY_NEEDS_INIT | NPY_NEEDS_PYAPI;
    private static final int NPY_OBJECT_FLAGS = 63;

    private final Kind kind;
    private final char byteOrder;
    private final int itemsize;
    private final int alignment;
    private final DateTimeUnit unit;
    private final int unitCount;
    private final List<Field> fields;
    private final boolean alignedStruct;
    private final DType base;
    private final long[] subShape;
    /** numpy's scalar type is {@code numpy.record} (np.rec arrays): only pickles spell it differently. */
    private final boolean record;
    /** numpy's {@code dtype.metadata}: the dict as read or given (not copied), or null. */
    private final Map<?, ?> metadata;
    private int hash; // cached hashCode; 0 = not yet (as in String)

    private DType(Kind kind, char byteOrder, int itemsize, int alignment, DateTimeUnit unit, int unitCount,
            List<Field> fields, boolean alignedStruct, DType base, long[] subShape) {
        this(kind, byteOrder, itemsize, alignment, unit, unitCount, fields, alignedStruct, base, subShape, false);
    }

    private DType(Kind kind, char byteOrder, int itemsize, int alignment, DateTimeUnit unit, int unitCount,
            List<Field> fields, boolean alignedStruct, DType base, long[] subShape, boolean record) {
        this(kind, byteOrder, itemsize, alignment, unit, unitCount, fields, alignedStruct, base, subShape, record, null);
    }

    private DType(Kind kind, char byteOrder, int itemsize, int alignment, DateTimeUnit unit, int unitCount,
            List<Field> fields, boolean alignedStruct, DType base, long[] subShape, boolean record, Map<?, ?> metadata) {
        this.kind = kind;
        this.byteOrder = byteOrder;
        this.itemsize = itemsize;
        this.alignment = alignment;
        this.unit = unit;
        this.unitCount = unitCount;
        this.fields = fields;
        this.alignedStruct = alignedStruct;
        this.base = base;
        this.subShape = subShape;
        this.record = record;
        this.metadata = metadata;
    }

    private static DType scalar(Kind kind, char order, int itemsize) {
        int align;
        switch (kind) {
            case COMPLEX:
                align = itemsize / 2;
                break;
            case BYTES:
            case VOID:
                align = 1;
                break;
            case UNICODE:
                align = 4;
                break;
            default:
                align = itemsize;
        }
        if (itemsize == 12 && kind == Kind.FLOAT) {
            align = 4; // 32-bit x86 long double
        }
        return new DType(kind, order, itemsize, Math.max(align, 1), null, 0, null, false, null, null);
    }

    // ---------------------------------------------------------------- factories

    /**
     * A plain numeric or bool type of the given kind and size in little-endian order; 1-byte types
     * get {@code '|'}.
     *
     * @throws IllegalArgumentException when numpy has no such type
     */
    public static DType numeric(Kind kind, int itemsize) {
        boolean ok;
        switch (kind) {
            case BOOL:
                ok = itemsize == 1;
                break;
            case INT:
            case UINT:
                ok = itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8;
                break;
            case FLOAT:
                ok = itemsize == 2 || itemsize == 4 || itemsize == 8 || itemsize == 12 || itemsize == 16;
                break;
            case COMPLEX:
                ok = itemsize == 4 || itemsize == 8 || itemsize == 16 || itemsize == 24 || itemsize == 32;
                break;
            case BFLOAT16:
                ok = itemsize == 2;
                break;
            default:
                ok = Float8Format.of(kind) != null && itemsize == 1;
        }
        if (!ok) {
            throw new IllegalArgumentException("no numeric type " + kind + " of " + itemsize + " bytes");
        }
        return scalar(kind, itemsize == 1 ? '|' : '<', itemsize);
    }

    /** {@code S<n>}: fixed-size bytes. */
    public static DType bytes(int n) {
        requireSize(n);
        return scalar(Kind.BYTES, '|', n);
    }

    /** {@code <U<n>}: {@code n} UTF-32 code points, little-endian. */
    public static DType unicode(int n) {
        requireSize(n);
        if (n > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("U" + n + " is too large");
        }
        return scalar(Kind.UNICODE, '<', n * 4);
    }

    /** {@code V<n>}: raw bytes. */
    public static DType voidType(int n) {
        requireSize(n);
        return scalar(Kind.VOID, '|', n);
    }

    /** {@code <M8[unit]} with {@code count} units per step ({@code M8[2D]}), little-endian. */
    public static DType datetime64(DateTimeUnit unit, int count) {
        return time(Kind.DATETIME, '<', unit, count);
    }

    /** {@code <m8[unit]} with {@code count} units per step, little-endian. */
    public static DType timedelta64(DateTimeUnit unit, int count) {
        return time(Kind.TIMEDELTA, '<', unit, count);
    }

    static DType time(Kind kind, char order, DateTimeUnit unit, int count) {
        Objects.requireNonNull(unit, "unit");
        if (count <= 0) {
            throw new IllegalArgumentException("datetime unit count must be positive: " + count);
        }
        if (unit == DateTimeUnit.GENERIC) {
            count = 1;
        }
        return new DType(kind, order, 8, 8, unit, count, null, false, null, null);
    }

    /**
     * A subarray type: a block of {@code shape} elements of {@code base}, as numpy's
     * {@code dtype((base, shape))}. An empty shape gives {@code base} itself, as in numpy.
     *
     * <p>A subarray of a subarray stays nested, as in numpy 2: {@code subarray(subarray(INT32, 2), 3)}
     * is numpy's {@code dtype((('<i4', (2,)), (3,)))}, whose {@link #subarrayBase()} is
     * {@code ('<i4', (2,))} and {@link #subarrayShape()} {@code (3,)}; it differs from (and is not
     * equal to) the flat {@code ('<i4', (3, 2))}, though its elements are the same bytes. Arrays
     * expand every level, as numpy's do (see {@link NDArray#wrap}).
     *
     * @throws IllegalArgumentException if a dimension is negative, all levels together have more than
     *     {@link NDArray#MAX_DIMS} dimensions, or the type would exceed {@code Integer.MAX_VALUE} bytes
     */
    public static DType subarray(DType base, long... shape) {
        Objects.requireNonNull(base, "base");
        if (shape.length == 0) {
            return base;
        }
        // the limits apply to what an array of this type expands to: every level's dimensions together
        if ((long) shape.length + base.elementShape().length > NDArray.MAX_DIMS) {
            throw new IllegalArgumentException("subarray has more than " + NDArray.MAX_DIMS + " dimensions");
        }
        long size = base.itemsize;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative subarray dimension " + d);
            }
            size = Math.multiplyExact(size, d);
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("subarray of " + size + " bytes is too large");
        }
        return new DType(Kind.SUBARRAY, '|', (int) size, base.alignment, null, 0, null, false, base, shape.clone());
    }

    /**
     * A structured type with explicit offsets and itemsize, like numpy's
     * {@code dtype({'names': ..., 'formats': ..., 'offsets': ..., 'itemsize': ...})}.
     *
     * @throws IllegalArgumentException if a name or title repeats or a field lies outside the itemsize
     */
    public static DType structured(List<Field> fields, int itemsize) {
        return structured(fields, itemsize, false);
    }

    /**
     * Like {@link #structured(List, int)}, marking it as built with {@code align=True} (which
     * makes its alignment that of its most-aligned field, and sets numpy's aligned flag).
     */
    public static DType structured(List<Field> fields, int itemsize, boolean aligned) {
        List<Field> copy = List.copyOf(fields);
        if (itemsize < 0) {
            throw new IllegalArgumentException("negative itemsize " + itemsize);
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        int maxAlign = 1;
        for (Field f : copy) {
            if (!seen.add(f.name()) || (f.title() != null && !seen.add(f.title()))) {
                throw new IllegalArgumentException("field name or title '" + f.name() + "' is used twice");
            }
            if ((long) f.offset() + f.type().itemsize > itemsize) {
                throw new IllegalArgumentException("field '" + f.name() + "' at offset " + f.offset()
                        + " with " + f.type().itemsize + " bytes lies outside the itemsize " + itemsize);
            }
            maxAlign = Math.max(maxAlign, f.type().alignment);
        }
        return new DType(Kind.STRUCTURED, '|', itemsize, aligned ? maxAlign : 1, null, 0,
                Collections.unmodifiableList(copy), aligned, null, null);
    }

    /** A builder that lays out fields one after another, packed or aligned as numpy does. */
    public static StructBuilder struct() {
        return new StructBuilder();
    }

    /** Lays fields out in order, as numpy's list form {@code dtype([('a', 'i4'), ...], align=...)}. */
    public static final class StructBuilder {
        private final List<String> names = new ArrayList<>();
        private final List<DType> types = new ArrayList<>();
        private boolean aligned;

        private StructBuilder() {
        }

        /** Adds a field after the previous one. */
        public StructBuilder add(String name, DType type) {
            names.add(Objects.requireNonNull(name, "name"));
            types.add(Objects.requireNonNull(type, "type"));
            return this;
        }

        /** Adds a subarray field of {@code shape} elements of {@code type}. */
        public StructBuilder add(String name, DType type, long... shape) {
            return add(name, subarray(type, shape));
        }

        /** Whether to align each field to its type's alignment, as numpy's {@code align=True}. */
        public StructBuilder aligned(boolean aligned) {
            this.aligned = aligned;
            return this;
        }

        /** The structured type. */
        public DType build() {
            List<Field> fields = new ArrayList<>();
            long offset = 0;
            int maxAlign = 1;
            for (int i = 0; i < names.size(); i++) {
                DType t = types.get(i);
                if (aligned) {
                    offset = roundUp(offset, t.alignment);
                    maxAlign = Math.max(maxAlign, t.alignment);
                }
                fields.add(new Field(names.get(i), t, Math.toIntExact(offset)));
                offset += t.itemsize;
            }
            if (aligned) {
                offset = roundUp(offset, maxAlign);
            }
            return structured(fields, Math.toIntExact(offset), aligned);
        }

        private static long roundUp(long v, int align) {
            return (v + align - 1) / align * align;
        }
    }

    /**
     * Parses a numpy type string or name: {@code '<f8'}, {@code 'f8'}, {@code 'float64'},
     * {@code 'd'}, {@code '|S5'}, {@code '<U3'}, {@code 'M8[ns]'}, {@code 'bool'}, and Brine's
     * {@code 'bfloat16'}, {@code 'float8_e4m3fn'}, {@code 'float8_e5m2'}, {@code 'float8_e4m3fnuz'},
     * {@code 'float8_e5m2fnuz'} and {@code 'float8_e8m0fnu'}. Native order ({@code '='}) means this machine's.
     *
     * @throws IllegalArgumentException when the text is not a type numpy knows
     */
    public static DType parse(String typestr) {
        return TypeStrings.parse(typestr);
    }

    /**
     * Builds a type from a numpy descr as {@code np.save} writes it and
     * {@code numpy.lib.format.descr_to_dtype} reads it: a type string, a list of
     * {@code (name, descr)} / {@code (name, descr, shape)} items (lists as {@link List}, tuples as
     * {@link dev.brine.py.Tuple}, {@link List} or {@code Object[]}; names may be
     * {@code (title, name)}), or a {@code (descr, shape)} tuple. Padding items {@code ('', '|V4')}
     * become gaps, as in numpy. A builtin type in native or no byte order ({@code '<f4'}, {@code '|i1'})
     * is the one shared constant ({@link #FLOAT32}, {@link #INT8}), as {@code np.dtype('<f4')} is numpy's
     * one float32: a pickle then writes it once and refers to it after that, as numpy's does.
     *
     * @throws dev.brine.BrineException when the descr is not one numpy accepts
     */
    public static DType fromDescr(Object descr) throws dev.brine.BrineException {
        return Descrs.toDType(descr, 0);
    }

    private static void requireSize(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size " + n);
        }
    }

    // ---------------------------------------------------------------- properties

    /** What an element is. */
    public Kind kind() {
        return kind;
    }

    /** numpy's {@code dtype.kind} letter ({@code 'f'}, {@code 'V'} for structured, ...). */
    public char numpyKind() {
        return kind.numpyKind();
    }

    /** The byte-order character: {@code '<'}, {@code '>'} or {@code '|'} (not applicable). */
    public char byteOrderChar() {
        return byteOrder;
    }

    /** The order to read multi-byte values in ({@code '|'} reads as little-endian: it does not matter). */
    public ByteOrder byteOrder() {
        return byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** Bytes per element ({@code dtype.itemsize}). */
    public int itemsize() {
        return itemsize;
    }

    /** numpy's {@code dtype.alignment}. */
    public int alignment() {
        return alignment;
    }

    /**
     * Whether this structured type was built with {@code align=True} ({@code dtype.isalignedstruct});
     * a subarray type answers for its base, as numpy's copies the base's flags.
     */
    public boolean isAlignedStruct() {
        return kind == Kind.SUBARRAY ? base.isAlignedStruct() : alignedStruct;
    }

    /**
     * Whether numpy's scalar type for this type is {@code numpy.record} rather than {@code numpy.void},
     * as for {@code dtype((np.record, [...]))} and the arrays {@code np.rec} makes. numpy compares such
     * a type equal to the plain one and saves the same NPY descr; only its pickle (which names
     * {@code numpy.record}) and its repr differ, so {@link #equals} ignores it too.
     */
    public boolean isRecord() {
        return record;
    }

    /**
     * This structured or void type with {@code numpy.record} as its scalar type, as
     * {@code np.dtype((np.record, this))}.
     *
     * @throws IllegalArgumentException for other kinds (numpy turns those into plain void)
     */
    public DType asRecord() {
        if (kind != Kind.STRUCTURED && kind != Kind.VOID) {
            throw new IllegalArgumentException("only structured and void types can be numpy.record types, not " + this);
        }
        return record ? this : new DType(kind, byteOrder, itemsize, alignment, unit, unitCount, fields, alignedStruct,
                base, subShape, true, metadata);
    }

    /**
     * numpy's {@code dtype.metadata}: the dict given as {@code np.dtype(..., metadata={...})} or read from a
     * pickle (shared, not copied: a pickle that refers to it again keeps referring to it), or {@code null}.
     * numpy's {@code ==} ignores it, and so do {@link #equals} and {@link #hashCode}; numpy's repr does not
     * show it, nor do {@code .npy} headers hold it. A pickle carries it in the state's version 4. The
     * map is the one read or given, shared by every type made from this one: treat it as read-only,
     * as numpy does (its {@code metadata} is a read-only mappingproxy).
     */
    public Map<?, ?> metadata() {
        return metadata;
    }

    /**
     * numpy's one object of a type equal to this one, where numpy keeps one ({@code np.dtype('<f4') is np.dtype('f4')}):
     * the shared {@link #FLOAT32}, {@link #BOOL}, ... for a bool, integer, float, complex or object type in native byte
     * order (or none) without metadata; this type itself for any other (the other byte order, a sized string or void,
     * a datetime, a structured or record type). A pickle writes one dtype object once and refers to it after that, so
     * a value that holds numpy's one dtype (a scalar's, an array's swapped on load) must hold this one.
     */
    public DType shared() {
        return BuiltinDTypes.shared(this);
    }

    /**
     * This type with {@code metadata} as its {@code dtype.metadata} ({@code null}: none), as
     * {@code np.dtype(this, metadata=metadata)}; the map is kept, not copied.
     */
    public DType withMetadata(Map<?, ?> metadata) {
        if (metadata == this.metadata) {
            return this;
        }
        return new DType(kind, byteOrder, itemsize, alignment, unit, unitCount, fields, alignedStruct, base, subShape,
                record, metadata);
    }

    /** Whether this is a structured (record) type. */
    public boolean isStructured() {
        return kind == Kind.STRUCTURED;
    }

    /** The fields of a structured type in order, or an empty list. */
    public List<Field> fields() {
        return fields == null ? List.of() : fields;
    }

    /** The field names in order ({@code dtype.names}), or an empty list. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (Field f : fields()) {
            out.add(f.name());
        }
        return out;
    }

    /** The field called {@code name} (or titled so), or {@code null}. */
    public Field field(String name) {
        for (Field f : fields()) {
            if (f.name().equals(name) || name.equals(f.title())) {
                return f;
            }
        }
        return null;
    }

    /**
     * The base type of a subarray type ({@code dtype.base}, {@code dtype.subdtype[0]}), or {@code null}.
     * It is itself a subarray type when subarrays nest: {@code ('<i4', (2,))} for numpy's
     * {@code dtype((('<i4', (2,)), (3,)))}.
     */
    public DType subarrayBase() {
        return base;
    }

    /**
     * The shape of a subarray type ({@code dtype.shape}), or an empty array: this level's only, so
     * {@code (3,)} for numpy's {@code dtype((('<i4', (2,)), (3,)))}.
     */
    public long[] subarrayShape() {
        return subShape == null ? new long[0] : subShape.clone();
    }

    /**
     * What an array of this type holds per element after numpy expands every subarray level: the
     * innermost base that is not a subarray (this type itself if it is not one).
     */
    DType elementBase() {
        DType t = this;
        while (t.kind == Kind.SUBARRAY) {
            t = t.base;
        }
        return t;
    }

    /**
     * The dimensions every subarray level adds to an array's shape, outermost first, as numpy
     * appends them: {@code (3, 2)} for {@code dtype((('<i4', (2,)), (3,)))}; empty if this is not a
     * subarray type.
     */
    long[] elementShape() {
        if (kind != Kind.SUBARRAY) {
            return new long[0];
        }
        long[] inner = base.elementShape();
        long[] out = Arrays.copyOf(subShape, subShape.length + inner.length);
        System.arraycopy(inner, 0, out, subShape.length, inner.length);
        return out;
    }

    /** The unit of a datetime64/timedelta64 type, or {@code null}. */
    public DateTimeUnit unit() {
        return unit;
    }

    /** Units per step of a datetime64/timedelta64 type (the 2 of {@code M8[2D]}), or 0. */
    public int unitCount() {
        return unitCount;
    }

    /** Whether elements are plain numbers (bool, integers, floats, bfloat16, 8-bit floats, complex). */
    public boolean isNumeric() {
        switch (kind) {
            case BOOL:
            case INT:
            case UINT:
            case COMPLEX:
                return true;
            default:
                return kind.isFloat();
        }
    }

    /**
     * Whether numpy has no dtype for this type: bfloat16, the 8-bit floats and complex32, which torch
     * and safetensors hold but NPY files and numpy pickles cannot; {@link #exactNumpyType()} can.
     */
    public boolean isBrineOnly() {
        return kind == Kind.BFLOAT16 || Float8Format.of(kind) != null || (kind == Kind.COMPLEX && itemsize == 4);
    }

    /**
     * The numpy type that holds every value of this Brine-only type exactly, to convert to before
     * writing NPY or a numpy pickle: float32 for bfloat16 and the 8-bit floats, complex64 for
     * complex32; for other types, the type itself.
     */
    public DType exactNumpyType() {
        if (!isBrineOnly()) {
            return this;
        }
        return kind == Kind.COMPLEX ? COMPLEX64 : FLOAT32;
    }

    /**
     * Whether numpy can describe this type in an NPY header (not a {@linkplain #isBrineOnly()
     * Brine-only type}, no objects anywhere inside).
     */
    public boolean hasNumpyDescr() {
        if (isBrineOnly()) {
            return false;
        }
        switch (kind) {
            case OBJECT:
                return false;
            case SUBARRAY:
                return base.hasNumpyDescr();
            case STRUCTURED:
                for (Field f : fields) {
                    if (!f.type().hasNumpyDescr()) {
                        return false;
                    }
                }
                return true;
            default:
                return true;
        }
    }

    /** Whether an object type occurs anywhere in this type. */
    public boolean hasObject() {
        switch (kind) {
            case OBJECT:
                return true;
            case SUBARRAY:
                return base.hasObject();
            case STRUCTURED:
                for (Field f : fields) {
                    if (f.type().hasObject()) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    /**
     * The same type in byte order {@code order} ({@code '<'}, {@code '>'}, {@code '='} for native);
     * structured and subarray types change their fields, as numpy's {@code newbyteorder} does.
     * Types whose order does not apply keep {@code '|'}.
     */
    public DType withByteOrder(char order) {
        DType t = withByteOrderOnly(order);
        return metadata == null || t == this ? t : t.withMetadata(metadata);
    }

    private DType withByteOrderOnly(char order) {
        char o = normalizeOrder(order);
        switch (kind) {
            case STRUCTURED: {
                List<Field> out = new ArrayList<>();
                for (Field f : fields) {
                    out.add(new Field(f.name(), f.type().withByteOrder(o), f.offset(), f.title()));
                }
                return new DType(kind, '|', itemsize, alignment, null, 0, Collections.unmodifiableList(out),
                        alignedStruct, null, null, record);
            }
            case SUBARRAY:
                return new DType(kind, '|', itemsize, alignment, null, 0, null, false, base.withByteOrder(o), subShape);
            default:
                if (byteOrder == '|' || o == '|') {
                    return this;
                }
                return new DType(kind, o, itemsize, alignment, unit, unitCount, null, false, null, null);
        }
    }

    static char normalizeOrder(char order) {
        switch (order) {
            case '<':
            case '>':
            case '|':
                return order;
            case '=':
                return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? '>' : '<';
            case '!':
                return '>';
            default:
                throw new IllegalArgumentException("not a byte order: '" + order + "'");
        }
    }

    // ---------------------------------------------------------------- numpy spellings

    /**
     * numpy's {@code dtype.str}: {@code '<f8'}, {@code '|S5'}, {@code '<U3'}, {@code '<M8[ns]'},
     * {@code '|V12'} for structured and subarray types, {@code '|O'}. For the types numpy lacks,
     * Brine's own {@code '<bfloat16'}, {@code '|float8_e4m3fn'}, {@code '<complex32'}, ...
     */
    public String str() {
        if (isBrineOnly()) {
            return byteOrder + name();
        }
        switch (kind) {
            case UNICODE:
                return byteOrder + "U" + (itemsize / 4);
            case OBJECT:
                return "|O";
            case DATETIME:
            case TIMEDELTA:
                return byteOrder + String.valueOf(kind.numpyKind()) + "8" + unitSuffix();
            case STRUCTURED:
            case SUBARRAY:
            case VOID:
                return "|V" + itemsize;
            default:
                return byteOrder + String.valueOf(kind.numpyKind()) + itemsize;
        }
    }

    private String unitSuffix() {
        if (unit == DateTimeUnit.GENERIC) {
            return "";
        }
        return "[" + (unitCount == 1 ? "" : Integer.toString(unitCount)) + unit.symbol() + "]";
    }

    /**
     * numpy's {@code dtype.name}: {@code 'float64'}, {@code 'int8'}, {@code 'bool'},
     * {@code 'bytes40'} for {@code S5}, {@code 'str96'} for {@code U3}, {@code 'void96'},
     * {@code 'datetime64[ns]'}, {@code 'object'}, and {@code 'bfloat16'}, {@code 'float8_e4m3fn'},
     * {@code 'float8_e5m2'}, {@code 'float8_e4m3fnuz'}, {@code 'float8_e5m2fnuz'},
     * {@code 'float8_e8m0fnu'} (the names torch and ml_dtypes give them).
     */
    public String name() {
        switch (kind) {
            case BOOL:
                return "bool";
            case INT:
                return "int" + (itemsize * 8);
            case UINT:
                return "uint" + (itemsize * 8);
            case FLOAT:
                return "float" + (itemsize * 8);
            case COMPLEX:
                return "complex" + (itemsize * 8);
            case BFLOAT16:
                return "bfloat16";
            case FLOAT8_E4M3FN:
                return "float8_e4m3fn";
            case FLOAT8_E5M2:
                return "float8_e5m2";
            case FLOAT8_E4M3FNUZ:
                return "float8_e4m3fnuz";
            case FLOAT8_E5M2FNUZ:
                return "float8_e5m2fnuz";
            case FLOAT8_E8M0FNU:
                return "float8_e8m0fnu";
            case BYTES:
                return "bytes" + bits();
            case UNICODE:
                return "str" + bits();
            case DATETIME:
                return "datetime64" + unitSuffix();
            case TIMEDELTA:
                return "timedelta64" + unitSuffix();
            case OBJECT:
                return "object";
            default:
                return "void" + bits();
        }
    }

    /** numpy's sized names count bits, and drop the count for flexible types of size 0. */
    private String bits() {
        return itemsize == 0 ? "" : Long.toString(itemsize * 8L);
    }

    /**
     * numpy's {@code dtype.char}: {@code '?'}, {@code 'b'}, {@code 'B'}, {@code 'h'}, {@code 'i'},
     * {@code 'l'}, {@code 'e'}, {@code 'f'}, {@code 'd'}, {@code 'g'}, {@code 'F'}, {@code 'D'},
     * {@code 'S'}, {@code 'U'}, {@code 'V'}, {@code 'M'}, {@code 'm'}, {@code 'O'} (as on 64-bit
     * Linux); the types numpy lacks get the letters ml_dtypes gives them: {@code 'E'} for bfloat16,
     * {@code '4'}, {@code '5'}, {@code 'G'}, {@code 'C'} and {@code 'W'} for float8 e4m3fn, e5m2,
     * e4m3fnuz, e5m2fnuz and e8m0fnu; complex32, which has a letter nowhere, gets {@code 'V'}.
     */
    public char charCode() {
        switch (kind) {
            case BOOL:
                return '?';
            case INT:
                return "bhil".charAt(log2(itemsize));
            case UINT:
                return "BHIL".charAt(log2(itemsize));
            case FLOAT:
                return itemsize == 2 ? 'e' : itemsize == 4 ? 'f' : itemsize == 8 ? 'd' : 'g';
            case COMPLEX:
                return itemsize == 4 ? 'V' : itemsize == 8 ? 'F' : itemsize == 16 ? 'D' : 'G';
            case BFLOAT16:
                return 'E';
            case FLOAT8_E4M3FN:
                return '4';
            case FLOAT8_E5M2:
                return '5';
            case FLOAT8_E4M3FNUZ:
                return 'G';
            case FLOAT8_E5M2FNUZ:
                return 'C';
            case FLOAT8_E8M0FNU:
                return 'W';
            case BYTES:
                return 'S';
            case UNICODE:
                return 'U';
            case DATETIME:
                return 'M';
            case TIMEDELTA:
                return 'm';
            case OBJECT:
                return 'O';
            default:
                return 'V';
        }
    }

    private static int log2(int n) {
        return Integer.numberOfTrailingZeros(n);
    }

    /**
     * The descr {@code np.save} writes for this type, as {@code numpy.lib.format.dtype_to_descr}
     * builds it: {@link #str()} for plain types, and for structured types a {@link List} of
     * {@link dev.brine.py.Tuple}s {@code (name, descr)} or {@code (name, descr, shape)} with
     * {@code ('', '|V<n>')} entries for gaps (names with titles become {@code (title, name)}).
     *
     * @throws IllegalStateException for the {@linkplain #isBrineOnly() Brine-only types} (numpy has no descr for them)
     *     and for structured types whose fields overlap or are out of order (numpy refuses those too)
     */
    public Object descr() {
        if (isBrineOnly()) {
            throw Descrs.noDescr(this);
        }
        if (kind == Kind.STRUCTURED) {
            return Descrs.structuredDescr(this);
        }
        return str();
    }

    /** numpy's {@code repr(descr)} as it appears in an NPY header ({@code "'<f8'"}, {@code "[('a', '<i4')]"}). */
    public String descrRepr() {
        return Descrs.repr(descr());
    }

    // ---------------------------------------------------------------- what pickle needs

    /**
     * The first argument of {@code numpy.dtype(...)} in {@code dtype.__reduce__()}: {@code 'f8'},
     * {@code 'b1'}, {@code 'S5'}, {@code 'U3'} (code points), {@code 'V12'}, {@code 'M8'},
     * {@code 'O8'}.
     */
    public String reduceTypeString() {
        switch (kind) {
            case UNICODE:
                return "U" + (itemsize / 4);
            case DATETIME:
                return "M8";
            case TIMEDELTA:
                return "m8";
            case OBJECT:
                return "O8";
            case STRUCTURED:
            case SUBARRAY:
            case VOID:
                return "V" + itemsize;
            default:
                return isBrineOnly() ? name() : String.valueOf(kind.numpyKind()) + itemsize;
        }
    }

    /**
     * The pickled state's version: 4 for datetime types (which carry unit metadata) and for types with
     * {@linkplain #metadata() metadata}, else 3, as in {@code dtype.__reduce__()[2][0]}.
     */
    public int stateVersion() {
        return kind == Kind.DATETIME || kind == Kind.TIMEDELTA || metadata != null ? 4 : 3;
    }

    /**
     * The pickled state's element size: the itemsize for flexible and structured types
     * ({@code S}, {@code U}, {@code V}), -1 otherwise.
     */
    public int stateElementSize() {
        return isFlexible() ? itemsize : -1;
    }

    /** The pickled state's alignment: the alignment for flexible and structured types, -1 otherwise. */
    public int stateAlignment() {
        return isFlexible() ? alignment : -1;
    }

    private boolean isFlexible() {
        switch (kind) {
            case BYTES:
            case UNICODE:
            case VOID:
            case STRUCTURED:
            case SUBARRAY:
                return true;
            default:
                return false;
        }
    }

    /** numpy's {@code dtype.flags} as the pickled state carries them (0, 8 for U, 16.. for records). */
    public int flags() {
        switch (kind) {
            case UNICODE:
                return NPY_NEEDS_INIT;
            case OBJECT:
                return NPY_OBJECT_FLAGS;
            case SUBARRAY:
                return base.flags();
            case STRUCTURED: {
                int f = 0;
                for (Field field : fields) {
                    f |= field.type().flags();
                }
                return NPY_NEEDS_PYAPI | (f & NPY_FROM_FIELDS) | (alignedStruct ? NPY_ALIGNED_STRUCT : 0);
            }
            default:
                return 0;
        }
    }

    /**
     * The field table as the pickled state holds it ({@code dtype.fields}): name (and title) to
     * {@code (type, offset)} or {@code (type, offset, title)}, in field order, each title following
     * its field as numpy lists it. Empty for non-structured types.
     */
    public Map<String, Field> fieldTable() {
        Map<String, Field> out = new LinkedHashMap<>();
        for (Field f : fields()) {
            out.put(f.name(), f);
            if (f.title() != null) {
                out.put(f.title(), f);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- object methods

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DType)) {
            return false;
        }
        DType d = (DType) o;
        return kind == d.kind && byteOrder == d.byteOrder && itemsize == d.itemsize && unit == d.unit
                && unitCount == d.unitCount && Objects.equals(fields, d.fields) && Objects.equals(base, d.base)
                && Arrays.equals(subShape, d.subShape);
    }

    /**
     * Seeded per JVM (the hash of a {@link Tuple} of what {@link #equals} compares), not
     * {@code Objects.hash}: field names that share a {@code String.hashCode} ({@code "AaAa"},
     * {@code "BBBB"}) let a file make thousands of different dtypes with one hash code, and 8,192 such
     * dtypes as dict keys took 3.5 s to load.
     */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Tuple.of(kind, byteOrder, itemsize, unit, unitCount, fields == null ? null : Tuple.copyOf(fields), base,
                    subShape).hashCode();
            hash = h;
        }
        return h;
    }

    /**
     * numpy's {@code repr(dtype)}, character for character as numpy 2 prints it
     * ({@code numpy/_core/_dtype.py}, {@code __repr__}): {@code dtype('float64')}, {@code dtype('>i4')},
     * {@code dtype('<U3')}, {@code dtype('S2')}, {@code dtype('<M8[s]')}, {@code dtype(('<f4', (2, 3)))},
     * {@code dtype([('a', 'u1'), ('b', '?')])}, {@code dtype({'names': ..., 'offsets': ..., 'itemsize': 12})}
     * for padded or reordered fields, {@code dtype((numpy.record, [...]))} and {@code ..., align=True)}.
     * The {@linkplain #isBrineOnly() Brine-only types}, which numpy has no repr for, print as
     * {@code dtype('bfloat16')}, {@code dtype('float8_e4m3fn')}, {@code dtype('complex32')}.
     */
    @Override
    public String toString() {
        // numpy's __repr__: the constructor argument without 'aligned' inside (include_align=False),
        // the align flag as dtype()'s second argument instead (also for a subarray of an aligned struct)
        return "dtype(" + constructionRepr(false) + (isAlignedStruct() ? ", align=True" : "") + ")";
    }

    /**
     * numpy's {@code _construction_repr(dtype, include_align=False, short)}: what {@code np.dtype(...)}
     * would rebuild this type from. {@code shortForm} is set inside structs and subarrays, where
     * numbers print as {@code '<f8'} and {@code '?'} rather than {@code 'float64'} and {@code 'bool'}.
     */
    private String constructionRepr(boolean shortForm) {
        switch (kind) {
            case STRUCTURED:
                return structRepr();
            case SUBARRAY:
                // _subarray_str: the base always short, the shape as a Python tuple
                return "(" + base.constructionRepr(true) + ", " + shapeRepr() + ")";
            default:
                return scalarRepr(shortForm);
        }
    }

    /** numpy's {@code _scalar_str}, quotes included. */
    private String scalarRepr(boolean shortForm) {
        if (isBrineOnly()) {
            // numpy has no such dtype; Brine's own spelling ('bfloat16', big-endian as '>bfloat16')
            return "'" + (byteOrder == '>' ? str() : name()) + "'";
        }
        // _byte_order_str: native '=' prints as the machine's '<' or '>', '|' prints as nothing
        String order = byteOrder == '|' ? "" : String.valueOf(byteOrder);
        switch (kind) {
            case BOOL:
                return shortForm ? "'?'" : "'bool'";
            case OBJECT:
                return "'O'"; // pointer sizes differ, so numpy never prints one
            case BYTES:
                // unsized (S0) prints without a size; bytes have no byte order
                return itemsize == 0 ? "'S'" : "'S" + itemsize + "'";
            case UNICODE:
                return itemsize == 0 ? "'" + order + "U'" : "'" + order + "U" + (itemsize / 4) + "'";
            case VOID:
                return itemsize == 0 ? "'V'" : "'V" + itemsize + "'";
            case DATETIME:
            case TIMEDELTA:
                return "'" + order + kind.numpyKind() + "8" + unitSuffix() + "'";
            default:
                // numbers: the long name ('float64') only at top level and in native or no byte order
                if (shortForm || (byteOrder != '|' && byteOrder != normalizeOrder('='))) {
                    return "'" + order + kind.numpyKind() + itemsize + "'";
                }
                return "'" + name() + "'";
        }
    }

    /**
     * numpy's {@code _struct_str(dtype, include_align=False)}: the list form when the fields are
     * packed, else the dict form; a {@code numpy.record} type wraps it as {@code (numpy.record, ...)}.
     */
    private String structRepr() {
        String sub = isPacked() ? structListRepr() : structDictRepr(false);
        return record ? "(numpy.record, " + sub + ")" : sub;
    }

    /**
     * numpy's {@code str(dtype)} of a structured type ({@code _struct_str(dtype, include_align=True)}),
     * which an array's repr prints after {@code dtype=}: as the repr's argument, but an aligned struct
     * always in the dict form, with {@code 'aligned': True}.
     */
    String structStr() {
        String sub = !alignedStruct && isPacked() ? structListRepr() : structDictRepr(alignedStruct);
        return record ? "(numpy.record, " + sub + ")" : sub;
    }

    /**
     * numpy's {@code _is_packed}: fields in order, one after another, ending at the itemsize; for an
     * {@code align=True} type each offset (and the itemsize) rounded up to the alignment numpy would
     * give it, so an aligned struct with only alignment padding still prints as a list.
     */
    private boolean isPacked() {
        long total = 0;
        int maxAlign = 1;
        for (Field f : fields) {
            if (alignedStruct) {
                total = roundUpTo(total, f.type().alignment);
                maxAlign = Math.max(maxAlign, f.type().alignment);
            }
            if (f.offset() != total) {
                return false;
            }
            total += f.type().itemsize;
        }
        if (alignedStruct) {
            total = roundUpTo(total, maxAlign);
        }
        return total == itemsize;
    }

    private static long roundUpTo(long v, int align) {
        return (v + align - 1) / align * align;
    }

    /** numpy's {@code _struct_list_str}: {@code [('a', '<i4'), (('title', 'b'), 'u1'), ('c', '<f4', (2, 3))]}. */
    private String structListRepr() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (i > 0) {
                out.append(", ");
            }
            out.append('(');
            if (f.title() != null) {
                out.append('(').append(Descrs.repr(f.title())).append(", ").append(Descrs.repr(f.name())).append("), ");
            } else {
                out.append(Descrs.repr(f.name())).append(", ");
            }
            DType t = f.type();
            if (t.kind == Kind.SUBARRAY) {
                // a subarray field spreads into (name, base, shape), not (name, (base, shape))
                out.append(t.base.constructionRepr(true)).append(", ").append(t.shapeRepr());
            } else {
                out.append(t.constructionRepr(true));
            }
            out.append(')');
        }
        return out.append(']').toString();
    }

    /**
     * numpy's {@code _struct_dict_str} without the aligned flag (repr never puts it inside):
     * {@code {'names': [...], 'formats': [...], 'offsets': [...], 'titles': [...], 'itemsize': n}},
     * titles only when a field has one, {@code None} for those that do not.
     */
    private String structDictRepr(boolean alignedFlag) {
        StringBuilder names = new StringBuilder();
        StringBuilder formats = new StringBuilder();
        StringBuilder offsets = new StringBuilder();
        StringBuilder titles = new StringBuilder();
        boolean anyTitle = false;
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            String sep = i > 0 ? ", " : "";
            names.append(sep).append(Descrs.repr(f.name()));
            formats.append(sep).append(f.type().constructionRepr(true));
            offsets.append(sep).append(f.offset());
            titles.append(sep).append(Descrs.repr(f.title()));
            anyTitle |= f.title() != null;
        }
        return "{'names': [" + names + "], 'formats': [" + formats + "], 'offsets': [" + offsets + "], "
                + (anyTitle ? "'titles': [" + titles + "], " : "") + "'itemsize': " + itemsize
                + (alignedFlag ? ", 'aligned': True}" : "}");
    }

    /** A subarray's shape as Python prints the tuple: {@code (2, 3)}, {@code (2,)}. */
    private String shapeRepr() {
        return Descrs.repr(Descrs.shapeTuple(subShape));
    }
}
