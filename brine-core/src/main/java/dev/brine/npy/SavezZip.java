package dev.brine.npy;

import static dev.brine.io.ZipRecords.*; // the signatures, flags, date and limits every ZIP writer shares

import dev.brine.ndarray.Storage;
import dev.brine.io.ZipRecords.Member;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The ZIP of an NPZ, byte for byte as {@code np.savez} and {@code np.savez_compressed} write it through Python's
 * {@code zipfile}: each member opened with {@code zipf.open(name, 'w', force_zip64=True)}, so every local header
 * carries a ZIP64 extra field with the sizes (and 0xFFFFFFFF in the 32-bit fields) and versions 4.5, the default
 * date of 1980-01-01 00:00, permissions {@code 0o600}, the UTF-8 flag only for a name that is not ASCII, and a
 * deflater at zlib's default level. Python's zipfile writes a member's header, its data, then goes back to write
 * the header again with the CRC and sizes; to an output that cannot seek (a pipe, or the
 * {@link Npz#write(java.util.Map, OutputStream, boolean) stream} variant here) it instead flags the member and
 * follows its data with a descriptor. The central directory and end records follow {@code zipfile}'s rules: ZIP64
 * fields where a size or offset exceeds {@code 2^31 - 1} ({@code zipfile.ZIP64_LIMIT}) or the count 65,535.
 */
final class SavezZip {
    private static final int ZIP64_VERSION = 45;
    /** Python's zipfile on Unix: create_system 3. */
    private static final int MADE_BY = (3 << 8) | ZIP64_VERSION;
    /** {@code ZipFile._open_to_write}: {@code 0o600 << 16}. */
    private static final int EXTERNAL_ATTRIBUTES = 0600 << 16;
    private static final int LOCAL_HEADER = 30;
    private static final int LOCAL_ZIP64_EXTRA = 20;

    private final CountingOutput out;
    /** Where a finished member's local header is written again, or null when the output cannot seek. */
    private final FileChannel seekable;
    private final List<Member> members = new ArrayList<>();
    /** Where the archive starts in {@link #seekable} (0 for a stream). */
    private final long start;

    /**
     * Writes to {@code out}; when {@code seekable} is not null it is the file {@code out} ends in, positioned where
     * the archive starts, and finished members' headers are rewritten there (after {@code out} is flushed).
     */
    SavezZip(OutputStream out, FileChannel seekable) throws IOException {
        this.seekable = seekable;
        this.start = seekable == null ? 0 : seekable.position();
        // offsets count from the file's start, as zipfile's fp.tell() gives them (from 0 on a stream it cannot seek)
        this.out = new CountingOutput(out, start, null);
    }

    /**
     * Writes one member: {@code head} then {@code data} (either may be null), deflated when {@code deflated}.
     * A member of up to {@link #SMALL_MEMBER} bytes is made whole in memory first, so that its header is written
     * once with its CRC and sizes (or, to a stream, with the zeros and descriptor zipfile writes there); a bigger
     * one is streamed, and its header rewritten in place afterwards, as zipfile does. 20,000 two-element members:
     * rewriting every header (a flush and a positional write each) and a new deflater per member took 199-267 ms
     * stored and 713-1010 ms deflated, against 151-177 and 573-703 ms with ZipOutputStream before; written whole
     * with one deflater, 26-103 and 300-416 ms (BENCHMARKS, twenty-fourth session).
     */
    void member(String name, byte[] head, Storage data, boolean deflated) throws IOException {
        byte[] nameBytes;
        int flags = seekable == null ? FLAG_DESCRIPTOR : 0;
        if (StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        } else {
            nameBytes = name.getBytes(StandardCharsets.UTF_8);
            flags |= FLAG_UTF8;
        }
        Member m = new Member(nameBytes, flags, deflated ? DEFLATED : STORED, out.count);
        members.add(m);
        int headLength = head == null ? 0 : head.length;
        long dataLength = data == null ? 0 : data.size();
        if (headLength + dataLength <= SMALL_MEMBER) {
            writeWhole(m, head, data, deflated);
        } else {
            writeStreamed(m, head, data, deflated);
        }
        if (seekable == null) {
            out.write(little(24).putInt(DESCRIPTOR_SIG).putInt((int) m.crc).putLong(m.compressedSize)
                    .putLong(m.size).array());
        }
    }

    /** Members up to this size are made whole in memory before they are written. */
    private static final int SMALL_MEMBER = 1 << 20;

    /** One deflater for every member, reset between them (making one costs zlib's state: 256 KiB and more). */
    private Deflater deflater;

    private void writeWhole(Member m, byte[] head, Storage data, boolean deflated) throws IOException {
        int headLength = head == null ? 0 : head.length;
        byte[] raw = new byte[headLength + (int) (data == null ? 0 : data.size())];
        if (head != null) {
            System.arraycopy(head, 0, raw, 0, headLength);
        }
        if (data != null && data.size() > 0) {
            data.get(0, raw, headLength, (int) data.size());
        }
        CRC32 crc = new CRC32();
        crc.update(raw);
        m.crc = crc.getValue();
        m.size = raw.length;
        byte[] payload = raw;
        int payloadLength = raw.length;
        if (deflated) {
            Deflater d = deflater();
            d.setInput(raw);
            d.finish();
            payload = new byte[Math.max(64, raw.length + raw.length / 1000 + 64)];
            payloadLength = 0;
            while (!d.finished()) {
                if (payloadLength == payload.length) {
                    payload = java.util.Arrays.copyOf(payload, payload.length * 2);
                }
                payloadLength += d.deflate(payload, payloadLength, payload.length - payloadLength);
            }
        }
        m.compressedSize = payloadLength;
        out.write(localHeader(m));
        out.write(payload, 0, payloadLength);
    }

    private void writeStreamed(Member m, byte[] head, Storage data, boolean deflated) throws IOException {
        out.write(localHeader(m));
        long dataStart = out.count;
        CRC32 crc = new CRC32();
        OutputStream body = out;
        DeflaterOutputStream deflating = null;
        if (deflated) {
            deflating = new DeflaterOutputStream(new NonClosing(out), deflater(), 1 << 16);
            body = deflating;
        }
        CountingOutput checked = new CountingOutput(body, 0, crc);
        if (head != null) {
            checked.write(head);
        }
        if (data != null) {
            data.writeTo(checked);
        }
        if (deflating != null) {
            deflating.finish();
        }
        m.crc = crc.getValue();
        m.size = checked.count;
        m.compressedSize = out.count - dataStart;
        if (seekable != null) {
            out.flush();
            ByteBuffer h = ByteBuffer.wrap(localHeader(m));
            long at = m.offset;
            while (h.hasRemaining()) {
                at += seekable.write(h, at);
            }
        }
    }

    /** The shared deflater, reset: zlib's default level and raw deflate, as zipfile's compressor. */
    private Deflater deflater() {
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        } else {
            deflater.reset();
        }
        return deflater;
    }

    /** The local header: the sizes in its ZIP64 field, zero while unknown (and always with a descriptor). */
    private byte[] localHeader(Member m) {
        boolean known = (m.flags & FLAG_DESCRIPTOR) == 0;
        ByteBuffer b = little(LOCAL_HEADER + m.name.length + LOCAL_ZIP64_EXTRA);
        b.putInt(LOC_SIG).putShort((short) ZIP64_VERSION).putShort((short) m.flags).putShort((short) m.method)
                .putShort((short) DOS_TIME).putShort((short) DOS_DATE).putInt(known ? (int) m.crc : 0)
                .putInt(-1).putInt(-1).putShort((short) m.name.length).putShort((short) LOCAL_ZIP64_EXTRA);
        b.put(m.name);
        b.putShort((short) 1).putShort((short) 16).putLong(known ? m.size : 0).putLong(known ? m.compressedSize : 0);
        return b.array();
    }

    /** Writes the central directory and the end records; the caller flushes and closes. */
    void finish() throws IOException {
        long directoryStart = out.count;
        for (Member m : members) {
            boolean bigSizes = m.size > ZIP64_LIMIT || m.compressedSize > ZIP64_LIMIT;
            boolean bigOffset = m.offset > ZIP64_LIMIT;
            int extraLength = (bigSizes ? 16 : 0) + (bigOffset ? 8 : 0);
            ByteBuffer b = little(46 + m.name.length + (extraLength > 0 ? 4 + extraLength : 0));
            b.putInt(CEN_SIG).putShort((short) MADE_BY).putShort((short) ZIP64_VERSION).putShort((short) m.flags)
                    .putShort((short) m.method).putShort((short) DOS_TIME).putShort((short) DOS_DATE)
                    .putInt((int) m.crc)
                    .putInt(bigSizes ? -1 : (int) m.compressedSize).putInt(bigSizes ? -1 : (int) m.size)
                    .putShort((short) m.name.length).putShort((short) (extraLength > 0 ? 4 + extraLength : 0))
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(EXTERNAL_ATTRIBUTES)
                    .putInt(bigOffset ? -1 : (int) m.offset);
            b.put(m.name);
            if (extraLength > 0) {
                b.putShort((short) 1).putShort((short) extraLength);
                if (bigSizes) {
                    b.putLong(m.size).putLong(m.compressedSize);
                }
                if (bigOffset) {
                    b.putLong(m.offset);
                }
            }
            out.write(b.array());
        }
        long directoryEnd = out.count;
        long count = members.size();
        long size = directoryEnd - directoryStart;
        if (count > COUNT_LIMIT || directoryStart > ZIP64_LIMIT || size > ZIP64_LIMIT) {
            ByteBuffer z = little(56 + 20);
            z.putInt(ZIP64_EOCD_SIG).putLong(44).putShort((short) ZIP64_VERSION).putShort((short) ZIP64_VERSION)
                    .putInt(0).putInt(0).putLong(count).putLong(count).putLong(size).putLong(directoryStart);
            z.putInt(ZIP64_LOCATOR_SIG).putInt(0).putLong(directoryEnd).putInt(1);
            out.write(z.array());
        }
        // zipfile clamps each field rather than writing 0xFFFF.. markers only where they overflow
        ByteBuffer e = little(22);
        e.putInt(EOCD_SIG).putShort((short) 0).putShort((short) 0)
                .putShort((short) Math.min(count, COUNT_LIMIT)).putShort((short) Math.min(count, COUNT_LIMIT))
                .putInt((int) Math.min(size, 0xFFFF_FFFFL)).putInt((int) Math.min(directoryStart, 0xFFFF_FFFFL))
                .putShort((short) 0);
        out.write(e.array());
        out.flush();
    }

    /** Frees the deflater's native memory; the writer is done (call it whether or not the archive was finished). */
    void end() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }

    private static ByteBuffer little(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Counts the bytes that pass (the archive's, so offsets are known without asking the file, or a member's
     * uncompressed ones), updating {@code crc} with them when it is not null.
     */
    private static final class CountingOutput extends FilterOutputStream {
        private final CRC32 crc;
        long count;

        CountingOutput(OutputStream out, long start, CRC32 crc) {
            super(out);
            this.count = start;
            this.crc = crc;
        }

        @Override
        public void write(int b) throws IOException {
            if (crc != null) {
                crc.update(b);
            }
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (crc != null) {
                crc.update(b, off, len);
            }
            out.write(b, off, len);
            count += len;
        }
    }

    /** Keeps a member's deflater from closing the archive's stream. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
        }
    }
}
