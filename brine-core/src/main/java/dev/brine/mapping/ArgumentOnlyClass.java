package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.Global;
import dev.brine.py.Tuple;

/**
 * A Python class that a pickle may name only as an argument of another callable, never call:
 * {@code builtins.object}, {@code tuple}, {@code list}, {@code dict}, {@code int}, {@code float} and
 * {@code str} as the base class given to {@code copyreg._reconstructor}, {@code numpy.ndarray} as the
 * class given to {@code _reconstruct}, {@code numpy.record} as the type given to {@code numpy.dtype}.
 * The callables that take it test for it with {@link #is}; calling it is refused (when reading generic
 * objects, such a call stays an inert generic object, as for any class Brine does not model).
 */
public final class ArgumentOnlyClass implements PyCallable {
    private final Global global;
    private final String why;

    /** The class {@code global}; {@code why} (or null) says why calling it is refused. */
    public ArgumentOnlyClass(Global global, String why) {
        this.global = global;
        this.why = why;
    }

    /** Whether {@code value} is the class {@code global} resolved from a pickle. */
    public static boolean is(Object value, Global global) {
        return value instanceof ArgumentOnlyClass && ((ArgumentOnlyClass) value).global.equals(global);
    }

    @Override
    public Global global() {
        return global;
    }

    @Override
    public Object call(Tuple args) throws BrineException {
        throw new BrineException(global + " cannot be called from a pickle" + (why == null ? "" : " (" + why + ")"));
    }

    @Override
    public String toString() {
        return "<class '" + ("builtins".equals(global.module()) ? global.name() : global) + "'>";
    }
}
