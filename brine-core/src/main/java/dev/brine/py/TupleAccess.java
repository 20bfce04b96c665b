package dev.brine.py;

/**
 * Lets the pickle reader build a {@link Tuple} from an array it has just filled, without the
 * defensive copy {@link Tuple#of} makes. Not part of the public API.
 */
public final class TupleAccess {
    private TupleAccess() {
    }

    /** Wraps {@code items}; the caller must not keep or change the array. */
    public static Tuple adopt(Object[] items) {
        return Tuple.adopt(items);
    }
}
