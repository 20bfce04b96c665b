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
        /** {@code cls.__new__(cls, *args)}: NEWOBJ (protocol 2+; below, {@code copyreg} forms). */
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
