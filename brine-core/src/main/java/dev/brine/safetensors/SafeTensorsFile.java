package dev.brine.safetensors;

import dev.brine.io.InputFiles;
import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.io.ChannelReads;
import dev.brine.io.FileKind;
import dev.brine.io.Pipes;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.FileMappings;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.Storage;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open safetensors file whose header has been read and fully checked. Tensors are read on
 * demand: into the heap, or — when opened with {@link SafeTensorsOptions#mmap()} — as read-only
 * views of one memory mapping of the data, costing no heap and no reading until touched.
 *
 * <pre>{@code
 * try (SafeTensorsFile f = SafeTensors.open(Path.of("model.safetensors"))) {
 *     for (String name : f.names()) {
 *         NDArray w = f.get(name);
 *     }
 * }
 * }</pre>
 *
 * <p>Arrays read from a mapped file stay valid after {@link #close()}. Not thread-safe for
 * concurrent heap reads of one instance.
 */
public final class SafeTensorsFile implements Closeable {
    private final Path path;
    private final String where;
    private final SafeTensorsOptions options;
    private final Header header;
    private final long dataStart;
    private final FileChannel channel; // null once closed or when mapped
    // when mapped: each tensor's own mapping, by name. Not views of one mapping of the file: a view shares its
    // base with every other, and writers that keep arrays sharing a base together (a torch checkpoint's one
    // storage for views of one array) would save all of a file's tensors as one storage
    private final Map<String, Storage> mapped;
    private boolean closed;

    private SafeTensorsFile(Path path, SafeTensorsOptions options, Header header, long dataStart, FileChannel channel,
            Map<String, Storage> mapped) {
        this.path = path;
        this.where = path.toString();
        this.options = options;
        this.header = header;
        this.dataStart = dataStart;
        this.channel = channel;
        this.mapped = mapped;
    }

    static SafeTensorsFile open(Path path, SafeTensorsOptions options) throws IOException {
        String where = path.toString();
        Pipes.refuse(path, "a safetensors file");
        FileChannel ch = InputFiles.channel(path);
        boolean keep = false;
        try {
            long size = ch.size();
            if (size < 8) {
                throw new BrineException(where + ": not a safetensors file: only " + size
                        + " bytes, less than the 8-byte header length");
            }
            ByteBuffer lenBuf = readFully(ch, 0, 8, where).order(ByteOrder.LITTLE_ENDIAN);
            long n = lenBuf.getLong(0);
            if (Long.compareUnsigned(n, size - 8) > 0) {
                // checked before the limit: a header longer than the file is no reason to raise a limit (the
                // safetensors package says "header too large" here); most often the file is not safetensors
                String context = FileKind.context(path, FileKind.SAFETENSORS);
                throw new BrineException((context.equals(where) ? where + ": not a safetensors file" : context)
                        + ": the header claims " + Long.toUnsignedString(n) + " bytes but only " + (size - 8)
                        + " follow the header length");
            }
            if (n > options.maxHeaderSize()) {
                throw new LimitExceededException("maxHeaderSize", where + ": the header claims "
                        + n + " bytes, more than the " + options.maxHeaderSize() + " allowed");
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new LimitExceededException("maxHeaderSize", where + ": a " + n + "-byte header is too large");
            }
            byte[] json = headerArray(n, where);
            ByteBuffer hb = ByteBuffer.wrap(json);
            if (!ChannelReads.fill(ch, hb, 8)) {
                throw new BrineException(where + ": truncated header at byte " + (8 + hb.position()));
            }
            long dataStart = 8 + n;
            Header header;
            try {
                header = Header.parse(json, json.length, size - dataStart, where);
            } catch (OutOfMemoryError e) { // the parsed names and entries of a header that fit the heap as bytes
                throw tooBigForHeap(n, where);
            }
            if (options.mmap()) {
                Map<String, Storage> mapped = new HashMap<>();
                FileMappings mappings = new FileMappings(ch, where); // small tensors are read: see FileMappings
                for (TensorInfo t : header.tensors) {
                    mapped.put(t.name(), mappings.readOnly(dataStart + t.begin(), t.byteLength()));
                }
                return new SafeTensorsFile(path, options, header, dataStart, null, mapped);
            }
            keep = true;
            return new SafeTensorsFile(path, options, header, dataStart, ch, null);
        } finally {
            if (!keep) {
                ch.close();
            }
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int len, String where) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        if (!ChannelReads.fill(ch, b, pos)) {
            throw new BrineException(where + ": truncated at byte " + (pos + b.position()));
        }
        b.flip();
        return b;
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** Whether tensors are views of a memory mapping (see {@link SafeTensorsOptions#mmap()}). */
    public boolean isMapped() {
        return mapped != null;
    }

    /**
     * The tensor names in the order of their data in the file (by data offsets), which is not
     * Python's: {@code safe_open(...).keys()} sorts them. Sort the list for Python's order.
     */
    public List<String> names() {
        return new ArrayList<>(header.byName.keySet());
    }

    /** Every tensor entry, in the order of their data in the file. */
    public List<TensorInfo> tensors() {
        return header.tensors;
    }

    /** Whether a tensor is called {@code name}. */
    public boolean contains(String name) {
        return header.byName.containsKey(name);
    }

    /** The number of tensors. */
    public int size() {
        return header.tensors.size();
    }

    /**
     * The header entry of tensor {@code name}.
     *
     * @throws BrineException naming the file when there is no such tensor
     */
    public TensorInfo info(String name) throws BrineException {
        TensorInfo t = header.byName.get(name);
        if (t == null) {
            throw new BrineException(where + ": no tensor named '" + name + "'");
        }
        return t;
    }

    /**
     * The header's bytes: a valid file's header may be up to {@code maxHeaderSize} (100 MB by default), more than a
     * small heap holds; that is this file's refusal, not the JVM's error (the failed allocation took nothing).
     */
    private static byte[] headerArray(long n, String where) throws BrineException {
        try {
            return new byte[(int) n];
        } catch (OutOfMemoryError e) {
            throw tooBigForHeap(n, where);
        }
    }

    private static BrineException tooBigForHeap(long n, String where) {
        return new BrineException(where + ": the " + n + "-byte header is more than the Java heap holds ("
                + Runtime.getRuntime().maxMemory() + " bytes at most): read it with a bigger heap (-Xmx)");
    }

    /**
     * The {@code __metadata__} strings in header order; empty when the header has none. To write the file back as it
     * was, pass {@code hasMetadata() ? metadata() : null}: an empty map is written as {@code "__metadata__":{}}, as
     * {@code save_file(..., metadata={})} writes it, which Python's {@code safe_open(...).metadata()} reads as
     * {@code {}} where the original gave {@code None}.
     */
    public Map<String, String> metadata() {
        return header.metadata == null ? Collections.emptyMap() : header.metadata;
    }

    /** Whether the header has a {@code __metadata__} entry (possibly empty). */
    public boolean hasMetadata() {
        return header.metadata != null;
    }

    /** Where the data buffer starts in the file: 8 + the header length. */
    public long dataStart() {
        return dataStart;
    }

    /**
     * Tensor {@code name} as a C-order little-endian array: a heap copy, or a read-only view of the
     * mapping. Its {@link NDArray#memberName()} is the name.
     *
     * @throws BrineException when there is no such tensor, its type has no NDArray form (the 6- and
     *     4-bit floats, {@code F6_E2M3}, {@code F6_E3M2} and {@code F4}: use {@link #raw(String)}; the
     *     8-bit floats do have one, their ml_dtypes types), it has more than
     *     {@value NDArray#MAX_DIMS} dimensions, or reading fails
     */
    public NDArray get(String name) throws IOException {
        TensorInfo t = info(name);
        DType type = t.dtype().arrayType();
        if (type == null) {
            throw new BrineException(where + ": tensor '" + name + "' is " + t.dtype()
                    + ", which has no NDArray type in Brine; read its bytes with raw(name)");
        }
        if (t.shape().length > NDArray.MAX_DIMS) {
            throw new BrineException(where + ": tensor '" + name + "' has " + t.shape().length
                    + " dimensions, more than the " + NDArray.MAX_DIMS + " an NDArray may have");
        }
        Storage bytes = raw(name);
        try {
            return NDArray.wrap(type, Order.C, t.shape(), bytes).withMemberName(name);
        } catch (IllegalArgumentException ex) { // the header's checks should leave nothing for NDArray to refuse
            throw new BrineException(where + ": tensor '" + name + "': " + ex.getMessage(), ex);
        }
    }

    /**
     * Every tensor, in file order. Fails on the first tensor {@link #get(String)} cannot read.
     */
    public Map<String, NDArray> getAll() throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors) {
            out.put(t.name(), get(t.name()));
        }
        return out;
    }

    /**
     * The raw little-endian bytes of tensor {@code name}, whatever its type: a heap copy, or a
     * read-only mapping of its own bytes (each tensor is mapped on its own, so it shares no storage with another).
     *
     * @throws LimitExceededException when a heap copy would exceed {@code Limits.maxAllocation}
     *     (open the file with mmap instead)
     */
    public Storage raw(String name) throws IOException {
        TensorInfo t = info(name);
        if (mapped != null) {
            return mapped.get(name);
        }
        if (closed) {
            throw new BrineException(where + ": the file is closed");
        }
        long max = options.limits().maxAllocation();
        if (t.byteLength() > max) {
            throw new LimitExceededException("maxAllocation", where + ": tensor '" + name + "' holds " + t.byteLength()
                    + " bytes, more than the " + max + " allowed in memory (open the file with mmap to map it instead)");
        }
        synchronized (channel) {
            channel.position(dataStart + t.begin());
            try {
                return Storage.read(channel, t.byteLength());
            } catch (EOFException e) {
                throw new BrineException(where + ": tensor '" + name + "': the file changed while it was read: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Closes the file. Arrays already read, mapped ones included, stay usable. */
    @Override
    public void close() throws IOException {
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }

    /** The file and how many tensors it holds: {@code SafeTensorsFile[model.safetensors, 3 tensors]}. */
    @Override
    public String toString() {
        int n = size();
        return "SafeTensorsFile[" + path + ", " + n + (n == 1 ? " tensor" : " tensors") + (isMapped() ? ", mapped" : "") + "]";
    }
}
