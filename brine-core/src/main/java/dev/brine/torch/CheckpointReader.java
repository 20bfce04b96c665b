package dev.brine.torch;

import dev.brine.io.InputFiles;
import dev.brine.BrineException;
import dev.brine.HeapBudget;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.io.ChannelReads;
import dev.brine.io.CompressedFormat;
import dev.brine.io.FileKind;
import dev.brine.io.Pipes;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.FileMappings;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Storage;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.InertGlobals;
import dev.brine.pickle.PersistentLoader;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code torch.save} files: the ZIP format (PyTorch 1.6+) and the legacy pickle sequence. */
final class CheckpointReader {
    /** {@code torch.serialization.MAGIC_NUMBER}, the first pickle of a legacy file. */
    static final BigInteger LEGACY_MAGIC = new BigInteger("1950A86A20F9469CFC6C", 16);
    /**
     * The magic number pickled at protocol 0 or 1 (which have no PROTO opcode): the start of a legacy
     * file saved with {@code pickle_protocol=1} (torch loads it with {@code weights_only=False}; its
     * weights-only unpickler knows no protocol-1 opcodes, where Brine's knows them all).
     */
    static final byte[] LEGACY_MAGIC_TEXT = ("L" + LEGACY_MAGIC + "L\n.").getBytes(StandardCharsets.US_ASCII);
    /** {@code torch.serialization.PROTOCOL_VERSION}. */
    static final long LEGACY_PROTOCOL = 1001;
    /** The newest ZIP format version torch reads ({@code kMaxSupportedFileFormatVersion}). */
    static final long MAX_VERSION = 10;

    private final Path path;
    private final String where;
    private final TorchOptions options;
    private final Limits limits;
    /**
     * What the ZIP format's members read into memory take together (maxTotalAllocation): deflated
     * storages inflate a thousandfold, each within maxAllocation, and a checkpoint may hold thousands.
     */
    private final HeapBudget budget;
    /** Untyped storages byte-swapped for a big-endian file, and the unit they were swapped by. */
    private final Map<TorchStorage, Integer> swapped = new IdentityHashMap<>();
    private boolean bigEndian;
    /** The globals the pickles read kept inert (see {@link TorchCheckpoint.LoadResult}). */
    private InertGlobals inertGlobals = InertGlobals.NONE;
    /** Bytes after a legacy file's last storage (see {@link TorchCheckpoint.LoadResult}). */
    private long trailingBytes;

    private CheckpointReader(Path path, TorchOptions options) {
        this.path = path;
        this.where = path.toString();
        this.options = options;
        this.limits = options.limits();
        this.budget = new HeapBudget(limits);
    }

    static TorchCheckpoint.LoadResult load(Path path, TorchOptions options) throws IOException {
        Pipes.refuse(path, "a torch checkpoint");
        CheckpointReader r = new CheckpointReader(path, options);
        Object value = r.read();
        return new TorchCheckpoint.LoadResult(value, r.inertGlobals, r.trailingBytes);
    }

    /** The checkpoint, by the format its first bytes say. */
    private Object read() throws IOException {
        byte[] head = new byte[512];
        int got;
        try (InputStream in = InputFiles.stream(path)) {
            got = in.readNBytes(head, 0, head.length);
        }
        if (got >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return loadZip();
        }
        if (got >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            throw new BrineException(where + ": a tar checkpoint (PyTorch before 0.4) is not supported;"
                    + " load and re-save it with a newer torch");
        }
        if (got >= 2 && (head[0] & 0xFF) == 0x80 || startsWith(head, got, LEGACY_MAGIC_TEXT)) {
            return loadLegacy();
        }
        CompressedFormat compressed = CompressedFormat.of(head, got);
        if (compressed != null) {
            throw new BrineException(where + ": not a torch checkpoint but a file " + compressed.refusal(path));
        }
        FileKind kind = FileKind.of(path);
        throw new BrineException(where + ": not a torch checkpoint: neither a ZIP archive nor a legacy pickle"
                + (kind == null ? "" : "; it is " + kind.description()));
    }

