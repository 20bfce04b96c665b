package dev.brine.mapping;

import dev.brine.BrineException;

/**
 * The Java form of Python's {@code __getstate__}/{@code __setstate__}: a class chooses what it
 * saves and how it restores itself. The pickler writes {@link #getState()} after creating the
 * object with NEWOBJ, and the unpickler hands that state to {@link #setState(Object)} on a fresh
 * instance made by the registered factory.
 *
 * <pre>{@code
 * @PythonName(module = "mymodel", name = "Model")
 * final class Model implements PickleState {
 *     NDArray w, b;
 *     public Object getState() { return Tuple.of(w, b); }           // long-term: only (W, b)
 *     public void setState(Object s) { Tuple t = (Tuple) s; w = (NDArray) t.get(0); b = (NDArray) t.get(1); }
 * }
 * }</pre>
 */
public interface PickleState {
    /** The state to save: any picklable value (a dict of fields, a tuple, ...). */
    Object getState() throws BrineException;

    /** Restores the object from a state read back from a pickle. */
    void setState(Object state) throws BrineException;
}
