package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.HeapBudget;
import dev.brine.Limits;
import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ModelArchive;
import dev.brine.archive.SharedVariable;
import dev.brine.mapping.PickleState;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.NpyHeader;
import dev.brine.mapping.ClassRegistry;
import dev.brine.npy.Npz;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.numpy.ObjectArray;
import dev.brine.npy.NpzFile;
import dev.brine.npy.ZipReader;
import dev.brine.safetensors.SafeTensors;
import dev.brine.safetensors.SafeTensorsFile;
import dev.brine.safetensors.SafeTensorsOptions;
import dev.brine.torch.TorchCheckpoint;
import dev.brine.torch.TorchOptions;
import dev.brine.torch.TorchParameter;
import dev.brine.pickle.InertGlobals;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.py.PersistentId;
import dev.brine.py.Tuple;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a file holds, as the verbs see it: the objects (for show and convert) and the arrays or
 * members with their dtype, shape and size (for ls and extract). Reading never runs anything: unknown
 * classes become inert generic objects.
 */
final class Loaded {
    /**
     * The CLI's limits: the defaults, except that what one array or file may take of the heap follows the JVM's heap
     * (give it more with BRINE_JAVA_OPTS) instead of stopping at 2 GiB, so that an .npz or deflated archive member
     * over 2 GiB, which is read into the heap, is read when the heap holds it.
     */
    static final Limits LIMITS = Limits.DEFAULT.toBuilder()
            .maxAllocation(Math.max(Limits.DEFAULT.maxAllocation(), Runtime.getRuntime().maxMemory())).build();

