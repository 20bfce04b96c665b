package dev.brine.torch;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.GlobalKind;
import dev.brine.mapping.PyCallable;
import dev.brine.mapping.PythonTruth;
import dev.brine.ndarray.NDArray;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The globals a checkpoint may name, as {@code torch.load(weights_only=True)} allows them
 * ({@code torch/_weights_only_unpickler.py}), each mapped to Java code that builds the value:
 * tensor rebuild functions, storage classes, dtypes, {@code torch.Size}, {@code torch.device},
 * {@code torch.Tensor} and {@code torch.nn.Parameter}. Quantized, sparse, nested, meta and
 * wrapper-subclass tensors are registered only to be refused with a reason.
 */
final class TorchGlobals {
    static final Global REBUILD_TENSOR_V2 = new Global("torch._utils", "_rebuild_tensor_v2");
    static final Global REBUILD_TENSOR_V3 = new Global("torch._utils", "_rebuild_tensor_v3");
    static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
    static final Global UNTYPED_STORAGE = new Global("torch.storage", "UntypedStorage");
    static final Global DEVICE = new Global("torch", "device");
    static final Global SIZE = new Global("torch", "Size");
    static final Global REBUILD_FROM_TYPE_V2 = new Global("torch._tensor", "_rebuild_from_type_v2");
    static final Global GET_LAYOUT = new Global("torch.serialization", "_get_layout");
    /**
     * The names {@code torch.serialization._get_layout} knows: {@code str()} of every {@code torch.layout} of torch 2.x
     * (its cache is built from {@code torch.__dict__}), which is how torch pickles a layout.
     */
    private static final List<String> LAYOUTS = List.of("torch.strided", "torch.sparse_coo", "torch.sparse_csr",
            "torch.sparse_csc", "torch.sparse_bsr", "torch.sparse_bsc", "torch._mkldnn", "torch.jagged");

    /** What the rebuild functions need from the reader. */
    interface Rebuilder {
        /**
         * The tensor over {@code storage}; {@code dtype} is null for the storage's own type; {@code bits}
         * are its metadata's {@link Tensors#NEG} and {@link Tensors#CONJ}.
         */
        NDArray tensor(TorchStorage storage, TorchDType dtype, long offset, long[] size, long[] stride, int bits)
                throws BrineException;
    }

    private TorchGlobals() {
    }

    /** A storage class named in persistent ids: {@code torch.FloatStorage}, {@code torch.storage.UntypedStorage}. */
    static final class StorageType implements PyCallable {
        private final Global global;
        final TorchDType dtype;
        final boolean untyped;

        StorageType(Global global, TorchDType dtype, boolean untyped) {
            this.global = global;
            this.dtype = dtype;
            this.untyped = untyped;
        }

        @Override
        public Global global() {
            return global;
        }

        @Override
        public Object call(Tuple args) throws BrineException {
            throw new BrineException(global + " can only name the type of a stored storage");
        }

        @Override
        public String toString() {
            return "<class '" + global + "'>";
        }
    }

    /** A callable made of a name and a function. */
    private static final class Fn implements PyCallable {
        interface Body {
            Object apply(Tuple args) throws BrineException;
        }

        private final GlobalKind kind;
        private final Global global;
        private final Body body;
        private final Body newObject;

        /** A function, as torch's {@code _rebuild_*} are. */
        Fn(String module, String name, Body body, Body newObject) {
            this(GlobalKind.FUNCTION, module, name, body, newObject);
        }

        Fn(GlobalKind kind, String module, String name, Body body, Body newObject) {
            this.kind = kind;
            this.global = new Global(module, name);
            this.body = body;
            this.newObject = newObject;
        }

        @Override
        public Global global() {
            return global;
        }

        @Override
        public Object call(Tuple args) throws BrineException {
            return body.apply(args);
        }

        @Override
        public Object newObject(Tuple args, Map<Object, Object> kwargs) throws BrineException {
            if (newObject == null) {
                return PyCallable.super.newObject(args, kwargs);
            }
            return newObject.apply(args);
        }

        @Override
        public String toString() {
            return kind.repr(global);
        }
    }

    /** The storage classes, typed (legacy names) and untyped. */
    static void addStorageTypes(ClassRegistry.Builder b) {
        for (TorchDType t : TorchDType.values()) {
            if (t.storageClass() != null) {
                b.registerCallable(new StorageType(new Global("torch", t.storageClass()), t, false));
            }
        }
        b.registerCallable(new StorageType(UNTYPED_STORAGE, TorchDType.UINT8, true));
    }

    /** Every torch global a checkpoint may name, on top of {@code base}; Parameters read as their data. */
    static ClassRegistry registry(ClassRegistry base, Rebuilder r) {
        return registry(base, r, false);
    }

