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
}
