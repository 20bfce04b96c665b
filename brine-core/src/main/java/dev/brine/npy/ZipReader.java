package dev.brine.npy;

import dev.brine.io.InputFiles;
import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.io.ChannelReads;
import dev.brine.io.CompressedFormat;
import dev.brine.io.Pipes;
import dev.brine.ndarray.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A ZIP reader for untrusted archives (NPZ files, model archives, checkpoints): it reads the
 * central directory itself (ZIP64 included), refuses unsafe member names ({@code ..} segments,
 * absolute paths, NUL) and a name given to two members, enforces {@link Limits} on member count, inflated size and inflate ratio, and
 * checks every member's data against the bytes the file really holds, its declared size and its
 * CRC. A zip bomb ends in a {@link LimitExceededException} before or while inflating, never in
 * running out of memory.
 *
 * <p>Members are read lazily through streams; stored members can also be located
 * ({@link #dataOffset(Entry)}) for memory mapping. Several members may be read at once.
 */
public final class ZipReader implements Closeable {
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int LOC_SIG = 0x04034b50;
    private static final int EOCD_LEN = 22;
    private static final int CEN_LEN = 46;
    private static final int LOC_LEN = 30;

    /**
     * One member as the central directory describes it.
     *
     * @param name the member name, decoded as Python's zipfile decodes it (UTF-8 when flagged, else cp437)
     * @param method 0 stored, 8 deflated (others are listed but cannot be read)
     * @param flags the general-purpose flags
     * @param crc the declared CRC-32 of the uncompressed data
     * @param compressedSize the declared size in the file
     * @param size the declared uncompressed size
     * @param localHeaderOffset where the member's local header starts in the file
     */
    public record Entry(String name, int method, int flags, long crc, long compressedSize, long size,
            long localHeaderOffset) {
        /**
         * Whether the member is deflated: only then can it take more memory than the file holds for it, so
         * only then is it weighed against {@code maxTotalAllocation} (a stored member's bytes are in the file,
         * as an .npy file's are).
         */
        public boolean inflates() {
            return method != 0;
        }
    }

    /** Which members' CRC-32s {@link #open(Entry)} checks. */
    public enum CrcCheck {
        /** Every member's (the default): a member recording 0 must hold bytes whose CRC is 0. */
        ALL,
        /**
         * Every member's but those that record a CRC of 0, which are read unchecked. For torch
         * checkpoints only: after {@code torch.serialization.set_crc32_options(False)}, {@code torch.save}
         * writes 0 as every member's CRC on purpose (to save the time of computing them), and
         * {@code torch.load} reads such files (it checks no CRC at all). Other writers (numpy, Python's
         * zipfile, Brine) always record the real CRC, so NPZ files and model archives keep {@link #ALL}.
         */
        UNLESS_ZERO
    }

    private final FileChannel channel;
    private final String where;
    private final Limits limits;
    private final CrcCheck crcCheck;
    private final long fileSize;
    private final long centralDirStart;
    private final List<Entry> entries;
    private final Map<String, Entry> byName;

    private ZipReader(FileChannel channel, String where, Limits limits, CrcCheck crcCheck) throws IOException {
        this.channel = channel;
        this.where = where;
        this.limits = limits;
        this.crcCheck = crcCheck;
        this.fileSize = channel.size();
        try {
            long[] dir = findCentralDirectory();
            this.centralDirStart = dir[0];
            this.entries = Collections.unmodifiableList(readCentralDirectory(dir[0], dir[1], dir[2], dir[3]));
            this.byName = indexByName(entries);
        } catch (BrineException e) {
            throw compressedOr(e);
        } catch (OutOfMemoryError e) {
            // a valid directory of many long names (maxZipMembers allows 100,000) can outgrow a small heap: this
            // file's refusal, not the JVM's error; the entries read so far are dropped with the failed call
            throw new BrineException(where + ": the ZIP directory's entries are more than the Java heap holds ("
                    + Runtime.getRuntime().maxMemory() + " bytes at most): open it with a bigger heap (-Xmx)");
        }
    }

    /**
     * {@code e}, or when the file is compressed (an {@code .npz.gz}), the refusal that says so: the compressed bytes
     * may hold what looks like an end record (lz4 and zstd keep short files nearly as they are) and fail later.
     */
    private BrineException compressedOr(BrineException e) throws IOException {
        ByteBuffer head = readAt(0, (int) Math.min(fileSize, CompressedFormat.HEAD_BYTES));
        CompressedFormat compressed = CompressedFormat.of(head.array(), head.limit());
        return compressed == null ? e : new BrineException(where + ": not a ZIP file but a file " + compressed.refusal(null), e);
    }

    /**
     * The members by name. A name given twice is refused: no writer of these formats (Aesara,
     * numpy, torch, Brine) means two members by one name, Python's zipfile silently reads only the
     * last, so the first could never be reached, and which one a reader sees would depend on the
     * reader.
     */
    private Map<String, Entry> indexByName(List<Entry> all) throws BrineException {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : all) {
            Entry earlier = m.putIfAbsent(e.name(), e);
            if (earlier != null) {
                throw new BrineException(where + ": member " + e.name() + ": the name is given to two members (local"
                        + " headers at bytes " + earlier.localHeaderOffset() + " and " + e.localHeaderOffset()
                        + "); only one could be read, so the archive is refused");
            }
        }
        return m;
    }

    /**
     * Opens the ZIP file at {@code path}, reading its central directory under {@code limits}; every
     * member's CRC is checked ({@link CrcCheck#ALL}).
     */
    public static ZipReader open(Path path, Limits limits) throws IOException {
        return open(path, limits, CrcCheck.ALL);
    }

    /** Opens the ZIP file at {@code path} under {@code limits}, checking the CRCs {@code crcCheck} says. */
    public static ZipReader open(Path path, Limits limits, CrcCheck crcCheck) throws IOException {
        Objects.requireNonNull(crcCheck, "crcCheck");
        Pipes.refuse(path, "a ZIP archive (an .npz, a model archive, a torch checkpoint)");
        FileChannel ch = InputFiles.channel(path);
        try {
            return new ZipReader(ch, path.toString(), limits, crcCheck);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The members in central-directory order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The member called {@code name}, or null. */
    public Entry entry(String name) {
        return byName.get(name);
    }

    /** How this archive is named in messages. */
    String where() {
        return where;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Refuses to read a member once this reader is closed, naming it: the channel's own answer is a
     * ClosedChannelException without a message.
     */
    private void requireOpen(String at) throws BrineException {
        if (!channel.isOpen()) {
            throw new BrineException(at + ": the archive was closed (read its members before closing it, or open it again)");
        }
    }

    // ---------------------------------------------------------------- central directory

    /** The highest "version needed to extract" Python's zipfile reads (6.3). */
    private static final int MAX_EXTRACT_VERSION = 63;

    /** Returns {start, size, entry count, concatenation offset} of the central directory. */
    private long[] findCentralDirectory() throws IOException {
        if (fileSize < EOCD_LEN) {
            throw new BrineException(where + ": not a ZIP file: only " + fileSize + " bytes");
        }
        int tailLen = (int) Math.min(fileSize, EOCD_LEN + 0xFFFFL);
        ByteBuffer tail = readAt(fileSize - tailLen, tailLen);
        // the end record Python's zipfile (and so numpy) takes, whatever a comment holds: the last 22 bytes when they
        // are one without a comment, else the last signature in the tail. An earlier record whose comment reaches the
        // end of the file (a second directory hidden in a comment) would show other members than numpy loads.
        int found = -1;
        int last = tailLen - EOCD_LEN;
        if (tail.getInt(last) == EOCD_SIG && tail.getShort(last + 20) == 0) {
            found = last;
        } else {
            for (int i = last; i >= 0; i--) {
                if (tail.getInt(i) == EOCD_SIG) {
                    found = i;
                    break;
                }
            }
        }
        if (found < 0) {
            throw new BrineException(where + ": not a ZIP file: no end-of-central-directory record");
        }
        long eocdPos = fileSize - tailLen + found;
        long count = tail.getShort(found + 10) & 0xFFFFL;
        long cdSize = tail.getInt(found + 12) & 0xFFFFFFFFL;
        long cdOffset = tail.getInt(found + 16) & 0xFFFFFFFFL;
        long cdEnd = eocdPos;
        if (eocdPos >= 20) {
            ByteBuffer loc = readAt(eocdPos - 20, 20);
            if (loc.getInt(0) == ZIP64_LOCATOR_SIG) {
                if (loc.getInt(4) != 0 || Integer.compareUnsigned(loc.getInt(16), 1) > 0) {
                    throw new BrineException(where + ": the ZIP64 locator at byte " + (eocdPos - 20) + " says the archive"
                            + " spans several disks, which is not supported (Python's zipfile refuses it too)");
                }
                long z64Pos = loc.getLong(8);
                if (z64Pos < 0 || z64Pos > eocdPos - 20 - 56) {
                    throw new BrineException(where + ": bad ZIP64 locator at byte " + (eocdPos - 20)
                            + ": the ZIP64 record offset " + z64Pos + " lies outside the file");
                }
                // the ZIP64 record sits just before the locator; a concatenated file shifts both alike
                long z64Actual = eocdPos - 20 - 56;
                ByteBuffer z = readAt(z64Actual, 56);
                if (z.getInt(0) != ZIP64_EOCD_SIG) {
                    z = readAt(z64Pos, 56);
                    z64Actual = z64Pos;
                    if (z.getInt(0) != ZIP64_EOCD_SIG) {
                        throw new BrineException(where + ": bad ZIP64 end-of-central-directory record at byte " + z64Pos);
                    }
                }
                count = z.getLong(32);
                cdSize = z.getLong(40);
                cdOffset = z.getLong(48);
                cdEnd = z64Actual;
            }
        }
        if (count < 0 || count > limits.maxZipMembers()) {
            throw new LimitExceededException("maxZipMembers", where + ": the ZIP declares " + Long.toUnsignedString(count)
                    + " members, more than the " + limits.maxZipMembers() + " allowed");
        }
        if (cdSize < 0 || cdSize > cdEnd) {
            throw new BrineException(where + ": the central directory claims " + cdSize + " bytes but only " + cdEnd
                    + " precede its end record");
        }
        long cdStart = cdEnd - cdSize;
        long concat = cdStart - cdOffset; // bytes prepended to the archive (self-extractors), as Python allows
        if (cdOffset < 0 || concat < 0) {
            throw new BrineException(where + ": the central directory offset " + cdOffset + " is past its actual start "
                    + cdStart);
        }
        return new long[] {cdStart, cdSize, count, concat};
    }

    private List<Entry> readCentralDirectory(long start, long size, long declared, long concat) throws IOException {
        List<Entry> out = new ArrayList<>();
        List<long[]> spans = new ArrayList<>(); // {local header offset, least end of its data, index}
        long pos = start;
        long end = start + size;
        while (pos < end) {
            if (out.size() >= limits.maxZipMembers()) {
                throw new LimitExceededException("maxZipMembers", where + ": the ZIP has more than "
                        + limits.maxZipMembers() + " members");
            }
            if (pos + CEN_LEN > end) {
                throw new BrineException(where + ": truncated central directory at byte " + pos);
            }
            ByteBuffer h = readAt(pos, CEN_LEN);
            if (h.getInt(0) != CEN_SIG) {
                throw new BrineException(where + ": bad central directory entry at byte " + pos);
            }
            int flags = h.getShort(8) & 0xFFFF;
            int method = h.getShort(10) & 0xFFFF;
            if ((h.get(6) & 0xFF) > MAX_EXTRACT_VERSION) { // Python's zipfile refuses the whole archive, so np.load does
                throw new BrineException(where + ": central directory entry at byte " + pos + " needs zip version "
                        + (h.get(6) & 0xFF) / 10 + "." + (h.get(6) & 0xFF) % 10 + " to extract, beyond the 6.3 Python's"
                        + " zipfile reads");
            }
            long crc = h.getInt(16) & 0xFFFFFFFFL;
            long csize = h.getInt(20) & 0xFFFFFFFFL;
            long usize = h.getInt(24) & 0xFFFFFFFFL;
            int nameLen = h.getShort(28) & 0xFFFF;
            int extraLen = h.getShort(30) & 0xFFFF;
            int commentLen = h.getShort(32) & 0xFFFF;
            long offset = h.getInt(42) & 0xFFFFFFFFL;
            long varEnd = pos + CEN_LEN + nameLen + extraLen + commentLen;
            if (varEnd > end) {
                throw new BrineException(where + ": central directory entry at byte " + pos + " runs past the directory");
            }
            ByteBuffer var = readAt(pos + CEN_LEN, nameLen + extraLen);
            byte[] nameBytes = new byte[nameLen];
            var.get(0, nameBytes);
            String name = decodeName(nameBytes, (flags & 0x800) != 0, pos);
            // ZIP64 extra field: only the values that are 0xFFFFFFFF in the record follow, in this order
            int e = nameLen;
            while (e + 4 <= nameLen + extraLen) {
                int id = var.getShort(e) & 0xFFFF;
                int len = var.getShort(e + 2) & 0xFFFF;
                if (e + 4 + len > nameLen + extraLen) { // Python's zipfile: "Corrupt extra field"
                    throw new BrineException(where + ": central directory entry at byte " + pos + ": its extra field "
                            + String.format("%04x", id) + " claims " + len + " bytes, more than its extra area holds");
                }
                if (id == 0x0001) {
                    int p = e + 4;
                    int fieldEnd = p + len;
                    if (usize == 0xFFFFFFFFL && p + 8 <= fieldEnd) {
                        usize = var.getLong(p);
                        p += 8;
                    }
                    if (csize == 0xFFFFFFFFL && p + 8 <= fieldEnd) {
                        csize = var.getLong(p);
                        p += 8;
                    }
                    if (offset == 0xFFFFFFFFL && p + 8 <= fieldEnd) {
                        offset = var.getLong(p);
                    }
                }
                e += 4 + len;
            }
            if (usize < 0 || csize < 0 || offset < 0) {
                throw new BrineException(where + ": member " + name + " (central directory entry at byte " + pos
                        + "): sizes or offset beyond 2^63 bytes");
            }
            checkName(name);
            // concat is at most the file's size, so offset > fileSize - concat also keeps offset + concat from overflowing
            if (offset > fileSize - concat) {
                throw new BrineException(where + ": member " + name + " (central directory entry at byte " + pos
                        + "): its local header offset " + offset + (concat > 0 ? " + " + concat + " prepended bytes" : "")
                        + " lies outside the file's " + fileSize + " bytes");
            }
            long local = offset + concat;
            out.add(new Entry(name, method, flags, crc, csize, usize, local));
            long least = local + LOC_LEN + nameLen;
            spans.add(new long[] {local, least + csize < 0 ? Long.MAX_VALUE : least + csize, out.size() - 1});
            pos = varEnd;
        }
        checkNoOverlap(out, spans);
        return out;
    }

    /**
     * Refuses members whose data overlap (as Python's zipfile does since 3.12): the trick of the
     * "better zip bomb", in which thousands of directory entries share one highly compressed kernel
     * so that the total inflated size grows with the square of the file's size.
     */
    private void checkNoOverlap(List<Entry> entries, List<long[]> spans) throws BrineException {
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 0; i + 1 < spans.size(); i++) {
            long[] cur = spans.get(i);
            long[] next = spans.get(i + 1);
            if (cur[1] > next[0]) {
                throw new BrineException(where + ": members " + entries.get((int) cur[2]).name() + " and "
                        + entries.get((int) next[2]).name() + " overlap (local headers at bytes " + cur[0] + " and "
                        + next[0] + "): overlapping members are refused");
            }
        }
    }

    private String decodeName(byte[] b, boolean utf8, long at) throws BrineException {
        if (utf8) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new BrineException(where + ": member name at byte " + at + " is flagged UTF-8 but is not");
            }
        }
        StringBuilder s = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xFF;
            s.append(c < 0x80 ? (char) c : CP437_HIGH.charAt(c - 0x80));
        }
        return s.toString();
    }

    /** Refuses a name that would leave a folder it was written into (see {@link #isUnsafeName}). */
    private void checkName(String name) throws BrineException {
        if (isUnsafeName(name)) {
            throw new BrineException(where + ": unsafe member name '" + name
                    + "': names with '..' segments, absolute paths (/x, C:/x) or NUL are refused");
        }
    }

    /**
     * Whether a member name would leave a folder it was written into: a {@code ..} segment, an absolute path (a
     * leading {@code /} or {@code \\}, or a drive's root, {@code C:/} or {@code C:\\}) or a NUL. A letter and a colon
     * followed by anything else is a plain name: {@code torch.save(sd, 'w:0.pt')} names its members
     * {@code w:0/data.pkl}, and {@code np.savez(**{'w:0': a})} (a TensorFlow-style variable name) its member
     * {@code w:0.npy}; Python's zipfile, numpy and torch read them. Writers refuse the same names, so that Brine
     * reads back every archive it writes.
     */
    static boolean isUnsafeName(String name) {
        String n = name.replace('\\', '/');
        boolean bad = n.startsWith("/") || n.indexOf('\0') >= 0
                || (n.length() >= 3 && n.charAt(1) == ':' && n.charAt(2) == '/' && Character.isLetter(n.charAt(0)));
        for (String seg : n.split("/", -1)) {
            bad |= seg.equals("..");
        }
        return bad;
    }

    // ---------------------------------------------------------------- member data

    /**
     * Where the member's data starts in the file (after its local header), checked to lie with
     * its compressed size inside the file before the central directory.
     */
    public long dataOffset(Entry e) throws IOException {
        String at = where + ": member " + e.name();
        requireOpen(at);
        if (e.localHeaderOffset() < 0 || e.localHeaderOffset() > fileSize - LOC_LEN) {
            throw new BrineException(at + ": its local header at byte " + e.localHeaderOffset() + " lies outside the file");
        }
        ByteBuffer h = readAt(e.localHeaderOffset(), LOC_LEN);
        if (h.getInt(0) != LOC_SIG) {
            throw new BrineException(at + ": bad local header at byte " + e.localHeaderOffset());
        }
        int nameLen = h.getShort(26) & 0xFFFF;
        requireSameName(e, at, nameLen, (h.getShort(6) & 0x800) != 0);
        long start = e.localHeaderOffset() + LOC_LEN + nameLen + (h.getShort(28) & 0xFFFF);
        long limit = Math.max(centralDirStart, start);
        if (e.compressedSize() > limit - start || start > centralDirStart) {
            throw new BrineException(at + ": it claims " + e.compressedSize() + " bytes at byte " + start
                    + " but the ZIP holds only " + Math.max(0, centralDirStart - start) + " there");
        }
        return start;
    }

    /**
     * Refuses a member whose local header names it otherwise than the central directory does, as Python's zipfile
     * (and so numpy.load) refuses it ("File name in directory ... and header ... differ"): the names this reader
     * checks are the central directory's, and an unzipper that trusts local headers would use the other one
     * ({@code ../../x.npy} behind an innocent central name). The local name is decoded by the local header's own
     * UTF-8 flag, as zipfile decodes it.
     */
    private void requireSameName(Entry e, String at, int nameLen, boolean utf8) throws IOException {
        long namePos = e.localHeaderOffset() + LOC_LEN;
        ByteBuffer raw = readAt(namePos, nameLen);
        byte[] bytes = new byte[nameLen];
        raw.get(bytes);
        String local = decodeName(bytes, utf8, namePos);
        if (!local.equals(e.name())) {
            throw new BrineException(at + ": its local header at byte " + e.localHeaderOffset() + " names it " + local
                    + ": the central directory and the local header give different names (Python's zipfile refuses"
                    + " such a file too)");
        }
    }

    /**
     * A stream of the member's uncompressed bytes. Checks before reading that the member is not
     * encrypted, uses stored or deflate, declares no more than {@link Limits#maxInflatedSize()} and
     * inflates by at most {@link Limits#maxInflateRatio()}; while reading, that it yields exactly
     * its declared size with the declared CRC (unless the CRC is 0 and this reader was opened with
     * {@link CrcCheck#UNLESS_ZERO}).
     */
    public InputStream open(Entry e) throws IOException {
        String at = where + ": member " + e.name();
        if ((e.flags() & 1) != 0) {
            throw new BrineException(at + ": encrypted members are not supported");
        }
        if ((e.flags() & 0x20) != 0) { // its bytes are a patch to another file, not the member (zipfile refuses it too)
            throw new BrineException(at + ": compressed patched data (flag bit 5) is not supported");
        }
        if ((e.flags() & 0x40) != 0) {
            throw new BrineException(at + ": strong encryption (flag bit 6) is not supported");
        }
        if (e.method() != 0 && e.method() != 8) {
            // Python's zipfile (so np.load) also reads bzip2 and LZMA; brine-core has no dependencies to read them
            String name = e.method() == 12 ? "bzip2" : e.method() == 14 ? "LZMA" : e.method() == 93 ? "Zstandard" : null;
            throw new BrineException(at + ": " + (name != null
                    ? "it is compressed with " + name + " (method " + e.method() + "), which Brine does not read"
                    : "compression method " + e.method() + " is not one Brine reads")
                    + " (only stored and deflated, as np.savez and np.savez_compressed write)");
        }
        if (e.size() > limits.maxInflatedSize()) {
            throw new LimitExceededException("maxInflatedSize", at + ": it declares " + e.size()
                    + " bytes, more than the " + limits.maxInflatedSize() + " allowed");
        }
        if (e.method() == 8 && e.size() > 0 && (e.compressedSize() == 0
                || e.size() / e.compressedSize() > limits.maxInflateRatio())) {
            throw new LimitExceededException("maxInflateRatio", at + ": it inflates " + e.compressedSize() + " bytes to "
                    + e.size() + ", a ratio above the " + limits.maxInflateRatio() + " allowed");
        }
        long start = dataOffset(e);
        if (e.method() == 0 && e.compressedSize() != e.size()) {
            throw new BrineException(at + ": stored member with compressed size " + e.compressedSize()
                    + " different from its size " + e.size());
        }
        return new MemberStream(e, start, at);
    }

    /**
     * Memory-maps {@code length} bytes from {@code offset} inside a stored (uncompressed) member,
     * read-only. Costs nothing per byte; the member's CRC is not checked (that would read it all).
     */
    public Storage mapStored(Entry e, long offset, long length) throws IOException {
        String at = where + ": member " + e.name();
        if (e.method() != 0) {
            throw new BrineException(at + ": only stored members can be memory-mapped; this one is compressed");
        }
        if (offset < 0 || length < 0 || offset > e.size() - length) {
            throw new BrineException(at + ": bytes [" + offset + ", " + (offset + length) + ") lie outside its "
                    + e.size() + " bytes");
        }
        return Storage.map(channel, dataOffset(e) + offset, length, FileChannel.MapMode.READ_ONLY);
    }

    private ByteBuffer readAt(long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        if (!ChannelReads.fill(channel, b, pos)) {
            throw new BrineException(where + ": truncated ZIP: " + len + " bytes expected at byte " + pos);
        }
        b.flip();
        return b;
    }

    /** Reads a member's bytes with positional reads, inflating and verifying as it goes. */
    private final class MemberStream extends InputStream {
        private final Entry entry;
        private final String at;
        private final Inflater inflater;
        private final ByteBuffer inBuf;
        private final CRC32 crc;
        private long rawPos;
        private final long rawEnd;
        private long produced;
        private boolean finished;

        MemberStream(Entry entry, long start, String at) {
            this.entry = entry;
            this.at = at;
            this.rawPos = start;
            this.rawEnd = start + entry.compressedSize();
            this.inflater = entry.method() == 8 ? new Inflater(true) : null;
            this.crc = crcCheck == CrcCheck.UNLESS_ZERO && entry.crc() == 0 ? null : new CRC32();
            this.inBuf = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(1, entry.compressedSize())));
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (finished) {
                return -1;
            }
            requireOpen(at);
            int n = inflater == null ? readStored(b, off, len) : readDeflated(b, off, len);
            if (n < 0) {
                finish();
                return -1;
            }
            produced += n;
            if (produced > entry.size()) {
                throw new BrineException(at + ": it yields more than the " + entry.size() + " bytes it declares");
            }
            if (crc != null) {
                crc.update(b, off, n);
            }
            return n;
        }

        private int readStored(byte[] b, int off, int len) throws IOException {
            long left = rawEnd - rawPos;
            if (left <= 0) {
                return -1;
            }
            ByteBuffer dst = ByteBuffer.wrap(b, off, (int) Math.min(len, left));
            int r = channel.read(dst, rawPos);
            if (r < 0) {
                throw new BrineException(at + ": truncated at byte " + rawPos);
            }
            rawPos += r;
            return r;
        }

        private int readDeflated(byte[] b, int off, int len) throws IOException {
            try {
                while (true) {
                    int n = inflater.inflate(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    if (inflater.finished()) {
                        return -1;
                    }
                    if (inflater.needsDictionary()) {
                        throw new BrineException(at + ": the deflate stream needs a preset dictionary");
                    }
                    if (inflater.needsInput()) {
                        long left = rawEnd - rawPos;
                        if (left <= 0) {
                            throw new BrineException(at + ": truncated deflate data: " + produced + " of "
                                    + entry.size() + " bytes inflated when the compressed data ended");
                        }
                        inBuf.clear();
                        inBuf.limit((int) Math.min(inBuf.capacity(), left));
                        int r = channel.read(inBuf, rawPos);
                        if (r <= 0) {
                            throw new BrineException(at + ": truncated at byte " + rawPos);
                        }
                        rawPos += r;
                        inflater.setInput(inBuf.array(), 0, r);
                    }
                }
            } catch (DataFormatException ex) {
                throw new BrineException(at + ": corrupt deflate data: " + ex.getMessage());
            }
        }

        private void finish() throws BrineException {
            finished = true;
            if (produced != entry.size()) {
                throw new BrineException(at + ": it yields " + produced + " bytes but declares " + entry.size());
            }
            if (crc != null && crc.getValue() != entry.crc()) {
                throw new BrineException(at + ": CRC mismatch (" + Long.toHexString(crc.getValue()) + " instead of "
                        + Long.toHexString(entry.crc()) + ")");
            }
        }

        @Override
        public void close() {
            finished = true;
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** cp437 (the ZIP default name encoding) for bytes 0x80-0xFF, as Python's zipfile decodes names. */
    private static final String CP437_HIGH =
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"
            + "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";
}
