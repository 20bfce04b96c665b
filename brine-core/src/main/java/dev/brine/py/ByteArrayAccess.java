package dev.brine.py;

/**
 * Lets the pickle reader append to a {@link ByteArray} (APPEND and APPENDS, which CPython turns into
 * {@code bytearray.extend}) in amortized constant time per byte. Not part of the public API.
 */
public final class ByteArrayAccess {
    private ByteArrayAccess() {
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset}; at most {@link #maxSize()} bytes in all. */
    public static void append(ByteArray target, byte[] src, int offset, int length) {
        target.append(src, offset, length);
    }

    /** The most bytes a bytearray holds. */
    public static int maxSize() {
        return ByteArray.MAX_SIZE;
    }
}
