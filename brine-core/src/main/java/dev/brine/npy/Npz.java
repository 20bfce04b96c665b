package dev.brine.npy;

import dev.brine.io.AtomicFiles;
import dev.brine.BrineException;
import dev.brine.HeapBudget;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.PicklerOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes NumPy's {@code .npz} archives: a ZIP of {@code <name>.npy} members, stored
 * ({@code np.savez}) or deflated ({@code np.savez_compressed}), written byte for byte as numpy writes them
 * (see {@link SavezZip}).
 */
public final class Npz {
    private Npz() {
    }

    /** Opens an NPZ file with the default limits; close it when done. */
    public static NpzFile open(Path path) throws IOException {
        return NpzFile.open(path, Limits.DEFAULT);
    }

    /** Opens an NPZ file under {@code limits}; close it when done. */
    public static NpzFile open(Path path, Limits limits) throws IOException {
        return NpzFile.open(path, limits);
    }

    /**
     * Reads every member of an NPZ file: arrays, or byte[] for non-NPY members, in archive order, each keyed by
     * {@link NpzFile#memberKeys()}: numpy's key (the name without {@code .npy}), or the full name where that key
     * reaches another member (an archive holding {@code a.npy} and {@code a} gives {@code a.npy}, the array, and
     * {@code a}, the raw bytes). What they take in memory together is held to {@code limits.maxTotalAllocation()}.
     */
    public static Map<String, Object> readAll(Path path, Limits limits) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (NpzFile f = open(path, limits)) {
            HeapBudget budget = new HeapBudget(limits); // all of them are held at once
            // not names(): it lists a twice for a.npy and a, and a reaches only the raw member (read twice, the array lost)
            for (String key : f.memberKeys()) {
                out.put(key, f.get(key, null, budget));
            }
        }
        return out;
    }

    /**
     * Saves {@code arrays} to {@code path} atomically, each as member {@code <key>.npy}, deflated
     * when {@code compressed} (like {@code np.savez_compressed}) else stored (like {@code np.savez}).
     *
     * @throws BrineException naming the key of a null array, a null key, or a name that leaves the archive's root
     */
    public static void write(Map<String, NDArray> arrays, Path path, boolean compressed) throws IOException {
        checkMembers(arrays);
        AtomicFiles.writeChannel(path, ch -> write(arrays, ch, compressed, null));
    }

    /**
     * Saves {@code members} as {@link #write(Map, Path, boolean)} does, where a member may also be a numpy object
     * array ({@link ObjectArray}), written as {@code np.savez} writes one: an NPY member whose data is its pickle,
     * made with {@code objectArrays} ({@link Npy#write(ObjectArray, OutputStream, PicklerOptions)}).
     *
     * @throws BrineException naming the key of a member that is neither, a null key, or a name that leaves the
     *     archive's root
     */
    public static void write(Map<String, ?> members, Path path, boolean compressed, PicklerOptions objectArrays)
            throws IOException {
        checkMembers(members);
        java.util.Objects.requireNonNull(objectArrays, "objectArrays");
        AtomicFiles.writeChannel(path, ch -> write(members, ch, compressed, objectArrays));
    }

    /**
     * Writes {@code arrays} as an NPZ archive to {@code out}, which is left open: as {@code np.savez} writes into a
     * file object it can seek when {@code out} is a {@link java.io.FileOutputStream} of a regular file (from where the
     * file stands), else as it writes into a stream that cannot seek (a descriptor after each member).
     *
     * @throws BrineException naming the key of a null array, a null key, or a name that leaves the archive's root
     */
    public static void write(Map<String, NDArray> arrays, OutputStream out, boolean compressed) throws IOException {
        write(arrays, out, compressed, null);
    }

    private static void write(Map<String, ?> arrays, OutputStream out, boolean compressed, PicklerOptions objectArrays)
            throws IOException {
        Objects.requireNonNull(out, "out");
        checkMembers(arrays);
        // a file's own stream can seek, as numpy seeks a file object: its layout is then np.savez(open(f, 'wb'))'s
        FileChannel file = out instanceof java.io.FileOutputStream ? ((java.io.FileOutputStream) out).getChannel() : null;
        write(arrays, new NonClosingBuffer(out), file != null && seekable(file) ? file : null, compressed, objectArrays);
    }

    /** Into a file: its members' headers are rewritten with their sizes, as zipfile does where it can seek. */
    private static void write(Map<String, ?> arrays, FileChannel ch, boolean compressed, PicklerOptions objectArrays)
            throws IOException {
        write(arrays, new NonClosingBuffer(Channels.newOutputStream(ch)), seekable(ch) ? ch : null, compressed,
                objectArrays);
    }

    /** As Python's zipfile asks: a FIFO or a pipe at the target (written into directly) cannot seek. */
    private static boolean seekable(FileChannel ch) {
        try {
            ch.position(ch.position());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Map<String, ?> arrays, OutputStream buffered, FileChannel seekable, boolean compressed,
            PicklerOptions objectArrays) throws IOException {
        SavezZip zip = new SavezZip(buffered, seekable);
        try {
            writeMembers(zip, arrays, compressed, objectArrays);
        } finally {
            zip.end();
        }
    }

    private static void writeMembers(SavezZip zip, Map<String, ?> arrays, boolean compressed,
            PicklerOptions objectArrays) throws IOException {
        for (Map.Entry<String, ?> e : arrays.entrySet()) {
            if (e.getValue() instanceof ObjectArray) {
                if (objectArrays == null) {
                    throw new BrineException("cannot write NPZ member '" + e.getKey() + "': an object array needs the"
                            + " PicklerOptions of Npz.write(members, path, compressed, objectArrays)");
                }
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                Npy.write((ObjectArray) e.getValue(), bytes, objectArrays);
                zip.member(e.getKey() + ".npy", bytes.toByteArray(), null, compressed);
            } else {
                NDArray a = (NDArray) e.getValue();
                zip.member(e.getKey() + ".npy", Npy.header(a, null), a.storage(), compressed);
            }
        }
        zip.finish();
    }

    /**
     * Buffers the archive's many small writes (headers, a small member's bytes: without it each was a system call,
     * and 20,000 small members took 1.7 s against np.savez's 0.5 s) but leaves the caller's stream open; an array's
     * data, written in large pieces, passes the buffer by.
     */
    private static final class NonClosingBuffer extends BufferedOutputStream {
        NonClosingBuffer(OutputStream out) {
            super(out, 1 << 16);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /**
     * Refuses, before anything is written, a member that would not read back as its key names it: a
     * null key or array (numpy's savez would pickle a None; an NPZ of Brine's holds arrays only), or a
     * name that would leave the archive's root.
     */
    private static void checkMembers(Map<String, ?> arrays) throws BrineException {
        java.util.Objects.requireNonNull(arrays, "arrays");
        for (Map.Entry<String, ?> e : arrays.entrySet()) {
            String key = e.getKey();
            if (key == null) {
                throw new BrineException("cannot write an NPZ member without a name: the map holds a null key");
            }
            if (e.getValue() == null) {
                throw new BrineException("cannot write NPZ member '" + key + "': its array is null (an NPZ holds arrays only)");
            }
            if (!(e.getValue() instanceof NDArray || e.getValue() instanceof ObjectArray)) {
                throw new BrineException("cannot write NPZ member '" + key + "': it is a " + e.getValue().getClass().getName()
                        + ", not an NDArray or an ObjectArray (an NPZ holds arrays only)");
            }
            // the reader's rule: what is written reads back. An empty key is member ".npy", as np.savez(**{'': a})
            // writes it and np.load reads it back as ''
            if (ZipReader.isUnsafeName(key + ".npy")) {
                throw new BrineException("cannot write NPZ member '" + key
                        + "': '..' segments, absolute paths (/x, C:/x) and NUL are refused");
            }
            // what Python's zipfile can write as a name: UTF-8 (numpy: UnicodeEncodeError on a lone surrogate, which a
            // str read from a pickle may hold) in at most 65,535 bytes (numpy: struct.error)
            java.nio.charset.CharsetEncoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newEncoder();
            if (!utf8.canEncode(key)) {
                throw new BrineException("cannot write NPZ member " + dev.brine.py.PythonRepr.brief(key)
                        + ": its name holds a lone surrogate, which UTF-8 cannot encode (numpy: UnicodeEncodeError)");
            }
            long nameBytes = (key + ".npy").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (nameBytes > 0xFFFF) {
                throw new BrineException("cannot write NPZ member '" + key.substring(0, 40) + "...': its name takes "
                        + nameBytes + " bytes, more than the 65,535 a ZIP header holds");
            }
        }
    }
}
