package dev.brine.py;

/**
 * A persistent id read as itself: what a pickle's PERSID or BINPERSID opcode names (a database key, an array stored
 * beside the pickle) when the reader has no {@code persistent_load} of its own that knows what it stands for.
 * Reading with {@code UnpicklerOptions.builder().persistentLoader(PersistentId::new)} keeps every such reference
 * as one of these (the command line reads pickles so), and the Pickler writes one back as the same persistent id,
 * so a pickle that Python's {@code Pickler.persistent_id} wrote round-trips byte for byte. Nothing is looked up.
 *
 * <p>Two persistent ids are equal when their pids are equal flat values: a str, a number, a bool, None, bytes (by
 * content), or a tuple of those, the ids real pickles use ({@code 'ref:x'}, {@code ('db', 7)}). Any other pid (one
 * holding a list, a dict, an object, another persistent id) makes the id equal only to itself, as a generic object
 * is: CPython's {@code persistent_load} returns an object of the caller's that Python compares as that object, and
 * such a pid may hold a list that holds this id again (a 14-byte pickle CPython loads), nest thousands of ids, or
 * share its parts between ids, where a walk of the pid would not end, overflow the stack or take exponential time.
 *
 * @param pid the id as the pickle gives it (any value: CPython's pickler allows any picklable object)
 */
public record PersistentId(Object pid) {
    /**
     * As the command line shows it: {@code persistent_load('ref:x')}, the call that would resolve it, bounded as
     * {@link PythonRepr#brief} bounds a value (the pid is written in the same walk, so a pid that holds this id
     * again shows the inner reference as {@code [...]}, as Python's repr does).
     */
    @Override
    public String toString() {
        return PythonRepr.brief(this);
    }

    /** Equal pids when both are flat values (see the class comment), else the same id. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PersistentId)) {
            return false;
        }
        Object other = ((PersistentId) o).pid;
        return isFlat(pid) && isFlat(other) && flatEquals(pid, other);
    }

    @Override
    public int hashCode() {
        return isFlat(pid) ? flatHash(pid) : System.identityHashCode(this);
    }

    /** Whether {@code v} is a flat value, or a tuple of them: compared and hashed without a walk that could recurse. */
    private static boolean isFlat(Object v) {
        if (!(v instanceof Tuple)) {
            return isScalar(v);
        }
        for (Object item : (Tuple) v) {
            if (!isScalar(item)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isScalar(Object v) {
        return v == null || v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof byte[]
                || v instanceof Complex;
    }

    private static boolean flatEquals(Object a, Object b) {
        return a instanceof byte[] && b instanceof byte[] ? java.util.Arrays.equals((byte[]) a, (byte[]) b)
                : java.util.Objects.equals(a, b); // a tuple compares its flat items by their own equals, bytes by content
    }

    private static int flatHash(Object v) {
        return v instanceof byte[] ? java.util.Arrays.hashCode((byte[]) v) : java.util.Objects.hashCode(v);
    }
}
