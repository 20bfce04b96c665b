package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import java.util.Map;

/**
 * A Python class that a pickle may name only as an argument of another callable, never call:
 * {@code builtins.object}, {@code tuple}, {@code list}, {@code dict}, {@code int}, {@code float} and
 * {@code str} as the base class given to {@code copyreg._reconstructor}, {@code numpy.ndarray} as the
 * class given to {@code _reconstruct}, {@code numpy.record} as the type given to {@code numpy.dtype}.
 * The callables that take it test for it with {@link #is}; calling it is refused (when reading generic
 * objects, such a call stays an inert generic object, as for any class Brine does not model).
 *
 * <p>One of them may also be made: {@code builtins.object}, whose bare instance {@code object()}
 * CPython writes as {@code object.__new__(object)} (NEWOBJ; {@code copyreg._reconstructor(object,
 * object, None)} below protocol 2). It holds nothing and running it runs nothing, so strict reading
 * allows it; see {@link #bareInstances}.
 */
public final class ArgumentOnlyClass implements PyCallable {
    private final Global global;
    private final String why;
    private final boolean bare;

    /** The class {@code global}; {@code why} (or null) says why calling it is refused. */
    public ArgumentOnlyClass(Global global, String why) {
        this(global, why, false);
    }

    private ArgumentOnlyClass(Global global, String why, boolean bare) {
        this.global = global;
        this.why = why;
        this.bare = bare;
    }

    /**
     * The class {@code global} named as an argument, of which NEWOBJ also makes a bare instance with no
     * arguments: an inert {@link GenericObject} of {@code global}, the value a generic reading gives (so
     * both readings agree), which the pickler writes back as CPython writes it. Only for
     * {@code builtins.object}: any other class's {@code __new__} may set up state the pickle does not hold.
     */
    public static ArgumentOnlyClass bareInstances(Global global, String why) {
        return new ArgumentOnlyClass(global, why, true);
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

    /** {@code cls.__new__(cls)} of a class that allows bare instances; as Python, no arguments are taken. */
    @Override
    public Object newObject(Tuple args, Map<Object, Object> kwargs) throws BrineException {
        if (!bare) {
            // named as the refusal of a call is: NEWOBJ and copyreg's constructors (REDUCE) both come here
            throw new BrineException(global + " cannot be created from a pickle" + (why == null ? "" : " (" + why + ")"));
        }
        if (!args.isEmpty() || !kwargs.isEmpty()) {
            throw new BrineException(global + ".__new__ takes no arguments, got " + args.size() + " and "
                    + kwargs.size() + " keywords (CPython: \"object() takes no arguments\")");
        }
        return GenericObject.newObject(global, Tuple.empty());
    }

    @Override
    public String toString() {
        return "<class '" + ("builtins".equals(global.module()) ? global.name() : global) + "'>";
    }
}
