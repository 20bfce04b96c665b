package dev.brine.npy;

import dev.brine.io.AtomicFiles;
import dev.brine.BrineException;
import dev.brine.HeapBudget;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.PicklerOptions;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy's {@code .npz} archives: a ZIP of {@code <name>.npy} members, stored
 * ({@code np.savez}) or deflated ({@code np.savez_compressed}).
 */
public final class Npz {
    /** 1980-01-01 00:00, the earliest DOS time: fixed so that saving the same arrays gives the same bytes. */
    private static final long FIXED_TIME = java.time.LocalDateTime.of(1980, 1, 1, 0, 0)
            .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();

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
        AtomicFiles.writeChannel(path, ch -> write(arrays, Channels.newOutputStream(ch), compressed));
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
        AtomicFiles.writeChannel(path, ch -> write(members, Channels.newOutputStream(ch), compressed, objectArrays));
    }

    /**
     * Writes {@code arrays} as an NPZ archive to {@code out}, which is left open.
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
        // ZipOutputStream writes its headers' fields a byte at a time: without a buffer each was a write to the
        // caller's stream, a system call on a file's channel (20,000 small members: 1.7 s against np.savez's
        // 0.5 s); an array's data, written in large pieces, passes the buffer by
        OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(buffered) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                buffered.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                buffered.flush(); // finish the archive but leave the caller's stream open
            }
        });
        zip.setLevel(Deflater.DEFAULT_COMPRESSION);
        for (Map.Entry<String, ?> e : arrays.entrySet()) {
            // an object array's member is made whole first: its pickle's length is known only once written
            byte[] whole = null;
            if (e.getValue() instanceof ObjectArray) {
                if (objectArrays == null) {
                    throw new BrineException("cannot write NPZ member '" + e.getKey() + "': an object array needs the"
                            + " PicklerOptions of Npz.write(members, path, compressed, objectArrays)");
                }
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                Npy.write((ObjectArray) e.getValue(), bytes, objectArrays);
                whole = bytes.toByteArray();
            }
            NDArray a = whole == null ? (NDArray) e.getValue() : null;
            byte[] header = whole != null ? whole : Npy.header(a, null);
            ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
            entry.setTime(FIXED_TIME);
            if (compressed) {
                entry.setMethod(ZipEntry.DEFLATED);
            } else {
                // a stored entry must state its size and CRC before its data
                CRC32 crc = new CRC32();
                crc.update(header);
                if (a != null) {
                    for (ByteBuffer b : a.storage().buffers()) {
                        crc.update(b);
                    }
                }
                long size = header.length + (a != null ? a.nbytes() : 0);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(size);
                entry.setCompressedSize(size);
                entry.setCrc(crc.getValue());
            }
            zip.putNextEntry(entry);
            zip.write(header);
            if (a != null) {
                a.storage().writeTo(zip);
            }
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
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
        }
    }
}
