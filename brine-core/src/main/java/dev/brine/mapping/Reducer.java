package dev.brine.mapping;

import dev.brine.BrineException;

/**
 * Says how to write instances of a Java class: the Java form of a {@code copyreg} reduction
 * function. Registered per class in a {@link ClassRegistry}.
 *
 * @param <T> the class it writes
 */
@FunctionalInterface
public interface Reducer<T> {
    /** How to recreate {@code obj} when the pickle is loaded. */
    Reduction reduce(T obj) throws BrineException;

    /**
     * How to recreate {@code obj} in a pickle of {@code protocol}; by default the same at every
     * protocol. Types whose Python form depends on the protocol (numpy arrays use out-of-band
     * capable buffers from protocol 5) override this.
     */
    default Reduction reduce(T obj, int protocol) throws BrineException {
        return reduce(obj);
    }
}
