package dev.brine.py;

import java.util.Arrays;

/**
 * A Python {@code bytearray}: a mutable byte sequence, kept apart from {@code bytes} (which Brine
 * reads as a plain {@code byte[]}) so that the two never collapse into each other on a round trip.
 */
public final class ByteArray {
    private byte[] bytes;

    /** A bytearray holding a copy of {@code bytes}. */
    public ByteArray(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    private ByteArray(byte[] bytes, boolean adopt) {
        this.bytes = bytes;
    }

    /** Wraps {@code bytes} without copying; the array becomes this object's storage. */
    public static ByteArray wrap(byte[] bytes) {
        return new ByteArray(bytes, true);
    }

    /** The live storage (changes show through). */
    public byte[] array() {
        return bytes;
    }

    /** Replaces the contents (Python's {@code ba[:] = data}). */
    public void set(byte[] data) {
        this.bytes = data.clone();
    }

    /** The number of bytes. */
    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteArray && Arrays.equals(bytes, ((ByteArray) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return PythonRepr.repr(this);
    }
}
