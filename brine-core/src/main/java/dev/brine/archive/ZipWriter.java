package dev.brine.archive;

import static dev.brine.io.ZipRecords.*; // the signatures, flags, date and limits every ZIP writer shares

import dev.brine.BrineException;
import dev.brine.io.ZipRecords.Member;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a ZIP file to a plain output stream, one member after the other, as model archives need
 * it: stored members whose data starts on a 64-byte boundary of the file (so that arrays can be
 * memory-mapped in place), deflated members streamed with a data descriptor (their compressed size
 * is only known at the end, and the output cannot seek back), ZIP64 records when sizes, offsets or
 * the member count need them, and a fixed timestamp so the same content gives the same bytes.
 *
 * <p>{@code java.util.zip.ZipOutputStream} can do neither the alignment nor report the offsets the
 * alignment depends on, hence this small writer.
 */
final class ZipWriter {
    /** Where member data starts: a multiple of this many bytes from the start of the file. */
    static final int ALIGNMENT = 64;
    /** The extra field Android's zipalign uses to pad a local header: id, then the alignment, then zeros. */
    private static final int ALIGNMENT_EXTRA_ID = 0xD935;

    private final OutputStream out;
    private final long zip64Limit;
    private final List<Member> members = new ArrayList<>();
    /** Names written so far: readers refuse an archive that gives one name to two members. */
    private final Set<String> names = new HashSet<>();
    private long position;
    private boolean memberOpen;
    private boolean finished;

    /** A writer to {@code out} (not closed by {@link #finish()}). */
    ZipWriter(OutputStream out) {
        this(out, ZIP64_LIMIT);
    }

    /** A writer using ZIP64 fields for values above {@code zip64Limit} (-1: always, for tests). */
    ZipWriter(OutputStream out, long zip64Limit) {
        this.out = out;
        this.zip64Limit = zip64Limit;
    }

    private boolean big(long v) {
        return v > zip64Limit;
    }

    /**
     * Begins a stored member of exactly {@code size} bytes with CRC-32 {@code crc} (a stored
     * member's local header must state both before its data). Write the data to the returned
     * stream and close it; closing checks that the data matched.
     */
    OutputStream beginStored(String name, long size, long crc) throws IOException {
        Member m = begin(name, STORED, 0);
        m.size = size;
        m.compressedSize = size;
        m.crc = crc;
        boolean zip64 = big(size);
        int nameLen = m.name.length;
        int zip64Len = zip64 ? 20 : 0;
        // the alignment field needs 6 bytes at least; its zeros push the data to the boundary
        long base = m.offset + 30 + nameLen + zip64Len + 6;
        int pad = (int) (-base & (ALIGNMENT - 1));
        ByteBuffer extra = le(zip64Len + 6 + pad);
        if (zip64) {
            extra.putShort((short) ZIP64_EXTRA_ID).putShort((short) 16).putLong(size).putLong(size);
        }
        extra.putShort((short) ALIGNMENT_EXTRA_ID).putShort((short) (2 + pad)).putShort((short) ALIGNMENT);
        writeLocalHeader(m, zip64 ? 0xFFFF_FFFFL : size, extra.array(), zip64);
        return new StoredData(m);
    }

    /**
     * Begins a deflated member expected to hold about {@code expectedSize} bytes (which decides
     * whether its data descriptor needs 8-byte sizes). Write the data to the returned stream and
     * close it.
     */
    OutputStream beginDeflated(String name, long expectedSize) throws IOException {
        Member m = begin(name, DEFLATED, FLAG_DESCRIPTOR);
        // deflate grows incompressible data by about 0.03%: leave room for that
        boolean zip64 = big(expectedSize + expectedSize / 256 + 1024);
        byte[] extra = new byte[0];
        if (zip64) {
            extra = le(20).putShort((short) ZIP64_EXTRA_ID).putShort((short) 16).putLong(0).putLong(0).array();
        }
        writeLocalHeader(m, 0, extra, zip64);
        return new DeflatedData(m, zip64);
    }

    /** Writes the central directory and end records. The stream is flushed, not closed. */
    void finish() throws IOException {
        if (memberOpen) {
            throw new IllegalStateException("a member is still open");
        }
        if (finished) {
            return;
        }
        finished = true;
        long cdStart = position;
        for (Member m : members) {
            writeCentralEntry(m);
        }
        long cdSize = position - cdStart;
        int count = members.size();
        boolean zip64 = count >= COUNT_LIMIT || big(cdStart) || big(cdSize) || zip64Limit < 0;
        if (zip64) {
            long recordStart = position;
            ByteBuffer z = le(56).putInt(ZIP64_EOCD_SIG).putLong(44).putShort((short) 45).putShort((short) 45)
                    .putInt(0).putInt(0).putLong(count).putLong(count).putLong(cdSize).putLong(cdStart);
            write(z.array());
            write(le(20).putInt(ZIP64_LOCATOR_SIG).putInt(0).putLong(recordStart).putInt(1).array());
        }
        ByteBuffer e = le(22).putInt(EOCD_SIG).putShort((short) 0).putShort((short) 0)
                .putShort((short) Math.min(count, COUNT_LIMIT)).putShort((short) Math.min(count, COUNT_LIMIT))
                .putInt((int) (zip64 ? 0xFFFF_FFFFL : cdSize)).putInt((int) (zip64 ? 0xFFFF_FFFFL : cdStart))
                .putShort((short) 0);
        write(e.array());
        out.flush();
    }

    // ---------------------------------------------------------------- records

