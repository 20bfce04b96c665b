package dev.brine.py;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.ObjectArray;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's rule for dict keys and set items, applied before a value read from a file is hashed:
 * nothing mutable anywhere inside ({@code unhashable type: 'list'}), and a bounded shape, so that
 * hashing or comparing it neither overflows the Java stack (keys nested thousands deep) nor takes
 * exponential time (tuples whose halves are shared, 2^n leaves from 3n bytes).
 */
public final class Hashing {
    /** Tuples and frozensets nested deeper than this inside one key are refused. */
    public static final int MAX_KEY_DEPTH = 1_000;
    /** Keys whose tree (shared parts counted each time they occur) holds more values are refused. */
    public static final long MAX_KEY_SIZE = 100_000;

    private Hashing() {
    }

    /** Throws unless {@code key} may be a dict key or set item. Linear in the distinct values inside it. */
    public static void requireHashable(Object key) throws BrineException {
        // the common keys first, by exact class: checkLeaf's interface tests (List, Map, Set) scan
        // a String's list of interfaces, and until the JIT has profiled the call site that was 7%
        // of the time of a cold `brine convert` of 500,000 records (perf)
        if (key instanceof String || key instanceof Long || key instanceof Double || key instanceof Boolean) {
            return;
        }
        if (!(key instanceof Tuple) && !(key instanceof FrozenSet)) {
            checkLeaf(key, null);
            return;
        }
        IdentityHashMap<Object, long[]> done = new IdentityHashMap<>(); // node -> {tree size, height}
        IdentityHashMap<Object, Boolean> open = new IdentityHashMap<>();
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(key));
        open.put(key, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.items.hasNext()) {
                Object c = f.items.next();
                if (c instanceof Tuple || c instanceof FrozenSet) {
                    long[] known = done.get(c);
                    if (known != null) {
                        f.add(known[0], known[1]);
                    } else if (open.containsKey(c)) {
                        throw new BrineException("unhashable key: it contains itself");
                    } else {
                        if (stack.size() >= MAX_KEY_DEPTH) {
                            throw new BrineException("unhashable key: tuples nested more than " + MAX_KEY_DEPTH + " deep (nested too deeply to hash)");
                        }
                        stack.push(new Frame(c));
                        open.put(c, Boolean.TRUE);
                    }
                } else {
                    checkLeaf(c, key);
                    f.add(1, 0);
                }
                continue;
            }
            stack.pop();
            open.remove(f.node);
            if (f.size > MAX_KEY_SIZE) {
                throw new BrineException("unhashable key: it holds more than " + MAX_KEY_SIZE
                        + " values (counting shared parts each time)");
            }
            done.put(f.node, new long[] {f.size, f.height});
            if (!stack.isEmpty()) {
                stack.peek().add(f.size, f.height);
            }
        }
    }

    private static void checkLeaf(Object v, Object container) throws BrineException {
        // numpy arrays are mutable and unhashable in Python too; NDArray hashes only its first 64 elements,
        // so 3,000 arrays that differ after those took 15 s to load as dict keys (each insert compared them all)
        String type = v instanceof List ? "list" : v instanceof Map ? "dict" : v instanceof Set ? "set"
                : v instanceof ByteArray ? "bytearray"
                : v instanceof NDArray || v instanceof ObjectArray ? "numpy.ndarray" : null;
        if (type != null) {
            throw new BrineException("unhashable type: '" + type + "'"
                    + (container == null ? "" : " (inside a " + (container instanceof Tuple ? "tuple" : "frozenset") + ")"));
        }
    }

    private static final class Frame {
        final Object node;
        final Iterator<?> items;
        long size = 1;
        long height;

        Frame(Object node) {
            this.node = node;
            this.items = node instanceof Tuple ? ((Tuple) node).iterator() : ((FrozenSet) node).iterator();
        }

        void add(long childSize, long childHeight) {
            size = size + childSize < 0 ? Long.MAX_VALUE : size + childSize;
            height = Math.max(height, childHeight + 1);
        }
    }
}
