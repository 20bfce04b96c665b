package dev.brine.mapping;

import dev.brine.BrineException;

/**
 * A stand-in that a {@link PyCallable} returns when the real value can only be made once BUILD
 * has given it its state — as for numpy arrays and dtypes, which pickle as an empty object that
 * {@code __setstate__} fills in, while their Java forms are immutable. On BUILD the unpickler calls
 * {@link #complete(Object)} and puts the result everywhere the stand-in was (stack and memo).
 */
public interface Deferred {
    /** The finished value, given the BUILD state. */
    Object complete(Object state) throws BrineException;
}
