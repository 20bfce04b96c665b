package dev.brine.pickle;

import dev.brine.mapping.Deferred;
import dev.brine.numpy.ObjectArray;
import dev.brine.py.GenericObject;
import dev.brine.py.Tuple;
import dev.brine.py.TupleAccess;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stand-ins ({@link Deferred}) that the reader handed out before their BUILD, and where they went,
 * so that BUILD can put the finished value there too.
 *
 * <p>numpy makes an array before its state, so an object array's items may hold the array itself,
 * directly or through tuples, lists, dicts, other arrays or objects ({@code a[0] = (a,)}). Its pickle
 * then fetches the array from the memo (GET) while the array's state is still being read, and Brine,
 * whose arrays are immutable, has only the stand-in to give. From that GET on (and only then: a pickle
 * that never fetches a stand-in early pays nothing here) every container that takes the stand-in itself
 * is noted for it; when its BUILD comes, the finished value replaces it in each of those (each looked at
 * once, whatever the cycles), besides the stack and the memo that the reader itself replaces it in.
 *
 * <p>What cannot be patched is refused, never left holding a stand-in: a dict key or set item that
 * holds one (Python refuses an array there too: it is unhashable), and a value the caller's code made
 * (a registered class, a {@code setState}, a persistent loader) from values that reach one. One reader
 * uses one of these per pickle, while some stand-in is out.
 */
final class StandIns {
    /** Where a stand-in was first handed out. */
    private record HandOut(long offset, String opcode) {
    }

    private final IdentityHashMap<Object, HandOut> outstanding = new IdentityHashMap<>();
    // the lowest stack slot each outstanding stand-in's copies were pushed to: stack slots never move, so
    // BUILD looks for copies from there up, not through the whole stack (see Unpickler.finishStandIn)
    private final IdentityHashMap<Object, Integer> lowestSlot = new IdentityHashMap<>();
    // for each outstanding stand-in, the containers that took it into a slot replaceIn knows, each once: its
    // BUILD looks at these and nothing else. (Looking at every container filled since the hand-out was
    // quadratic for a chain of arrays that each hold themselves and a long list, and for many stand-ins out
    // while many lists were filled.)
    private final IdentityHashMap<Object, Set<Object>> holders = new IdentityHashMap<>();
    // tuples that hold an outstanding stand-in directly or through tuples: refused as keys (see holdsStandIn)
    private final IdentityHashMap<Tuple, Boolean> taintedTuples = new IdentityHashMap<>();
    private long slotsSeen; // how much the walks looked at, charged by the reader against maxBytesRatio

    /**
     * Notes that {@code standIn} left the top of the stack (a GET or a DUP) before its BUILD, its copy going
     * to stack slot {@code slot} or above.
     */
    void handOut(Object standIn, int slot, long offset, Opcode opcode) {
        outstanding.putIfAbsent(standIn, new HandOut(offset, opcode == null ? null : opcode.name()));
        lowestSlot.merge(standIn, slot, Math::min);
    }

    /** Whether no stand-in is out (the reader then drops this object). */
    boolean isEmpty() {
        return outstanding.isEmpty();
    }

    /**
     * Notes that {@code container} took {@code value} into a slot {@link #replaceIn} knows. BUILD patches only
     * slots that hold its stand-in itself (one inside a list inside {@code container} is that list's to patch),
     * so only a container that takes an outstanding stand-in is noted, for that stand-in.
     */
    void took(Object container, Object value) {
        if (outstanding.containsKey(value)) {
            hold(container, value);
        }
    }

    /** {@link #took} for each of {@code values[from]}, {@code values[from + step]}, ... below {@code to}. */
    void tookEach(Object container, Object[] values, int from, int to, int step) {
        for (int i = from; i < to; i += step) {
            took(container, values[i]);
        }
    }

    /** {@link #took} for a container made whole (LIST, DICT, a call's result): each slot {@link #replaceIn} knows. */
    void made(Object container) {
        if (container instanceof List) {
            tookAll(container, (List<?>) container);
        } else if (container instanceof Map) {
            tookAll(container, ((Map<?, ?>) container).values());
            if (container instanceof dev.brine.py.OrderedDict) {
                tookAll(container, ((dev.brine.py.OrderedDict<?, ?>) container).attributes().values());
            }
        } else if (container instanceof Tuple) {
            tookAll(container, (Tuple) container);
        } else if (container instanceof GenericObject) {
            GenericObject g = (GenericObject) container;
            tookAll(g, g.args());
            tookAll(g, g.kwargs().values());
            if (g.hasState()) {
                took(g, g.state());
            }
            tookAll(g, g.listItems());
            tookAll(g, g.dictItems().values());
        } else if (container instanceof ObjectArray) {
            tookAll(container, ((ObjectArray) container).items());
        }
    }

    private void tookAll(Object container, Iterable<?> values) {
        for (Object v : values) {
            slotsSeen++;
            took(container, v);
        }
    }

