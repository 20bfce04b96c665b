package dev.brine.npy;

import dev.brine.io.InputFiles;
import dev.brine.io.AtomicFiles;
import dev.brine.BrineException;
import dev.brine.HeapBudget;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.io.Pipes;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.Storage;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.Pickler;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reads and writes NumPy's {@code .npy} files, byte-compatible with {@code np.save} and
 * {@code np.load}: versions 1.0, 2.0 and 3.0, any dtype numpy writes, C and Fortran order. Headers
 * are parsed, never evaluated, and checked against {@link Limits} and the bytes actually present
 * before anything is allocated. Saving an array that {@code np.save} wrote gives the same bytes back.
 *
 * <p>Object arrays (dtype {@code object}, or a structured type with an object field) are numpy's
 * exception: their data is a pickle. As {@code np.load} reads them only with
 * {@code allow_pickle=True}, Brine reads them only through {@link #readObjectArray(Path)}, and then
 * inertly (nothing named in the pickle is ever run); {@link #read(Path)} and {@link #map} refuse
 * them, and {@link #readHeader(Path)} describes them like any other array.
 *
 * <pre>{@code
 * NDArray a = Npy.read(Path.of("weights.npy"));
 * Npy.write(NDArray.of(new float[] {1, 2, 3}), Path.of("out.npy"));
 * NDArray big = Npy.map(Path.of("huge.npy"), false);   // memory-mapped, read-only
 * }</pre>
 */
public final class Npy {
    private Npy() {
    }

    // ---------------------------------------------------------------- headers

    /** The header of the NPY file at {@code path}, without reading the data. */
    public static NpyHeader readHeader(Path path) throws IOException {
        return readHeader(path, Limits.DEFAULT);
    }

    /** The header of the NPY file at {@code path} under {@code limits}. */
    public static NpyHeader readHeader(Path path, Limits limits) throws IOException {
        if (Pipes.isPipe(path)) {
            try (InputStream in = new FileInputStream(path.toFile())) {
                return NpyFormat.readHeader(Channels.newChannel(in), -1, limits, path.toString());
            }
        }
        try (FileChannel ch = InputFiles.channel(path)) {
            return NpyFormat.readHeader(ch, ch.size(), limits, path.toString());
        }
    }

    /** Reads the header from {@code in}, leaving it at the first data byte. */
    public static NpyHeader readHeader(InputStream in, Limits limits) throws IOException {
        return NpyFormat.readHeader(Channels.newChannel(in), -1, limits, "NPY stream");
    }

    // ---------------------------------------------------------------- reading

    /** Reads the NPY file at {@code path} into memory with the default limits. */
    public static NDArray read(Path path) throws IOException {
        return read(path, Limits.DEFAULT);
    }

    /**
     * Reads the NPY file at {@code path} into memory; a pipe or FIFO ({@code /dev/stdin}) is read front to
     * back as a stream ({@link Pipes}).
     */
    public static NDArray read(Path path, Limits limits) throws IOException {
        if (Pipes.isPipe(path)) {
            try (InputStream in = new FileInputStream(path.toFile())) {
                return read(Channels.newChannel(in), -1, limits, path.toString());
            }
        }
        try (FileChannel ch = InputFiles.channel(path)) {
            return read(ch, ch.size(), limits, path.toString());
        }
    }

    /** Reads one NPY array from {@code in}; memory grows only with the bytes that arrive. */
    public static NDArray read(InputStream in, Limits limits) throws IOException {
        ReadableByteChannel ch = Channels.newChannel(in); // a FileInputStream's own FileChannel
        return read(ch, bytesLeft(ch), limits, "NPY stream");
    }

    /**
     * Reads one NPY array from {@code in}. A {@link SeekableByteChannel}'s size is checked against
     * the header before anything is allocated.
     */
    public static NDArray read(ReadableByteChannel in, Limits limits) throws IOException {
        return read(in, bytesLeft(in), limits, "NPY stream");
    }

    /**
     * The bytes left in {@code in} when it is a file that can seek, else -1: a {@code FileChannel} on a pipe or FIFO
     * ({@code /dev/stdin}) says its size is 0, and refuses {@code position()} ("Illegal seek").
     */
    private static long bytesLeft(ReadableByteChannel in) {
        if (!(in instanceof SeekableByteChannel)) {
            return -1;
        }
        SeekableByteChannel s = (SeekableByteChannel) in;
        try {
            return s.size() - s.position();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Reads one NPY array from {@code in}, which holds {@code available} bytes (-1 if unknown);
     * {@code where} names the source in error messages.
     */
    static NDArray read(ReadableByteChannel in, long available, Limits limits, String where) throws IOException {
        NpyHeader h = NpyFormat.readHeader(in, available, limits, where);
        NpyFormat.refuseObjects(h, where);
        long length = checkedLength(h, available, limits, where);
        Storage data;
        try {
            // a size checked against the file itself (a plain .npy) can be allocated at once: no growing copies, so
            // reading an N-byte array peaks at about N of heap (ArrayWorkloads: 1.51x -> ~1.0x)
            data = in instanceof java.nio.channels.FileChannel && available >= 0 ? Storage.readKnownSize(in, length)
                    : Storage.read(in, length); // a pipe's FileChannel cannot seek: read as a stream
        } catch (EOFException e) {
            throw new BrineException(where + ": truncated NPY data at byte " + h.dataOffset() + ": " + e.getMessage());
        }
        return NDArray.wrap(h.dtype(), h.order(), h.shape(), data);
    }

    /**
     * Reads one NPY array from {@code in}, a source of at most {@code declaredSize} bytes whose
     * declared size has been checked against the limits, such as a ZIP member that {@link ZipReader}
     * opened (it checks the declared inflated size against {@link Limits#maxInflatedSize()} and
     * {@link Limits#maxInflateRatio()}, and fails a member that yields more or fewer bytes). The
     * array's storage follows the bytes as they arrive: up to 4 MiB at once, then the first
     * sixteenth of a 1 GiB chunk in 1 MiB pieces before the chunk is allocated whole and the rest is
     * read straight into place, so loading an N-byte array peaks at about 1.06 N of heap, and a
     * source that declares more than it holds costs at most 16 times what it really held (at least
     * 4 MiB) before it fails.
     */
    public static NDArray read(InputStream in, long declaredSize, Limits limits) throws IOException {
        return read(in, declaredSize, limits, "NPY stream");
    }

    /**
     * The first half of {@link #read(InputStream, long, Limits)}: the header of an NPY source of at
     * most {@code declaredSize} bytes, leaving {@code in} at the first data byte, so that a reader
     * can weigh the array before {@link #readData} allocates it.
     */
    public static NpyHeader readHeader(InputStream in, long declaredSize, Limits limits) throws IOException {
        if (declaredSize < 0) {
            throw new IllegalArgumentException("negative declared size " + declaredSize);
        }
        return NpyFormat.readHeader(Channels.newChannel(in), declaredSize, limits, "NPY stream");
    }

    /**
     * The second half of {@link #read(InputStream, long, Limits)}: the array whose header {@code h}
     * {@link #readHeader(InputStream, long, Limits)} read from {@code in}, its bytes charged to
     * {@code budget} (what the other members of its file took) before they are allocated; null
     * {@code budget}: not weighed (a stored member, whose bytes the file holds).
     *
     * @throws BrineException if the array holds Python objects, needs more than
     *     {@link Limits#maxAllocation()}, more than the budget has left or more than the source
     *     holds, or the data ends early
     */
    public static NDArray readData(InputStream in, NpyHeader h, long declaredSize, Limits limits, HeapBudget budget)
            throws IOException {
        return readData(in, h, declaredSize, limits, "NPY stream", budget);
    }

    static NDArray read(InputStream in, long declaredSize, Limits limits, String where) throws IOException {
        if (declaredSize < 0) {
            throw new IllegalArgumentException("negative declared size " + declaredSize);
        }
        return readData(in, NpyFormat.readHeader(Channels.newChannel(in), declaredSize, limits, where), declaredSize,
                limits, where);
    }

    /** {@link #read(InputStream, long, Limits, String)} once the header {@code h} has been read from {@code in}. */
    static NDArray readData(InputStream in, NpyHeader h, long declaredSize, Limits limits, String where) throws IOException {
        return readData(in, h, declaredSize, limits, where, null);
    }

    /** {@link #readData(InputStream, NpyHeader, long, Limits, String)}, charging {@code budget} (if not null) first. */
    static NDArray readData(InputStream in, NpyHeader h, long declaredSize, Limits limits, String where,
            HeapBudget budget) throws IOException {
        NpyFormat.refuseObjects(h, where);
        long length = checkedLength(h, declaredSize, limits, where);
        if (budget != null) {
            budget.charge(length, where);
        }
        Storage data;
        try {
            data = Storage.readKnownSize(in, length);
        } catch (EOFException e) {
            throw new BrineException(where + ": truncated NPY data at byte " + h.dataOffset() + ": " + e.getMessage());
        }
        return NDArray.wrap(h.dtype(), h.order(), h.shape(), data);
    }

    /** The header's data length, checked against the bytes the source holds (-1: unknown) and the allocation limit. */
    private static long checkedLength(NpyHeader h, long available, Limits limits, String where) throws BrineException {
        long length = h.dataLength();
        if (available >= 0 && h.dataOffset() + length > available) {
            throw new BrineException(where + ": truncated NPY data: shape " + NpyFormat.shapeRepr(h.shape()) + " of "
                    + h.dtype().name() + " needs " + length + " bytes at byte " + h.dataOffset() + " but the file has only "
                    + Math.max(0, available - h.dataOffset()));
        }
        if (length > limits.maxAllocation()) {
            throw new LimitExceededException("maxAllocation", where + ": the array needs " + length
                    + " bytes in memory, more than the " + limits.maxAllocation() + " allowed (a memory-mapped array costs none:"
                    + " Npy.map of an .npy file, NpzFile.map of a stored .npz member)");
        }
        return length;
    }

    /**
     * Memory-maps the NPY file at {@code path}: nothing is read until elements are touched, and
     * arrays beyond 2 GiB work. Read-only unless {@code copyOnWrite}, in which case writes change
     * only this process's copy (numpy's {@code mmap_mode='c'}; Java needs the file to be writable
     * to map it so).
     *
     * <p>A file truncated (or shrunk in place) while mapped cannot be read: as numpy's process dies of SIGBUS,
     * the JVM throws a {@link java.lang.InternalError} ("a fault occurred in a recent unsafe memory access
     * operation") from the access that touches a page that is gone, not an IOException; element accesses are not
     * wrapped (a check would cost every read). Replacing the file by a new one (an atomic save) is harmless.
     */
    public static NDArray map(Path path, boolean copyOnWrite) throws IOException {
        return map(path, copyOnWrite, Limits.DEFAULT);
    }

    /** Like {@link #map(Path, boolean)} under {@code limits} (the allocation limit does not apply). */
    public static NDArray map(Path path, boolean copyOnWrite, Limits limits) throws IOException {
        String where = path.toString();
        Pipes.refuse(path, "a memory-mapped .npy file", "read it without mapping, or save it to a regular file first");
        FileChannel ch;
        try {
            InputFiles.refuseFolder(path);
            ch = copyOnWrite ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
        } catch (AccessDeniedException e) {
            throw new BrineException(where + ": cannot map copy-on-write: Java needs write permission for that; map it read-only", e);
        }
        try (ch) {
            long size = ch.size();
            NpyHeader h = NpyFormat.readHeader(ch, size, limits, where);
            NpyFormat.refuseObjects(h, where);
            long length = h.dataLength();
            if (h.dataOffset() + length > size) {
                throw new BrineException(where + ": truncated NPY data: shape " + NpyFormat.shapeRepr(h.shape()) + " of "
                        + h.dtype().name() + " needs " + length + " bytes at byte " + h.dataOffset()
                        + " but the file has only " + Math.max(0, size - h.dataOffset()));
            }
            Storage data = Storage.map(ch, h.dataOffset(), length,
                    copyOnWrite ? FileChannel.MapMode.PRIVATE : FileChannel.MapMode.READ_ONLY);
            return NDArray.wrap(h.dtype(), h.order(), h.shape(), data);
        }
    }

    // ---------------------------------------------------------------- object arrays

    /**
     * Reads the NPY file at {@code path} holding an object array ({@link NpyHeader#holdsObjects()}),
     * as {@code np.load(path, allow_pickle=True)} does but without running anything: Python's
     * builtins and numpy's values are read, any other global in the pickle is refused (see
     * {@link #readObjectArray(Path, UnpicklerOptions)} to keep such objects inert instead).
     *
     * @throws BrineException if the file holds numbers, or its pickle is malformed, refused, or not
     *     the array the header describes (shape, dtype, order)
     */
    public static ObjectArray readObjectArray(Path path) throws IOException {
        return readObjectArray(path, UnpicklerOptions.DEFAULT);
    }

    /**
     * Reads the NPY file at {@code path} holding an object array, its pickle read as {@code options}
     * say (registry, generic objects, limits, Python 2 strings; {@code genericObjects(true)} keeps
     * unknown classes and functions as inert objects), with numpy's object arrays added to the
     * registry: asking for an object array is the opt-in. The header is checked under the same limits.
     */
    public static ObjectArray readObjectArray(Path path, UnpicklerOptions options) throws IOException {
        String where = path.toString();
        try (FileChannel ch = InputFiles.channel(path)) {
            // a pipe or FIFO says its size is 0 and cannot seek: not a truncated file, a stream read front to back
            boolean pipe = Pipes.isPipe(path);
            NpyHeader h = NpyFormat.readHeader(ch, pipe ? -1 : ch.size(), options.limits(), where);
            // the unpickler reads on from the channel's position: the first byte after the header
            UnpicklerOptions o = ObjectArrayData.options(options);
            Unpickler u = pipe ? new Unpickler(Channels.newInputStream(ch), o) : new Unpickler(ch, o);
            return ObjectArrayData.read(u, h, where, true);
        }
    }

    // ---------------------------------------------------------------- writing

    /** Saves {@code array} to {@code path} atomically, choosing the version as numpy does, forced to disk. */
    public static void write(NDArray array, Path path) throws IOException {
        write(array, path, NpyWriteOptions.DEFAULT);
    }

    /** Saves {@code array} to {@code path} atomically in format {@code version} (null: as numpy chooses). */
    public static void write(NDArray array, Path path, NpyVersion version) throws IOException {
        write(array, path, NpyWriteOptions.builder().version(version).build());
    }

    /**
     * Saves {@code array} to {@code path} atomically, as {@code options} say: a temporary file in the
     * same folder, forced to disk unless {@link NpyWriteOptions#forceToDisk()} is false, renamed over
     * {@code path}.
     */
    public static void write(NDArray array, Path path, NpyWriteOptions options) throws IOException {
        byte[] header = header(array, options.version());
        AtomicFiles.writeChannel(path, ch -> {
            writeFully(ch, ByteBuffer.wrap(header));
            array.storage().writeTo(ch);
        }, options.forceToDisk());
    }

    /** Writes {@code array} as NPY to {@code out} (not closed). */
    public static void write(NDArray array, OutputStream out) throws IOException {
        write(array, out, null);
    }

    /** Writes {@code array} as NPY in format {@code version} (null: as numpy chooses) to {@code out}. */
    public static void write(NDArray array, OutputStream out, NpyVersion version) throws IOException {
        Objects.requireNonNull(out, "out");
        out.write(header(array, version));
        array.storage().writeTo(out);
    }

    /** Writes {@code array} as NPY to {@code out} (not closed). */
    public static void write(NDArray array, WritableByteChannel out) throws IOException {
        writeFully(out, ByteBuffer.wrap(header(array, null)));
        array.storage().writeTo(out);
    }

    /**
     * The header bytes numpy writes for {@code array} (magic to newline); the data follows in the
     * array's memory order.
     */
    public static byte[] header(NDArray array, NpyVersion version) throws BrineException {
        // numpy writes fortran_order True only for arrays that are not also C-contiguous (an array of
        // zero-size items, with every stride 0, is both)
        boolean fortran = array.order() == Order.F && !array.isCContiguous() && array.dtype().itemsize() > 0;
        return NpyFormat.header(array.dtype(), fortran, array.shape(), version);
    }

    /**
     * Writes a numpy object array as {@code np.save} writes one: the header ({@code '|O'}), then
     * {@code pickle.dump(array)} at {@code options}' protocol and with its registry, which must write
     * {@link ObjectArray}s ({@link dev.brine.numpy.NumpyPickles#addTo} with object arrays allowed) and the items.
     * numpy 2 writes protocol 4 with {@code numpy._core} names, numpy 1 protocol 3 with {@code numpy.core} names;
     * either numpy reads such a file only with {@code allow_pickle=True}. {@code out} is not closed.
     */
    public static void write(ObjectArray array, OutputStream out, PicklerOptions options) throws IOException {
        Objects.requireNonNull(out, "out");
        out.write(NpyFormat.objectHeader(array.dtype(), array.isFortran(), array.shape()));
        new Pickler(out, options).dump(array);
    }

    /**
     * The whole NPY file for {@code array} as bytes.
     *
     * @throws BrineException when the file would be more than a Java {@code byte[]} holds (an array of about 2 GiB
     *     or more): {@link #write(NDArray, Path)} or {@link #write(NDArray, OutputStream)} write any size
     */
    public static byte[] toBytes(NDArray array) throws IOException {
        byte[] header = header(array, null);
        java.io.ByteArrayOutputStream out = dev.brine.io.InMemoryBytes.of(header.length + array.nbytes(),
                "the NPY file of a " + array.dtype().name() + " array", "Npy.write");
        out.write(header);
        array.storage().writeTo(out);
        return out.toByteArray();
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
