package dev.brine.py;

import java.util.Arrays;

/**
 * A Python {@code bytearray}: a mutable byte sequence, kept apart from {@code bytes} (which Brine
 * reads as a plain {@code byte[]}) so that the two never collapse into each other on a round trip.
 */
public final class ByteArray {
    /** The longest array a JVM allocates reliably. */
    static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private byte[] bytes;
    // the bytes held are bytes[0, size); appends (ByteArrayAccess) leave spare capacity after them
    private int size;

    /** A bytearray holding a copy of {@code bytes}. */
    public ByteArray(byte[] bytes) {
        this(bytes.clone(), true);
    }

    private ByteArray(byte[] bytes, boolean adopt) {
        this.bytes = bytes;
        this.size = bytes.length;
    }

    /** Wraps {@code bytes} without copying; the array becomes this object's storage. */
    public static ByteArray wrap(byte[] bytes) {
        return new ByteArray(bytes, true);
    }

    /** The live storage (changes show through). */
    public byte[] array() {
        if (size != bytes.length) {
            bytes = Arrays.copyOf(bytes, size); // drop the spare capacity appends left
        }
        return bytes;
    }

    /** Replaces the contents (Python's {@code ba[:] = data}). */
    public void set(byte[] data) {
        this.bytes = data.clone();
        this.size = bytes.length;
    }

    /** The number of bytes. */
    public int size() {
        return size;
    }

    /**
     * Appends {@code length} bytes of {@code src} from {@code offset}, growing the storage by
     * doubling so that a run of appends copies each byte a constant number of times on average.
     * The spare room is at most {@link #MAX_SPARE}: a 1 GiB bytearray read in one opcode and then
     * appended to once must not ask for 2 GiB (the limits charge the bytes held, not the spare room).
     */
    /** The most spare room an append leaves (64 MiB): beyond it a big bytearray grows by this much at a time. */
    static final int MAX_SPARE = 64 << 20;

    void append(byte[] src, int offset, int length) {
        if (length > MAX_SIZE - size) {
            throw new IllegalArgumentException("a bytearray of more than " + MAX_SIZE + " bytes");
        }
        int needed = size + length;
        if (needed > bytes.length) {
            long grown = Math.min(2L * bytes.length + 16, (long) bytes.length + MAX_SPARE);
            bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_SIZE, Math.max(needed, grown)));
        }
        System.arraycopy(src, offset, bytes, size, length);
        size = needed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteArray && Arrays.equals(bytes, 0, size, ((ByteArray) o).bytes, 0, ((ByteArray) o).size);
    }

    @Override
    public int hashCode() {
        int h = 1; // Arrays.hashCode of the bytes held
        for (int i = 0; i < size; i++) {
            h = 31 * h + bytes[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return PythonRepr.repr(this);
    }
}