    private static boolean startsWith(byte[] head, int got, byte[] prefix) {
        return got >= prefix.length && java.util.Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
    }

    // ------------------------------------------------------------------------------------ ZIP

    private Object loadZip() throws IOException {
        // torch.save writes CRC 0 for every member after set_crc32_options(False): those are not checked
        try (ZipReader zip = ZipReader.open(path, limits, ZipReader.CrcCheck.UNLESS_ZERO)) {
            String prefix = archivePrefix(zip);
            if (zip.entry(prefix + "constants.pkl") != null) {
                throw new BrineException(where + ": a TorchScript archive (torch.jit.save), not a torch.save checkpoint");
            }
            ZipReader.Entry versionEntry = zip.entry(prefix + ".data/version");
            if (versionEntry == null) {
                versionEntry = zip.entry(prefix + "version");
            }
            if (versionEntry == null) {
                throw new BrineException(where + ": no version record (" + prefix + "version)");
            }
            String v = text(zip, versionEntry, 64);
            long version;
            try {
                version = Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                throw new BrineException(where + ": member " + versionEntry.name() + ": not a version number: '" + v + "'");
            }
            if (version < 1 || version > MAX_VERSION) {
                throw new BrineException(where + ": member " + versionEntry.name() + ": format version " + version
                        + " is not supported (1 to " + MAX_VERSION + ")");
            }
            ZipReader.Entry bo = zip.entry(prefix + "byteorder");
            if (bo != null) {
                String order = text(zip, bo, 16);
                if (order.equals("big")) {
                    bigEndian = true;
                } else if (!order.equals("little")) {
                    throw new BrineException(where + ": member " + bo.name() + ": unknown byte order '" + order + "'");
                }
            }
            ZipReader.Entry pkl = zip.entry(prefix + "data.pkl");
            // torch.save stores it (not weighed: its bytes are in the file); deflated, it is weighed by the objects it
            // may make, which its bytes do not bound (HeapBudget.PICKLE_OBJECTS_PER_BYTE)
            byte[] pickle = bytes(zip, pkl, true);
            boolean map = options.mmap() && !bigEndian;
            try (FileChannel channel = map ? InputFiles.channel(path) : null) {
                Map<String, TorchStorage> loaded = new HashMap<>();
                FileMappings mappings = channel == null ? null : new FileMappings(channel, where);
                PersistentLoader loader = counting(pid -> zipStorage(zip, mappings, prefix, loaded, pid));
                try {
                    Unpickler u = new Unpickler(pickle, unpicklerOptions(loader, this::tensor));
                    Object value = u.load();
                    inertGlobals = u.inertGlobals();
                    return value;
                } catch (BrineException e) {
                    throw located(e, where + ": member " + pkl.name());
                }
            }
        }
    }

    /** The one top folder every member sits in, with its slash: {@code "archive/"}. */
    private String archivePrefix(ZipReader zip) throws BrineException {
        String prefix = null;
        for (ZipReader.Entry e : zip.entries()) {
            String n = e.name();
            int slash = n.indexOf('/');
            if (slash > 0 && n.substring(slash + 1).equals("data.pkl")) {
                if (prefix != null && !prefix.equals(n.substring(0, slash + 1))) {
                    throw new BrineException(where + ": two checkpoints in one archive: " + prefix + "data.pkl and " + n);
                }
                prefix = n.substring(0, slash + 1);
            }
        }
        if (prefix == null) {
            throw new BrineException(where + ": not a torch checkpoint: no <folder>/data.pkl member");
        }
        for (ZipReader.Entry e : zip.entries()) {
            if (!e.name().startsWith(prefix)) {
                throw new BrineException(where + ": member " + e.name() + " lies outside the checkpoint's folder "
                        + prefix);
            }
        }
        return prefix;
    }

