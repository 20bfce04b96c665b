package dev.brine.py;

import java.nio.ByteBuffer;

/**
 * An out-of-band buffer of pickle protocol 5 ({@code pickle.PickleBuffer}): a view of bytes that
 * travels beside the pickle rather than inside it. Readers hand them to the unpickler in order;
 * writers receive them through the pickler's buffer callback.
 */
public final class PickleBuffer {
    private final ByteBuffer data;
    private final boolean readOnly;

    /**
     * A buffer over {@code data} (its position to limit), writable unless {@code readOnly} or
     * {@code data} itself is read-only.
     */
    public PickleBuffer(ByteBuffer data, boolean readOnly) {
        this.data = data.slice();
        this.readOnly = readOnly || data.isReadOnly();
    }

    /** A writable buffer over {@code bytes}, without copying. */
    public static PickleBuffer of(byte[] bytes) {
        return new PickleBuffer(ByteBuffer.wrap(bytes), false);
    }

    /** The bytes, as a fresh view (position 0, limit = size). */
    public ByteBuffer data() {
        return readOnly ? data.asReadOnlyBuffer() : data.duplicate();
    }

    /** Whether the buffer is read-only. */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** The number of bytes. */
    public long size() {
        return data.remaining();
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }

    @Override
    public String toString() {
        return "<pickle.PickleBuffer of " + size() + " bytes>";
    }
}
