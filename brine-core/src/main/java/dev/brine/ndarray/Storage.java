package dev.brine.ndarray;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes behind an array: a sequence of up to {@code 2^63-1} bytes held as chunks of at most
 * 1 GiB, because one {@link ByteBuffer} stops at 2 GiB. Chunks are heap buffers or memory-mapped
 * regions of a file (read-only or copy-on-write). Values are read and written at absolute byte
 * positions in either byte order; a value that spans two chunks is assembled byte by byte.
 *
 * <p>A {@link #view} keeps its parent's chunks and the offset of its byte 0 inside the first of
 * them, so byte {@code pos} lies at {@code start + pos} of the chunk sequence: one add per access
 * makes every range shareable, wherever it starts.
 *
 * <p>Not thread-safe for concurrent writes, like a {@link ByteBuffer}.
 */
public final class Storage {
    /** Chunks are {@code 2^30} bytes (1 GiB): large enough to be few, small enough for ByteBuffer. */
    public static final int DEFAULT_CHUNK_SHIFT = 30;

    private static final Storage EMPTY = new Storage(new ByteBuffer[0], DEFAULT_CHUNK_SHIFT, 0, false);
    /** Stream reads grow a chunk from this size, so a stream that lies about its length costs little. */
    private static final int FIRST_READ_BUFFER = 1 << 20;
    /** Heap bytes go to a channel, or come from a stream, in slices of this size: see writeTo. */
    private static final int IO_SLICE = 4 << 20;
    /** readKnownSize(InputStream): bytes up to which a read of unproven size is allocated at once. */
    private static final int DIRECT_READ_MAX = 4 << 20;
    /** The probe before a chunk is allocated whole is 1/16 of the chunk: 16 is the most allocated per byte arrived. */
    private static final int PROBE_SHIFT = 4;
    /** The probe's segments. */
    private static final int SEGMENT = 1 << 20;

    /** Files read from this size on are mapped and copied (readMapped); below it a mapping's fixed cost is not worth it. */
    private static final long MAPPED_READ_MIN = 1 << 20;

    /**
     * Every chunk but the last holds {@code 2^shift} bytes; the last ends at this storage's last
     * byte. A view's chunks are its parent's, from the one holding its first byte.
     */
    private final ByteBuffer[] chunks;
    /**
     * Where byte 0 lies in {@code chunks[0]}: 0 but for views that start inside a chunk and span
     * several. Every access adds it to the position before the shift and mask; over 64 Mi float32
     * (2 shared cores, best of 7) putInt/getInt/NDArray.getDouble loops and toFloatArray/copy
     * measured within the machine's noise of the code without it (loops 121-185 vs 131-139 ms,
     * 151-291 vs 156-207 ms, 203-273 vs 223-285 ms), as did ArrayWorkloads' NPY section.
     */
    private final int start;
    private final int shift;
    private final long mask;
    private final long size;
    private final boolean readOnly;
    /** See {@link #isFromFile()}. */
    private final boolean fromFile;
    private final Storage base;
    private final long baseOffset;

    private Storage(ByteBuffer[] chunks, int shift, long size, boolean readOnly) {
        this(chunks, 0, shift, size, readOnly, false, null, 0);
    }

    private Storage(ByteBuffer[] chunks, int start, int shift, long size, boolean readOnly, boolean fromFile,
            Storage base, long baseOffset) {
        this.chunks = chunks;
        this.fromFile = fromFile;
        this.start = start;
        this.shift = shift;
        this.mask = (1L << shift) - 1;
        this.size = size;
        this.readOnly = readOnly;
        this.base = base;
        this.baseOffset = baseOffset;
    }

    /** Zero-filled heap storage of {@code size} bytes. */
    public static Storage allocate(long size) {
        return allocate(size, DEFAULT_CHUNK_SHIFT);
    }

    /** Zero-filled heap storage with chunks of {@code 2^shift} bytes (small chunks help tests). */
    static Storage allocate(long size, int shift) {
        checkShift(shift);
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (size == 0) {
            return shift == DEFAULT_CHUNK_SHIFT ? EMPTY : new Storage(new ByteBuffer[0], shift, 0, false);
        }
        long chunkSize = 1L << shift;
        int n = Math.toIntExact((size + chunkSize - 1) >>> shift);
        ByteBuffer[] chunks = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            long len = Math.min(chunkSize, size - ((long) i << shift));
            chunks[i] = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
        }
        return new Storage(chunks, shift, size, false);
    }

    /** Storage over {@code bytes} (not copied: changes show through both ways). */
    public static Storage wrap(byte[] bytes) {
        if (bytes.length == 0) {
            return EMPTY;
        }
        int shift = Math.max(DEFAULT_CHUNK_SHIFT, 64 - Long.numberOfLeadingZeros(bytes.length - 1L));
        // one chunk always: a byte[] is below 2 GiB, and the shift only has to cover its length
        return new Storage(new ByteBuffer[] {ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)},
                Math.min(shift, 31), bytes.length, false);
    }

    /**
     * Storage over {@code buffer}'s bytes from its position to its limit (not copied: changes show
     * through both ways), read-only when {@code readOnly}: how a protocol-5 out-of-band buffer
     * becomes an array's storage, as numpy's arrays are views of the buffers they were given.
     */
    public static Storage wrap(ByteBuffer buffer, boolean readOnly) {
        ByteBuffer view = (readOnly ? buffer.asReadOnlyBuffer() : buffer.slice()).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (!readOnly && view.isReadOnly()) {
            throw new IllegalArgumentException("a read-only ByteBuffer cannot back writable storage");
        }
        // one chunk always: a ByteBuffer is below 2 GiB
        int shift = Math.min(31, Math.max(DEFAULT_CHUNK_SHIFT, 64 - Long.numberOfLeadingZeros(Math.max(1, view.remaining()) - 1L)));
        return new Storage(new ByteBuffer[] {view}, shift, view.remaining(), readOnly);
    }

    /**
     * Maps {@code size} bytes of {@code channel} from {@code position}: read-only with
     * {@link FileChannel.MapMode#READ_ONLY}, copy-on-write with {@link FileChannel.MapMode#PRIVATE}.
     * Costs nothing per byte; pages are read when touched. The mapping outlives the channel.
     */
    public static Storage map(FileChannel channel, long position, long size, FileChannel.MapMode mode)
            throws IOException {
        return map(channel, position, size, mode, DEFAULT_CHUNK_SHIFT);
    }

    /** Like {@link #map(FileChannel, long, long, FileChannel.MapMode)} with chunks of {@code 2^shift} bytes (small chunks help tests). */
    static Storage map(FileChannel channel, long position, long size, FileChannel.MapMode mode, int shift)
            throws IOException {
        checkShift(shift);
        boolean readOnly = mode == FileChannel.MapMode.READ_ONLY;
        if (size == 0) {
            return new Storage(new ByteBuffer[0], 0, shift, 0, readOnly, true, null, 0);
        }
        long chunkSize = 1L << shift;
        int n = Math.toIntExact((size + chunkSize - 1) >>> shift);
        ByteBuffer[] chunks = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            long off = (long) i << shift;
            long len = Math.min(chunkSize, size - off);
            chunks[i] = channel.map(mode, position + off, len).order(ByteOrder.LITTLE_ENDIAN);
        }
        return new Storage(chunks, 0, shift, size, readOnly, true, null, 0);
    }

    /**
     * Read-only storage over {@code bytes}, which were read from a file being opened for mapping (see
     * {@link FileMappings}: small storages are read rather than mapped), so {@link #isFromFile()} is true as it is
     * for the mapped ones.
     */
    static Storage readFromFile(ByteBuffer bytes) {
        Storage s = wrap(bytes, true);
        return new Storage(s.chunks, 0, s.shift, s.size, true, true, null, 0);
    }

    /**
     * Reads exactly {@code size} bytes, allocating them up front. Only for sizes already checked
     * against the source (a file's length): an untrusted size goes to {@link #read(ReadableByteChannel, long)},
     * which grows only as bytes arrive. A file channel is left just after the bytes read.
     */
    public static Storage readKnownSize(ReadableByteChannel in, long size) throws IOException {
        if (size <= 0) {
            return read(in, size);
        }
        if (in instanceof FileChannel && size >= MAPPED_READ_MIN) {
            return readMapped((FileChannel) in, size);
        }
        Storage s = allocate(size);
        long done = 0;
        for (ByteBuffer chunk : s.chunks) {
            ByteBuffer b = chunk.duplicate();
            b.clear();
            while (b.hasRemaining()) {
                int r = in.read(b);
                if (r < 0) {
                    throw new EOFException("expected " + size + " bytes of data, found only " + (done + b.position()));
                }
            }
            done += b.capacity();
        }
        return s;
    }

    /**
     * Reads exactly {@code size} bytes from {@code in}, a size checked against limits but not
     * against the bytes really there (an inflating ZIP member declares its size, and a lying one
     * declares gigabytes and then fails after a few bytes). Memory follows the bytes that arrive:
     *
     * <ul>
     *   <li>up to 4 MiB is allocated at once;
     *   <li>above that, the first sixteenth of the first 1 GiB chunk (at least 4 MiB) is read into
     *       1 MiB segments, and only once it has all arrived is the chunk allocated whole, the
     *       segments copied in and the rest read straight into it (the stream writes into the
     *       storage's own array, an inflating member inflates into it: no buffer in between);
     *   <li>each further 1 GiB chunk is allocated when the one before it is full.
     * </ul>
     *
     * So what is allocated is at most 16 times the bytes that arrived (at least 4 MiB), a stream
     * that ends early costs about what it delivered, and an honest read copies 1/16 of its first
     * chunk a second time and peaks at about 1.06 times its size, where the storage allocated up
     * front peaked at 1.0 and let one lying length field allocate gigabytes. Reads ask for at most
     * 4 MiB at a time: streams that read files (FileInputStream, a stored ZIP member) go through a
     * native buffer as large as the read.
     *
     * @throws EOFException when the stream ends early; its message says how many bytes arrived
     */
    public static Storage readKnownSize(InputStream in, long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (size == 0) {
            return EMPTY;
        }
        long chunkSize = 1L << DEFAULT_CHUNK_SHIFT;
        List<ByteBuffer> chunks = new ArrayList<>();
        long done = 0;
        while (done < size) {
            int len = (int) Math.min(chunkSize, size - done);
            byte[] chunk;
            int pos = 0;
            int head = headBytes(len, done);
            if (head < len) {
                // a probe of real bytes before the whole chunk is allocated
                List<byte[]> segments = new ArrayList<>();
                while (pos < head) {
                    byte[] seg = new byte[Math.min(SEGMENT, head - pos)];
                    fill(in, seg, 0, seg.length, done + pos, size);
                    segments.add(seg);
                    pos += seg.length;
                }
                chunk = new byte[len];
                int at = 0;
                for (byte[] seg : segments) {
                    System.arraycopy(seg, 0, chunk, at, seg.length);
                    at += seg.length;
                }
            } else {
                chunk = new byte[len];
            }
            fill(in, chunk, pos, len, done, size);
            chunks.add(ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN));
            done += len;
        }
        return new Storage(chunks.toArray(new ByteBuffer[0]), DEFAULT_CHUNK_SHIFT, size, false);
    }

    /**
     * How many bytes of a chunk of {@code len} bytes, starting {@code done} bytes into a read of
     * unproven size, must arrive before the chunk is allocated whole: {@code len} means at once.
     * Package-private for tests.
     */
    static int headBytes(int len, long done) {
        if (done > 0 || len <= DIRECT_READ_MAX) {
            return len; // after a full chunk (1 GiB) has arrived, the next (at most 1 GiB) is allocated at once
        }
        return Math.max(DIRECT_READ_MAX, len >>> PROBE_SHIFT);
    }

    /** Reads {@code b[from, to)} fully in slices of at most 4 MiB; {@code done} bytes of {@code size} came before. */
    private static void fill(InputStream in, byte[] b, int from, int to, long done, long size) throws IOException {
        for (int pos = from; pos < to; ) {
            int want = Math.min(IO_SLICE, to - pos);
            int got = in.readNBytes(b, pos, want);
            pos += got;
            if (got < want) {
                throw new EOFException("expected " + size + " bytes of data, found only " + (done + pos));
            }
        }
    }

    /**
     * Reads a file's bytes into the heap by mapping them and bulk-copying from the mapping: each
     * byte is copied once. {@code FileChannel.read} into a heap buffer copies twice, through a
     * temporary direct buffer as large as the read (which the JDK then keeps, per thread).
     * 1 GiB from the page cache (best of 5, 2 shared cores): read 0.30-0.33 s, mapped copy
     * 0.19-0.20 s; 1 MiB slices through a reused direct buffer 0.21-0.23 s. ArrayWorkloads'
     * Npy.read of 1 GiB: 0.215-0.223 s -> 0.103-0.130 s (0.39x -> 0.64-0.75x of a memory copy).
     */
    private static Storage readMapped(FileChannel in, long size) throws IOException {
        long pos = in.position();
        if (size > in.size() - pos) {
            throw new EOFException("expected " + size + " bytes of data, found only " + Math.max(0, in.size() - pos));
        }
        Storage copy;
        try {
            copy = map(in, pos, size, FileChannel.MapMode.READ_ONLY).copy();
        } catch (InternalError e) {
            // the JVM's report of a fault in a mapping: the file shrank while it was being copied
            throw new EOFException("the file changed while being read: " + e.getMessage());
        }
        in.position(pos + size);
        return copy;
    }

    /**
     * Reads exactly {@code size} bytes from {@code in} into new heap storage. Memory grows with the
     * bytes that actually arrive (doubling from 1 MiB), so a stream that claims more than it holds
     * ends in an {@link EOFException} without a large allocation first.
     *
     * @throws EOFException when the stream ends early; its message says how many bytes arrived
     */
    public static Storage read(ReadableByteChannel in, long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (size == 0) {
            return EMPTY;
        }
        long chunkSize = 1L << DEFAULT_CHUNK_SHIFT;
        int n = Math.toIntExact((size + chunkSize - 1) >>> DEFAULT_CHUNK_SHIFT);
        List<ByteBuffer> chunks = new ArrayList<>();
        long done = 0;
        for (int i = 0; i < n; i++) {
            int len = (int) Math.min(chunkSize, size - ((long) i << DEFAULT_CHUNK_SHIFT));
            ByteBuffer buf = ByteBuffer.allocate(Math.min(len, FIRST_READ_BUFFER));
            while (true) {
                int r = in.read(buf);
                if (r < 0) {
                    throw new EOFException("expected " + size + " bytes of data, found only " + (done + buf.position()));
                }
                if (!buf.hasRemaining()) {
                    if (buf.capacity() == len) {
                        break;
                    }
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(len, 2L * buf.capacity()));
                    buf.flip();
                    bigger.put(buf);
                    buf = bigger;
                }
            }
            buf.flip();
            chunks.add(buf.order(ByteOrder.LITTLE_ENDIAN));
            done += len;
        }
        return new Storage(chunks.toArray(new ByteBuffer[0]), DEFAULT_CHUNK_SHIFT, size, false);
    }

    /** Like {@link #read(ReadableByteChannel, long)} for a stream. */
    public static Storage read(InputStream in, long size) throws IOException {
        return read(Channels.newChannel(in), size);
    }

    private static void checkShift(int shift) {
        if (shift < 3 || shift > DEFAULT_CHUNK_SHIFT) {
            throw new IllegalArgumentException("chunk shift out of range: " + shift);
        }
    }

    /**
     * The bytes {@code [pos, pos+length)} as a storage of their own that shares them with this one
     * (writes show through both ways, as between a numpy array and its view). The view remembers
     * where it lies: {@link #base()} and {@link #baseOffset()}. The whole range gives this storage
     * itself.
     *
     * <p>Every range is shared, wherever it starts and however many 1 GiB chunks it spans: a
     * tensor that straddles a GiB mark of a mapped file stays a read-only view of the mapping.
     *
     * @throws IndexOutOfBoundsException if the range is not inside this storage
     */
    public Storage view(long pos, long length) {
        checkRange(pos, length);
        if (pos == 0 && length == size) {
            return this;
        }
        Storage root = base == null ? this : base;
        long rootOffset = baseOffset + pos;
        if (length == 0) {
            return new Storage(new ByteBuffer[0], 0, DEFAULT_CHUNK_SHIFT, 0, readOnly, fromFile, root, rootOffset);
        }
        long from = start + pos;
        long to = from + length; // exclusive, in this storage's chunk sequence
        int first = (int) (from >>> shift);
        int last = (int) ((to - 1) >>> shift);
        int within = (int) (from & mask);
        if (first == last) {
            // one chunk: a slice of it, so the view is one buffer from 0 (sharedBuffer hands it on whole)
            ByteBuffer c = chunks[first].slice(within, (int) length).order(ByteOrder.LITTLE_ENDIAN);
            int sliceShift = Math.max(shift, Math.min(31, 64 - Long.numberOfLeadingZeros(length - 1)));
            return new Storage(new ByteBuffer[] {c}, 0, sliceShift, length, readOnly, fromFile, root, rootOffset);
        }
        // several chunks: the same chunks, the last cut where the view ends, and byte 0 at `within`
        // of the first; the first keeps its bytes before `within` so positions map with one add
        ByteBuffer[] out = new ByteBuffer[last - first + 1];
        for (int i = first; i <= last; i++) {
            ByteBuffer c = chunks[i];
            int len = (int) Math.min(c.limit(), to - ((long) i << shift));
            out[i - first] = c.slice(0, len).order(ByteOrder.LITTLE_ENDIAN);
        }
        return new Storage(out, within, shift, length, readOnly, fromFile, root, rootOffset);
    }

    /**
     * The storage this one is a {@link #view} of (the outermost one, when views were viewed), or
     * {@code null} when it owns its bytes.
     */
    public Storage base() {
        return base;
    }

    /** Where this storage's first byte lies in {@link #base()}; 0 without a base. */
    public long baseOffset() {
        return baseOffset;
    }

    /** The number of bytes. */
    public long size() {
        return size;
    }

    /** Whether writes are refused (a read-only mapping). */
    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * Whether these bytes are a file's: {@link #map mapped} (or a view of a mapping), or read by
     * {@link FileMappings} in place of a mapping, rather than heap bytes or a buffer a caller {@link #wrap wrapped}.
     * The CLI writes arrays it opened this way as the writable arrays numpy's loaders return, where an array that a
     * pickle itself made read-only stays read-only (see its {@code MappedArrayWriter}).
     */
    public boolean isFromFile() {
        return fromFile;
    }

    /** A heap copy of these bytes, writable. */
    public Storage copy() {
        Storage out = allocate(size);
        copyTo(0, out, 0, size);
        return out;
    }

    /**
     * Copies {@code length} bytes from {@code srcPos} here to {@code dstPos} in {@code dst}, as
     * memmove does: when the two ranges overlap in the same bytes (one storage, or two
     * {@link #view views} of one parent), {@code dst} ends up holding what the source range held
     * before the copy, as numpy's {@code a[2:10] = a[0:8]}.
     */
    public void copyTo(long srcPos, Storage dst, long dstPos, long length) {
        checkRange(srcPos, length);
        dst.checkWritable();
        dst.checkRange(dstPos, length);
        if (movesForwardOverItself(srcPos, dst, dstPos)) {
            copyBackToFront(srcPos, dst, dstPos, length);
        } else {
            copyFrontToBack(srcPos, dst, dstPos, length);
        }
    }

    /**
     * Whether {@code dst}'s range starts after this one's in the same bytes, where a front-to-back
     * copy would overwrite source bytes before reading them. Storages share bytes through views,
     * which all name their outermost parent. Inside one piece (one chunk on each side) the JDK's
     * buffer copy is a memmove already, so two wraps of one array are safe too; what is not seen is
     * a storage wrapping another's {@link #sharedBuffer()} and copied to across that other's chunks.
     */
    private boolean movesForwardOverItself(long srcPos, Storage dst, long dstPos) {
        return root() == dst.root() && dst.baseOffset + dstPos > baseOffset + srcPos;
    }

    private Storage root() {
        return base == null ? this : base;
    }

    private void copyFrontToBack(long srcPos, Storage dst, long dstPos, long length) {
        long done = 0;
        while (done < length) {
            long s = start + srcPos + done;
            long d = dst.start + dstPos + done;
            ByteBuffer sc = chunks[(int) (s >>> shift)];
            ByteBuffer dc = dst.chunks[(int) (d >>> dst.shift)];
            int so = (int) (s & mask);
            int dOff = (int) (d & dst.mask);
            int n = (int) Math.min(length - done, Math.min(sc.limit() - so, dc.limit() - dOff));
            dc.put(dOff, sc, so, n);
            done += n;
        }
    }

    /** The copy from the last byte down: each piece ends where the one after it began. */
    private void copyBackToFront(long srcPos, Storage dst, long dstPos, long length) {
        long left = length;
        while (left > 0) {
            long s = start + srcPos + left - 1; // the piece's last byte
            long d = dst.start + dstPos + left - 1;
            ByteBuffer sc = chunks[(int) (s >>> shift)];
            ByteBuffer dc = dst.chunks[(int) (d >>> dst.shift)];
            int so = (int) (s & mask);
            int dOff = (int) (d & dst.mask);
            int n = (int) Math.min(left, Math.min(so + 1, dOff + 1));
            dc.put(dOff - n + 1, sc, so - n + 1, n);
            left -= n;
        }
    }

    /** The byte at {@code pos}. */
    public byte getByte(long pos) {
        checkRange(pos, 1);
        long p = start + pos;
        return chunks[(int) (p >>> shift)].get((int) (p & mask));
    }

    /** Writes the byte at {@code pos}. */
    public void putByte(long pos, byte b) {
        checkWritable();
        checkRange(pos, 1);
        long p = start + pos;
        chunks[(int) (p >>> shift)].put((int) (p & mask), b);
    }

    /** Copies {@code len} bytes from {@code pos} into {@code dst[off..]}. */
    public void get(long pos, byte[] dst, int off, int len) {
        checkRange(pos, len);
        int done = 0;
        while (done < len) {
            long p = start + pos + done;
            ByteBuffer c = chunks[(int) (p >>> shift)];
            int o = (int) (p & mask);
            int n = Math.min(len - done, c.limit() - o);
            c.get(o, dst, off + done, n);
            done += n;
        }
    }

    /** Copies {@code src[off..off+len)} to {@code pos}. */
    public void put(long pos, byte[] src, int off, int len) {
        checkWritable();
        checkRange(pos, len);
        int done = 0;
        while (done < len) {
            long p = start + pos + done;
            ByteBuffer c = chunks[(int) (p >>> shift)];
            int o = (int) (p & mask);
            int n = Math.min(len - done, c.limit() - o);
            c.put(o, src, off + done, n);
            done += n;
        }
    }

    /** The 2-byte value at {@code pos}, big-endian if {@code bigEndian}. */
    public short getShort(long pos, boolean bigEndian) {
        checkRange(pos, 2);
        long p = start + pos;
        ByteBuffer c = chunks[(int) (p >>> shift)];
        int o = (int) (p & mask);
        short v = o + 2 <= c.limit() ? c.getShort(o) : (short) slowGet(pos, 2);
        return bigEndian ? Short.reverseBytes(v) : v;
    }

    /** The 4-byte value at {@code pos}. */
    public int getInt(long pos, boolean bigEndian) {
        checkRange(pos, 4);
        long p = start + pos;
        ByteBuffer c = chunks[(int) (p >>> shift)];
        int o = (int) (p & mask);
        int v = o + 4 <= c.limit() ? c.getInt(o) : (int) slowGet(pos, 4);
        return bigEndian ? Integer.reverseBytes(v) : v;
    }

    /** The 8-byte value at {@code pos}. */
    public long getLong(long pos, boolean bigEndian) {
        checkRange(pos, 8);
        long p = start + pos;
        ByteBuffer c = chunks[(int) (p >>> shift)];
        int o = (int) (p & mask);
        long v = o + 8 <= c.limit() ? c.getLong(o) : slowGet(pos, 8);
        return bigEndian ? Long.reverseBytes(v) : v;
    }

    /** Writes a 2-byte value at {@code pos}. */
    public void putShort(long pos, short v, boolean bigEndian) {
        checkWritable();
        short x = bigEndian ? Short.reverseBytes(v) : v;
        checkRange(pos, 2);
        long p = start + pos;
        ByteBuffer c = chunks[(int) (p >>> shift)];
        int o = (int) (p & mask);
        if (o + 2 <= c.limit()) {
            c.putShort(o, x);
        } else {
            slowPut(pos, x, 2);
        }
    }

    /** Writes a 4-byte value at {@code pos}. */
    public void putInt(long pos, int v, boolean bigEndian) {
        checkWritable();
        int x = bigEndian ? Integer.reverseBytes(v) : v;
        checkRange(pos, 4);
        long p = start + pos;
        ByteBuffer c = chunks[(int) (p >>> shift)];
        int o = (int) (p & mask);
        if (o + 4 <= c.limit()) {
            c.putInt(o, x);
        } else {
            slowPut(pos, x, 4);
        }
    }

    /** Writes an 8-byte value at {@code pos}. */
    public void putLong(long pos, long v, boolean bigEndian) {
        checkWritable();
        long x = bigEndian ? Long.reverseBytes(v) : v;
        checkRange(pos, 8);
        long p = start + pos;
        ByteBuffer c = chunks[(int) (p >>> shift)];
        int o = (int) (p & mask);
        if (o + 8 <= c.limit()) {
            c.putLong(o, x);
        } else {
            slowPut(pos, x, 8);
        }
    }

    private long slowGet(long pos, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (getByte(pos + i) & 0xFF);
        }
        return v;
    }

    private void slowPut(long pos, long v, int n) {
        for (int i = 0; i < n; i++) {
            putByte(pos + i, (byte) (v >>> (8 * i)));
        }
    }

    /**
     * Read-only views of the chunks in order, each positioned at 0, for bulk transfer (writing to a
     * channel, checksums, typed bulk copies).
     */
    public List<ByteBuffer> buffers() {
        List<ByteBuffer> out = new ArrayList<>(chunks.length);
        for (int i = 0; i < chunks.length; i++) {
            out.add(ownBytes(i).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
        return out;
    }

    /**
     * All the bytes as one buffer that shares them (writes show through both ways), positioned at
     * 0 and little-endian, when they lie in one chunk (below 1 GiB, or a view inside one chunk);
     * else null. Read-only when this storage is. Lets a writer hand the bytes on without copying
     * them first (a pickled array's payload: see NumpyPickles).
     */
    public ByteBuffer sharedBuffer() {
        if (chunks.length == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return chunks.length == 1 ? slice(0, (int) size) : null;
    }

    /** Chunk {@code i}'s bytes that are this storage's (the first chunk of a view from {@code start}), positioned at 0. */
    private ByteBuffer ownBytes(int i) {
        ByteBuffer c = chunks[i];
        return i == 0 && start > 0 ? c.slice(start, c.limit() - start) : c.duplicate();
    }

    /**
     * The bytes from {@code pos} to the end of the chunk holding it, at most {@code max} of them,
     * as a view like {@link #slice}: how a bulk reader walks the storage in the largest pieces
     * that share its bytes; {@code pos} is below the size. Empty only when {@code max} is 0.
     */
    ByteBuffer run(long pos, long max) {
        checkRange(pos, Math.min(max, size - pos));
        long p = start + pos;
        ByteBuffer c = chunks[(int) (p >>> shift)];
        int o = (int) (p & mask);
        int len = (int) Math.min(max, c.limit() - o);
        ByteBuffer s = c.slice(o, len).order(ByteOrder.LITTLE_ENDIAN);
        return readOnly ? s.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN) : s;
    }

    /**
     * A view of {@code [pos, pos+len)} when it lies inside one chunk, else null. The view shares the
     * bytes, is little-endian ordered and is read-only when this storage is.
     */
    ByteBuffer slice(long pos, int len) {
        checkRange(pos, len);
        long p = start + pos;
        ByteBuffer c = chunks[(int) (p >>> shift)];
        int o = (int) (p & mask);
        if (o + len > c.limit()) {
            return null;
        }
        ByteBuffer s = c.slice(o, len).order(ByteOrder.LITTLE_ENDIAN);
        return readOnly ? s.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN) : s;
    }

    /**
     * Writes all bytes to {@code out}. Mapped (direct) chunks go to the channel as they are; heap
     * chunks go in slices of 4 MiB, because the JDK copies a heap buffer through a
     * temporary direct buffer as large as the write and keeps it cached per thread: writing a
     * 1 GiB chunk at once left 1 GiB of native memory behind. 4 MiB slices stay in the CPU caches:
     * 1 GiB to a file (unforced, best of 3, two runs) 0.276-0.278 s -> 0.240-0.243 s.
     */
    public void writeTo(WritableByteChannel out) throws IOException {
        for (ByteBuffer b : buffers()) {
            int step = b.isDirect() ? b.limit() : IO_SLICE;
            for (int pos = 0; pos < b.limit(); pos += step) {
                ByteBuffer slice = b.slice(pos, Math.min(step, b.limit() - pos));
                while (slice.hasRemaining()) {
                    out.write(slice);
                }
            }
        }
    }

    /** Writes all bytes to {@code out}, in pieces of at most 1 MiB so no large temporary is made. */
    public void writeTo(OutputStream out) throws IOException {
        byte[] tmp = new byte[(int) Math.min(size, 1 << 20)];
        long done = 0;
        while (done < size) {
            int n = (int) Math.min(tmp.length, size - done);
            get(done, tmp, 0, n);
            out.write(tmp, 0, n);
            done += n;
        }
    }

    private void checkWritable() {
        if (readOnly) {
            // the advice names every way to a writable copy: mmap options of torch and safetensors have no copy-on-write mode
            throw new IllegalStateException("the array is read-only (a read-only memory mapping of its file): change a copy"
                    + " (NDArray.copy()), read the file without mmap, or for a .npy file map it copy-on-write"
                    + " (Npy.map(path, true))");
        }
    }

    private void checkRange(long pos, long len) {
        if (pos < 0 || len < 0 || pos > size - len) {
            throw new IndexOutOfBoundsException("bytes [" + pos + ", " + (pos + len) + ") outside storage of " + size + " bytes");
        }
    }
}