    private String text(ZipReader zip, ZipReader.Entry e, int max) throws IOException {
        if (e.size() > max) {
            throw new BrineException(where + ": member " + e.name() + ": " + e.size() + " bytes, more than a record of"
                    + " this kind holds (" + max + ")");
        }
        return new String(bytes(zip, e, false), StandardCharsets.UTF_8);
    }

    /** Member {@code e} read whole; a deflated one is weighed first, as a pickle when {@code pickle}. */
    private byte[] bytes(ZipReader zip, ZipReader.Entry e, boolean pickle) throws IOException {
        if (e.size() > limits.maxAllocation() || e.size() > Integer.MAX_VALUE - 8) {
            throw new LimitExceededException("maxAllocation", where + ": member " + e.name() + ": " + e.size()
                    + " bytes, more than the " + limits.maxAllocation() + " allowed in memory");
        }
        if (e.inflates() && pickle) {
            budget.chargePickle(e.size(), where + ": member " + e.name());
        } else if (e.inflates()) {
            budget.charge(e.size(), where + ": member " + e.name());
        }
        try (InputStream in = zip.open(e)) {
            return in.readAllBytes(); // the member stream stops at the declared size and checks the CRC
        }
    }

    private Object zipStorage(ZipReader zip, FileMappings mappings, String prefix, Map<String, TorchStorage> loaded,
            Object pid) throws BrineException {
        StorageId id = storageId(pid, 5);
        TorchStorage cached = loaded.get(id.key);
        if (cached != null) {
            return cached;
        }
        String name = prefix + "data/" + id.key;
        String at = where + ": member " + name;
        ZipReader.Entry e = zip.entry(name);
        if (e == null) {
            throw new BrineException(where + ": data.pkl refers to storage '" + id.key + "' but member " + name
                    + " is missing");
        }
        long nbytes = nbytes(id, at);
        if (e.size() != nbytes) {
            throw new BrineException(at + ": holds " + e.size() + " bytes but the pickle declares " + id.numel + " "
                    + id.type.dtype + " elements (" + nbytes + " bytes)");
        }
        Storage bytes;
        try {
            if (mappings != null && e.method() == 0) {
                // what ZipReader.open checks for a stored member: dataOffset bounds the compressed size only
                if (e.compressedSize() != e.size()) {
                    throw new BrineException(at + ": stored member with compressed size " + e.compressedSize()
                            + " different from its size " + e.size());
                }
                bytes = mappings.readOnly(zip.dataOffset(e), nbytes); // small ones read: see FileMappings
            } else {
                checkHeap(nbytes, at);
                if (e.inflates()) {
                    budget.charge(nbytes, "member " + name); // data.pkl's failure names the file
                }
                try (InputStream in = zip.open(e)) {
                    bytes = Storage.read(in, nbytes);
                    if (in.read() >= 0) { // reaching the end checks the CRC
                        throw new BrineException(at + ": longer than declared");
                    }
                }
            }
        } catch (BrineException ex) {
            throw ex;
        } catch (IOException ex) {
            throw new BrineException(at + ": " + ex.getMessage(), ex);
        }
        TorchStorage s = storage(id, bytes);
        loaded.put(id.key, s);
        storageBytesRead += nbytes;
        return s;
    }

    // --------------------------------------------------------------------------------- legacy

