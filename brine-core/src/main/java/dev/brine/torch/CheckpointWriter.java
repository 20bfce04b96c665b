package dev.brine.torch;

import dev.brine.BrineException;
import dev.brine.io.AtomicFiles;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.Reduction;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Storage;
import dev.brine.numpy.NumpyPickles;
import dev.brine.numpy.NumpyScalar;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.Pickler;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.PicklingException;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes checkpoints as {@code torch.save} does: a ZIP whose members sit under one folder named
 * after the file, holding {@code data.pkl} (pickle protocol 2, tensors as
 * {@code torch._utils._rebuild_tensor_v2} and storages as persistent ids), the
 * {@code .format_version}, {@code .storage_alignment} and {@code byteorder} records, one
 * {@code data/<key>} record per storage (64-byte aligned, stored) and {@code version}.
 *
 * <p>Arrays that view one storage ({@link Storage#view}, as tensors read from one torch storage do)
 * are written as views of one storage record, as torch writes them: the record holds the bytes from
 * the first one viewed to the last, so views that cover their storage give torch's bytes.
 */
final class CheckpointWriter {
    static final String FORMAT_VERSION = "1";
    static final String VERSION = "3\n";

    private CheckpointWriter() {
    }

    /**
     * One stored storage: a byte range of a root storage. Untyped storages and uint8 tensors share
     * records (torch's untyped storage is its uint8 storage), so whether a storage is named untyped
     * is the referrer's, not the record's.
     */
    private static final class Record {
        final Storage root;
        final long start;
        long end;
        final TorchDType dtype; // UINT8 for untyped records
        String key;

        Record(Storage root, long start, long end, TorchDType dtype) {
            this.root = root;
            this.start = start;
            this.end = end;
            this.dtype = dtype;
        }
    }

    /** Where a tensor or bare storage lives: its record and its offset there in its own elements. */
    private record Place(Record record, long offset) {
    }

    /** The bytes an array or storage is written from, and how. */
    private static final class Item {
        final Object owner; // NDArray or TorchStorage
        final Storage root;
        final long start;
        final long length;
        final TorchDType dtype;
        final boolean untyped;

        Item(Object owner, Storage bytes, TorchDType dtype, boolean untyped) {
            this.owner = owner;
            this.root = bytes.base() == null ? bytes : bytes.base();
            this.start = bytes.baseOffset();
            this.length = bytes.size();
            this.dtype = dtype;
            this.untyped = untyped;
        }
    }

    /**
     * The placeholder a tensor's reduction names for its storage, as a {@code torch.UntypedStorage} when
     * {@code untyped}; the persistent-id hook turns it into the id.
     */
    private record StorageRef(Record record, boolean untyped) {
    }

    /**
     * Saves with {@code options}' registry's Java classes written besides numpy's and torch's own (see
     * {@link #registry}), refusing what the same options would not load back ({@link #checkLoadable}).
     */
    static void save(Object obj, Path path, TorchOptions options) throws IOException {
        String folder = archiveName(path);
        Plan plan = plan(obj, options.registry());
        byte[] pickle = pickle(obj, plan, options);
        AtomicFiles.write(path, out -> writeZip(new ZipWriter(out), folder, pickle, plan));
    }

    static void save(Object obj, OutputStream out, String folder, TorchOptions options) throws IOException {
        save(obj, out, folder, new ZipWriter(out), options);
    }

    static void save(Object obj, OutputStream out, String folder, ZipWriter zip) throws IOException {
        save(obj, out, folder, zip, TorchOptions.DEFAULT);
    }

    private static void save(Object obj, OutputStream out, String folder, ZipWriter zip, TorchOptions options)
            throws IOException {
        if (folder.isEmpty() || folder.contains("/") || folder.contains("\\") || folder.equals("..")) {
            throw new BrineException("a checkpoint folder name must be non-empty, without slashes, and not '..': '"
                    + folder + "'");
        }
        Plan plan = plan(obj, options.registry());
        byte[] pickle = pickle(obj, plan, options);
        writeZip(zip, folder, pickle, plan);
    }

    /**
     * The folder {@code torch.save(obj, path)} names after the file: the last part of the path (after
     * the last '/' or '\\', both separators to torch on every system) without its last extension. A path that
     * is not all ASCII is written by torch through a Python stream, and its writer then names the folder
     * {@code archive}, as for any buffer. Where torch refuses to write (a name with nothing before its
     * dot, {@code .hidden}: "invalid file name") Brine writes {@code archive} too, and also where torch
     * would name the folder {@code ..} (a file named {@code ...}): a member {@code ../data.pkl} is what
     * ZIP readers refuse as a way out of a folder, Brine's own among them; torch loads either.
     */
    static String archiveName(Path path) {
        String given = path.toString();
        if (!given.chars().allMatch(c -> c < 0x80)) {
            return "archive"; // torch: self.name.encode("ascii") fails, so the C++ writer gets a stream
        }
        String name = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
            name = name.substring(0, dot);
        }
        return name.isEmpty() || name.equals("..") ? "archive" : name;
    }

    private static void writeZip(ZipWriter zip, String folder, byte[] pickle, Plan plan) throws IOException {
        String p = folder + "/";
        zip.add(p + "data.pkl", pickle);
        zip.add(p + ".format_version", FORMAT_VERSION.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        zip.add(p + ".storage_alignment", String.valueOf(ZipWriter.ALIGNMENT).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        zip.add(p + "byteorder", "little".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (Record r : plan.keyed) {
            zip.add(p + "data/" + r.key, r.root, r.start, r.end - r.start);
        }
        zip.add(p + "version", VERSION.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        zip.finish();
    }

    // ------------------------------------------------------------------------------ planning

    private static final class Plan {
        final Map<Object, Place> places = new IdentityHashMap<>();
        final List<Record> keyed = new ArrayList<>(); // in key order, filled while pickling
    }

    /** Finds every array and storage by pickling once, then decides which bytes each record holds. */
    private static Plan plan(Object obj, ClassRegistry user) throws BrineException {
        Map<Object, Item> items = new IdentityHashMap<>(); // arrays are equal by value; here identity counts
        ClassRegistry collect = registry(user, a -> {
            if (!items.containsKey(a)) {
                items.put(a, item(a));
            }
            return Reduction.call(new Global("brine", "collect"));
        });
        PicklerOptions o = PicklerOptions.builder().protocol(2).registry(collect).persistentId(x -> {
            if (x instanceof TorchStorage) {
                TorchStorage s = (TorchStorage) x;
                items.computeIfAbsent(s, k -> new Item(s, s.bytes(), s.dtype(), s.isUntyped()));
                return "s";
            }
            return null;
        }).build();
        Pickler.dumps(obj, o);
        Plan plan = new Plan();
        // group by root storage and record kind; merge overlapping ranges of one kind into one record
        Map<Storage, List<Item>> byRoot = new IdentityHashMap<>();
        for (Item it : items.values()) {
            byRoot.computeIfAbsent(it.root, k -> new ArrayList<>()).add(it);
        }
        for (List<Item> group : byRoot.values()) {
            // torch keys storages by their bytes: an untyped storage, a uint8 tensor and a tensor stored
            // untyped (uint16...) on the same bytes are one record, each naming it its own way
            Map<TorchDType, List<Item>> kinds = new LinkedHashMap<>();
            for (Item it : group) {
                kinds.computeIfAbsent(recordType(it), k -> new ArrayList<>()).add(it);
            }
            for (List<Item> kind : kinds.values()) {
                kind.sort(Comparator.comparingLong((Item it) -> it.start).thenComparing(it -> -it.length));
                Record current = null;
                for (Item it : kind) {
                    int item = it.dtype.itemsize();
                    TorchDType recordType = recordType(it);
                    if (it.length == 0) { // an empty tensor gets an empty storage of its own, as in torch
                        plan.places.put(it.owner, new Place(new Record(it.root, it.start, it.start, recordType), 0));
                        continue;
                    }
                    // views of one storage share one record, as in torch, overlapping or not: the record
                    // spans from the first viewed byte to the last (a fused weight split into q, k and v
                    // is one storage again, byte for byte torch's when the views cover it)
                    boolean joins = current != null;
                    if (joins && (it.start - current.start) % item != 0) {
                        // off the element grid: torch cannot view those bytes so; a record of its own
                        plan.places.put(it.owner, new Place(new Record(it.root, it.start, it.start + it.length,
                                recordType), 0));
                        continue;
                    }
                    if (!joins) {
                        current = new Record(it.root, it.start, it.start + it.length, recordType);
                    } else {
                        current.end = Math.max(current.end, it.start + it.length);
                    }
                    plan.places.put(it.owner, new Place(current, (it.start - current.start) / item));
                }
            }
        }
        return plan;
    }

    /** The element type of the record an item is written in: uint8 (bytes) for what is stored untyped. */
    private static TorchDType recordType(Item it) {
        return it.untyped ? TorchDType.UINT8 : it.dtype;
    }

    /** What to write for array {@code a}: its bytes when torch can hold them as they are, else a converted copy. */
    private static Item item(NDArray a) throws BrineException {
        TorchDType t = TorchDType.forArrayType(a.dtype());
        if (t == null) {
            throw new PicklingException("cannot save a " + a.dtype().name() + " array (" + a.dtype().str()
                    + ") in a torch checkpoint: torch has no such dtype");
        }
        NDArray w = a;
        if (!a.dtype().equals(t.arrayType())) {
            w = a.astype(t.arrayType()); // big-endian to little
        }
        return new Item(a, w.storage(), t, t.storageClass() == null);
    }

    // ------------------------------------------------------------------------------ pickling

    private static byte[] pickle(Object obj, Plan plan, TorchOptions options) throws BrineException {
        ClassRegistry reg = registry(options.registry(), a -> tensorReduction(a, plan));
        PicklerOptions o = PicklerOptions.builder().protocol(2).registry(reg).persistentId(x -> {
            if (x instanceof StorageRef) {
                StorageRef ref = (StorageRef) x;
                return pid(ref.record(), ref.untyped(), plan);
            }
            if (x instanceof TorchStorage) {
                return pid(plan.places.get(x).record(), ((TorchStorage) x).isUntyped(), plan);
            }
            return null;
        }).build();
        byte[] pickle = Pickler.dumps(obj, o);
        if (!options.genericObjects()) {
            checkLoadable(obj, pickle, options);
        }
        return pickle;
    }

    /**
     * The first global the checkpoint's pickle names that {@code torch.load(weights_only=True)} refuses, or
     * null: the save's own pickle, written with {@code options} (its tensors are persistent ids, so no data is
     * touched), read as {@link #checkLoadable} reads a save under {@link TorchOptions#DEFAULT}.
     */
    static Global firstGlobalWeightsOnlyRefuses(Object obj, TorchOptions options) throws BrineException {
        TorchOptions unchecked = options.genericObjects() ? options : options.toBuilder().genericObjects(true).build();
        byte[] pickle = pickle(obj, plan(obj, options.registry()), unchecked);
        ClassRegistry reads = TorchGlobals.registry(TorchOptions.weightsOnlyBuiltins(), NO_TENSORS);
        for (Global g : PickledGlobals.of(pickle)) {
            if (reads.resolve(g.module(), g.name()) == null) {
                return g;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------ what loads back

    /**
     * Refuses a pickle naming a global that {@code options}' load refuses: with {@link TorchOptions#DEFAULT}
     * that is what {@code torch.load(weights_only=True)} refuses, so a file saved with the default loads
     * with torch's default. Checked on the pickle written, whatever wrote the global (a registered writer,
     * the pickler's own frozenset, an inert object read with generic objects).
     */
    private static void checkLoadable(Object obj, byte[] pickle, TorchOptions options) throws BrineException {
        ClassRegistry reads = TorchGlobals.registry(options.registry(), NO_TENSORS);
        for (Global g : PickledGlobals.of(pickle)) {
            if (reads.resolve(g.module(), g.name()) == null) {
                throw refusal(obj, g, options);
            }
        }
    }

    /** The rebuilder of the registry {@link #checkLoadable} resolves names in, which builds nothing. */
    private static final TorchGlobals.Rebuilder NO_TENSORS = (storage, dtype, offset, size, stride, bits) -> {
        throw new BrineException("internal error: the check of a save's globals does not read tensors");
    };

    /** What the save of a value pickling as {@code g} says: which value, where, and how to write it anyway. */
    private static PicklingException refusal(Object obj, Global g, TorchOptions options) throws BrineException {
        Object[] found = holder(obj, g, options.registry());
        Object value = found[1];
        String type = value == null ? "None" : value.getClass().getName();
        String where = ((String) found[0]).isEmpty() ? "the checkpoint itself" : "'" + found[0] + "'";
        String refuses = options.registry() == TorchOptions.weightsOnlyBuiltins()
                ? "torch.load(weights_only=True), torch's default, refuses (\"not an allowed global by default\")"
                : "these options' registry does not read";
        return new PicklingException("cannot save the " + type + " at " + where + " in a torch checkpoint: it pickles as "
                + g + ", which " + refuses + ". To write it anyway, save with options whose registry reads it"
                + " (TorchOptions.builder().registry(ClassRegistry.builtins()) reads dates, times, Decimals, frozensets"
                + " and bytes(); NumpyPickles.standardRegistry() numpy's values too) or with genericObjects(true); torch"
                + " then loads the file only with weights_only=False or with " + g + " in torch.serialization.safe_globals");
    }

    /**
     * The innermost value under {@code obj} whose own pickle names {@code g}, with its dotted path as
     * {@link TorchCheckpoint#namedTensors} names paths ({@code {path, value}}): a dict key is named as its
     * repr with {@code (key)} after it. Only on the way to a refusal, so each step pickles the children again.
     */
    private static Object[] holder(Object obj, Global g, ClassRegistry user) throws BrineException {
        ClassRegistry reg = registry(user, a -> Reduction.call(new Global("brine", "array")));
        PicklerOptions o = PicklerOptions.builder().protocol(2).registry(reg)
                .persistentId(x -> x instanceof TorchStorage ? "s" : null).build();
        String path = "";
        Object at = obj;
        // a container holding itself would lead the descent back into itself: each is entered once
        Map<Object, Boolean> entered = new IdentityHashMap<>();
        descend:
        while (true) {
            entered.put(at, true);
            for (Object[] child : children(path, at)) {
                if (!entered.containsKey(child[1]) && PickledGlobals.of(Pickler.dumps(child[1], o)).contains(g)) {
                    path = (String) child[0];
                    at = child[1];
                    continue descend;
                }
            }
            return new Object[] {path, at};
        }
    }

    /** The {@code {path, value}} pairs a container holds, keys first; none for any other value. */
    private static List<Object[]> children(String path, Object v) {
        List<Object[]> out = new ArrayList<>();
        if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                String name = join(path, TorchCheckpoint.keyName(e.getKey()));
                out.add(new Object[] {name + " (key)", e.getKey()});
                out.add(new Object[] {name, e.getValue()});
            }
        } else if (v instanceof List || v instanceof Tuple) {
            List<?> items = v instanceof Tuple ? ((Tuple) v).asList() : (List<?>) v;
            for (int i = 0; i < items.size(); i++) {
                out.add(new Object[] {join(path, String.valueOf(i)), items.get(i)});
            }
        } else if (v instanceof java.util.Collection) { // a set or frozenset: its items have no index
            for (Object item : (java.util.Collection<?>) v) {
                out.add(new Object[] {join(path, "{" + TorchCheckpoint.keyName(item) + "}"), item});
            }
        }
        return out;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The persistent id of record {@code r}, named as a {@code torch.UntypedStorage} when {@code untyped}. */
    private static Tuple pid(Record r, boolean untyped, Plan plan) {
        if (r.key == null) {
            r.key = String.valueOf(plan.keyed.size());
            plan.keyed.add(r);
        }
        Global type = untyped ? TorchGlobals.UNTYPED_STORAGE : new Global("torch", r.dtype.storageClass());
        long numel = (r.end - r.start) / r.dtype.itemsize();
        return Tuple.of("storage", type, r.key, "cpu", numel);
    }

    private static Reduction tensorReduction(NDArray a, Plan plan) throws BrineException {
        Place place = plan.places.get(a);
        if (place == null) {
            throw new PicklingException("internal error: an array was not seen while planning the checkpoint");
        }
        TorchDType t = TorchDType.forArrayType(a.dtype());
        StorageRef ref = new StorageRef(place.record(), t.storageClass() == null);
        long[] shape = a.shape();
        Object[] size = new Object[shape.length];
        Object[] stride = new Object[shape.length];
        boolean c = a.isCContiguous();
        long s = 1;
        for (int k = 0; k < shape.length; k++) {
            int i = c ? shape.length - 1 - k : k;
            size[i] = shape[i];
            stride[i] = s;
            s *= Math.max(1, shape[i]);
        }
        OrderedDict<Object, Object> hooks = new OrderedDict<>();
        if (t.storageClass() == null) {
            return Reduction.call(TorchGlobals.REBUILD_TENSOR_V3, ref, place.offset(), Tuple.of(size), Tuple.of(stride),
                    false, hooks, t);
        }
        return Reduction.call(TorchGlobals.REBUILD_TENSOR_V2, ref, place.offset(), Tuple.of(size), Tuple.of(stride),
                false, hooks);
    }

    /** How an array is written, given the session. */
    private interface ArrayWriter {
        Reduction reduce(NDArray a) throws BrineException;
    }

    /** numpy's values other than arrays, which torch pickles as numpy does (arrays become tensors). */
    private static final List<Class<?>> NUMPY_VALUES = List.of(DType.class, NumpyScalar.class, ObjectArray.class);

    /**
     * The user's classes ({@code user}, Python's builtins when not told otherwise), numpy's scalars and
     * dtypes as numpy pickles them where {@code user} writes them no other way (a checkpoint holding them
     * loads in torch with {@code weights_only=False}, or with them in {@code safe_globals}, as torch's own
     * would), and, whatever {@code user} says, torch's devices and sizes, and arrays as tensors. With the
     * builtins this is the standard registry's writing with arrays as tensors: the default save.
     */
    private static ClassRegistry registry(ClassRegistry user, ArrayWriter arrays) {
        ClassRegistry.Builder b = user.toBuilder();
        ClassRegistry numpy = NumpyPickles.standardRegistry();
        for (Class<?> type : NUMPY_VALUES) {
            if (user.writerFor(type) == null) {
                b.registerWriter(type, numpy.writerFor(type));
            }
        }
        return b.registerWriter(NDArray.class, arrays::reduce)
                .registerWriter(TorchDevice.class, TorchDevice::reduction)
                .registerWriter(TorchSize.class, TorchSize::reduction)
                .registerWriter(TorchParameter.class, CheckpointWriter::parameterReduction)
                .build();
    }

    /** A Parameter as {@code Parameter.__reduce_ex__} gives it (no attributes): torch never saves hooks. */
    private static Reduction parameterReduction(TorchParameter p) {
        return Reduction.call(TorchGlobals.REBUILD_PARAMETER, p.data(), p.requiresGrad(), new OrderedDict<>());
    }
}
