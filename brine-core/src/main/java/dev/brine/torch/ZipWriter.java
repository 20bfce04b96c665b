package dev.brine.torch;

import dev.brine.ndarray.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a ZIP of stored (uncompressed) members whose data start on 64-byte boundaries, padding
 * the local header with an extra field as PyTorch's writer does ({@code "FB"} + {@code 'Z'}s), so
 * that storages can be memory-mapped. ZIP64 records are added when sizes, offsets or the member
 * count need them. Dates are fixed (1980-01-01) so equal input gives equal bytes.
 */
final class ZipWriter {
    static final int ALIGNMENT = 64;
    private static final int DOS_TIME = 0;
    private static final int DOS_DATE = (1 << 5) | 1; // 1980-01-01
    private static final long MAX32 = 0xFFFFFFFFL;

    private final OutputStream out;
    private final long zip64From; // sizes and offsets from here on get ZIP64 records (0xFFFFFFFF; lower in tests)
    private long pos;
    private final List<Member> members = new ArrayList<>();

    private record Member(byte[] name, long crc, long size, long offset) {
    }

    ZipWriter(OutputStream out) {
        this(out, MAX32);
    }

    /** A writer that uses ZIP64 records for sizes and offsets from {@code zip64From} on (tests use 0). */
    ZipWriter(OutputStream out, long zip64From) {
        this.out = out;
        this.zip64From = zip64From;
    }

    /** Adds a member holding {@code data}. */
    void add(String name, byte[] data) throws IOException {
        add(name, Storage.wrap(data), 0, data.length);
    }

    /** Adds a member holding bytes {@code [start, start+length)} of {@code data}. */
    void add(String name, Storage data, long start, long length) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        // through heap copies: CRC32.update(ByteBuffer) reads a mapped storage in a JVM stub that a file truncated
        // under the mapping kills with SIGBUS, where a copy gives the JVM's InternalError
        byte[] tmp = new byte[(int) Math.min(Math.max(length, 1), 1 << 16)];
        forEachRange(data, start, length, b -> {
            while (b.hasRemaining()) {
                int k = Math.min(tmp.length, b.remaining());
                b.get(tmp, 0, k);
                crc.update(tmp, 0, k);
            }
        });
        boolean zip64 = length >= zip64From || pos >= zip64From;
        int z64Len = zip64 ? 4 + 16 : 0;
        long unpadded = pos + 30 + n.length + z64Len + 4;
        int pad = (int) ((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT);
        ByteBuffer h = le(30 + n.length + z64Len + 4 + pad);
        h.putInt(0x04034b50);
        h.putShort((short) (zip64 ? 45 : 20));
        h.putShort((short) 0x0800); // names are UTF-8
        h.putShort((short) 0); // stored
        h.putShort((short) DOS_TIME);
        h.putShort((short) DOS_DATE);
        h.putInt((int) crc.getValue());
        h.putInt((int) (zip64 ? MAX32 : length));
        h.putInt((int) (zip64 ? MAX32 : length));
        h.putShort((short) n.length);
        h.putShort((short) (z64Len + 4 + pad));
        h.put(n);
        if (zip64) {
            h.putShort((short) 0x0001);
            h.putShort((short) 16);
            h.putLong(length);
            h.putLong(length);
        }
        h.put((byte) 'F').put((byte) 'B');
        h.putShort((short) pad);
        for (int i = 0; i < pad; i++) {
            h.put((byte) 'Z');
        }
        long offset = pos;
        write(h.array());
        forEachRange(data, start, length, b -> {
            while (b.hasRemaining()) {
                int k = Math.min(tmp.length, b.remaining());
                b.get(tmp, 0, k);
                out.write(tmp, 0, k);
            }
        });
        pos += length;
        members.add(new Member(n, crc.getValue(), length, offset));
    }

    /** Writes the central directory and end records. */
    void finish() throws IOException {
        long cdStart = pos;
        for (Member m : members) {
            boolean bigSize = m.size >= zip64From;
            boolean bigOffset = m.offset >= zip64From;
            int z64 = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
            int extra = z64 == 0 ? 0 : 4 + z64;
            ByteBuffer c = le(46 + m.name.length + extra);
            c.putInt(0x02014b50);
            c.putShort((short) (z64 == 0 ? 20 : 45)); // made by
            c.putShort((short) (z64 == 0 ? 20 : 45)); // needed
            c.putShort((short) 0x0800);
            c.putShort((short) 0);
            c.putShort((short) DOS_TIME);
            c.putShort((short) DOS_DATE);
            c.putInt((int) m.crc);
            c.putInt((int) (bigSize ? MAX32 : m.size));
            c.putInt((int) (bigSize ? MAX32 : m.size));
            c.putShort((short) m.name.length);
            c.putShort((short) extra);
            c.putShort((short) 0); // comment
            c.putShort((short) 0); // disk
            c.putShort((short) 0); // internal attributes
            c.putInt(0); // external attributes
            c.putInt((int) (bigOffset ? MAX32 : m.offset));
            c.put(m.name);
            if (z64 != 0) {
                c.putShort((short) 0x0001);
                c.putShort((short) z64);
                if (bigSize) {
                    c.putLong(m.size);
                    c.putLong(m.size);
                }
                if (bigOffset) {
                    c.putLong(m.offset);
                }
            }
            write(c.array());
        }
        long cdSize = pos - cdStart;
        int count = members.size();
        boolean zip64 = count >= 0xFFFF || cdStart >= zip64From || cdSize >= zip64From;
        if (zip64) {
            long z64Start = pos;
            ByteBuffer z = le(56 + 20);
            z.putInt(0x06064b50);
            z.putLong(44);
            z.putShort((short) 45);
            z.putShort((short) 45);
            z.putInt(0);
            z.putInt(0);
            z.putLong(count);
            z.putLong(count);
            z.putLong(cdSize);
            z.putLong(cdStart);
            z.putInt(0x07064b50);
            z.putInt(0);
            z.putLong(z64Start);
            z.putInt(1);
            write(z.array());
        }
        ByteBuffer e = le(22);
        e.putInt(0x06054b50);
        e.putShort((short) 0);
        e.putShort((short) 0);
        e.putShort((short) (zip64 ? 0xFFFF : count));
        e.putShort((short) (zip64 ? 0xFFFF : count));
        e.putInt((int) (zip64 ? MAX32 : cdSize));
        e.putInt((int) (zip64 ? MAX32 : cdStart));
        e.putShort((short) 0);
        write(e.array());
        out.flush();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        pos += b.length;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /** What to do with each piece of a byte range. */
    interface RangeConsumer {
        void accept(ByteBuffer piece) throws IOException;
    }

    /** Hands {@code [start, start+length)} of {@code s} to {@code f} chunk by chunk, without copying. */
    static void forEachRange(Storage s, long start, long length, RangeConsumer f) throws IOException {
        long chunkStart = 0;
        long end = start + length;
        for (ByteBuffer b : s.buffers()) {
            long chunkEnd = chunkStart + b.limit();
            long from = Math.max(start, chunkStart);
            long to = Math.min(end, chunkEnd);
            if (from < to) {
                f.accept(b.slice((int) (from - chunkStart), (int) (to - from)));
            }
            chunkStart = chunkEnd;
            if (chunkStart >= end) {
                break;
            }
        }
    }
}
