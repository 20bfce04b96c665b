package dev.brine.numpy;

import dev.brine.BrineException;
import dev.brine.mapping.ArgumentOnlyClass;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.GlobalKind;
import dev.brine.mapping.PyCallable;
import dev.brine.mapping.PythonTruth;
import dev.brine.mapping.PythonTypeNames;
import dev.brine.mapping.Reducer;
import dev.brine.mapping.Reduction;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.Storage;
import dev.brine.py.ByteArray;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.PickleBuffer;
import dev.brine.py.Tuple;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * numpy arrays, dtypes and scalars inside pickles, read and written as numpy 1.x and 2.x do:
 * {@code _reconstruct(ndarray, (0,), b'b')} + BUILD {@code (1, shape, dtype, is_fortran, data)}
 * (also the old four-item state), {@code _frombuffer(buffer, dtype, shape, order)} at protocol 5
 * (in-band or out-of-band buffers; as numpy, only for arrays that can export a buffer: datetime64,
 * timedelta64, big-endian long double and zero-size items stay {@code _reconstruct}, in band), {@code numpy.dtype(str, False, True)} + BUILD, and
 * {@code scalar(dtype, bytes)}; under both {@code numpy.core} and {@code numpy._core}. Python 2's
 * pickles load under every {@link dev.brine.pickle.UnpicklerOptions.Py2Strings} mode as Python 3
 * loads them with that encoding: their type strings, byte orders, field names and data are Python 2
 * str, so bytes under {@code encoding='bytes'} (field names decoded as ASCII, as numpy does) and
 * latin-1 str under {@code 'latin1'}.
 *
 * <p>Only these data-building globals are registered; nothing in numpy is ever called.
 */
