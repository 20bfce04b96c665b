package dev.brine.mapping;

import dev.brine.py.Global;

/**
 * What a registered global names, for showing it as Python's {@code repr} does when a pickle holds it as a value
 * (a class reference such as {@code pickle.dumps(collections.OrderedDict)}): the {@code toString} of a
 * {@link PyCallable}.
 */
public enum GlobalKind {
    /** {@code <class 'collections.OrderedDict'>}; builtins without their module, {@code <class 'set'>}. */
    CLASS,
    /** A function written in C: {@code <built-in function _reconstruct>}, by its name alone. */
    BUILTIN_FUNCTION,
    /**
     * A function written in Python: {@code <function _reconstructor>}. Python adds {@code at 0x7f...}, the object's
     * address in that process, which no file holds.
     */
    FUNCTION;

    /** How Python's repr shows the object {@code g} names. */
    public String repr(Global g) {
        String name = String.valueOf(g.name());
        String last = name.substring(name.lastIndexOf('.') + 1);
        return switch (this) {
            case CLASS -> "<class '" + ("builtins".equals(g.module()) ? name : g.toString()) + "'>";
            case BUILTIN_FUNCTION -> "<built-in function " + last + ">";
            case FUNCTION -> "<function " + name + ">";
        };
    }
}
