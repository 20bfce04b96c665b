package dev.brine.py;

/**
 * A persistent id read as itself: what a pickle's PERSID or BINPERSID opcode names (a database key, an array stored
 * beside the pickle) when the reader has no {@code persistent_load} of its own that knows what it stands for.
 * Reading with {@code UnpicklerOptions.builder().persistentLoader(PersistentId::new)} keeps every such reference
 * as one of these (the command line reads pickles so), and the Pickler writes one back as the same persistent id,
 * so a pickle that Python's {@code Pickler.persistent_id} wrote round-trips byte for byte. Nothing is looked up.
 *
 * @param pid the id as the pickle gives it (any value: CPython's pickler allows any picklable object)
 */
public record PersistentId(Object pid) {
    /** As the command line shows it: {@code persistent_load('ref:x')}, the call that would resolve it. */
    @Override
    public String toString() {
        return "persistent_load(" + PythonRepr.brief(pid) + ")";
    }
}