    /** A pickle that is not torch's legacy format, which begins with a pickle of its magic number. */
    private BrineException notLegacy(String why, BrineException cause) {
        return new BrineException(where + ": not a torch checkpoint but a plain pickle (read it with Pickle.load): "
                + why + (cause == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }

    /**
     * The legacy format: pickles of the magic number, the protocol version (1001) and system info,
     * then the object (storages as persistent ids), then the list of storage keys, then each
     * storage as an 8-byte little-endian element count and its little-endian bytes.
     */
    private Object loadLegacy() throws IOException {
        long objectStart;
        long objectEnd;
        List<String> keys;
        Map<String, StorageId> ids = new LinkedHashMap<>();
        long dataStart;
        try (InputStream raw = InputFiles.stream(path);
                BufferedInputStream in = new BufferedInputStream(raw, 1 << 16)) {
            // pass 1: check the header pickles, learn the storages the object names, find the raw data
            PersistentLoader recorder = pid -> {
                Object moduleClass = legacyModuleClass(pid);
                if (moduleClass != null) {
                    return moduleClass;
                }
                StorageId id = legacyStorageId(pid);
                StorageId seen = ids.putIfAbsent(id.key, id);
                if (seen != null && seen.type != id.type) {
                    throw new BrineException("storage '" + id.key + "' is named with two types, " + seen.type
                            + " and " + id.type);
                }
                return new TorchStorage(id.type.dtype, id.type.untyped, Storage.allocate(0));
            };
            NDArray placeholder = NDArray.zeros(DType.UINT8);
            Unpickler u = new Unpickler(in, unpicklerOptions(recorder, (s, d, o, size, stride, bits) -> placeholder));
            boolean pastMagic = false;
            try {
                Object magic;
                try {
                    magic = u.load();
                } catch (BrineException e) {
                    // torch's first pickle is a bare number, which nothing refuses: unless the file starts with
                    // that number's bytes (and is broken in it), this is some other pickle
                    throw FileKind.of(path) == FileKind.TORCH_LEGACY ? e.withContext(where + " (legacy format)")
                            : notLegacy("its first pickle cannot be read as torch's magic number", e);
                }
                if (!LEGACY_MAGIC.equals(magic)) {
                    throw notLegacy("its first pickle holds " + PythonRepr.brief(magic) + ", not torch's magic number",
                            null);
                }
                pastMagic = true;
                // five pickles, each written by its own dump with an empty memo: at protocol 4 and 5 (MEMOIZE
                // numbers entries from the memo's size) a memo kept from the one before shifts every reference
                u.clearMemo();
                Object proto = u.load();
                if (!Long.valueOf(LEGACY_PROTOCOL).equals(proto)) {
                    throw new BrineException("unsupported legacy protocol version " + proto + " (expected "
                            + LEGACY_PROTOCOL + ")");
                }
                u.clearMemo();
                u.load(); // sys_info: byte order and C type sizes of the saving machine; the data is little-endian
                objectStart = u.offset();
                u.clearMemo();
                u.load();
                objectEnd = u.offset();
                u.clearMemo();
                Object k = u.load();
                if (!(k instanceof List)) {
                    throw new BrineException("the storage key list is missing after the object");
                }
                keys = new ArrayList<>();
                for (Object key : (List<?>) k) {
                    if (!(key instanceof String)) {
                        throw new BrineException("storage keys must be strings, found " + key);
                    }
                    keys.add((String) key);
                }
                dataStart = u.offset();
                // torch.load unpickles all five with its pickle module: a name in the header pickles runs too,
                // and the object's names are the ones pass 2 meets again
                inertGlobals = u.inertGlobals();
            } catch (BrineException e) {
                if (!pastMagic) {
                    throw e; // notLegacy's, which names the file
                }
                throw e.withContext(where + " (legacy format)");
            }
        }
        // the raw storages, in key order
        Map<String, long[]> extents = new HashMap<>();
        try (FileChannel ch = InputFiles.channel(path)) {
            long size = ch.size();
            long pos = dataStart;
            for (String key : keys) {
                StorageId id = ids.get(key);
                String at = where + ": legacy storage '" + key + "' at byte " + pos;
                if (id == null) {
                    throw new BrineException(at + ": the object names no such storage");
                }
                if (extents.containsKey(key)) {
                    throw new BrineException(at + ": listed twice");
                }
                if (size - pos < 8) {
                    throw new BrineException(at + ": truncated: its element count is missing");
                }
                ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                if (!ChannelReads.fill(ch, b, pos)) {
                    throw new BrineException(at + ": truncated");
                }
                long numel = b.getLong(0);
                if (numel != id.numel) {
                    throw new BrineException(at + ": holds " + numel + " elements but the pickle declares " + id.numel);
                }
                long nbytes = nbytes(id, at);
                if (nbytes > size - pos - 8) {
                    throw new BrineException(at + ": claims " + nbytes + " bytes but only " + (size - pos - 8) + " remain");
                }
                extents.put(key, new long[] {pos + 8, nbytes});
                pos += 8 + nbytes;
            }
            // bytes after the last storage: torch.load reads the storages it was told of and stops, so does Brine; the
            // reader says how many (a verifier warns of them)
            trailingBytes = size - pos;
            // pass 2: the object, its storages read from their places
            long objLen = objectEnd - objectStart;
            if (objLen > limits.maxAllocation() || objLen > Integer.MAX_VALUE - 8) {
                throw new LimitExceededException("maxAllocation", where + ": the pickled object has " + objLen
                        + " bytes, more than the " + limits.maxAllocation() + " allowed in memory");
            }
            ByteBuffer pickle = ByteBuffer.allocate((int) objLen);
            if (!ChannelReads.fill(ch, pickle, objectStart)) {
                throw new BrineException(where + ": truncated");
            }
            Map<String, TorchStorage> loaded = new HashMap<>();
            Map<String, TorchStorage> views = new HashMap<>(); // apart from storages: keys are any strings
            PersistentLoader loader = counting(pid -> legacyStorage(ch, extents, loaded, views, pid));
            try {
                return new Unpickler(pickle.array(), unpicklerOptions(loader, this::tensor)).load();
            } catch (BrineException e) {
                throw located(e, where + " (legacy format, object at byte " + objectStart + ")");
            }
        }
    }

    private Object legacyStorage(FileChannel ch, Map<String, long[]> extents, Map<String, TorchStorage> loaded,
            Map<String, TorchStorage> views, Object pid) throws BrineException {
        Object moduleClass = legacyModuleClass(pid);
        if (moduleClass != null) {
            return moduleClass;
        }
        StorageId id = legacyStorageId(pid);
        TorchStorage root = loaded.get(id.key);
        if (root == null) {
            long[] ext = extents.get(id.key);
            if (ext == null) {
                throw new BrineException("storage '" + id.key + "' is not in the file's storage list");
            }
            String at = where + ": legacy storage '" + id.key + "'";
            Storage bytes;
            try {
                if (options.mmap()) {
                    bytes = Storage.map(ch, ext[0], ext[1], FileChannel.MapMode.READ_ONLY);
                } else {
                    checkHeap(ext[1], at);
                    ch.position(ext[0]);
                    bytes = Storage.read(ch, ext[1]);
                }
            } catch (EOFException ex) {
                throw new BrineException(at + ": truncated: " + ex.getMessage(), ex);
            } catch (BrineException ex) {
                throw ex;
            } catch (IOException ex) {
                throw new BrineException(at + ": " + ex.getMessage(), ex);
            }
            root = new TorchStorage(id.type.dtype, id.type.untyped, bytes);
            loaded.put(id.key, root);
            storageBytesRead += ext[1];
        }
        if (id.view == null) {
            return root;
        }
        // an old storage view: (view_key, offset, size) in elements of the root
        String viewKey = id.view[0];
        TorchStorage v = views.get(viewKey);
        if (v == null) {
            int item = root.dtype().itemsize();
            long off = Long.parseLong(id.view[1]);
            long len = Long.parseLong(id.view[2]);
            if (off < 0 || len < 0 || off > root.size() || len > root.size() - off) {
                throw new BrineException("storage view '" + viewKey + "' of [" + off + ", " + (off + len)
                        + ") lies outside storage '" + id.key + "' of " + root.size() + " elements");
            }
            v = new TorchStorage(root.dtype(), root.isUntyped(), root.bytes().view(off * item, len * item));
            views.put(viewKey, v);
        }
        return v;
    }

    // ------------------------------------------------------------------------------ shared

    /** Bytes of the storages read or mapped so far, each once (see {@link PersistentLoader#bytesRead}). */
    private long storageBytesRead;

    /**
     * {@code loader}, reporting the storage bytes read: the tensors over them are then weighed against
     * those bytes by maxBytesRatio, not against data.pkl's few hundred bytes (which refused every
     * checkpoint of more than about 650 KB of tensors).
     */
    /**
     * A failure of the object's pickle, {@code context} (this file and where the pickle lies) in front,
     * as {@link BrineException#withContext} puts it, keeping its class. A storage the pickle named that
     * failed to load already names this file and its record ({@code "m.pt: member m/data/0: ..."}), and
     * the unpickler hands it on or wraps it (in an UnpicklingException at the persistent id): that
     * failure is thrown as it is, so the file is named once and the record is the one at fault.
     */
    private BrineException located(BrineException e, String context) {
        BrineException named = null; // the innermost: the unpickler's wrapper repeats its words
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BrineException && String.valueOf(t.getMessage()).startsWith(where + ": ")) {
                named = (BrineException) t;
            }
        }
        return named != null ? named : e.withContext(context);
    }