    /** The CLI's reading options: nothing is refused for being unknown, nothing is ever run. */
    static final UnpicklerOptions VIEWING = UnpicklerOptions.builder().genericObjects(true).limits(LIMITS)
            // numpy object arrays too: their items are values like any other, read inert as generic objects;
            // and Brine's own named variables, so that a pickle's show as an archive's, and keep their names
            // when converted to an archive (its members are named after them)
            .registry(SharedVariable.addTo(NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
                    NumpyNames.NUMPY1, true)).build())
            .py2Strings(UnpicklerOptions.Py2Strings.LATIN1)
            // a persistent id (Pickler.persistent_id: a database key) as itself, written back as the same id
            .persistentLoader(PersistentId::new).build();

    /** One array or member: name, dtype and shape (null for non-arrays), bytes, how it is stored. */
    record Member(String name, DType dtype, long[] shape, long bytes, String storage, Object value) {
    }

    /** Bytes after a legacy torch file's last storage, which torch.load ignores (see {@link #readWarnings}). */
    private long torchTrailingBytes;

    /** The file as the verb was given it (a pipe's bytes are read from a copy: see InputFile). */
    Path path;
    final Formats format;
    /** What the file holds: for a safetensors file, its tensors by name and nothing else. */
    final List<Object> objects;
    /**
     * A safetensors header's {@code __metadata__}, kept apart from the tensors: it is not an entry of
     * the state dict, and must not become one in a .pt or a pickle. Null when the file has none (a
     * safetensors writer then writes none, as the package does for {@code metadata=None}).
     */
    final Map<String, String> metadata;
    private List<Member> members; // for pickles, found on first use: converting does not need them
    /**
     * For a stream of pickles: one Pickler wrote them with several dump() calls, and a later one refers
     * to an earlier one's memo (Unpickler.memoSpannedPickles), so one Pickler writes them back.
     */
    boolean memoSpansPickles;
    /** A pickle file's bytes after its last complete pickle that were not a pickle, or null (see PickleFile). */
    private PickleFile.Trailing trailing;
    /**
     * The globals kept inert that reading the file's pickle met, for a plain pickle and a torch checkpoint, or null
     * (archives and object arrays, whose readers do not give them): empty, the objects need no walk for warnings,
     * and the names met that the walk does not find are in parts Brine drops, which the warning names too.
     */
    private InertGlobals inertGlobals;
    /** The arrays a pickled torch.nn.Module holds outside its state_dict, found with the members (ArrayNames). */
    private List<String> outsideStateDict;
    /** Whether containers reached by many paths were named under the first ones only (ArrayNames, SharedPaths). */
    private boolean repeatsCut;

    private Loaded(Path path, Formats format, List<Object> objects, List<Member> members) {
        this(path, format, objects, members, null);
    }

    private Loaded(Path path, Formats format, List<Object> objects, List<Member> members, Map<String, String> metadata) {
        this.path = path;
        this.format = format;
        this.objects = objects;
        this.members = members;
        this.metadata = metadata;
    }

    /**
     * The objects as {@code show} prints them: a safetensors file's {@code __metadata__} is shown after
     * its tensors, as one more entry, so that nothing in the header goes unseen.
     */
    List<Object> shown() {
        if (metadata == null) {
            return objects;
        }
        Map<Object, Object> all = new LinkedHashMap<>((Map<?, ?>) objects.get(0));
        all.put("__metadata__", new LinkedHashMap<>(metadata));
        return List.of(all);
    }

    /**
     * Prints the warnings of reading the file, which every verb gives: stray bytes after its pickles, and the
     * classes and functions its pickles name that Python would import and run (Brine kept them inert).
     */
    Loaded warn(java.io.PrintWriter err) {
        if (trailing != null) {
            trailing.warn(path, err);
        }
        for (String warning : readWarnings()) {
            ErrorReporter.warn(err, path + ": " + warning);
        }
        err.flush();
        return this;
    }

    /**
     * The warnings of reading the file but a pickle's stray bytes, without the file's name: a legacy torch file's
     * bytes after its last storage, and {@link #inertNameWarnings}.
     */
    List<String> readWarnings() {
        List<String> all = new ArrayList<>();
        if (torchTrailingBytes > 0) {
            all.add(torchTrailingBytes + (torchTrailingBytes == 1 ? " byte follows" : " bytes follow") + " the last storage,"
                    + " which torch.load ignores, as Brine does (a file cut from a longer one, or appended to)");
        }
        all.addAll(inertNameWarnings());
        return all;
    }

    /** The warnings of {@link InertNames#warnings} for what the file holds, without the file's name. */
    List<String> inertNameWarnings() {
        if (inertGlobals != null && inertGlobals.isEmpty()) {
            return List.of(); // reading met no such name: walking the objects finds none
        }
        return InertNames.warnings(format, objects, path.getFileName().toString().replaceFirst("\\.npy$", ""), inertGlobals);
    }

    /** The arrays or members, in file order (for a pickle: every distinct array reachable, by path). */
    List<Member> members() {
        if (members == null) {
            List<String> outside = new ArrayList<>();
            boolean[] cut = new boolean[1];
            members = arraysIn(objects, outside, cut);
            outsideStateDict = outside;
            repeatsCut = cut[0];
        }
        return members;
    }

    /**
     * Warns of the tensors a pickled {@code torch.nn.Module} holds outside its {@code state_dict} (non-persistent
     * buffers, plain attributes): {@link #members} leaves them out, as {@code state_dict} does, and says so.
     */
    void warnOutsideStateDict(java.io.PrintWriter err) {
        members();
        if (outsideStateDict != null && !outsideStateDict.isEmpty()) {
            ErrorReporter.warn(err, path + ": " + outsideStateDict(outsideStateDict));
            err.flush();
        }
        if (repeatsCut) {
            ErrorReporter.warn(err, path + ": " + REPEATS_CUT);
            err.flush();
        }
    }

    /** The warning for a walk that stopped naming repeated containers ({@link ArrayNames.Found#repeatsCut}). */
    static final String REPEATS_CUT = "its objects are shared by so many paths that arrays reached again were named"
            + " under their first paths only (at most " + dev.brine.torch.SharedPaths.MAX_REPEATED_ENTRIES
            + " repeated entries are named)";

    /** The words of {@link #warnOutsideStateDict} for the names. */
    static String outsideStateDict(List<String> names) {
        return "not listed: " + String.join(", ", names.size() > 20 ? names.subList(0, 20) : names)
                + (names.size() > 20 ? ", ..." : "") + " (held by a torch.nn.Module outside its state_dict:"
                + " a non-persistent buffer or a plain attribute)";
    }

    /**
     * The file, as every verb reads it; {@code oneMemo}: a stream of pickles is read with one memo across them
     * (--memo). A torch checkpoint's storage records (always stored) are memory-mapped, read-only, so a checkpoint
     * of any size costs no heap for its tensors, as an .npy file does (the mapping reads no CRC: verify checks them).
     */
    static Loaded open(Path path, boolean oneMemo) throws IOException {
        return open(path, oneMemo, false);
    }

    /**
     * As {@link #open(Path, boolean)}; {@code keepParameters}: a torch checkpoint's {@code nn.Parameter}s read as
     * {@link TorchParameter}s, so that a checkpoint written from them keeps them Parameters (convert to a .pt), where
     * every other verb and output takes their arrays.
     */
    static Loaded open(Path path, boolean oneMemo, boolean keepParameters) throws IOException {
        try (InputFile input = InputFile.open(path)) {
            return open(input, oneMemo, keepParameters);
        }
    }

    /** As {@link #open(Path, boolean, boolean)}, from a file the caller opened (and may read again: ls does). */
    static Loaded open(InputFile input, boolean oneMemo, boolean keepParameters) throws IOException {
        Loaded loaded = input.read(() -> read(input.path(), oneMemo, keepParameters));
        loaded.path = input.given();
        return loaded;
    }

    private static Loaded read(Path path, boolean oneMemo, boolean keepParameters) throws IOException {
        Formats format = Formats.detect(path);
        try {
            return switch (format) {
                case PICKLE -> pickle(path, oneMemo);
                case NPY -> npy(path);
                case NPZ -> npz(path);
                case ARCHIVE -> archive(path);
                case TORCH -> torch(path, keepParameters);
                case SAFETENSORS -> safetensors(path);
            };
        } catch (BrineException e) {
            if (e.getMessage() != null && e.getMessage().contains(path.toString())) {
                throw e;
            }
            throw e.withContext(path.toString());
        }
    }

    /**
     * What every verb says of a file with no pickle in it (Python's pickle.load: "Ran out of input"), naming it
     * itself: the readers name a file only when the message does not already hold its name, and a file named
     * {@code empty} or {@code file} is in this message's words.
     */
    static BrineException emptyPickle(Path file) {
        return new BrineException(file + ": no pickle: the file is empty");
    }

    /** {@link #VIEWING} with one memo across a stream's pickles. */
    static final UnpicklerOptions VIEWING_ONE_MEMO = VIEWING.toBuilder()
            .streamMemo(UnpicklerOptions.StreamMemo.ONE_PICKLER).build();

    private static Loaded pickle(Path path, boolean oneMemo) throws IOException {
        // Pickle.loadAll's reading, telling also whether one Pickler wrote the pickles with one memo
        List<Object> objects = new ArrayList<>();
        PickleFile.Result read = PickleFile.read(path, oneMemo ? VIEWING_ONE_MEMO : VIEWING, objects::add);
        if (objects.isEmpty()) {
            throw emptyPickle(path);
        }
        Loaded loaded = new Loaded(path, Formats.PICKLE, objects, null);
        loaded.memoSpansPickles = oneMemo || read.memoSpanned();
        loaded.trailing = read.trailing();
        loaded.inertGlobals = read.inertGlobals();
        return loaded;
    }

    private static Loaded npy(Path path) throws IOException {
        NpyHeader h = Npy.readHeader(path);
        String name = path.getFileName().toString().replaceFirst("\\.npy$", "");
        if (h.holdsObjects()) {
            // its data is a pickle: read as every pickle the CLI reads, inert
            ObjectArray o = Npy.readObjectArray(path, VIEWING);
            return new Loaded(path, Formats.NPY, List.of(o), List.of(member(name, o, "npy " + h.version())));
        }
        // mapped, read-only: the verbs only read the array, and a file over maxAllocation (2 GiB)
        // lists, shows and converts without being copied into the heap
        NDArray a = Npy.map(path, false, Limits.DEFAULT);
        return new Loaded(path, Formats.NPY, List.of(a),
                List.of(new Member(name, a.dtype(), a.shape(), a.nbytes(), "npy " + h.version(), a)));
    }

    private static Loaded npz(Path path) throws IOException {
        try (NpzFile z = Npz.open(path, LIMITS)) {
            Map<String, Object> all = new LinkedHashMap<>();
            List<Member> members = new ArrayList<>();
            List<ZipReader.Entry> entries = z.entries();
            // numpy's keys, except where two members share one (a.npy and a): the full name reaches each
            List<String> keys = z.memberKeys();
            HeapBudget budget = new HeapBudget(LIMITS); // every member is held at once
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                Object v = z.get(key, VIEWING, budget); // object arrays too, read inert as the CLI reads pickles
                all.put(key, v);
                String method = entries.get(i).method() == 0 ? "stored" : "deflated";
                members.add(member(key, v, method));
            }
            return new Loaded(path, Formats.NPZ, List.of(all), members);
        }
    }

    private static Loaded archive(Path path) throws IOException {
        // MAP (the default): arrays of aligned stored members are mapped, read-only, so an archive saved --stored costs
        // no heap for them; every member's CRC is still checked; deflated members are read
        // the pickle read as a plain pickle is (VIEWING): numpy object arrays, Python 2 strings as latin-1, names inert
        ArchiveOptions options = ArchiveOptions.builder().unpicklerOptions(VIEWING).build();
        Object obj = ModelArchive.load(path, options);
        Map<String, String> methods = new LinkedHashMap<>();
        try (ZipReader zip = ZipReader.open(path, LIMITS)) {
            for (ZipReader.Entry e : zip.entries()) {
                methods.put(e.name(), e.method() == 0 ? "stored" : "deflated");
            }
        }
        List<Member> members = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        // an archive or checkpoint may hold None (torch.save(None)): List.of refuses a null
        boolean[] cut = new boolean[1];
        for (Member m : arraysIn(Collections.singletonList(obj), outside, cut)) {
            members.add(new Member(m.name(), m.dtype(), m.shape(), m.bytes(), archiveStorage(m, methods), m.value()));
        }
        Loaded loaded = new Loaded(path, Formats.ARCHIVE, Collections.singletonList(obj), members);
        loaded.outsideStateDict = outside;
        loaded.repeatsCut = cut[0];
        return loaded;
    }

    /**
     * How an archive's array is stored: its member's compression, and the member's name where it is not the array's
     * own (numpy.load('model.zip') gives the array {@code mask} as {@code array_0}, and a tied array, listed under
     * each of its paths, is one member); an array with no member of its own (an object array, which the pickle
     * holds) is "archive".
     */
    private static String archiveStorage(Member m, Map<String, String> methods) {
        String member = m.value() instanceof NDArray ? ((NDArray) m.value()).memberName() : null;
        if (member == null || !methods.containsKey(member)) {
            return "archive";
        }
        return methods.get(member) + (member.equals(m.name()) ? "" : ", member " + member);
    }

    private static Loaded torch(Path path, boolean keepParameters) throws IOException {
        // the globals a plain pickle is read with (numpy's arrays, scalars and dtypes among them), then torch's
        TorchCheckpoint.LoadResult read = TorchCheckpoint.loadResult(path, TorchOptions.builder()
                .registry(VIEWING.registry()).genericObjects(true).mmap(true).keepParameters(keepParameters).build());
        Object checkpoint = read.value();
        // every tensor by its dotted name, two of one name too ({'a.b': x, 'a': {'b': y}}): the checkpoint
        // is valid, and only an output keyed by those names (.npz, .safetensors) cannot hold both
        // torch.save(model) too: a pickled module's tensors by its state_dict's names (ArrayNames)
        List<Object> objects = Collections.singletonList(checkpoint);
        ArrayNames.Found found = ArrayNames.walk(objects, ArrayNames.Style.TORCH);
        List<Member> members = new ArrayList<>();
        for (ArrayNames.Named n : found.arrays()) {
            members.add(member(n.name(), n.array(), "torch"));
        }
        Loaded loaded = new Loaded(path, Formats.TORCH, objects, members);
        loaded.outsideStateDict = found.outsideStateDict();
        loaded.repeatsCut = found.repeatsCut();
        loaded.inertGlobals = read.inertGlobals(); // with what the reader drops: a tensor's Python state, its subclass
        loaded.torchTrailingBytes = read.trailingBytes();
        return loaded;
    }

    private static Loaded safetensors(Path path) throws IOException {
        // mapped, read-only, as .npy files are: a file of any size costs no heap for its tensors (the format has no
        // CRCs for verify to read every byte for; the header and offsets are checked before anything is mapped)
        try (SafeTensorsFile f = SafeTensors.open(path, SafeTensorsOptions.builder().mmap(true).build())) {
            Map<String, Object> all = new LinkedHashMap<>();
            List<Member> members = new ArrayList<>();
            for (String name : f.names()) {
                NDArray a = f.get(name);
                all.put(name, a);
                members.add(member(name, a, "safetensors"));
            }
            Map<String, String> metadata = f.hasMetadata() ? new LinkedHashMap<>(f.metadata()) : null;
            return new Loaded(path, Formats.SAFETENSORS, List.of(all), members, metadata);
        }
    }

    static Member member(String name, Object v, String storage) {
        if (v instanceof NDArray) {
            NDArray a = (NDArray) v;
            return new Member(name, a.dtype(), a.shape(), a.nbytes(), storage, a);
        }
        if (v instanceof ObjectArray) {
            // numpy's nbytes (a pointer per item), as for other arrays; the storage says the data is a pickle
            ObjectArray o = (ObjectArray) v;
            return new Member(name, o.dtype(), o.shape(), (long) o.items().size() * o.dtype().itemsize(),
                    storage + ", pickled", o);
        }
        long size = v instanceof byte[] ? ((byte[]) v).length : 0;
        return new Member(name, null, null, size, storage, v);
    }

    /**
     * Every array reachable from the objects, named as {@link ArrayNames} names it for every verb ({@code enc.layers.0},
     * an object's attribute {@code W}): an archive's arrays too, by their paths and not by their members' names, since
     * convert to .npz and .safetensors writes them under their paths (a tied array under each).
     */
    static List<Member> arraysIn(List<Object> objects, List<String> outsideStateDict, boolean[] repeatsCut) {
        List<Member> found = new ArrayList<>();
        ArrayNames.Found walked = ArrayNames.walk(objects, ArrayNames.Style.SAVEZ);
        outsideStateDict.addAll(walked.outsideStateDict());
        repeatsCut[0] = walked.repeatsCut();
        for (ArrayNames.Named n : walked.arrays()) {
            if (n.array() instanceof ObjectArray) {
                // listed as numpy lists it (dtype object, a pointer per item); its items are not walked
                ObjectArray o = (ObjectArray) n.array();
                found.add(new Member(n.name(), o.dtype(), o.shape(), (long) o.items().size() * o.dtype().itemsize(),
                        "pickled", o));
            } else {
                found.add(member(n.name(), n.array(), "pickled"));
            }
        }
        return found;
    }
}
