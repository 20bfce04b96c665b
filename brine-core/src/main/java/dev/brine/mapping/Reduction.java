package dev.brine.mapping;

import dev.brine.py.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Java form of what Python's {@code __reduce__} returns: how to recreate an object on load. The
 * pickler writes {@code callable}, {@code args} and REDUCE (or NEWOBJ / NEWOBJ_EX when
 * {@link #style} says so), then the list and dict items, then the state with BUILD.
 *
 * @param callable a {@link dev.brine.py.Global}, a {@link PyCallable} or any picklable callable value
 * @param style how the object is created
 * @param args the positional arguments
 * @param kwargs keyword arguments (NEWOBJ_EX only), or an empty map
 * @param state the BUILD state, or {@code null} for none (use {@link #NONE_STATE} to BUILD with None)
 * @param listItems items APPENDed after creation, or {@code null}
 * @param dictItems items SETITEMed after creation, or {@code null}
 */
public record Reduction(Object callable, Style style, Tuple args, Map<Object, Object> kwargs, Object state,
                        List<?> listItems, Map<?, ?> dictItems) {

    /** A marker for "BUILD with state None", distinct from "no BUILD". */
    public static final Object NONE_STATE = new Object() {
        @Override
        public String toString() {
            return "NONE_STATE";
        }
    };

    /** How the pickle creates the object. */
    public enum Style {
        /** {@code callable(*args)}: REDUCE. */
        REDUCE,
        /**
         * {@code cls.__new__(cls, *args)}: NEWOBJ at protocol 2+. Below protocol 2, as CPython writes an object there:
         * without arguments {@code copyreg._reconstructor(cls, object, None)}, what {@code object.__reduce_ex__}
         * gives (it makes the object with {@code object.__new__(cls)}, not the class's own {@code __new__}); with
         * arguments {@code copyreg.__newobj__(cls, *args)}. For a class whose {@code __new__} must run below
         * protocol 2, reduce it as a REDUCE of {@code copyreg.__newobj__} with {@code (cls, *args)}.
         */
        NEWOBJ,
        /**
         * {@code cls.__new__(cls, *args, **kwargs)}: NEWOBJ_EX at protocol 4+; at 2 and 3, as CPython,
         * a call of {@code functools.partial(getattr(cls, '__new__'), cls, *args, **kwargs)}; below
         * 2, {@code copyreg.__newobj_ex__(cls, args, kwargs)}.
         */
        NEWOBJ_EX
    }

    /** Checks the parts. */
    public Reduction {
        Objects.requireNonNull(callable, "callable");
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(args, "args");
        kwargs = kwargs == null ? Map.of() : kwargs;
    }

    /** {@code callable(*args)} with no state. */
    public static Reduction call(Object callable, Object... args) {
        return new Reduction(callable, Style.REDUCE, Tuple.of(args), null, null, null, null);
    }

    /** {@code cls.__new__(cls)} followed by BUILD with {@code state}: how plain Python objects pickle. */
    public static Reduction newObjectWithState(Object cls, Object state) {
        return new Reduction(cls, Style.NEWOBJ, Tuple.empty(), null, state, null, null);
    }
}
