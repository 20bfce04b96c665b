package dev.brine.cli;

import dev.brine.numpy.ObjectArray;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Python names a value read with generic objects holds inert: the classes and functions Brine
 * does not model, which Python's unpickler would import and call. {@code verify} names them for
 * object arrays, whose pickles numpy runs on {@code allow_pickle=True}. Iterative, each object once.
 */
final class InertNames {
    private InertNames() {
    }

    /** The names reachable from {@code root}, sorted. */
    static Set<String> in(Object root) {
        Set<String> names = new TreeSet<>();
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            if (v == null || seen.put(v, Boolean.TRUE) != null) {
                continue;
            }
            if (v instanceof Global) {
                names.add(dev.brine.py.PythonRepr.name(v.toString())); // printed: no raw control characters
            } else if (v instanceof GenericObject) {
                GenericObject g = (GenericObject) v;
                push(todo, g.callable(), g.args(), g.kwargs(), g.hasState() ? g.state() : null, g.listItems(), g.dictItems());
            } else if (v instanceof ObjectArray) {
                push(todo, ((ObjectArray) v).items());
            } else if (v instanceof Map) {
                pushAll(todo, ((Map<?, ?>) v).keySet());
                pushAll(todo, ((Map<?, ?>) v).values());
            } else if (v instanceof Collection) {
                pushAll(todo, (Collection<?>) v);
            } else if (v instanceof Tuple) {
                pushAll(todo, ((Tuple) v).asList());
            }
        }
        return names;
    }

    /** Pushes what is there: None items are Java nulls, which a deque refuses. */
    private static void push(Deque<Object> todo, Object... values) {
        for (Object v : values) {
            if (v != null) {
                todo.push(v);
            }
        }
    }

    private static void pushAll(Deque<Object> todo, Collection<?> values) {
        for (Object v : values) {
            push(todo, v);
        }
    }
}
