package dev.brine.pickle;

import dev.brine.BrineException;

/**
 * Python's {@code Unpickler.persistent_load}: turns a persistent id (PERSID/BINPERSID) into the
 * object it stands for, such as an array stored beside the pickle in an archive.
 */
@FunctionalInterface
public interface PersistentLoader {
    /** The object for {@code pid}; throw to refuse an id. */
    Object load(Object pid) throws BrineException;
}