    /**
     * Every torch global a checkpoint may name, on top of {@code base}; Parameters read as {@link TorchParameter}s
     * when {@code keepParameters}, else as their data.
     */
    static ClassRegistry registry(ClassRegistry base, Rebuilder r, boolean keepParameters) {
        ClassRegistry.Builder b = base.toBuilder();
        for (TorchDType t : TorchDType.values()) {
            b.registerCallable(t);
        }
        addStorageTypes(b);
        String u = "torch._utils";
        b.registerCallable(new Fn(u, "_rebuild_tensor", a -> {
            arity(a, 4, 4, "_rebuild_tensor");
            return r.tensor(storage(a.get(0)), null, integer(a.get(1), "storage_offset"), longs(a.get(2), "size"),
                    longs(a.get(3), "stride"), 0);
        }, null));
        b.registerCallable(new Fn(u, "_rebuild_tensor_v2", a -> {
            arity(a, 6, 7, "_rebuild_tensor_v2");
            requireBool(a.get(4), "_rebuild_tensor_v2");
            int bits = a.size() == 7 ? metadata(a.get(6), "_rebuild_tensor_v2") : 0;
            return r.tensor(storage(a.get(0)), null, integer(a.get(1), "storage_offset"), longs(a.get(2), "size"),
                    longs(a.get(3), "stride"), bits);
        }, null));
        b.registerCallable(new Fn(u, "_rebuild_tensor_v3", a -> {
            arity(a, 7, 8, "_rebuild_tensor_v3");
            requireBool(a.get(4), "_rebuild_tensor_v3");
            if (!(a.get(6) instanceof TorchDType)) {
                throw new BrineException("_rebuild_tensor_v3: argument 7 must be a torch dtype, not " + a.get(6));
            }
            int bits = a.size() == 8 ? metadata(a.get(7), "_rebuild_tensor_v3") : 0;
            return r.tensor(storage(a.get(0)), (TorchDType) a.get(6), integer(a.get(1), "storage_offset"),
                    longs(a.get(2), "size"), longs(a.get(3), "stride"), bits);
        }, null));
        // (data, requires_grad, backward_hooks[, state]): torch sets the hooks it reads, but never saves any
        // (it writes an empty OrderedDict), so Brine reads past them and writes an empty one; the state (the
        // Parameter's Python attributes) is dropped, as a tensor's is
        b.registerCallable(new Fn(u, REBUILD_PARAMETER.name(), a -> {
            arity(a, 3, 3, "_rebuild_parameter");
            return parameter(a.get(0), a.get(1), keepParameters, "_rebuild_parameter");
        }, null));
        b.registerCallable(new Fn(u, "_rebuild_parameter_with_state", a -> {
            arity(a, 4, 4, "_rebuild_parameter_with_state");
            return parameter(a.get(0), a.get(1), keepParameters, "_rebuild_parameter_with_state");
        }, null));
        b.registerCallable(new Fn(u, "_rebuild_device_tensor_from_cpu_tensor", a -> {
            arity(a, 4, 4, "_rebuild_device_tensor_from_cpu_tensor");
            return tensorData(a.get(0), "_rebuild_device_tensor_from_cpu_tensor");
        }, null));
        b.registerCallable(new Fn(u, "_rebuild_device_tensor_from_numpy", a -> {
            arity(a, 4, 4, "_rebuild_device_tensor_from_numpy");
            return tensorData(a.get(0), "_rebuild_device_tensor_from_numpy");
        }, null));
        refuse(b, u, "_rebuild_qtensor", "quantized tensors are not supported");
        refuse(b, u, "_rebuild_sparse_tensor", "sparse tensors are not supported");
        refuse(b, u, "_rebuild_nested_tensor", "nested tensors are not supported");
        refuse(b, u, "_rebuild_wrapper_subclass", "tensor subclasses without storage are not supported");
        refuse(b, u, "_rebuild_meta_tensor_no_storage", "meta tensors hold no data");
        // a layout is a value (torch.strided, the dense one, in a config or beside a tensor): kept as the call
        // that names it, which writes back the same; a sparse tensor is refused by its rebuild function above
        b.registerCallable(new Fn(GET_LAYOUT.module(), GET_LAYOUT.name(), TorchGlobals::layout, null));
        b.registerCallable(new Fn(REBUILD_FROM_TYPE_V2.module(), REBUILD_FROM_TYPE_V2.name(), a -> {
            // (func, new_type, args, state): a tensor with Python attributes or of a subclass; keep the tensor.
            // A func that is _rebuild_from_type_v2 again is unwrapped in this loop, not by recursion: the
            // file decides how deep the calls nest
            for (int level = 0;; level++) {
                String what = "_rebuild_from_type_v2" + (level == 0 ? "" : " (nested " + level + " deep)");
                arity(a, 4, 4, what);
                if (!(a.get(2) instanceof Tuple)) {
                    throw new BrineException(what + ": its arguments must be a tuple");
                }
                Object func = a.get(0);
                if (func instanceof PyCallable && REBUILD_FROM_TYPE_V2.equals(((PyCallable) func).global())) {
                    a = (Tuple) a.get(2);
                    continue;
                }
                if (func instanceof PyCallable) {
                    return ((PyCallable) func).call((Tuple) a.get(2));
                }
                if (func instanceof Global || func instanceof GenericObject) {
                    return GenericObject.reduced(REBUILD_FROM_TYPE_V2, a);
                }
                throw new BrineException(what + ": '" + func + "' is not callable");
            }
        }, null));
        b.registerCallable(new Fn(GlobalKind.CLASS, SIZE.module(), SIZE.name(), TorchGlobals::size, null));
        b.registerCallable(new Fn(GlobalKind.CLASS, "torch", "device", TorchGlobals::device, null));
        b.registerCallable(new Fn(GlobalKind.CLASS, "torch", "Tensor", a -> {
            throw new BrineException("torch.Tensor cannot be called from a checkpoint");
        }, null));
        // torch.nn.Parameter(data, requires_grad=True), called as a class: never what torch.save writes, but allowed
        Fn.Body parameterClass = a -> {
            arity(a, 1, 2, "torch.nn.Parameter");
            return parameter(a.get(0), a.size() == 2 ? a.get(1) : Boolean.TRUE, keepParameters, "torch.nn.Parameter");
        };
        b.registerCallable(new Fn(GlobalKind.CLASS, "torch.nn.parameter", "Parameter", parameterClass, parameterClass));
        return b.build();
    }