public final class NumpyPickles {
    /**
     * {@code b'b'}, the third argument of {@code _reconstruct}: one object for every array, CPython's one
     * bytes object of that byte ({@link CPythonBytes}), so that a second array in the same pickle refers to
     * it with a memo GET, as numpy's pickles do. Never changed.
     */
    private static final byte[] ONE_B = CPythonBytes.of('b');
    /**
     * numpy's {@code np.True_} and {@code np.False_}, each one object, whatever pickle or array item it comes from:
     * a re-dump writes each once and refers to it with a memo GET after that, as CPython's does.
     */
    private static final NumpyScalar TRUE = new NumpyScalar(DType.BOOL, new byte[] {1});
    private static final NumpyScalar FALSE = new NumpyScalar(DType.BOOL, new byte[] {0});
    private static final ClassRegistry STANDARD = addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY1, false).build();

    private NumpyPickles() {
    }

    /**
     * Python's builtins plus numpy's arrays, dtypes and scalars (object arrays refused), writing
     * numpy 1.x names: the registry Brine uses unless told otherwise.
     */
    public static ClassRegistry standardRegistry() {
        return STANDARD;
    }

    /**
     * Registers numpy's pickled forms: reading under both module spellings, writing under
     * {@code names}. Object arrays (items are Python values) are read as {@link ObjectArray} only
     * when {@code objectArrays} is true.
     */
    public static ClassRegistry.Builder addTo(ClassRegistry.Builder b, NumpyNames names, boolean objectArrays) {
        // only ever arguments: the class given to _reconstruct, the type given to numpy.dtype for records
        ArgumentOnlyClass ndarray = new ArgumentOnlyClass(NumpyNames.NDARRAY, null);
        ArgumentOnlyClass record = new ArgumentOnlyClass(NumpyNames.RECORD, null);
        b.registerCallable(ndarray);
        b.registerCallable(record);
        b.registerCallable(new DTypeClass());
        // the name pickles from numpy before 1.0 use; numpy keeps it (ndarray.__new__(subtype, shape, dtype), as
        // multiarray._reconstruct), and writes what it loads under its own names, as Brine does
        b.registerCallable(new Reconstruct(new Global("numpy.core._internal", "_reconstruct"), objectArrays));
        for (NumpyNames n : NumpyNames.values()) {
            b.registerCallable(new Reconstruct(n.reconstruct(), objectArrays));
            b.registerCallable(new FromBuffer(n.frombuffer()));
            b.registerCallable(new ScalarCallable(n.scalar()));
            // named so that refusing it says what it is; with generic objects it stays inert, as any unmodelled
            // name (and so do the arrays of it: Reconstruct keeps them generic)
            b.registerCallable(new ArgumentOnlyClass(n.stringDType(), "it makes numpy 2's StringDType, variable-width"
                    + " strings, which Brine does not model; read with genericObjects(true) to keep such arrays and"
                    + " dtypes as inert objects that write back as they came"));
        }
        b.registerWriter(NDArray.class, new ArrayWriter(names, ndarray));
        b.registerWriter(DType.class, t -> new Reduction(NumpyNames.DTYPE, Reduction.Style.REDUCE,
                DTypeState.args(t, record), null, DTypeState.state(t), null, null));
        b.registerWriter(NumpyScalar.class, s -> {
            NumpyScalar held = asNumpyHolds(s.dtype(), s.raw()); // called once per scalar, as numpy's __reduce__
            return Reduction.call(names.scalar(), held.dtype(), CPythonBytes.of(held.raw()));
        });
        b.registerWriter(ObjectArray.class, a -> new Reduction(names.reconstruct(), Reduction.Style.REDUCE,
                Tuple.of(ndarray, Tuple.of(0L), ONE_B), null,
                Tuple.of(1L, DTypeState.shapeTuple(a.shape()), a.dtype(), a.isFortran(), a.items()), null, null));
        return b;
    }

    /** Writes arrays as numpy's {@code __reduce_ex__} does at each protocol. */
    private static final class ArrayWriter implements Reducer<NDArray> {
        private final NumpyNames names;
        private final ArgumentOnlyClass ndarray;

        ArrayWriter(NumpyNames names, ArgumentOnlyClass ndarray) {
            this.names = names;
            this.ndarray = ndarray;
        }

        @Override
        public Reduction reduce(NDArray a) throws BrineException {
            return reduce(a, 2);
        }

        @Override
        public Reduction reduce(NDArray a, int protocol) throws BrineException {
            if (a.nbytes() > Integer.MAX_VALUE - 16) {
                throw new BrineException("an array of " + a.nbytes() + " bytes is too large for a pickle; save it in"
                        + " an archive or an .npy file");
            }
            if (a.dtype().isBrineOnly()) {
                throw new BrineException("numpy has no " + a.dtype().name() + " dtype: convert the array (astype "
                        + a.dtype().exactNumpyType().name() + ") to pickle it");
            }
            Tuple shape = DTypeState.shapeTuple(a.shape());
            boolean cOrder = a.isCContiguous();
            if (protocol >= 5 && exportsBuffer(a.dtype())) {
                // numpy's PickleBuffer(self): a view of the array's own bytes, not a copy. In band, the
                // pickler then copies them once, into its result; out of band, the caller gets the view
                ByteBuffer view = a.storage().sharedBuffer();
                PickleBuffer buffer = new PickleBuffer(view != null ? view : ByteBuffer.wrap(a.rawBytes()), a.isReadOnly());
                return Reduction.call(names.frombuffer(), buffer, a.dtype(), shape, cOrder ? "C" : "F");
            }
            return new Reduction(names.reconstruct(), Reduction.Style.REDUCE,
                    Tuple.of(ndarray, Tuple.of(0L), ONE_B), null,
                    Tuple.of(1L, shape, a.dtype(), !cOrder, CPythonBytes.of(a.rawBytes())), null, null);
        }

        /**
         * Whether numpy's {@code array_reduce_ex} takes the protocol 5 path for an array of {@code t}: it
         * does only when {@code PickleBuffer(array)} succeeds and the items have a size, and otherwise
         * falls back to {@code __reduce__} ({@code _reconstruct}), in band, at any protocol. The buffer
         * protocol refuses datetime64/timedelta64 anywhere in the type ("cannot include dtype 'M' in a
         * buffer"), a long double in non-native byte order (numpy on a little-endian machine, the only
         * kind Brine writes for, calls big-endian native-only) and records whose fields overlap or are out
         * of offset order.
         */
        private static boolean exportsBuffer(DType t) {
            return t.itemsize() > 0 && bufferFormatExists(t);
        }

        /** Whether numpy's {@code _buffer_format_string} can describe {@code t}. */
        private static boolean bufferFormatExists(DType t) {
            switch (t.kind()) {
                case DATETIME:
                case TIMEDELTA:
                    return false;
                case FLOAT: // 'g', long double: numpy writes it only natively ('^' or '@')
                    return t.itemsize() <= 8 || t.byteOrderChar() != '>';
                case COMPLEX: // 'Zg'
                    return t.itemsize() <= 16 || t.byteOrderChar() != '>';
                case SUBARRAY:
                    return bufferFormatExists(t.subarrayBase());
                case STRUCTURED: {
                    // "dtypes with overlapping or out-of-order fields are not representable as buffers"
                    long end = 0;
                    for (DType.Field f : t.fields()) {
                        if (f.offset() < end || !bufferFormatExists(f.type())) {
                            return false;
                        }
                        end = (long) f.offset() + f.type().itemsize();
                    }
                    return true;
                }
                default:
                    return true;
            }
        }
    }



    /** {@code numpy.dtype(typestr, align, copy)}, or {@code numpy.dtype(numpy.record, ...)}: completed by BUILD. */
    private static final class DTypeClass implements PyCallable {
        @Override
        public Global global() {
            return NumpyNames.DTYPE;
        }

        @Override
        public String toString() {
            return GlobalKind.CLASS.repr(NumpyNames.DTYPE);
        }

        @Override
        public Object call(Tuple args) throws BrineException {
            if (!args.isEmpty() && ArgumentOnlyClass.is(args.get(0), NumpyNames.RECORD)) {
                // np.dtype(np.record) without its BUILD: dtype((numpy.record, 'V')), an empty record type
                return AwaitingBuild.dtype("numpy.dtype(numpy.record)", DTypeState::buildRecord,
                        () -> DType.voidType(0).asRecord());
            }
            String typestr = args.isEmpty() ? null : typeString(args.get(0));
            if (typestr == null) {
                throw new BrineException("numpy.dtype expects a type string or numpy.record, got " + dev.brine.py.PythonRepr.brief(args));
            }
            // numpy's own checks of its arguments, (obj, align=False, copy=False, metadata): numpy writes
            // ('<kind><size>', False, True) and parses the string first, whatever state follows
            if (args.size() > 4) {
                throw new BrineException("numpy.dtype takes at most 4 arguments (" + args.size() + " given)");
            }
            if (args.size() == 4 && !(args.get(3) instanceof Map)) {
                throw new BrineException("numpy.dtype argument 4 must be dict, not " + PythonTypeNames.of(args.get(3)));
            }
            DType parsed = DTypeState.unbuilt(typestr);
            String python = "numpy.dtype(" + dev.brine.py.PythonRepr.brief(typestr) + ")";
            boolean copy = args.size() >= 3 && PythonTruth.isTrue(args.get(2)); // numpy's default is False
            if (!copy && isBuiltinSingleton(typestr, parsed)) {
                // copy=False gives numpy's own instance of a builtin type, whose __setstate__ then changes nothing:
                // the state is not even looked at (only a hand-made pickle asks for this)
                return AwaitingBuild.dtype(python, state -> parsed, () -> parsed);
            }
            // numpy.dtype(typestr, False, True) is a whole dtype before its BUILD: what a pickle without one gives
            return AwaitingBuild.dtype(python, state -> DTypeState.build(typestr, state), () -> parsed);
        }


        /**
         * Whether {@code numpy.dtype(typestr, copy=False)} is numpy's one instance of a builtin type: a bool, number
         * or object type in native order, not a sized str, bytes or void type, nor a datetime64 or timedelta64.
         */
        private static boolean isBuiltinSingleton(String typestr, DType parsed) {
            DType.Kind k = parsed.kind();
            return k != DType.Kind.BYTES && k != DType.Kind.UNICODE && k != DType.Kind.VOID && k != DType.Kind.STRUCTURED
                    && k != DType.Kind.SUBARRAY && k != DType.Kind.DATETIME && k != DType.Kind.TIMEDELTA
                    && !typestr.startsWith(">") && !typestr.startsWith("!");
        }
    }

    /**
     * The type string of {@code numpy.dtype(...)}: a str, or the bytes of a Python 2 str read with
     * {@code encoding='bytes'} ({@code np.dtype(b'f4')} is accepted, decoded as ASCII); null for
     * anything else.
     */
    private static String typeString(Object arg) {
        if (arg instanceof String) {
            return (String) arg;
        }
        if (arg instanceof byte[]) {
            for (byte x : (byte[]) arg) {
                if (x < 0) {
                    return null;
                }
            }
            return new String((byte[]) arg, StandardCharsets.US_ASCII);
        }
        return null;
    }

    /** {@code _reconstruct(ndarray, (0,), b'b')}: an empty array that BUILD fills. */
    private static final class Reconstruct implements PyCallable {
        private final Global global;
        private final boolean objectArrays;

        Reconstruct(Global global, boolean objectArrays) {
            this.global = global;
            this.objectArrays = objectArrays;
        }

        @Override
        public Global global() {
            return global;
        }

        @Override
        public String toString() {
            return GlobalKind.BUILTIN_FUNCTION.repr(global);
        }

        @Override
        public Object call(Tuple args) throws BrineException {
            if (args.size() != 3) {
                throw new BrineException(global + " takes 3 arguments, got " + args.size());
            }
            if (!ArgumentOnlyClass.is(args.get(0), NumpyNames.NDARRAY)) {
                if (args.get(0) instanceof Global || args.get(0) instanceof GenericObject) {
                    return GenericObject.reduced(global, sharedB(args)); // an ndarray subclass we do not model
                }
                throw new BrineException(global + ": " + args.get(0) + " is not numpy.ndarray");
            }
            checkShapeAndType(args.get(1), args.get(2));
            // numpy's array exists before its state is set, so its items may hold it (a[0] = a); the unpickler
            // puts the finished array wherever a GET before BUILD gave out this stand-in
            return AwaitingBuild.array("numpy.ndarray", state -> build(args, state));
        }

        /**
         * What numpy's {@code _reconstruct(ndarray, shape, dtype)} refuses before BUILD replaces both (numpy writes
         * {@code (0,)} and {@code b'b'}): a None shape, dimensions that are no integers (a nested tuple, a float, a
         * str) or negative, and a number or a type string numpy does not understand as the type. Anything numpy may
         * take is let through (numpy integers as dimensions, a list of fields or a class as the type): BUILD gives
         * the array its real shape and type, so only what numpy refuses is worth refusing.
         */
        private void checkShapeAndType(Object shape, Object type) throws BrineException {
            if (shape == null) {
                throw new BrineException(global + ": its shape is None (numpy: \"Use () not None as shape arguments\")");
            }
            Iterable<?> dims = shape instanceof Tuple ? (Tuple) shape : shape instanceof List ? (List<?>) shape
                    : java.util.Collections.singletonList(shape);
            for (Object d : dims) {
                if (d == null || d instanceof Tuple || d instanceof List || d instanceof Map || d instanceof String
                        || d instanceof byte[] || d instanceof Double || d instanceof dev.brine.py.Complex) {
                    throw new BrineException(global + ": its shape " + dev.brine.py.PythonRepr.brief(shape)
                            + " holds " + dev.brine.py.PythonRepr.brief(d) + ", which is no integer (numpy: \"'"
                            + PythonTypeNames.of(d) + "' object cannot be interpreted as an integer\")");
                }
                if (d instanceof Long && (Long) d < 0 || d instanceof java.math.BigInteger && ((java.math.BigInteger) d).signum() < 0) {
                    throw new BrineException(global + ": negative dimensions are not allowed, got the shape "
                            + dev.brine.py.PythonRepr.brief(shape));
                }
            }
            String typestr = typeString(type);
            if (typestr != null) {
                DTypeState.unbuilt(typestr); // refuses what numpy does not understand ('Q4')
            } else if (type instanceof Long || type instanceof java.math.BigInteger || type instanceof Double
                    || type instanceof Boolean || type instanceof dev.brine.py.Complex) {
                throw new BrineException(global + ": cannot interpret " + dev.brine.py.PythonRepr.brief(type)
                        + " as a data type");
            }
        }

        /**
         * The arguments of an array kept as a generic object, with its {@code b'b'} as the one that arrays
         * write ({@link #ONE_B}): numpy's pickle has one {@code b'b'} for all its arrays (a memo GET after
         * the first), so an array that Brine models and one it keeps generic must again share it.
         */
        private static Tuple sharedB(Tuple args) {
            if (args.get(2) instanceof byte[] && java.util.Arrays.equals((byte[]) args.get(2), ONE_B)) {
                return Tuple.of(args.get(0), args.get(1), ONE_B);
            }
            return args;
        }

        private Object build(Tuple args, Object state) throws BrineException {
            if (!(state instanceof Tuple) || (((Tuple) state).size() != 5 && ((Tuple) state).size() != 4)) {
                throw new BrineException("numpy array state must be (version, shape, dtype, is_fortran, data), got "
                        + abbreviate(state));
            }
            Tuple s = (Tuple) state;
            int o = s.size() == 5 ? 1 : 0; // the four-item state of old numpy has no version
            if (s.get(o + 1) instanceof GenericObject) {
                // a dtype Brine does not model, kept as an inert object (generic objects were asked for), such
                // as numpy 2's StringDType (numpy._core._internal._convert_to_stringdtype_kwargs), whose
                // arrays hold a list of str: the array stays a generic object too, and writes back as it came
                GenericObject array = GenericObject.reduced(global, sharedB(args));
                array.setState(state);
                return array;
            }
            if (o == 1 && !(s.get(0) instanceof Boolean
                    || s.get(0) instanceof Long && ((Long) s.get(0) == 0 || (Long) s.get(0) == 1))) {
                // ndarray.__setstate__ knows versions 0 and 1 only (a bool is one of them, as in Python)
                throw new BrineException("can't handle version " + abbreviate(s.get(0)) + " of numpy.ndarray pickle");
            }
            DType dtype = AwaitingBuild.dtypeOf(s.get(o + 1));
            Object isFortran = s.get(o + 2);
            // numpy parses is_fortran as a C int ("i"): a bool, or any int that fits (nonzero = Fortran order)
            boolean intFlag = isFortran instanceof Long && (Long) isFortran == (int) (long) (Long) isFortran;
            if (!(s.get(o) instanceof Tuple) || dtype == null || !(isFortran instanceof Boolean || intFlag)) {
                throw new BrineException("numpy array state has the wrong types: " + abbreviate(state));
            }
            long[] shape = DTypeState.dims((Tuple) s.get(o));
            boolean fortran = intFlag ? (Long) isFortran != 0 : (Boolean) isFortran;
            Object data = s.get(o + 3);
            if (dtype.hasObject()) {
                if (!objectArrays) {
                    throw new BrineException("a numpy object array was refused: its items are arbitrary Python objects;"
                            + " register numpy with object arrays allowed to read it");
                }
                if (!(data instanceof List)) {
                    throw new BrineException("numpy object array data must be a list");
                }
                long count = 1;
                for (long d : shape) {
                    count = d < 0 || (d > 0 && count > Long.MAX_VALUE / d) ? -1 : count * d;
                    if (count < 0) {
                        throw new BrineException("numpy object array of shape " + Arrays.toString(shape) + " has too many items");
                    }
                }
                if (((List<?>) data).size() != count) {
                    throw new BrineException("numpy object array of shape " + Arrays.toString(shape) + " holds "
                            + count + " items, but its pickle lists " + ((List<?>) data).size());
                }
                return new ObjectArray(dtype, shape, (List<?>) data, fortran);
            }
            byte[] raw = bytesOf(data);
            if (dtype.byteOrderChar() == nonNativeOrder()) {
                raw = swapped(dtype, raw);
                dtype = swappedToNative(dtype);
            }
            return array(dtype, fortran ? Order.F : Order.C, shape, Storage.wrap(raw));
        }
    }

    /**
     * A copy of {@code raw} with each value's bytes reversed, as numpy's byteswap does: a complex number's two
     * parts each, a str's code points each, anything else whole (a long double's 16 bytes, padding too).
     */
    private static byte[] swapped(DType dtype, byte[] raw) {
        int unit = dtype.kind() == DType.Kind.COMPLEX ? dtype.itemsize() / 2
                : dtype.kind() == DType.Kind.UNICODE ? 4 : dtype.itemsize();
        byte[] out = raw.clone();
        for (int at = 0; at + unit <= out.length; at += unit) {
            for (int i = at, j = at + unit - 1; i < j; i++, j--) {
                byte t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
        }
        return out;
    }

    /**
     * numpy's {@code ndarray.__setstate__} swaps an array whose type is in the other byte order into native
     * order ({@code '>i4'} loads as {@code '<i4'}, equal values; structured types, whose order is {@code '|'},
     * stay as they are): numpy's own re-dump of what it loaded then says {@code '<i4'}, and so does Brine's.
     * Protocol 5's {@code _frombuffer} keeps the order, as in numpy.
     */
    private static char nonNativeOrder() {
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? '>' : '<';
    }

    /**
     * The dtype numpy's {@code __setstate__} gives an array it swapped into native order: numpy's one builtin dtype
     * of the type ({@code PyArray_DescrFromType}) for a bool or number without metadata, whatever dtype object the
     * pickle gave; a new copy in native order ({@code PyArray_DescrNew}, its metadata dict kept) for a str, datetime
     * or timedelta type or one with metadata. Two swapped float32 arrays then share numpy's {@code float32}, which
     * CPython's re-dump writes once and refers to with a memo GET after that, as Brine's does.
     */
    private static DType swappedToNative(DType t) {
        return t.withByteOrder('=').shared();
    }

    /** {@code _frombuffer(buffer, dtype, shape, order)}: protocol 5's form. */
    private static final class FromBuffer implements PyCallable {
        private final Global global;

        FromBuffer(Global global) {
            this.global = global;
        }

        @Override
        public Global global() {
            return global;
        }

        @Override
        public String toString() {
            return GlobalKind.FUNCTION.repr(global);
        }

        @Override
        public Object call(Tuple a) throws BrineException {
            DType dtype = a.size() == 4 ? AwaitingBuild.dtypeOf(a.get(1)) : null;
            if (dtype == null || !(a.get(2) instanceof Tuple) || !(a.get(3) instanceof String)) {
                throw new BrineException(global + " expects (buffer, dtype, shape, order), got " + abbreviate(a));
            }
            String order = (String) a.get(3);
            if (!order.equals("C") && !order.equals("F")) {
                throw new BrineException(global + ": order must be 'C' or 'F', got '" + order + "'");
            }
            Order o = order.equals("C") ? Order.C : Order.F;
            Tuple shape = (Tuple) a.get(2);
            if (a.get(0) instanceof PickleBuffer) {
                // numpy's array is a view of the buffer it was given, read-only when the buffer is
                PickleBuffer b = (PickleBuffer) a.get(0);
                ByteBuffer data = b.data();
                long[] dims = dims(shape, data.remaining(), dtype);
                if (!b.isReadOnly() && data.isReadOnly()) {
                    // PickleBuffer.writableInPython over bytes Java only reads (a read-only mapping of a file):
                    // the object is writable in Python, and Java must never write into those bytes, so the
                    // array is a writable copy, as np.load of the file gives one (a view would be read-only,
                    // and written back as a read-only array)
                    return array(dtype, o, dims, Storage.wrap(b.toByteArray()));
                }
                return array(dtype, o, dims, Storage.wrap(data, b.isReadOnly()));
            }
            // in band: numpy's frombuffer of a bytearray (a writable array's data) is writable, of a bytes
            // (a read-only array's) read-only; and the pickler writes each back as it came
            boolean readOnly = !(a.get(0) instanceof ByteArray);
            byte[] bytes = bytesOf(a.get(0));
            return array(dtype, o, dims(shape, bytes.length, dtype), Storage.wrap(ByteBuffer.wrap(bytes), readOnly));
        }

        /**
         * The shape numpy's {@code frombuffer(buf, dtype).reshape(shape)} gives: one negative length (any, as
         * reshape takes it) is worked out from the buffer's length; two are refused, as reshape refuses them.
         */
        private long[] dims(Tuple shape, long bytes, DType dtype) throws BrineException {
            int unknown = -1;
            long known = 1;
            long[] out = new long[shape.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = DTypeState.num(shape.get(i));
                if (out[i] >= 0) {
                    known = Math.multiplyHigh(known, out[i]) != 0 || known * out[i] < 0 ? Long.MAX_VALUE : known * out[i];
                } else if (unknown >= 0) {
                    throw new BrineException(global + ": can only specify one unknown dimension, in shape "
                            + abbreviate(shape));
                } else {
                    unknown = i;
                }
            }
            if (unknown < 0) {
                return out;
            }
            int itemsize = dtype.itemsize();
            if (itemsize == 0 || bytes % itemsize != 0) {
                throw new BrineException(global + ": a buffer of " + bytes + " bytes does not hold " + dtype
                        + " items of shape " + abbreviate(shape));
            }
            long size = bytes / itemsize;
            if (known == 0 || size % known != 0) {
                throw new BrineException(global + ": cannot reshape array of size " + size + " into shape "
                        + abbreviate(shape));
            }
            out[unknown] = size / known;
            return out;
        }
    }

    /** {@code scalar(dtype, bytes)}: a numpy scalar. */
    private static final class ScalarCallable implements PyCallable {
        private final Global global;

        ScalarCallable(Global global) {
            this.global = global;
        }

        @Override
        public Global global() {
            return global;
        }

        @Override
        public String toString() {
            return GlobalKind.BUILTIN_FUNCTION.repr(global);
        }

        @Override
        public Object call(Tuple a) throws BrineException {
            DType dtype = a.size() == 2 ? AwaitingBuild.dtypeOf(a.get(0)) : null;
            if (dtype == null) {
                throw new BrineException(global + " expects (dtype, bytes), got " + abbreviate(a));
            }
            if (dtype.kind() == DType.Kind.OBJECT) {
                return a.get(1); // numpy's object scalar is the object itself
            }
            if (dtype.hasObject()) {
                // a record with object fields, which numpy pickles as scalar(dtype, <its 0-d object array>):
                // NumpyScalar holds bytes, not objects, so the call is kept as numpy wrote it, and written back so
                return GenericObject.reduced(global, a);
            }
            byte[] raw = bytesOf(a.get(1));
            if (raw.length < dtype.itemsize()) {
                // CPython's words (ValueError), and what they mean
                throw new BrineException(global + ": initialization string is too small: a " + dtype.name()
                        + " scalar takes " + dtype.itemsize() + " bytes, the pickle gives " + raw.length);
            }
            // numpy reads the item from the first bytes and ignores the rest, as here
            return asNumpyHolds(dtype, raw.length == dtype.itemsize() ? raw : Arrays.copyOf(raw, dtype.itemsize()));
        }
    }

    /**
     * The scalar numpy holds for {@code scalar(t, raw)}, with the dtype and bytes its {@code __reduce__} gives
     * ({@code PyArray_DescrFromScalar}): a value in native order (a bool 0 or 1); numpy's one builtin dtype for a bool
     * or number, whatever dtype object, byte order or metadata the pickle gave ({@code [array, np.float32(1)]} loads
     * with two float32 dtypes, the array's copy and numpy's own, which a re-dump writes twice); a new dtype without
     * metadata for each datetime, timedelta, bytes or str scalar, a bytes or str one as long as its value without
     * trailing NULs ({@code np.bytes_(b'ab')} from an {@code 'S5'} array reduces to {@code 'S2'}); a void or record
     * scalar keeps the dtype it was given, as numpy's keeps it. A bool is one of numpy's two objects, {@link #TRUE}
     * or {@link #FALSE}.
     */
    static NumpyScalar asNumpyHolds(DType t, byte[] raw) {
        byte[] b = t.byteOrderChar() == nonNativeOrder() ? swapped(t, raw) : raw;
        switch (t.kind()) {
            case VOID:
            case STRUCTURED:
            case SUBARRAY:
                return new NumpyScalar(t, raw);
            case BYTES: {
                int n = withoutTrailingNuls(b, 1);
                return new NumpyScalar(DType.bytes(n), Arrays.copyOf(b, n));
            }
            case UNICODE: {
                int n = withoutTrailingNuls(b, 4);
                return new NumpyScalar(DType.unicode(n / 4), Arrays.copyOf(b, n));
            }
            case DATETIME:
                return new NumpyScalar(DType.datetime64(t.unit(), t.unitCount()), b);
            case TIMEDELTA:
                return new NumpyScalar(DType.timedelta64(t.unit(), t.unitCount()), b);
            case BOOL:
                return b[0] != 0 ? TRUE : FALSE;
            default:
                return new NumpyScalar(t.withMetadata(null).withByteOrder('=').shared(), b);
        }
    }

    /** The length of {@code b} without its trailing NUL characters of {@code width} bytes (native order). */
    private static int withoutTrailingNuls(byte[] b, int width) {
        int n = b.length - b.length % width;
        while (n >= width && isZero(b, n - width, n)) {
            n -= width;
        }
        return n;
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static NDArray array(DType dtype, Order order, long[] shape, Storage data) throws BrineException {
        try {
            return NDArray.wrap(dtype, order, shape, data);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new BrineException("numpy array data does not fit its shape and dtype: " + e.getMessage());
        }
    }

    /** Array bytes as pickles carry them: bytes, bytearray, a buffer, or a latin-1 str from Python 2. */
    private static byte[] bytesOf(Object data) throws BrineException {
        if (data instanceof byte[]) {
            return (byte[]) data;
        }
        if (data instanceof ByteArray) {
            return ((ByteArray) data).array();
        }
        if (data instanceof PickleBuffer) {
            return ((PickleBuffer) data).toByteArray();
        }
        if (data instanceof String) {
            String s = (String) data;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0xff) {
                    throw new BrineException("numpy array data given as a str must be latin-1");
                }
            }
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        throw new BrineException("numpy array data must be bytes, got " + (data == null ? "None" : data.getClass().getSimpleName()));
    }

    private static String abbreviate(Object o) {
        return dev.brine.py.PythonRepr.brief(o);
    }
}
