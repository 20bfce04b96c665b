package dev.brine.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Rewrites the CRC-32 fields of a (possibly mutated) ZIP so that they match the members' data:
 * a fuzzer cannot fix a CRC by itself, and without this almost every mutation inside a member
 * would be refused by the CRC check before the member's parser sees it. Best effort: members it
 * cannot locate are left alone.
 */
final class ZipCrcs {
    /** Inflated members larger than this keep their CRC (a fuzz input stays small anyway). */
    private static final int MAX_INFLATED = 1 << 20;

    private ZipCrcs() {
    }

    /**
     * A copy of {@code zip} whose local and central CRCs are those of the data, or {@code null}
     * when it has no end record or nothing was changed.
     */
    static byte[] fixed(byte[] zip) {
        byte[] out = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = out.length - 22; i >= 0 && i >= out.length - 22 - 65535; i--) {
            if (b.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            return null;
        }
        int count = b.getShort(eocd + 10) & 0xFFFF;
        long cd = b.getInt(eocd + 16) & 0xFFFFFFFFL;
        boolean changed = false;
        long p = cd;
        for (int n = 0; n < count && p >= 0 && p + 46 <= out.length; n++) {
            int at = (int) p;
            if (b.getInt(at) != 0x02014b50) {
                break;
            }
            int method = b.getShort(at + 10) & 0xFFFF;
            long csize = b.getInt(at + 20) & 0xFFFFFFFFL;
            int nameLen = b.getShort(at + 28) & 0xFFFF;
            int extraLen = b.getShort(at + 30) & 0xFFFF;
            int commentLen = b.getShort(at + 32) & 0xFFFF;
            long local = b.getInt(at + 42) & 0xFFFFFFFFL;
            p = (long) at + 46 + nameLen + extraLen + commentLen;
            if (local + 30 > out.length || b.getInt((int) local) != 0x04034b50) {
                continue;
            }
            long start = local + 30 + (b.getShort((int) local + 26) & 0xFFFF) + (b.getShort((int) local + 28) & 0xFFFF);
            if (start > out.length || csize > out.length - start) {
                continue;
            }
            Long crc = crc(out, (int) start, (int) csize, method);
            if (crc == null) {
                continue;
            }
            int value = (int) (long) crc;
            changed |= b.getInt(at + 16) != value || b.getInt((int) local + 14) != value;
            b.putInt(at + 16, value);
            b.putInt((int) local + 14, value);
        }
        return changed ? out : null;
    }

    private static Long crc(byte[] data, int start, int len, int method) {
        CRC32 c = new CRC32();
        if (method == 0) {
            c.update(data, start, len);
            return c.getValue();
        }
        if (method != 8) {
            return null;
        }
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(data, start, len);
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inf.finished() && plain.size() <= MAX_INFLATED) {
                int k = inf.inflate(buf);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    return null;
                }
                plain.write(buf, 0, k);
            }
            if (!inf.finished()) {
                return null;
            }
            c.update(plain.toByteArray());
            return c.getValue();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
    }
}