    private PersistentLoader counting(PersistentLoader loader) {
        return new PersistentLoader() {
            @Override
            public Object load(Object pid) throws BrineException {
                return loader.load(pid);
            }

            @Override
            public long bytesRead() {
                return storageBytesRead;
            }
        };
    }

    private UnpicklerOptions unpicklerOptions(PersistentLoader loader, TorchGlobals.Rebuilder rebuilder) {
        return UnpicklerOptions.builder()
                .registry(TorchGlobals.registry(options.registry(), rebuilder, options.keepParameters()))
                .genericObjects(options.genericObjects())
                .limits(limits)
                .persistentLoader(loader)
                .build();
    }

    /** What a persistent id says about a storage. */
    private static final class StorageId {
        TorchGlobals.StorageType type;
        String key;
        long numel;
        String[] view; // legacy storage views: key, offset, size
    }

    private StorageId storageId(Object pid, int arity) throws BrineException {
        if (!(pid instanceof Tuple) || ((Tuple) pid).size() != arity) {
            throw new BrineException("persistent id must be a " + arity + "-tuple ('storage', type, key, location,"
                    + " numel" + (arity == 6 ? ", view" : "") + "), not " + PythonRepr.brief(pid)
                    + (pid instanceof String ? " (pickle protocol 0 writes ids as text; torch cannot load them either)" : ""));
        }
        Tuple t = (Tuple) pid;
        Object kind = ascii(t.get(0));
        if (!"storage".equals(kind)) {
            if ("module".equals(kind)) {
                throw new BrineException("a whole nn.Module was saved (persistent id 'module'); torch.load(weights_only=True)"
                        + " refuses it too: save the model's state_dict() instead");
            }
            throw new BrineException("only storages may be persistent ids, not '" + kind + "'");
        }
        Object type = t.get(1);
        if (!(type instanceof TorchGlobals.StorageType)) {
            throw new BrineException("unsupported storage type " + (type instanceof Global || type instanceof GenericObject
                    ? type.toString() : String.valueOf(type)));
        }
        StorageId id = new StorageId();
        id.type = (TorchGlobals.StorageType) type;
        if (id.type.dtype.arrayType() == null && !id.type.untyped) {
            throw new BrineException("storages of " + id.type.dtype + " are not supported");
        }
        Object key = ascii(t.get(2));
        if (!(key instanceof String)) {
            throw new BrineException("storage key must be a string, not " + key);
        }
        id.key = (String) key;
        if (!(ascii(t.get(3)) instanceof String)) {
            throw new BrineException("storage location must be a string, not " + t.get(3));
        }
        id.numel = TorchGlobals.integer(t.get(4), "storage numel");
        if (id.numel < 0) {
            throw new BrineException("negative storage size " + id.numel);
        }
        return id;
    }

