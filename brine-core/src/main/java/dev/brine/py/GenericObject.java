package dev.brine.py;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An inert stand-in for an instance of a Python class that no registry entry maps to Java. It keeps
 * everything the pickle said about the object — which callable made it and how, with which
 * arguments, the state given to BUILD, and the items appended or set on it — so that it can be
 * shown, inspected and pickled back to the same opcodes. Nothing named by it is ever called.
 */
public final class GenericObject {
    /** How the pickle created the object; decides which opcode writes it back. */
    public enum Creation {
        /** {@code callable(*args)} through REDUCE (also what INST and OBJ mean when they give arguments). */
        REDUCE,
        /** {@code cls.__new__(cls, *args)} through NEWOBJ (also what INST and OBJ mean without arguments). */
        NEWOBJ,
        /** {@code cls.__new__(cls, *args, **kwargs)} through NEWOBJ_EX. */
        NEWOBJ_EX
    }

    private static final Object NO_STATE = new Object();

    private final Object callable;
    private final Creation creation;
    private final Tuple args;
    private final Map<Object, Object> kwargs;
    private Object state = NO_STATE;
    private Object stateSetter; // a reduce's state_setter, or null: BUILD
    private final List<Object> listItems = new ArrayList<>();
    private final Map<Object, Object> dictItems = new LinkedHashMap<>();

    /**
     * A generic object made by {@code callable} (usually a {@link Global}) with {@code args}, and
     * for {@link Creation#NEWOBJ_EX} keyword arguments {@code kwargs} (otherwise empty). The kwargs
     * map is kept as given, not copied: a pickle may reach the same dict again (in the object's
     * state, say), and it must stay one object to be written back with a memo reference.
     */
    public GenericObject(Object callable, Creation creation, Tuple args, Map<Object, Object> kwargs) {
        this.callable = Objects.requireNonNull(callable, "callable");
        this.creation = Objects.requireNonNull(creation, "creation");
        this.args = Objects.requireNonNull(args, "args");
        this.kwargs = kwargs == null ? new LinkedHashMap<>() : kwargs;
    }

    /** A generic object made by REDUCE: {@code callable(*args)}. */
    public static GenericObject reduced(Object callable, Tuple args) {
        return new GenericObject(callable, Creation.REDUCE, args, null);
    }

    /** A generic object made by NEWOBJ: {@code cls.__new__(cls, *args)}. */
    public static GenericObject newObject(Global cls, Tuple args) {
        return new GenericObject(cls, Creation.NEWOBJ, args, null);
    }

    /** The callable or class that made the object; usually a {@link Global}. */
    public Object callable() {
        return callable;
    }

    /**
     * The object's class when a {@link Global} names it, else {@code null}: the callable's module and name; for a call of
     * {@code copyreg.__newobj__(cls)}, kept as the call it was read as (a protocol 0 or 1 pickle of a class whose
     * {@code __reduce__} gives it), {@code cls}, as for the same object made by NEWOBJ.
     */
    public Global type() {
        if (creation == Creation.REDUCE && COPYREG_NEWOBJ.equals(callable) && args.size() == 1
                && args.get(0) instanceof Global) {
            return (Global) args.get(0);
        }
        return callable instanceof Global ? (Global) callable : null;
    }

    private static final Global COPYREG_NEWOBJ = new Global("copyreg", "__newobj__");

    /** How the object was created. */
    public Creation creation() {
        return creation;
    }

    /** The positional arguments given to the callable. */
    public Tuple args() {
        return args;
    }

    /** The keyword arguments of NEWOBJ_EX (empty otherwise); live. */
    public Map<Object, Object> kwargs() {
        return kwargs;
    }

    /** Whether BUILD gave the object a state. */
    public boolean hasState() {
        return state != NO_STATE;
    }

    /** The BUILD state (often a dict of attributes), or {@code null} when there is none. */
    public Object state() {
        return state == NO_STATE ? null : state;
    }

    /** Sets the BUILD state, as {@code __setstate__} would receive it. */
    public void setState(Object state) {
        this.state = state;
        this.stateSetter = null;
    }

    /** Removes the state, so that no BUILD is written. */
    public void clearState() {
        this.state = NO_STATE;
        this.stateSetter = null;
    }

    /**
     * The callable that set the state, when the pickle set it as a {@code __reduce__} with a
     * {@code state_setter} (Python 3.8+) writes it: {@code setter(obj, state)}, its result discarded (REDUCE,
     * POP), instead of BUILD; {@code null} when BUILD set it or there is no state.
     */
    public Object stateSetter() {
        return stateSetter;
    }

    /** Sets the state as {@code setter(obj, state)} does, and is written back so (see {@link #stateSetter()}). */
    public void setState(Object state, Object setter) {
        this.state = state;
        this.stateSetter = Objects.requireNonNull(setter, "setter");
    }

    /** Items appended by APPEND/APPENDS (a list subclass's items); live. */
    public List<Object> listItems() {
        return listItems;
    }

    /** Items set by SETITEM/SETITEMS (a dict subclass's items); live. */
    public Map<Object, Object> dictItems() {
        return dictItems;
    }

    /** Shortcut: the value of attribute {@code name} when the state is a dict of attributes. */
    public Object attribute(String name) {
        Object s = state();
        if (s instanceof Tuple && ((Tuple) s).size() == 2) {
            s = ((Tuple) s).get(0); // (dict, slotstate) form
        }
        return s instanceof Map ? ((Map<?, ?>) s).get(name) : null;
    }

    @Override
    public String toString() {
        return PythonRepr.repr(this);
    }
}
