package dev.brine.py;

import dev.brine.BrineException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's rule for dict keys and set items, applied before a value read from a file is hashed as
 * one: nothing mutable anywhere inside ({@code unhashable type: 'list'}), and a bounded shape, so that
 * the tables holding keys neither overflow the Java stack (keys nested thousands deep, inside
 * frozensets too) nor take exponential time (tuples whose halves are shared, 2^n leaves from 3n bytes).
 * Values that are not keys are not bounded here: a tuple nested deeper hashes and compares without
 * recursing per level ({@link Tuple#equals}).
 */
public final class Hashing {
    /** Tuples and frozensets nested deeper than this inside one key are refused. */
    public static final int MAX_KEY_DEPTH = 1_000;
    /** Keys whose tree (shared parts counted each time they occur) holds more values are refused. */
    public static final long MAX_KEY_SIZE = 100_000;

    private Hashing() {
    }

    /**
     * Throws unless {@code key} may be a dict key or set item. Linear in the distinct values inside it
     * the first time; a tuple or frozenset remembers that it passed (with its size and height, which
     * an enclosing key adds up), so a big key shared by many keys is walked once: 3,000 dict keys
     * {@code (t, i)} sharing one 60,000-item tuple {@code t} (a 200 KB pickle) took 8.7 s to load when
     * each insert walked {@code t} again.
     */
    public static void requireHashable(Object key) throws BrineException {
        // the common keys first, by exact class: checkLeaf's interface tests (List, Map, Set) scan
        // a String's list of interfaces, and until the JIT has profiled the call site that was 7%
        // of the time of a cold `brine convert` of 500,000 records (perf). The rest is a method of
        // its own so that this test stays small enough for the JIT to inline into the unpickler's
        // SETITEMS (at 455 bytes the whole method was "hot method too big", a call per dict key):
        // records_2m loads 439.8 -> 412.7 ms (AbCompare, best of 16)
        if (!(key instanceof String || key instanceof Long || key instanceof Double || key instanceof Boolean)) {
            requireHashableSlow(key);
        }
    }

    private static void requireHashableSlow(Object key) throws BrineException {
        if (!(key instanceof Tuple) && !(key instanceof FrozenSet)) {
            checkLeaf(key, null);
            return;
        }
        if (shapeOf(key) != 0) {
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
                    int shape = shapeOf(c);
                    long[] known = shape != 0 ? new long[] {shape >>> HEIGHT_BITS, shape & HEIGHT_MASK} : done.get(c);
                    if (known != null) {
                        f.add(known[0], known[1]);
                    } else if (open.containsKey(c)) {
                        throw new BrineException("unhashable key: it contains itself");
                    } else {
                        if (stack.size() >= MAX_KEY_DEPTH) {
                            throw tooDeep();
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
            // the height too, not only the walk's depth: parts verified earlier are not walked again
            // (see remember), so a key built on them one level at a time never makes the walk deep
            if (f.height > MAX_KEY_DEPTH) {
                throw tooDeep();
            }
            if (f.size > MAX_KEY_SIZE) {
                throw new BrineException("unhashable key: it holds more than " + MAX_KEY_SIZE
                        + " values (counting shared parts each time)");
            }
            done.put(f.node, new long[] {f.size, f.height});
            remember(f.node, (int) (f.size << HEIGHT_BITS | f.height)); // size >= 1, so never 0
            if (!stack.isEmpty()) {
                stack.peek().add(f.size, f.height);
            }
        }
    }

    // a verified key's shape packed into an int: its size (at most MAX_KEY_SIZE, under 2^17) above its
    // height (at most MAX_KEY_DEPTH, under 2^10)
    private static final int HEIGHT_BITS = 10;
    private static final int HEIGHT_MASK = (1 << HEIGHT_BITS) - 1;

    static {
        assert MAX_KEY_DEPTH <= HEIGHT_MASK && (MAX_KEY_SIZE << HEIGHT_BITS) <= Integer.MAX_VALUE;
    }

    private static BrineException tooDeep() {
        return new BrineException("unhashable key: tuples or frozensets nested more than " + MAX_KEY_DEPTH + " deep (nested too deeply to hash)");
    }

    private static int shapeOf(Object node) {
        return node instanceof Tuple ? ((Tuple) node).hashableShape() : ((FrozenSet) node).hashableShape();
    }

    private static void remember(Object node, int shape) {
        if (node instanceof Tuple) {
            ((Tuple) node).hashableShape(shape);
        } else {
            ((FrozenSet) node).hashableShape(shape);
        }
    }

    private static void checkLeaf(Object v, Object container) throws BrineException {
        // numpy arrays (Unhashable) are mutable and unhashable in Python too; NDArray hashes only its first 64 elements,
        // so 3,000 arrays that differ after those took 15 s to load as dict keys (each insert compared them all)
        String type = v instanceof List ? "list" : v instanceof Map ? "dict" : v instanceof Set ? "set"
                : v instanceof ByteArray ? "bytearray"
                : v instanceof Unhashable ? ((Unhashable) v).pythonTypeName() : null;
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