    private void hold(Object container, Object standIn) {
        // most stand-ins are taken by one or two containers: a small table each (it grows as needed)
        holders.computeIfAbsent(standIn, k -> Collections.newSetFromMap(new IdentityHashMap<>(2))).add(container);
    }

    /** Notes a tuple just built: noted for each stand-in it holds, tainted when it holds one through tuples too. */
    void tupleMade(Tuple t) {
        for (int i = 0; i < t.size(); i++) {
            Object item = t.get(i);
            if (outstanding.containsKey(item)) {
                hold(t, item);
                taintedTuples.put(t, Boolean.TRUE);
            } else if (item instanceof Tuple && taintedTuples.containsKey(item)) {
                taintedTuples.put(t, Boolean.TRUE);
            }
        }
        slotsSeen += t.size();
    }

    /** Whether {@code key} is an outstanding stand-in or a tuple holding one (no frozenset can: its items are keys). */
    boolean holdsStandIn(Object key) {
        return outstanding.containsKey(key) || (key instanceof Tuple && taintedTuples.containsKey(key));
    }

    /** Whether {@code v} is a stand-in handed out and not yet completed. */
    boolean isOut(Object v) {
        return outstanding.containsKey(v);
    }

    /** What handed the outstanding {@code standIn} out, for messages: "BINGET at offset 12". */
    String handedOutBy(Object standIn) {
        HandOut h = outstanding.get(standIn);
        return h == null ? "an opcode" : h.opcode + " at offset " + h.offset;
    }

    /** Slots looked at since the last call, and forgets them. */
    long takeSlotsSeen() {
        long s = slotsSeen;
        slotsSeen = 0;
        return s;
    }

    /**
     * Puts {@code done} wherever the outstanding {@code standIn} stands in a container that took it since it
     * was handed out; it is then no longer out. Returns the lowest stack slot its copies went to, or -1 when
     * it was not out (nothing to do).
     */
    int complete(Object standIn, Object done) {
        if (outstanding.remove(standIn) == null) {
            return -1;
        }
        int slot = lowestSlot.remove(standIn);
        Set<Object> held = holders.remove(standIn);
        if (held != null) {
            for (Object c : held) {
                replaceIn(c, standIn, done);
            }
            slotsSeen += held.size();
        }
        if (outstanding.isEmpty()) {
            holders.clear();
            taintedTuples.clear();
        }
        return slot;
    }

    /** Replaces in {@code c}'s own slots, and in the parts that only it holds (a generic object's, an array's items). */
    private void replaceIn(Object c, Object standIn, Object done) {
        if (c instanceof List) {
            replaceInList(c, standIn, done);
        } else if (c instanceof Map) {
            replaceInMap((Map<?, ?>) c, standIn, done);
            if (c instanceof dev.brine.py.OrderedDict) {
                replaceInMap(((dev.brine.py.OrderedDict<?, ?>) c).attributes(), standIn, done);
            }
        } else if (c instanceof Tuple) {
            TupleAccess.replace((Tuple) c, standIn, done);
            slotsSeen += ((Tuple) c).size();
        } else if (c instanceof GenericObject) {
            GenericObject g = (GenericObject) c;
            TupleAccess.replace(g.args(), standIn, done);
            replaceInMap(g.kwargs(), standIn, done);
            if (g.hasState() && g.state() == standIn) {
                g.setState(done);
            }
            replaceInList(g.listItems(), standIn, done);
            replaceInMap(g.dictItems(), standIn, done);
            slotsSeen += g.args().size() + 1;
        } else if (c instanceof ObjectArray) {
            replaceInList(((ObjectArray) c).items(), standIn, done);
        }
    }

