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

    /**
     * How many bytes this loader has read so far from outside the pickle (archive members, a
     * checkpoint's storages), counting each only the first time. The unpickler counts what a
     * {@link #load} call adds as input for {@link dev.brine.Limits#maxBytesRatio()}, as it counts
     * out-of-band buffers: the arrays a pickle's calls then build over those bytes are weighed
     * against them, not against the few bytes of the persistent id. The default, 0, counts nothing.
     */
    default long bytesRead() {
        return 0;
    }
}
