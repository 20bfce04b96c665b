package dev.brine.pickle;

import dev.brine.BrineException;
import dev.brine.py.PickleBuffer;

/**
 * Python's {@code buffer_callback} (protocol 5): offered each {@link PickleBuffer} as it is
 * pickled. Return {@code true} to take the buffer out of band (the pickle then holds only
 * NEXT_BUFFER and the caller ships the bytes itself), {@code false} to keep it inside the pickle.
 * Note the sense: Python's callback returns a false value to take a buffer out of band.
 */
@FunctionalInterface
public interface BufferCallback {
    /** Whether {@code buffer} goes out of band. */
    boolean outOfBand(PickleBuffer buffer) throws BrineException;
}
