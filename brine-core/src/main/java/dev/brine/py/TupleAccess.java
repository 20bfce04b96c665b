package dev.brine.py;

/**
 * Lets the pickle reader build a {@link Tuple} from an array it has just filled, without the
 * defensive copy {@link Tuple#of} makes, and finish a tuple that holds a stand-in for an object
 * BUILD completes later. Not part of the public API.
 */
public final class TupleAccess {
    private TupleAccess() {
    }

    /** Wraps {@code items}; the caller must not keep or change the array. */
    public static Tuple adopt(Object[] items) {
        return Tuple.adopt(items);
    }

    /**
     * Replaces {@code placeholder} by {@code replacement} among the items of a tuple the reader built
     * (see {@link Tuple#replace}); returns whether it held the placeholder.
     */
    public static boolean replace(Tuple tuple, Object placeholder, Object replacement) {
        return tuple.replace(placeholder, replacement);
    }
}