    /**
     * The class of a legacy whole-model save's {@code ('module', cls, source_file, source)} id, or null for any other
     * id: torch's legacy pickler writes every nn.Module class it meets so (to warn when the source changed), and
     * torch.load gives back the class; so does Brine (whatever the registry made of the class, inert by default).
     */
    private static Object legacyModuleClass(Object pid) {
        if (pid instanceof Tuple && ((Tuple) pid).size() == 4 && "module".equals(ascii(((Tuple) pid).get(0)))) {
            return ((Tuple) pid).get(1);
        }
        return null;
    }

    private StorageId legacyStorageId(Object pid) throws BrineException {
        StorageId id = storageId(pid, 6);
        Object view = ((Tuple) pid).get(5);
        if (view != null) {
            if (!(view instanceof Tuple) || ((Tuple) view).size() != 3 || !(ascii(((Tuple) view).get(0)) instanceof String)) {
                throw new BrineException("storage view metadata must be (key, offset, size), not " + view);
            }
            Tuple v = (Tuple) view;
            id.view = new String[] {(String) ascii(v.get(0)), String.valueOf(TorchGlobals.integer(v.get(1), "view offset")),
                String.valueOf(TorchGlobals.integer(v.get(2), "view size"))};
        }
        return id;
    }

    /** Python 2 checkpoints may hold these strings as bytes: torch decodes them as ASCII. */
    private static Object ascii(Object o) {
        if (o instanceof byte[]) {
            return new String((byte[]) o, StandardCharsets.US_ASCII);
        }
        return o;
    }