    private Member begin(String name, int method, int flags) throws BrineException {
        if (finished || memberOpen) {
            throw new IllegalStateException(finished ? "the ZIP is finished" : "a member is still open");
        }
        if (!names.add(name)) {
            // MemberNames never gives a name twice; this keeps a slip there from making an archive no reader accepts
            throw new BrineException("member name '" + name + "' would be written twice");
        }
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 0xFFFF) {
            throw new IllegalArgumentException("member name longer than 65535 bytes");
        }
        boolean ascii = n.length == name.length();
        Member m = new Member(n, flags | (ascii ? 0 : FLAG_UTF8), method, position);
        memberOpen = true;
        return m;
    }

    private void writeLocalHeader(Member m, long sizeField, byte[] extra, boolean zip64) throws IOException {
        boolean descriptor = (m.flags & FLAG_DESCRIPTOR) != 0;
        ByteBuffer h = le(30).putInt(LOC_SIG).putShort((short) (zip64 ? 45 : 20)).putShort((short) m.flags)
                .putShort((short) m.method).putShort((short) DOS_TIME).putShort((short) DOS_DATE)
                .putInt(descriptor ? 0 : (int) m.crc).putInt((int) sizeField).putInt((int) sizeField)
                .putShort((short) m.name.length).putShort((short) extra.length);
        write(h.array());
        write(m.name);
        write(extra);
    }

    private void writeCentralEntry(Member m) throws IOException {
        boolean bigSize = big(m.size);
        boolean bigCompressed = big(m.compressedSize);
        boolean bigOffset = big(m.offset);
        int zip64Len = 8 * ((bigSize ? 1 : 0) + (bigCompressed ? 1 : 0) + (bigOffset ? 1 : 0));
        boolean zip64 = zip64Len > 0;
        byte[] extra = new byte[0];
        if (zip64) {
            // only the fields that hold 0xFFFFFFFF follow, in this order (APPNOTE 4.5.3)
            ByteBuffer x = le(4 + zip64Len).putShort((short) ZIP64_EXTRA_ID).putShort((short) zip64Len);
            if (bigSize) {
                x.putLong(m.size);
            }
            if (bigCompressed) {
                x.putLong(m.compressedSize);
            }
            if (bigOffset) {
                x.putLong(m.offset);
            }
            extra = x.array();
        }
        int version = zip64 ? 45 : 20;
        ByteBuffer h = le(46).putInt(CEN_SIG).putShort((short) version).putShort((short) version)
                .putShort((short) m.flags).putShort((short) m.method).putShort((short) DOS_TIME)
                .putShort((short) DOS_DATE).putInt((int) m.crc)
                .putInt((int) (bigCompressed ? 0xFFFF_FFFFL : m.compressedSize))
                .putInt((int) (bigSize ? 0xFFFF_FFFFL : m.size))
                .putShort((short) m.name.length).putShort((short) extra.length).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt(0)
                .putInt((int) (bigOffset ? 0xFFFF_FFFFL : m.offset));
        write(h.array());
        write(m.name);
        write(extra);
    }

    private void end(Member m) {
        members.add(m);
        memberOpen = false;
    }

    private void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    private void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        position += len;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---------------------------------------------------------------- member data

    /** The data of a stored member: counted and checksummed so that a change during saving is caught. */
    private final class StoredData extends OutputStream {
        private final Member member;
        private final CRC32 crc = new CRC32();
        private long written;
        private boolean closed;

        StoredData(Member member) {
            this.member = member;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > member.size) {
                throw new IOException("stored member " + name(member) + " got more than its " + member.size + " bytes");
            }
            crc.update(b, off, len);
            written += len;
            ZipWriter.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (written != member.size || crc.getValue() != member.crc) {
                // the array changed while it was being saved: refuse rather than write a bad CRC
                throw new IOException("stored member " + name(member) + " changed while it was written ("
                        + written + " of " + member.size + " bytes, CRC " + Long.toHexString(crc.getValue())
                        + " instead of " + Long.toHexString(member.crc) + ")");
            }
            end(member);
        }
    }

    /** The data of a deflated member, compressed as it arrives, followed by its data descriptor. */
    private final class DeflatedData extends OutputStream {
        private final Member member;
        private final boolean zip64;
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final CRC32 crc = new CRC32();
        private final byte[] buf = new byte[1 << 16];
        private final long start;
        private boolean closed;

        DeflatedData(Member member, boolean zip64) {
            this.member = member;
            this.zip64 = zip64;
            this.start = position;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            crc.update(b, off, len);
            member.size += len;
            deflater.setInput(b, off, len);
            while (!deflater.needsInput()) {
                drain();
            }
        }

        private void drain() throws IOException {
            int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
            if (n > 0) {
                ZipWriter.this.write(buf, 0, n);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                deflater.finish();
                while (!deflater.finished()) {
                    drain();
                }
            } finally {
                deflater.end();
            }
            member.crc = crc.getValue();
            member.compressedSize = position - start;
            if (!zip64 && (big(member.size) || big(member.compressedSize))) {
                throw new IOException("member " + name(member) + " outgrew the size announced in its local header");
            }
            ByteBuffer d = zip64 ? le(24).putInt(DESCRIPTOR_SIG).putInt((int) member.crc)
                    .putLong(member.compressedSize).putLong(member.size)
                    : le(16).putInt(DESCRIPTOR_SIG).putInt((int) member.crc)
                    .putInt((int) member.compressedSize).putInt((int) member.size);
            ZipWriter.this.write(d.array());
            end(member);
        }
    }

    private static String name(Member m) {
        return new String(m.name, StandardCharsets.UTF_8);
    }
}
