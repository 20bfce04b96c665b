package dev.brine.numpy;

import dev.brine.BrineException;
import dev.brine.mapping.Deferred;
import dev.brine.ndarray.DType;

/**
 * Brine's stand-in for a numpy array or dtype that numpy makes first and fills in with BUILD (see
 * {@link Deferred}), named in messages as Python names the object ({@code numpy.dtype('f8')}), never as
 * a Java class. A dtype is whole before its BUILD, which a pickle may leave out: {@link #unbuilt()} is
 * then the dtype {@code numpy.dtype(typestr, False, True)} makes.
 */
final class AwaitingBuild implements Deferred {
    /** What makes the finished value from the BUILD state. */
    @FunctionalInterface
    interface Completion {
        Object complete(Object state) throws BrineException;
    }

    /** What makes the value when no BUILD comes. */
    @FunctionalInterface
    interface Unbuilt {
        Object make() throws BrineException;
    }

    private final String python;
    private final Completion completion;
    private final Unbuilt unbuilt;

    private AwaitingBuild(String python, Completion completion, Unbuilt unbuilt) {
        this.python = python;
        this.completion = completion;
        this.unbuilt = unbuilt;
    }

    /** An array of {@code _reconstruct}, which needs its BUILD: until then it has no shape, type or data. */
    static AwaitingBuild array(String python, Completion completion) {
        return new AwaitingBuild(python, completion, null);
    }

    /** A dtype, whole without its BUILD too: {@code unbuilt} makes it as it is before BUILD. */
    static AwaitingBuild dtype(String python, Completion completion, Unbuilt unbuilt) {
        return new AwaitingBuild(python, completion, unbuilt);
    }

    /**
     * The dtype {@code v} is or stands for: {@code v} itself, the dtype a stand-in makes without its BUILD
     * (where numpy's dtype is used before or without one), or null when {@code v} is no dtype.
     */
    static DType dtypeOf(Object v) throws BrineException {
        if (v instanceof DType) {
            return (DType) v;
        }
        if (v instanceof AwaitingBuild) {
            Object plain = ((AwaitingBuild) v).unbuilt();
            return plain instanceof DType ? (DType) plain : null;
        }
        return null;
    }

    @Override
    public Object complete(Object state) throws BrineException {
        return completion.complete(state);
    }

    @Override
    public Object unbuilt() throws BrineException {
        return unbuilt == null ? null : unbuilt.make();
    }

    /** How messages name it: the Python call that made it, and that its BUILD has not come. */
    @Override
    public String toString() {
        return python + " (before its BUILD)";
    }
}
