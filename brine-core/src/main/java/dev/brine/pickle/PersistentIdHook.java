package dev.brine.pickle;

import dev.brine.BrineException;

/**
 * Python's {@code Pickler.persistent_id}: returns an id for objects that should be stored outside
 * the pickle (the pickle then holds only the id), or {@code null} to pickle the object normally.
 */
@FunctionalInterface
public interface PersistentIdHook {
    /** The persistent id for {@code obj}, or {@code null}. */
    Object persistentId(Object obj) throws BrineException;
}
