package dev.brine.archive;

import dev.brine.io.InputFiles;
import dev.brine.BrineException;
import dev.brine.HeapBudget;
import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Storage;
import dev.brine.npy.Npy;
import dev.brine.npy.NpyHeader;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.PythonRepr;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Turns one archive member into an array: an NPY member read into memory or memory-mapped in
 * place, or an old Aesara {@code gpuarray} member (a pickled context name, then the NPY data),
 * which loads as a plain array since the GPU context means nothing here. Every member read is
 * checked to the end against its size and CRC.
 */
final class MemberArrays implements Closeable {
    /**
     * At most this many mappings per load, whatever the member sizes: the system allows a process
     * about 65,000 in all, and running out of them kills the JVM rather than failing one call.
     */
    static final int MAX_MAPPINGS = 16_384;

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /**
     * The context name of a gpuarray member is a pickled str or None. Anything else is read inert
     * (Python's builtins, other globals as generic objects: nothing is run) only to be named in the
     * refusal, which no reading option can lift.
     */
    private static final UnpicklerOptions CONTEXT_NAME = UnpicklerOptions.builder()
            .registry(ClassRegistry.builtins()).genericObjects(true).build();

    /**
     * The most bytes a gpuarray member's pickled context name may take: a name such as {@code 'cuda0'}
     * takes about twenty, and no more than this is unpickled, whatever the member holds.
     */
    static final int MAX_CONTEXT_PICKLE = 64 * 1024;

    private final ZipReader zip;
    private final Path file;
    private final Limits limits;
    private final ArchiveOptions.ArrayAccess access;
    private final long minMappedBytes;
    private final HeapBudget budget;
    private FileChannel mapChannel;
    private int mappings;

    /**
     * Reads members of {@code zip}; {@code file} is the ZIP's path when its stored members may be
     * mapped ({@code null} for a spooled stream, whose file is gone before the arrays are used).
     */
    MemberArrays(ZipReader zip, Path file, Limits limits, ArchiveOptions.ArrayAccess access, long minMappedBytes) {
        this.zip = zip;
        this.file = file;
        this.limits = limits;
        this.access = file == null ? ArchiveOptions.ArrayAccess.READ : access;
        this.minMappedBytes = minMappedBytes;
        this.budget = new HeapBudget(limits);
    }

    /** What the archive's members read into memory so far take together, held to maxTotalAllocation. */
    HeapBudget budget() {
        return budget;
    }

    /** The array of an {@code ndarray.<name>} id. */
    NDArray ndarray(ZipReader.Entry e) throws IOException {
        if (e.method() == 0 && access != ArchiveOptions.ArrayAccess.READ && e.size() >= minMappedBytes
                && mappings < MAX_MAPPINGS) {
            mappings++;
            return map(e);
        }
        try (InputStream in = new BufferedInputStream(zip.open(e), bufferSize(e))) {
            return readNpy(in, e);
        }
    }

    /** The array of a {@code gpuarray.<name>} id: the context name is read and dropped. */
    NDArray gpuarray(ZipReader.Entry e) throws IOException {
        try (InputStream in = new BufferedInputStream(zip.open(e), bufferSize(e))) {
            // the context name is read from the member's first bytes only: a pickle's objects are not bounded by its
            // bytes (a byte may make an object of 72: HeapBudget.PICKLE_OBJECTS_PER_BYTE), and the member is weighed
            // by its array alone, so 600 MB of deflated pickle before the array would run the heap out
            in.mark(MAX_CONTEXT_PICKLE);
            byte[] head = in.readNBytes(MAX_CONTEXT_PICKLE);
            Unpickler u = new Unpickler(head, CONTEXT_NAME.toBuilder().limits(limits).build());
            Object context;
            try {
                context = u.load();
            } catch (BrineException ex) {
                if (head.length < MAX_CONTEXT_PICKLE) {
                    throw ex;
                }
                throw new BrineException("a gpuarray member starts with its context name, a pickled str or None that"
                        + " ends within its first " + MAX_CONTEXT_PICKLE + " bytes: " + ex.getMessage(), ex);
            }
            in.reset();
            in.skipNBytes(u.offset()); // the NPY data starts right after the pickle's STOP
            if (context != null && !(context instanceof String)) {
                throw new BrineException("a gpuarray member starts with its context name, a pickled str or None, not "
                        + PythonRepr.brief(context));
            }
            return readNpy(in, e);
        }
    }

