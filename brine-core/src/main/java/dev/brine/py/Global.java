package dev.brine.py;

/**
 * A reference to a Python global (a class or function) by module and qualified name, as a
 * pickle names it. It is only a name: Brine never looks it up or runs it unless it is registered.
 * Python's {@code pickle.dumps(int)} reads back as {@code Global("builtins", "int")}.
 *
 * @param module the module, e.g. {@code "collections"}
 * @param name the qualified name inside the module, e.g. {@code "OrderedDict"}
 */
public record Global(String module, String name) {
    @Override
    public String toString() {
        return module + "." + name;
    }
}