    private void replaceInList(Object list, Object standIn, Object done) {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) list;
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) == standIn) {
                l.set(i, done);
            }
        }
        slotsSeen += l.size();
    }

    private void replaceInMap(Map<?, ?> map, Object standIn, Object done) {
        @SuppressWarnings("unchecked")
        Map<Object, Object> m = (Map<Object, Object>) map;
        for (Map.Entry<Object, Object> e : m.entrySet()) {
            if (e.getValue() == standIn) {
                e.setValue(done);
            }
        }
        slotsSeen += 2L * m.size();
    }

    /** Whether a value can be patched in place: a container whose slots {@link #replaceIn} knows. */
    static boolean isPatchable(Object v) {
        return v instanceof List || v instanceof Map || v instanceof Tuple || v instanceof GenericObject
                || v instanceof ObjectArray;
    }

    /** The outstanding stand-in that {@code value} is or holds where Brine can see (containers), or null. */
    Object reachedStandIn(Object value) {
        long[] seen = new long[1];
        Object found = firstDeferred(value, outstanding, seen);
        slotsSeen += seen[0];
        return found;
    }

    /**
     * The first {@link Deferred} inside {@code root} (itself included) that {@code wanted} holds, or any
     * Deferred when {@code wanted} is null; null if none. Iterative, each container visited once; adds
     * the slots it looked at to {@code seen[0]}.
     */
    static Object firstDeferred(Object root, Map<Object, ?> wanted, long[] seen) {
        IdentityHashMap<Object, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        if (root != null) {
            todo.push(root);
        }
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            seen[0]++;
            if (v instanceof Deferred && (wanted == null || wanted.containsKey(v))) {
                return v;
            }
            if (!isContainer(v) || visited.put(v, Boolean.TRUE) != null) {
                continue;
            }
            if (v instanceof Map) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    pushIfSet(todo, e.getKey());
                    pushIfSet(todo, e.getValue());
                }
                if (v instanceof dev.brine.py.OrderedDict) {
                    todo.push(((dev.brine.py.OrderedDict<?, ?>) v).attributes());
                }
            } else if (v instanceof Collection) {
                for (Object x : (Collection<?>) v) {
                    pushIfSet(todo, x);
                }
            } else if (v instanceof Tuple) {
                for (Object x : (Tuple) v) {
                    pushIfSet(todo, x);
                }
            } else if (v instanceof GenericObject) {
                GenericObject g = (GenericObject) v;
                pushIfSet(todo, g.callable());
                todo.push(g.args());
                todo.push(g.kwargs());
                if (g.hasState()) {
                    pushIfSet(todo, g.state());
                }
                todo.push(g.listItems());
                todo.push(g.dictItems());
            } else if (v instanceof ObjectArray) {
                todo.push(((ObjectArray) v).items());
            }
        }
        return null;
    }

    /**
     * {@code root} with every {@link Deferred} that is whole without its BUILD ({@link Deferred#unbuilt()}, a
     * numpy dtype) that never had one put in its place, itself or in the slots {@link #replaceIn} knows
     * (lists, dict values, tuples, generic objects, object arrays), one value per stand-in wherever it
     * stands: what Python holds at the end of such a pickle. A stand-in left in a dict key or set item stays
     * (the reader's final check refuses it). Iterative, each container visited once; adds the slots it
     * looked at to {@code seen[0]}.
     */
    static Object withUnbuiltMade(Object root, long[] seen) throws dev.brine.BrineException {
        IdentityHashMap<Object, Object> made = new IdentityHashMap<>();
        Object top = unbuiltOf(root, made);
        IdentityHashMap<Object, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        pushIfSet(todo, top);
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            seen[0]++;
            if (!isContainer(v) || visited.put(v, Boolean.TRUE) != null) {
                continue;
            }
            if (v instanceof List) {
                @SuppressWarnings("unchecked")
                List<Object> l = (List<Object>) v;
                for (int i = 0; i < l.size(); i++) {
                    Object x = unbuiltOf(l.get(i), made);
                    if (x != l.get(i)) {
                        l.set(i, x);
                    }
                    pushIfSet(todo, x);
                }
            } else if (v instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<Object, Object> m = (Map<Object, Object>) v;
                for (Map.Entry<Object, Object> e : m.entrySet()) {
                    Object x = unbuiltOf(e.getValue(), made);
                    if (x != e.getValue()) {
                        e.setValue(x);
                    }
                    pushIfSet(todo, e.getKey());
                    pushIfSet(todo, x);
                }
                if (v instanceof dev.brine.py.OrderedDict) {
                    todo.push(((dev.brine.py.OrderedDict<?, ?>) v).attributes());
                }
            } else if (v instanceof Tuple) {
                Tuple t = (Tuple) v;
                for (int i = 0; i < t.size(); i++) {
                    Object item = t.get(i);
                    Object x = unbuiltOf(item, made);
                    if (x != item) {
                        TupleAccess.replace(t, item, x);
                    }
                    pushIfSet(todo, x);
                }
            } else if (v instanceof Collection) {
                for (Object x : (Collection<?>) v) {
                    pushIfSet(todo, x);
                }
            } else if (v instanceof GenericObject) {
                GenericObject g = (GenericObject) v;
                todo.push(g.args());
                todo.push(g.kwargs());
                if (g.hasState()) {
                    Object x = unbuiltOf(g.state(), made);
                    if (x != g.state()) {
                        g.setState(x);
                    }
                    pushIfSet(todo, x);
                }
                todo.push(g.listItems());
                todo.push(g.dictItems());
            } else if (v instanceof ObjectArray) {
                todo.push(((ObjectArray) v).items());
            }
        }
        return top;
    }

    /** The value {@code v} stands for when it is a Deferred whole without its BUILD (one per stand-in), else {@code v}. */
    private static Object unbuiltOf(Object v, IdentityHashMap<Object, Object> made) throws dev.brine.BrineException {
        if (!(v instanceof Deferred)) {
            return v;
        }
        Object done = made.get(v);
        if (done == null) {
            done = ((Deferred) v).unbuilt();
            made.put(v, done == null ? v : done);
        }
        return done == null ? v : done;
    }

    private static void pushIfSet(ArrayDeque<Object> todo, Object x) {
        if (x != null) {
            todo.push(x);
        }
    }

    private static boolean isContainer(Object v) {
        return v instanceof Collection || v instanceof Map || v instanceof Tuple || v instanceof GenericObject
                || v instanceof ObjectArray;
    }
}