    private static long nbytes(StorageId id, String at) throws BrineException {
        try {
            return Math.multiplyExact(id.numel, (long) id.type.dtype.itemsize());
        } catch (ArithmeticException e) {
            throw new BrineException(at + ": storage size " + id.numel + " overflows");
        }
    }

    private void checkHeap(long nbytes, String at) throws LimitExceededException {
        if (nbytes > limits.maxAllocation()) {
            throw new LimitExceededException("maxAllocation", at + ": " + nbytes + " bytes, more than the "
                    + limits.maxAllocation() + " allowed in memory (load with TorchOptions.mmap(true) to map it instead)");
        }
    }

    /** A loaded storage; a big-endian file's typed storages are byte-swapped once, here. */
    private TorchStorage storage(StorageId id, Storage bytes) {
        if (bigEndian && !id.type.untyped) {
            Tensors.swap(bytes, Tensors.swapUnit(id.type.dtype.arrayType()));
        }
        return new TorchStorage(id.type.dtype, id.type.untyped, bytes);
    }

    private NDArray tensor(TorchStorage st, TorchDType dtype, long offset, long[] size, long[] stride, int bits)
            throws BrineException {
        TorchDType t = dtype == null ? st.dtype() : dtype;
        DType arrayType = t.arrayType();
        if (arrayType == null) {
            throw new BrineException("tensors of " + t + " are not supported (Brine has no array type for them)");
        }
        if (dtype != null && dtype != st.dtype() && !st.isUntyped()) {
            throw new BrineException("a " + dtype + " tensor over a " + st.dtype() + " storage");
        }
        if (bigEndian && st.isUntyped()) {
            int unit = Tensors.swapUnit(arrayType);
            Integer done = swapped.get(st);
            if (done == null) {
                Tensors.swap(st.bytes(), unit);
                swapped.put(st, unit);
            } else if (done != unit && (done > 1 || unit > 1)) {
                throw new BrineException("one big-endian storage viewed as " + done + "- and " + unit + "-byte elements");
            }
        }
        // what the unpickler will allow once the copy is made (maxBytesRatio of all that was read), before it is made
        long read = storageBytesRead + 65536;
        long ratio = limits.maxBytesRatio();
        long copyBudget = read > Long.MAX_VALUE / ratio ? Long.MAX_VALUE : read * ratio;
        return Tensors.rebuild(st.bytes(), arrayType, offset, size, stride, bits, limits, copyBudget);
    }
}
