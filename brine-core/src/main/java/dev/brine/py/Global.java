package dev.brine.py;

/**
 * A reference to a Python global (a class or function) by module and qualified name, as a
 * pickle names it. It is only a name: Brine never looks it up or runs it unless it is registered.
 * Python's {@code pickle.dumps(int)} reads back as {@code Global("builtins", "int")}.
 *
 * @param module the module, e.g. {@code "collections"}
 * @param name the qualified name inside the module, e.g. {@code "OrderedDict"}
 */
public record Global(String module, String name) implements Comparable<Global> {
    /**
     * By module, then name, as {@link String#compareTo} orders them. Besides sorting, this is what keeps
     * a dict with many generic classes as keys fast to build when their names were chosen to share a
     * hash code ({@code AaAa}, {@code BBBB}): a {@code HashMap} keeps the keys of a crowded bin that are
     * comparable to each other as a tree. 20,000 such classes took 13 s to load before. The hash code
     * stays the record's own, which is fast: globals are looked up on every class a pickle names.
     */
    @Override
    public int compareTo(Global other) {
        int c = compare(module, other.module);
        return c != 0 ? c : compare(name, other.name);
    }

    private static int compare(String a, String b) { // null first: nothing stops a caller from making one
        return a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b);
    }

    @Override
    public String toString() {
        return module + "." + name;
    }
}
