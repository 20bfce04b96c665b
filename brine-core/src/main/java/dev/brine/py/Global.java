package dev.brine.py;

import java.util.Objects;

/**
 * A reference to a Python global (a class or function) by module and qualified name, as a
 * pickle names it. It is only a name: Brine never looks it up or runs it unless it is registered.
 * A class or function the reader's registry does not know reads back as one, with generic objects
 * ({@code pickle.dumps(argparse.Namespace)} as {@code new Global("argparse", "Namespace")}); one it knows
 * ({@code pickle.dumps(int)}, {@code collections.OrderedDict}, numpy's) reads back as the registry's
 * {@code dev.brine.mapping.PyCallable}, whose {@code global()} is this name. Both write back as the name.
 *
 * <p>A global also remembers how a pickle reached it, its {@link Form}, so that it pickles back to
 * the same opcodes: {@code pickle.dumps(dict.fromkeys, 4)} reaches the method through
 * {@code getattr(dict, 'fromkeys')} (an {@link Form#ATTRIBUTE}), where protocol 4 names a nested class
 * by one dotted name. The form takes no part in {@link #equals}, {@link #hashCode} or
 * {@link #compareTo}: two globals are equal when their modules and names are.
 */
public final class Global implements Comparable<Global> {
    /**
     * How a pickle names a global, which decides how Brine writes it back. CPython writes a class or
     * function by its name: a nested one ({@code Outer.Inner}) as one dotted name from protocol 4 and
     * as {@code getattr(Outer, 'Inner')} below. It writes a method ({@code dict.fromkeys},
     * {@code zoneinfo.ZoneInfo._unpickle}, a classmethod, a method descriptor such as {@code dict.get})
     * as its {@code __reduce__} gives it, {@code getattr(parent, 'name')}, at every protocol.
     */
    public enum Form {
        /**
         * A class or function named by module and qualified name: what GLOBAL and STACK_GLOBAL read,
         * and the form of a global made in Java. Written as CPython writes a class: GLOBAL, or
         * STACK_GLOBAL from protocol 4 (a dotted name too); a dotted name below protocol 4 as
         * {@code getattr(parent, 'last')}. Equal globals of this form are one object: one memo entry.
         */
        NAME,
        /**
         * {@code getattr(parent, 'name')} read from a pickle of protocol 0–3, where it may be a nested
         * class or a method: those protocols write both alike. Written as a {@link #NAME} is (one dotted
         * name from protocol 4, getattr below; the class being the likelier), except that only this
         * very object is written once and then referred to by the memo, as in the pickle it was read
         * from, where two methods of one name are two objects.
         */
        NAME_OR_ATTRIBUTE,
        /**
         * {@code getattr(parent, 'name')} read from a pickle of protocol 4 or 5, where CPython writes
         * nested classes by one dotted name, so this is an attribute that is not a class: a bound or
         * class method, a method descriptor, an enum member reduced by name. Written through getattr
         * at every protocol, the parent named by everything before the last dot; only this very
         * object is written once and then referred to by the memo.
         */
        ATTRIBUTE
    }

    private final String module;
    private final String name;
    private final Form form;
    // read from getattr(parent, attribute): the very objects the pickle gave, so that they are written
    // back as it wrote them, once and then from the memo (CPython's methods defined in Python share one
    // name string, C methods do not); null otherwise
    private final Object parent;
    private final String attribute;

    /** The global {@code module.name}, of {@link Form#NAME}. */
    public Global(String module, String name) {
        this(module, name, Form.NAME, null, null);
    }

    /** The global {@code module.name} of {@code form}; {@code null} means {@link Form#NAME}. */
    public Global(String module, String name, Form form) {
        this(module, name, form, null, null);
    }

    Global(String module, String name, Form form, Object parent, String attribute) {
        this.module = module;
        this.name = name;
        this.form = form == null ? Form.NAME : form;
        this.parent = parent;
        this.attribute = attribute;
    }

    /**
     * The attribute {@code module.name} reached through {@code getattr(parent, last)}, the parent being
     * named by everything before the last dot of {@code name}: how CPython pickles a method,
     * {@code Global.attribute("builtins", "dict.fromkeys")}.
     */
    public static Global attribute(String module, String name) {
        return new Global(module, name, Form.ATTRIBUTE);
    }

    /** The module, e.g. {@code "collections"}. */
    public String module() {
        return module;
    }

    /** The qualified name inside the module, e.g. {@code "OrderedDict"}, or {@code "dict.fromkeys"}. */
    public String name() {
        return name;
    }

    /** How the global is written in a pickle. */
    public Form form() {
        return form;
    }

    /** This global with another form (itself when the form is the same). */
    public Global withForm(Form newForm) {
        Form f = newForm == null ? Form.NAME : newForm;
        return f == form ? this : new Global(module, name, f, parent, attribute);
    }

    /** getattr's object as read, or {@code null}; see {@link GlobalAccess}. */
    Object parentAsRead() {
        return parent;
    }

    /** getattr's name as read, or {@code null}; see {@link GlobalAccess}. */
    String attributeAsRead() {
        return attribute;
    }

    /** Equal modules and names; the form does not count. */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Global && Objects.equals(module, ((Global) o).module)
                && Objects.equals(name, ((Global) o).name);
    }

    /** A plain hash of module and name, which is fast: globals are looked up on every class a pickle names. */
    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(module) + Objects.hashCode(name);
    }

    /**
     * By module, then name, as {@link String#compareTo} orders them. Besides sorting, this is what keeps
     * a dict with many generic classes as keys fast to build when their names were chosen to share a
     * hash code ({@code AaAa}, {@code BBBB}): a {@code HashMap} keeps the keys of a crowded bin that are
     * comparable to each other as a tree. 20,000 such classes took 13 s to load before.
     */
    @Override
    public int compareTo(Global other) {
        int c = compare(module, other.module);
        return c != 0 ? c : compare(name, other.name);
    }

    private static int compare(String a, String b) { // null first: nothing stops a caller from making one
        return a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b);
    }

    /** {@code module.name}. */
    @Override
    public String toString() {
        return module + "." + name;
    }
}
