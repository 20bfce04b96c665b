package dev.brine.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A little-endian byte builder for hand-made hostile files. */
public final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Appends raw bytes given as ints (0-255). */
    public Bytes u8(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    /** Appends a single opcode byte (a char such as {@code ']'}). */
    public Bytes op(char c) {
        out.write(c);
        return this;
    }

    public Bytes u16(int v) {
        return raw(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
    }

    public Bytes u32(long v) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    public Bytes u64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    public Bytes raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    public Bytes ascii(String s) {
        return raw(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Appends {@code b} {@code times} times. */
    public Bytes repeat(byte[] b, int times) {
        for (int i = 0; i < times; i++) {
            out.write(b, 0, b.length);
        }
        return this;
    }

    public int size() {
        return out.size();
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