    private NDArray readNpy(InputStream in, ZipReader.Entry e) throws IOException {
        checkMagic(in);
        NDArray a;
        try {
            // the member's declared size is checked against the limits (ZipReader.open), and the bytes it yields
            // against it, so the array is inflated straight into place, where a growing buffer doubled and copied:
            // deflated 100 MiB archive load peak heap 2.01-2.24x -> 1.12x (= retained). The declared size bounds what
            // is left of the member (after a gpuarray's context name, a little less). It is not trusted for the
            // allocation: Storage.readKnownSize allocates the array whole only once its first sixteenth has arrived
            // (a member declaring 1.5 GiB in 1.5 MB of garbage cost 1.5 GiB before it failed)
            NpyHeader h = Npy.readHeader(in, e.size(), limits);
            refuseObjects(h);
            // weighed with the arrays read before it: five deflated members of 1.5 GB each, every one within the
            // per-member limits, ran a 6 GB heap out of memory from a 7 MB file
            a = Npy.readData(in, h, e.size(), limits, e.inflates() ? budget : null);
        } catch (IllegalArgumentException ex) {
            throw new BrineException("bad NPY data: " + ex.getMessage(), ex);
        }
        drain(in, e);
        return a;
    }

    /** Maps the array's bytes where they lie in the archive file: nothing is copied. */
    private NDArray map(ZipReader.Entry e) throws IOException {
        NpyHeader h;
        try (InputStream in = new BufferedInputStream(zip.open(e), 1024)) {
            checkMagic(in);
            h = Npy.readHeader(in, limits);
        }
        long length = h.dataLength();
        if (h.dataOffset() + length > e.size()) {
            throw new BrineException("truncated NPY data: the header asks for " + length + " bytes at byte "
                    + h.dataOffset() + " but the member holds " + e.size());
        }
        if (access == ArchiveOptions.ArrayAccess.MAP) {
            // one pass through the member checks its size and CRC; the mapping then costs no copy
            try (InputStream in = zip.open(e)) {
                drain(in, e);
            }
        }
        long start = zip.dataOffset(e) + h.dataOffset();
        if (mapChannel == null) {
            mapChannel = InputFiles.channel(file);
        }
        Storage data = Storage.map(mapChannel, start, length, FileChannel.MapMode.READ_ONLY);
        try {
            return NDArray.wrap(h.dtype(), h.order(), h.shape(), data);
        } catch (IllegalArgumentException ex) {
            throw new BrineException("bad NPY data: " + ex.getMessage(), ex);
        }
    }

    /**
     * An archive's arrays of Python objects are pickled inside {@code pkl}, never in a member: a member
     * holding one is refused, as {@code pkl_utils.load} and {@code numpy.load} refuse it ({@code
     * allow_pickle=False}).
     */
    private static void refuseObjects(NpyHeader h) throws BrineException {
        if (h.holdsObjects()) {
            String descr = h.dtype().descrRepr();
            descr = descr.length() > 200 ? descr.substring(0, 200) + "..." : descr;
            throw new BrineException("the array holds Python objects (descr " + descr + ", shape "
                    + shapeRepr(h.shape()) + "), so its data is a pickle: archives keep such arrays inside the pickle"
                    + " 'pkl', and a member holding one is refused, as numpy.load and Aesara's pkl_utils.load refuse it"
                    + " (allow_pickle=False); NpzFile.objectArray reads it without running anything");
        }
    }

    private static String shapeRepr(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static void checkMagic(InputStream in) throws IOException {
        in.mark(NPY_MAGIC.length);
        byte[] magic = in.readNBytes(NPY_MAGIC.length);
        in.reset();
        if (!Arrays.equals(magic, NPY_MAGIC)) {
            throw new BrineException("not an NPY file (it starts with " + hex(magic) + ", not \\x93NUMPY)");
        }
    }

    /** A read buffer no larger than the member: archives may hold many tiny arrays. */
    static int bufferSize(ZipReader.Entry e) {
        return (int) Math.max(64, Math.min(1 << 16, e.size() + 1));
    }

    /** Reads to the end, which makes the ZIP reader check the member's size and CRC. */
    static void drain(InputStream in, ZipReader.Entry e) throws IOException {
        byte[] buf = new byte[bufferSize(e)];
        while (in.read(buf) >= 0) {
            // bytes after the array are ignored, as numpy ignores them, but still checked
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("\\x%02x", x & 0xFF));
        }
        return s.length() == 0 ? "nothing" : s.toString();
    }

    /** Closes the channel used for mapping; mappings made stay valid. */
    @Override
    public void close() throws IOException {
        if (mapChannel != null) {
            mapChannel.close();
        }
    }
}
