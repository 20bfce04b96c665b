package dev.brine.npy;

import dev.brine.BrineException;
import dev.brine.HeapBudget;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An open {@code .npz} file, read lazily member by member as numpy's {@code NpzFile} reads it:
 * keys are member names with a {@code .npy} suffix removed (the full names work too), NPY members
 * load as arrays and any other member as raw bytes. Both {@code np.savez} (stored) and
 * {@code np.savez_compressed} (deflated) files are read, ZIP64 included, under {@link Limits}.
 * Object arrays, whose data is a pickle, load only through {@link #objectArray(String)} or
 * {@link #get(String, UnpicklerOptions)} (numpy's {@code allow_pickle=True}), and inertly; their
 * headers ({@link #header(String)}) read like any other. A deflated member read into memory is
 * weighed against {@link Limits#maxTotalAllocation()} first: alone, or with the members a caller
 * keeps ({@link #get(String, UnpicklerOptions, HeapBudget)}); stored members, whose bytes the file
 * holds, and mapped ones ({@link #map(String)}) are not weighed. An array or a raw member weighs its
 * bytes; an object array weighs what its pickle may make ({@link HeapBudget#chargePickle}), 80 times
 * its bytes.
 *
 * <pre>{@code
 * try (NpzFile npz = Npz.open(Path.of("data.npz"))) {
 *     for (String name : npz.names()) {
 *         NDArray a = npz.array(name);
 *     }
 * }
 * }</pre>
 */
public final class NpzFile implements Closeable {
    private static final String SUFFIX = ".npy";

    private final ZipReader zip;
    private final Limits limits;
    private final List<String> names;
    private final Map<String, ZipReader.Entry> byKey;

    private NpzFile(ZipReader zip, Limits limits) {
        this.zip = zip;
        this.limits = limits;
        List<String> n = new ArrayList<>();
        Map<String, ZipReader.Entry> keys = new LinkedHashMap<>();
        for (ZipReader.Entry e : zip.entries()) {
            String key = CPythonStrings.of(e.name().endsWith(SUFFIX)
                    ? e.name().substring(0, e.name().length() - SUFFIX.length()) : e.name());
            n.add(key);
            keys.put(key, e);
        }
        // numpy's NpzFile: full member names are keys too, and win over stripped ones
        for (ZipReader.Entry e : zip.entries()) {
            keys.put(e.name(), zip.entry(e.name()));
        }
        this.names = Collections.unmodifiableList(n);
        this.byKey = keys;
    }

    /** Opens {@code path} under {@code limits}; only the central directory is read now. */
    static NpzFile open(Path path, Limits limits) throws IOException {
        return new NpzFile(ZipReader.open(path, limits), limits);
    }

    /** The keys in archive order: member names without their {@code .npy} suffix (numpy's {@code files}). */
    public List<String> names() {
        return names;
    }

    /**
     * One key per member, in archive order, that reaches that very member: its name without
     * {@code .npy} (its {@link #names()} entry), or its full name where the short one reaches another
     * member. numpy resolves keys so (a full member name wins), so an archive holding both
     * {@code a.npy} and {@code a} gives {@code a.npy} (the array; numpy's {@code z['a.npy']}) and
     * {@code a} (the raw member), where {@link #names()} lists {@code a} twice.
     */
    public List<String> memberKeys() {
        List<String> out = new ArrayList<>();
        List<ZipReader.Entry> entries = zip.entries();
        for (int i = 0; i < entries.size(); i++) {
            ZipReader.Entry e = entries.get(i);
            String shortKey = names.get(i);
            out.add(byKey.get(shortKey) == e ? shortKey : e.name());
        }
        return Collections.unmodifiableList(out);
    }

    /** Whether {@code key} names a member (with or without {@code .npy}). */
    public boolean contains(String key) {
        return byKey.containsKey(key);
    }

    /**
     * The member {@code key}: an {@link NDArray} (whose {@link NDArray#memberName()} is the key)
     * when it is an NPY file, else its raw bytes as {@code byte[]}, as numpy returns them.
     *
     * @throws BrineException naming the file and member if it is missing or malformed, or holds an
     *     object array (see {@link #get(String, UnpicklerOptions)})
     */
    public Object get(String key) throws IOException {
        return get(key, null);
    }

    /**
     * The member {@code key} as {@code np.load(file, allow_pickle=True)[key]} returns it, but read
     * without running anything: {@link #get(String)}, except that an object array is read as
     * {@link #objectArray(String, UnpicklerOptions)} reads it (null {@code objectArrays}: refused,
     * as {@link #get(String)} refuses it).
     *
     * The member is weighed alone against {@code maxTotalAllocation}: the caller decides what it keeps of
     * what it reads. A caller that keeps every member it reads weighs them together with
     * {@link #get(String, UnpicklerOptions, HeapBudget)}.
     *
     * @return an {@link NDArray}, an {@link ObjectArray}, or the raw bytes of a member that is not NPY
     */
    public Object get(String key, UnpicklerOptions objectArrays) throws IOException {
        return get(key, objectArrays, new HeapBudget(limits));
    }

    /**
     * {@link #get(String, UnpicklerOptions)}, charging what the member takes in memory to {@code budget}
     * before it is allocated: one budget across the members a caller holds at once (as {@link Npz#readAll}
     * holds them all) keeps a file of many members, each within the per-member limits, from running the
     * heap out.
     *
     * @throws dev.brine.LimitExceededException naming the member and the totals when the budget would be
     *     exceeded
     */
    public Object get(String key, UnpicklerOptions objectArrays, HeapBudget budget) throws IOException {
        ZipReader.Entry e = entry(key);
        String where = zip.where() + ": member " + e.name();
        try (InputStream raw = zip.open(e); BufferedInputStream in = new BufferedInputStream(raw, 1 << 16)) {
            in.mark(NpyFormat.MAGIC.length);
            byte[] magic = in.readNBytes(NpyFormat.MAGIC.length);
            in.reset();
            if (!Arrays.equals(magic, NpyFormat.MAGIC)) {
                return readAll(in, e, where, e.inflates() ? budget : null);
            }
            NpyHeader h = NpyFormat.readHeader(Channels.newChannel(in), e.size(), limits, where);
            Object v;
            if (h.holdsObjects() && objectArrays != null) {
                if (e.inflates()) {
                    // weighed by the objects it may make, not its bytes: 586 KB of member that inflated to 600 MB of
                    // empty dicts ran the heap out (HeapBudget.PICKLE_OBJECTS_PER_BYTE; the header's few bytes too)
                    budget.chargePickle(e.size(), where);
                }
                v = ObjectArrayData.read(new Unpickler(in, ObjectArrayData.options(objectArrays)), h, where, false);
            } else {
                // inflated straight into the array, weighed first with the members read before it
                v = Npy.readData(in, h, e.size(), limits, where, e.inflates() ? budget : null).withMemberName(key);
            }
            drain(in);
            return v;
        }
    }

    /**
     * The member {@code key} as an array.
     *
     * @throws BrineException if the member is not an NPY file
     */
    public NDArray array(String key) throws IOException {
        Object v = get(key);
        if (!(v instanceof NDArray)) {
            throw new BrineException(zip.where() + ": member " + entry(key).name() + " is not an NPY file");
        }
        return (NDArray) v;
    }

    /**
     * Member {@code key} memory-mapped read-only, as {@link Npy#map} maps a file: only stored
     * members ({@code np.savez}) can be mapped, and nothing but the header is read now. The archive truncated
     * while mapped makes the next access to a lost page throw the JVM's {@link java.lang.InternalError}, as
     * {@link Npy#map(java.nio.file.Path, boolean)} says.
     *
     * @throws BrineException if the member is compressed, not NPY, or claims more than it holds
     */
    public NDArray map(String key) throws IOException {
        ZipReader.Entry e = entry(key);
        String where = zip.where() + ": member " + e.name();
        if (e.method() != 0) {
            throw new BrineException(where + ": only stored members can be memory-mapped; this one is compressed (use get)");
        }
        NpyHeader h;
        try (InputStream in = zip.open(e)) {
            h = NpyFormat.readHeader(Channels.newChannel(in), e.size(), limits, where);
        }
        NpyFormat.refuseObjects(h, where);
        long length = h.dataLength();
        if (h.dataOffset() + length > e.size()) {
            throw new BrineException(where + ": truncated NPY data: it needs " + length + " bytes at byte "
                    + h.dataOffset() + " but the member has only " + Math.max(0, e.size() - h.dataOffset()));
        }
        return NDArray.wrap(h.dtype(), h.order(), h.shape(), zip.mapStored(e, h.dataOffset(), length)).withMemberName(key);
    }

    /**
     * Member {@code key} holding an object array ({@link NpyHeader#holdsObjects()}), as numpy's
     * {@code np.load(file, allow_pickle=True)[key]} reads it but without running anything: Python's
     * builtins and numpy's values are read, any other global in the pickle is refused; the pickle is
     * checked under this file's limits.
     *
     * @throws BrineException naming the file and member if it holds numbers, or its pickle is
     *     malformed, refused, or not the array the header describes (shape, dtype, order)
     */
    public ObjectArray objectArray(String key) throws IOException {
        return objectArray(key, UnpicklerOptions.DEFAULT.toBuilder().limits(limits).build());
    }

    /**
     * Member {@code key} holding an object array, its pickle read as {@code options} say (registry,
     * generic objects, limits, Python 2 strings; {@code genericObjects(true)} keeps unknown classes
     * and functions as inert objects), with numpy's object arrays added to the registry: asking for
     * an object array is the opt-in. The archive and the member's header stay under this file's limits.
     */
    public ObjectArray objectArray(String key, UnpicklerOptions options) throws IOException {
        ZipReader.Entry e = entry(key);
        String where = zip.where() + ": member " + e.name();
        try (InputStream raw = zip.open(e); BufferedInputStream in = new BufferedInputStream(raw, 1 << 16)) {
            // not get(key, options): a member of numbers is refused before its data is read
            NpyHeader h = NpyFormat.readHeader(Channels.newChannel(in), e.size(), limits, where);
            if (h.holdsObjects() && e.inflates()) {
                // a pickle whose objects alone would take more than the limit (HeapBudget.PICKLE_OBJECTS_PER_BYTE)
                new HeapBudget(limits).chargePickle(e.size(), where);
            }
            ObjectArray a = ObjectArrayData.read(new Unpickler(in, ObjectArrayData.options(Objects.requireNonNull(options))), h, where,
                    false);
            drain(in);
            return a;
        }
    }

    /** The NPY header of member {@code key}, reading nothing past it; object arrays' headers too. */
    public NpyHeader header(String key) throws IOException {
        ZipReader.Entry e = entry(key);
        try (InputStream in = zip.open(e)) {
            return NpyFormat.readHeader(Channels.newChannel(in), e.size(), limits, zip.where() + ": member " + e.name());
        }
    }

    /** The underlying archive entries (names, sizes, methods). */
    public List<ZipReader.Entry> entries() {
        return zip.entries();
    }

    private ZipReader.Entry entry(String key) throws BrineException {
        ZipReader.Entry e = byKey.get(key);
        if (e == null) {
            throw new BrineException(zip.where() + ": " + key + " is not a file in the archive");
        }
        return e;
    }

    /** Reads to the end so that the member's size and CRC are verified. */
    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        while (in.read(buf) >= 0) {
            // numpy ignores bytes after the array; they are still checked against the CRC
        }
    }

    private byte[] readAll(InputStream in, ZipReader.Entry e, String where, HeapBudget budget) throws IOException {
        if (e.size() > limits.maxAllocation() || e.size() > Integer.MAX_VALUE - 8) {
            throw new LimitExceededException("maxAllocation", where + ": " + e.size() + " bytes are too many to read into memory");
        }
        if (budget != null) {
            budget.charge(e.size(), where);
        }
        // the stream refuses to yield more than the declared size, so this stays bounded
        return in.readAllBytes();
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    @Override
    public String toString() {
        return "NpzFile " + zip.where() + " with keys: " + String.join(", ", names);
    }
}