    /**
     * The bits of a tensor's metadata, the last argument of {@code _rebuild_tensor_v2}/{@code _v3}: torch
     * writes {@code torch._utils.get_tensor_metadata(t)}, {@code {'conj': True}} and/or
     * {@code {'neg': True}} when the tensor is a conjugate or negative view (its stored values are the
     * unconjugated, unnegated ones), and nothing otherwise. torch reads it with
     * {@code set_tensor_metadata} when it is truthy. Brine applies the two it knows, and refuses any
     * other key (torch 2.13 ignores one; a later torch may give it a meaning that changes the values)
     * and a value other than True (torch never writes one, and sets the bit whatever the value is).
     */
    static int metadata(Object m, String what) throws BrineException {
        if (!PythonTruth.isTrue(m)) {
            return 0; // torch: `if metadata:`
        }
        if (!(m instanceof Map)) {
            throw new BrineException(what + ": the tensor metadata must be a dict, not " + PythonRepr.brief(m));
        }
        int bits = 0;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) m).entrySet()) {
            Object k = e.getKey();
            int bit = "neg".equals(k) ? Tensors.NEG : "conj".equals(k) ? Tensors.CONJ : 0;
            if (bit == 0) {
                throw new BrineException(what + ": unknown tensor metadata " + PythonRepr.brief(k)
                        + " (Brine knows 'conj' and 'neg')");
            }
            if (!Boolean.TRUE.equals(e.getValue())) {
                throw new BrineException(what + ": tensor metadata '" + k + "' is " + PythonRepr.brief(e.getValue())
                        + " (torch writes only True, and sets the bit whatever the value)");
            }
            bits |= bit;
        }
        return bits;
    }

    /**
     * {@code torch.serialization._get_layout(name)}, as {@code torch.load(weights_only=True)} reads it: a layout object
     * ({@code torch.strided}), kept as the inert {@link GenericObject} of that call, so that it shows as what the
     * file says and is written back to the same opcodes. A name torch does not know is refused (torch's
     * {@code KeyError}).
     */
    private static Object layout(Tuple a) throws BrineException {
        arity(a, 1, 1, GET_LAYOUT.toString());
        if (!LAYOUTS.contains(a.get(0))) {
            throw new BrineException(GET_LAYOUT + ": unknown layout " + PythonRepr.brief(a.get(0)) + " (torch knows "
                    + String.join(", ", LAYOUTS) + ")");
        }
        return GenericObject.reduced(GET_LAYOUT, a);
    }

    private static void refuse(ClassRegistry.Builder b, String module, String name, String why) {
        b.registerCallable(new Fn(module, name, a -> {
            throw new BrineException(module + "." + name + ": " + why);
        }, null));
    }

    private static Object device(Tuple a) throws BrineException {
        arity(a, 1, 2, "torch.device");
        if (!(a.get(0) instanceof String)) {
            throw new BrineException("torch.device expects a string, not " + a.get(0));
        }
        String type = (String) a.get(0);
        Long index = null;
        if (a.size() == 2 && a.get(1) != null) {
            index = integer(a.get(1), "device index");
        } else if (a.size() == 1 && type.indexOf(':') > 0) {
            String idx = type.substring(type.indexOf(':') + 1);
            type = type.substring(0, type.indexOf(':'));
            try {
                index = Long.parseLong(idx);
            } catch (NumberFormatException e) {
                throw new BrineException("torch.device: invalid device string '" + a.get(0) + "'");
            }
        }
        return new TorchDevice(type, index);
    }

    /**
     * {@code torch.Size(dims)}: torch writes {@code torch.Size((2, 3))} (its {@code __reduce__}), and
     * {@code torch.Size()} is the empty size. As torch's constructor does, any sequence of ints is taken,
     * bools as 0 and 1, in any number (a Size is a value here, not a tensor's shape); ints beyond 64 bits
     * are refused as torch refuses them ("Overflow when unpacking long long").
     */
    private static TorchSize size(Tuple a) throws BrineException {
        arity(a, 0, 1, "torch.Size");
        if (a.isEmpty()) {
            return TorchSize.of();
        }
        Object o = a.get(0);
        List<?> items;
        if (o instanceof Tuple) {
            items = ((Tuple) o).asList();
        } else if (o instanceof List) {
            items = (List<?>) o;
        } else if (o instanceof TorchSize) {
            return TorchSize.of(((TorchSize) o).dims()); // a new object, as torch makes one
        } else {
            throw new BrineException("torch.Size takes a sequence of ints, not " + PythonRepr.brief(o));
        }
        long[] dims = new long[items.size()];
        for (int i = 0; i < dims.length; i++) {
            Object item = items.get(i);
            dims[i] = item instanceof Boolean ? ((Boolean) item ? 1 : 0) : integer(item, "torch.Size item " + i);
        }
        return TorchSize.of(dims);
    }

    /**
     * A Parameter's value: a {@link TorchParameter} when {@code keep} (of an array's data; one over an inert
     * tensor stays that tensor), else its data. {@code requires_grad} must be a bool, as torch's
     * {@code Tensor._make_subclass} requires.
     */
    private static Object parameter(Object data, Object requiresGrad, boolean keep, String what) throws BrineException {
        Object tensor = tensorData(data, what);
        requireBool(requiresGrad, what);
        if (!keep || !(tensor instanceof NDArray)) {
            return tensor;
        }
        return new TorchParameter((NDArray) tensor, (Boolean) requiresGrad);
    }

    /** A tensor's or Parameter's requires_grad, which torch refuses unless a bool ("requires_grad must be a bool"). */
    private static void requireBool(Object requiresGrad, String what) throws BrineException {
        if (!(requiresGrad instanceof Boolean)) {
            throw new BrineException(what + ": requires_grad must be a bool, not " + PythonRepr.brief(requiresGrad));
        }
    }

    private static Object tensorData(Object data, String what) throws BrineException {
        if (data instanceof NDArray || data instanceof GenericObject) {
            return data;
        }
        throw new BrineException(what + ": expected a tensor, not " + (data == null ? "None" : data.getClass().getSimpleName()));
    }

    private static void arity(Tuple a, int min, int max, String what) throws BrineException {
        if (a.size() < min || a.size() > max) {
            throw new BrineException(what + " takes " + (min == max ? String.valueOf(min) : min + " to " + max)
                    + " arguments, got " + a.size());
        }
    }

    private static TorchStorage storage(Object o) throws BrineException {
        if (o instanceof TorchStorage) {
            return (TorchStorage) o;
        }
        throw new BrineException("a tensor's storage must be a stored storage, not " + (o == null ? "None" : o));
    }

    static long integer(Object o, String what) throws BrineException {
        if (o instanceof Long) {
            return (Long) o;
        }
        if (o instanceof BigInteger) {
            throw new BrineException(what + " " + o + " is out of range");
        }
        throw new BrineException(what + " must be an int, not " + (o == null ? "None" : o.getClass().getSimpleName()));
    }

    private static long[] longs(Object o, String what) throws BrineException {
        List<?> items;
        if (o instanceof Tuple) {
            items = ((Tuple) o).asList();
        } else if (o instanceof List) {
            items = (List<?>) o;
        } else if (o instanceof TorchSize) {
            items = ((TorchSize) o).asList(); // a tensor's size as torch.Size, should a file write it so
        } else {
            throw new BrineException(what + " must be a tuple of ints, not " + (o == null ? "None" : o.getClass().getSimpleName()));
        }
        if (items.size() > NDArray.MAX_DIMS) {
            throw new BrineException(what + " has " + items.size() + " dimensions, more than the " + NDArray.MAX_DIMS
                    + " an NDArray may have");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = integer(items.get(i), what + "[" + i + "]");
        }
        return out;
    }
}
