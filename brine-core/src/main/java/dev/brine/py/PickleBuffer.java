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
        this(readOnly || data.isReadOnly(), data.slice());
    }

    private PickleBuffer(boolean readOnly, ByteBuffer slice) {
        this.data = slice;
        this.readOnly = readOnly;
    }

    /**
     * A buffer that Python receives writable (in band a {@code bytearray}, as numpy pickles a writable
     * array's bytes) over {@code data} that Java only reads and may hold read-only: for bytes standing for
     * an object that is writable in Python, such as a read-only mapping of a file whose array
     * {@code np.load} returns writable (the mapping is read-only only so that Java never writes into the
     * file). {@link #isReadOnly()} is false; {@link #data()} stays read-only when {@code data} is.
     */
    public static PickleBuffer writableInPython(ByteBuffer data) {
        return new PickleBuffer(false, data.slice());
    }

    /** A writable buffer over {@code bytes}, without copying. */
    public static PickleBuffer of(byte[] bytes) {
        return new PickleBuffer(ByteBuffer.wrap(bytes), false);
    }

    /** The bytes, as a fresh view (position 0, limit = size). */
    public ByteBuffer data() {
        return readOnly ? data.asReadOnlyBuffer() : data.duplicate();
    }

    /** Whether the buffer is read-only to Python (a pickle writes it as {@code bytes}, not {@code bytearray}). */
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
