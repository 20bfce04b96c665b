package dev.brine.mapping;

import dev.brine.BrineException;

/**
 * A stand-in that a {@link PyCallable} returns when the real value can only be made once BUILD
 * has given it its state — as for numpy arrays and dtypes, which pickle as an empty object that
 * {@code __setstate__} fills in, while their Java forms are immutable. On BUILD the unpickler calls
 * {@link #complete(Object)} and puts the result everywhere the stand-in was: the stack and the memo,
 * and, when the pickle fetched the stand-in before its BUILD (an object array whose items hold it,
 * {@code a[0] = (a,)}), the lists, dicts, tuples, generic objects and object arrays that took it since.
 * Where it cannot go (a dict key, a registered class's state) the unpickler refuses the pickle; it never
 * returns a stand-in. {@code complete} itself may be given a state that holds its own stand-in.
 */
public interface Deferred {
    /** The finished value, given the BUILD state. */
    Object complete(Object state) throws BrineException;

    /**
     * The value when no BUILD comes, or null (the default) when the object needs its BUILD: numpy's
     * {@code numpy.dtype('f8', False, True)} is a whole dtype before its BUILD, which only sets what the
     * type string leaves open, so a pickle may use it without one (CPython and numpy load it so).
     */
    default Object unbuilt() throws BrineException {
        return null;
    }
}
