package dev.brine.io;

import dev.brine.BrineException;
import java.io.ByteArrayOutputStream;

/**
 * A file built in memory ({@code Npy.toBytes}, {@code SafeTensors.toBytes}), whose size is known before its first
 * byte: refused up front when a Java {@code byte[]} cannot hold it (an array over 2 GiB gave an OutOfMemoryError
 * from the stream's growth), else collected in one array of exactly that size (no doubling, no final copy's twin).
 */
public final class InMemoryBytes {
    /** The largest array the JVM allocates. */
    public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private InMemoryBytes() {
    }

    /**
     * A stream with room for exactly {@code size} bytes of {@code what}.
     *
     * @throws BrineException when {@code size} is more than a {@code byte[]} holds, naming the size and the streaming
     *     method to use instead ({@code instead})
     */
    public static ByteArrayOutputStream of(long size, String what, String instead) throws BrineException {
        if (size > MAX_ARRAY) {
            throw new BrineException(what + " would be " + size + " bytes, more than a Java byte[] holds; write it to a"
                    + " stream or file instead (" + instead + ")");
        }
        return new ByteArrayOutputStream((int) size);
    }
}
