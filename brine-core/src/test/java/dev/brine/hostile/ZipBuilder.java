package dev.brine.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes ZIP files byte by byte, so that a test can make every field lie: declared sizes, CRCs,
 * offsets, names, overlapping members, a central directory that is cut short.
 */
public final class ZipBuilder {
    /** One member as it will be written; every field may be set to a lie after {@link #add}. */
    public static final class Member {
        public String name;
        public int method;
        public byte[] data; // as stored in the file (already deflated for method 8)
        public long crc;
        public long size;
        public long compressedSize;
        public long localOffset = -1; // -1: where it is written; else the central directory claims this
        public boolean writeLocal = true;
    }

    private final List<Member> members = new ArrayList<>();

    /** A stored member holding {@code content}. */
    public Member stored(String name, byte[] content) {
        Member m = new Member();
        m.name = name;
        m.method = 0;
        m.data = content;
        m.crc = crc(content);
        m.size = content.length;
        m.compressedSize = content.length;
        members.add(m);
        return m;
    }

    /** A deflated member holding {@code content}. */
    public Member deflated(String name, byte[] content) {
        Member m = new Member();
        m.name = name;
        m.method = 8;
        m.data = deflate(content);
        m.crc = crc(content);
        m.size = content.length;
        m.compressedSize = m.data.length;
        members.add(m);
        return m;
    }

    /**
     * A deflated member whose raw deflate data is given (for bombs); {@code size} and {@code crc}
     * are what the directory declares.
     */
    public Member rawDeflated(String name, byte[] deflateData, long size, long crc) {
        Member m = new Member();
        m.name = name;
        m.method = 8;
        m.data = deflateData;
        m.crc = crc;
        m.size = size;
        m.compressedSize = deflateData.length;
        members.add(m);
        return m;
    }

    /** The members added so far, to make them lie. */
    public List<Member> members() {
        return members;
    }

    public byte[] build() {
        Bytes out = new Bytes();
        long[] offsets = new long[members.size()];
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            offsets[i] = out.size();
            if (!m.writeLocal) {
                continue;
            }
            byte[] name = m.name.getBytes(StandardCharsets.UTF_8);
            out.u32(0x04034b50).u16(20).u16(0x800).u16(m.method).u16(0).u16(0x21)
                    .u32(m.crc).u32(Math.min(m.compressedSize, 0xFFFFFFFFL)).u32(Math.min(m.size, 0xFFFFFFFFL))
                    .u16(name.length).u16(0).raw(name).raw(m.data);
        }
        long cdStart = out.size();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            byte[] name = m.name.getBytes(StandardCharsets.UTF_8);
            boolean zip64 = m.size >= 0xFFFFFFFFL || m.compressedSize >= 0xFFFFFFFFL;
            long offset = m.localOffset >= 0 ? m.localOffset : offsets[i];
            // a local header offset past 4 GiB (or a negative lie, taken as unsigned) goes in the ZIP64 field
            boolean offset64 = m.localOffset != -1 && (offset < 0 || offset >= 0xFFFFFFFFL);
            int extra = (zip64 ? 16 : 0) + (offset64 ? 8 : 0);
            out.u32(0x02014b50).u16(45).u16(45).u16(0x800).u16(m.method).u16(0).u16(0x21).u32(m.crc)
                    .u32(zip64 ? 0xFFFFFFFFL : m.compressedSize).u32(zip64 ? 0xFFFFFFFFL : m.size)
                    .u16(name.length).u16(extra > 0 ? extra + 4 : 0).u16(0).u16(0).u16(0).u32(0)
                    .u32(offset64 ? 0xFFFFFFFFL : offset).raw(name);
            if (extra > 0) {
                out.u16(1).u16(extra);
                if (zip64) {
                    out.u64(m.size).u64(m.compressedSize);
                }
                if (offset64) {
                    out.u64(offset);
                }
            }
        }
        long cdSize = out.size() - cdStart;
        out.u32(0x06054b50).u16(0).u16(0).u16(members.size()).u16(members.size()).u32(cdSize).u32(cdStart).u16(0);
        return out.bytes();
    }

    public static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    public static byte[] deflate(byte[] content) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(content);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /**
     * A raw deflate stream that inflates to {@code prefix} followed by {@code megabytes} MiB of
     * zeros, made without deflating them: one sync-flushed block of 1 MiB of zeros repeated, then
     * an empty final block. About 1 KiB per MiB.
     */
    public static byte[] zerosBomb(byte[] prefix, int megabytes) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] buf = new byte[1 << 16];
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        d.setInput(prefix);
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            head.write(buf, 0, n);
        }
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        d.setInput(new byte[1 << 20]);
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            block.write(buf, 0, n);
        }
        d.end();
        // later copies of the block refer only to zeros within the window, which zeros still are
        byte[] one = block.toByteArray();
        Bytes out = new Bytes().raw(head.toByteArray()).raw(one);
        out.repeat(one, megabytes - 1);
        return out.u8(0x03, 0x00).bytes(); // final fixed-Huffman block holding only end-of-block
    }
}
