package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.mapping.PickleState;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.InertGlobals;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Python names a value read with generic objects holds inert: the classes and functions Brine
 * does not model, which Python's unpickler would import and call (everything the CLI's registry
 * resolves — Python's builtin types, numpy's arrays, dtypes and scalars, torch's tensors, Brine's shared
 * variables — is data, and is not named). Every verb that reads a pickle warns of them with
 * {@link #warning}: a plain pickle, an archive's or a checkpoint's pickle, an object array's.
 * Iterative, each object once. The walk says where each name is; a name that the reading met
 * ({@link dev.brine.pickle.Unpickler#inertGlobals}) and the walk cannot find is in what Brine dropped
 * (a tensor's Python state, a value the pickle popped), and is named as such.
 */
final class InertNames {
    /** The most names a warning lists; the rest are counted. */
    private static final int LISTED = 10;
    /** The longest path a warning writes out; longer ones end in {@code ...}. */
    private static final int MAX_PATH = 200;

    private InertNames() {
    }

    /**
     * A value met on the walk, and how it was reached: {@code step} is text ({@code ".args"}), an index
     * ({@code [0]}) or a dict key ({@code ['cmd']}, and {@code ['cmd'].key} for the key itself), written out only
     * for the path of a name found, since the walk meets every object of a file that may hold millions.
     */
    private record Node(Object value, Node parent, Object step, boolean key) {
        String path() {
            List<Node> nodes = new ArrayList<>();
            for (Node n = this; n != null; n = n.parent) {
                nodes.add(n);
            }
            StringBuilder out = new StringBuilder();
            for (int i = nodes.size() - 1; i >= 0 && out.length() <= MAX_PATH; i--) {
                Node n = nodes.get(i);
                if (n.step instanceof String) {
                    out.append((String) n.step);
                } else if (n.step instanceof Integer) {
                    out.append('[').append(n.step).append(']');
                } else {
                    out.append('[').append(PythonRepr.brief(((Object[]) n.step)[0])).append(']').append(n.key ? ".key" : "");
                }
            }
            return out.length() <= MAX_PATH ? out.toString() : out.substring(0, MAX_PATH) + "...";
        }
    }

    /** Whether {@code v} is a name, or may hold one: leaves (numbers, strings, arrays of numbers) are not walked. */
    private static boolean mayHoldNames(Object v) {
        return v instanceof Global || v instanceof GenericObject || v instanceof ObjectArray || v instanceof Map
                || v instanceof Collection || v instanceof Tuple || v instanceof PickleState || v instanceof NDArray
                || v instanceof DType;
    }

    /**
     * The names reachable from {@code root}, sorted, each with where it was first met: a path like
     * {@code ['cmd'].args[0]} ({@code ""} for the root), as ls names the arrays of a pickle.
     */
    static Map<String, String> in(Object root) {
        return in(root, new HashSet<>());
    }

    /**
     * {@link #in(Object)}, adding to {@code called} each name the pickle calls (a generic object's callable or state
     * setter: what pickle.load would run); the others are only referenced, which pickle.load imports and looks up
     * without calling ({@code len}, {@code os.path.join} as values).
     */
    static Map<String, String> in(Object root, Set<String> called) {
        Map<String, String> names = new TreeMap<>();
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        Deque<Node> todo = new ArrayDeque<>();
        List<Node> children = new ArrayList<>();
        todo.push(new Node(root, null, "", false));
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            Object v = node.value();
            if (!mayHoldNames(v) || seen.put(v, Boolean.TRUE) != null) {
                continue;
            }
            children.clear();
            if (v instanceof Global) {
                Global g = (Global) v;
                // a name the registry resolves is data kept inert only in some uses (Decimal('NaN'), a numpy scalar of a
                // record with objects, builtins.int called): Python's own objects, which run nothing
                if (Loaded.VIEWING.registry().resolve(g.module(), g.name()) == null) {
                    names.computeIfAbsent(PythonRepr.name(g.toString()), k -> node.path()); // printed: no raw control characters
                }
            } else if (v instanceof GenericObject) {
                GenericObject g = (GenericObject) v;
                markCalled(g.callable(), called);
                markCalled(g.stateSetter(), called);
                add(children, g.callable(), node, ""); // the call itself is where its name is met
                add(children, g.args(), node, ".args");
                add(children, g.kwargs(), node, ".kwargs");
                add(children, g.hasState() ? g.state() : null, node, ".state");
                add(children, g.stateSetter(), node, ""); // called with the state: run too
                add(children, g.listItems(), node, ".items");
                add(children, g.dictItems(), node, ".entries");
            } else if (v instanceof ObjectArray) {
                add(children, ((ObjectArray) v).dtype(), node, ".dtype");
                indexed(((ObjectArray) v).items(), node, children);
            } else if (v instanceof NDArray) {
                add(children, ((NDArray) v).dtype(), node, ".dtype");
            } else if (v instanceof DType) {
                // np.dtype(..., metadata={...}) keeps any object, which pickle.load rebuilds (and runs) with the array
                DType d = (DType) v;
                add(children, d.metadata(), node, ".metadata");
                for (DType.Field f : d.fields()) {
                    add(children, f.type(), node, ".fields[" + PythonRepr.brief(f.name()) + "]");
                }
                add(children, d.subarrayBase(), node, ".base");
            } else if (v instanceof Map) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    if (mayHoldNames(e.getKey())) {
                        children.add(new Node(e.getKey(), node, new Object[] {e.getKey()}, true));
                    }
                    if (mayHoldNames(e.getValue())) {
                        children.add(new Node(e.getValue(), node, new Object[] {e.getKey()}, false));
                    }
                }
            } else if (v instanceof Collection) {
                indexed((Collection<?>) v, node, children);
            } else if (v instanceof Tuple) {
                indexed(((Tuple) v).asList(), node, children);
            } else {
                // a registered class (a shared variable): what it holds came from the same pickle
                try {
                    add(children, ((PickleState) v).getState(), node, "");
                } catch (BrineException e) {
                    // a class that cannot give its state holds nothing to name
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) { // in order: the first place met is the first in the file
                todo.push(children.get(i));
            }
        }
        return names;
    }

    private static void markCalled(Object callable, Set<String> called) {
        if (callable instanceof Global) {
            called.add(PythonRepr.name(callable.toString())); // as the names are printed
        }
    }

    private static void add(List<Node> children, Object value, Node parent, String step) {
        if (mayHoldNames(value)) {
            children.add(new Node(value, parent, step, false));
        }
    }

    private static void indexed(Collection<?> items, Node parent, List<Node> children) {
        int i = 0;
        for (Object item : items) {
            if (mayHoldNames(item)) {
                children.add(new Node(item, parent, i, false));
            }
            i++;
        }
    }

    /**
     * The warning for {@code names} found in a pickle ({@link #in}) and the names its reading {@code met}, or null
     * when there are none: {@code what} ("its pickle", "member o: its pickle") names them, each with where it is,
     * and says that Brine kept them inert and that the loader of {@code format} ("pickle.load") would import and run
     * them. A name met that the walk did not find is in a part of the file Brine drops (a tensor's Python state, a
     * value the pickle pops): it is named too, as such, after the others, so nothing Python would run goes unnamed.
     * {@code met} is null where reading gave no names (an object array's pickle: its items are all kept).
     */
    static String warning(String what, Map<String, String> names, InertGlobals met, Formats format) {
        return warning(what, names, names.keySet(), met, format);
    }

    /**
     * {@link #warning(String, Map, InertGlobals, Formats)}, where only the names in {@code called} are called by the
     * pickle ({@link #in(Object, Set)}); the others are references, which the loader only imports and looks up, and
     * the warning says so of them (a name met only in what Brine drops counts as called: nothing shows otherwise).
     */
    static String warning(String what, Map<String, String> names, Set<String> called, InertGlobals met, Formats format) {
        List<String> dropped = met == null ? List.of() : dropped(names, met);
        if (names.isEmpty() && dropped.isEmpty()) {
            return null;
        }
        long references = names.keySet().stream().filter(n -> !called.contains(n)).count();
        boolean onlyReferences = references == names.size() && dropped.isEmpty();
        List<String> all = new ArrayList<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            // when some are called and some not, each reference says so where it is named
            String mark = onlyReferences || called.contains(e.getKey()) ? "" : REFERENCE;
            String where = e.getValue().isEmpty() ? "" : "at " + e.getValue();
            String both = where.isEmpty() || mark.isEmpty() ? where + mark : where + ", " + mark;
            all.add(e.getKey() + (both.isEmpty() ? "" : " (" + both + ")"));
        }
        for (String name : dropped) {
            all.add(name + " " + DROPPED);
        }
        List<String> listed = new ArrayList<>(all.subList(0, Math.min(all.size(), LISTED)));
        if (all.size() > LISTED) {
            // more names met than InertGlobals keeps: there are others, uncounted (and so always past LISTED)
            listed.add("and " + (met != null && met.more() ? "over " : "") + (all.size() - LISTED) + " more");
        }
        String loads = onlyReferences
                ? " would import " + (all.size() == 1 ? "it (a reference: looked up, not called)"
                        : "them (references: looked up, not called)")
                : references > 0 ? " would import them, and run those not marked " + REFERENCE
                : " would import and run " + (all.size() == 1 ? "it" : "them");
        return what + " names " + String.join(", ", listed) + ", kept inert here; " + loader(format) + loads
                + (dropped.isEmpty() ? "" : " (" + dropsWhat(format) + ")");
    }

    /** How a name the pickle only refers to (never calls) is marked in a warning that also names called ones. */
    static final String REFERENCE = "only looked up";

    /** How a name met only in what Brine drops is marked in a warning, where the others say where they are. */
    static final String DROPPED = "(in a part Brine drops)";

    /** What Brine drops while reading a file of {@code format}, where a name may be met and not kept. */
    private static String dropsWhat(Formats format) {
        return format == Formats.TORCH
                ? "the parts Brine drops: a tensor's Python attributes, subclass and hooks, a legacy file's header"
                        + " pickles, values the pickle discards"
                : "the parts Brine drops: values the pickle discards";
    }

    /**
     * The names {@code met} while reading that the walk ({@code names}) did not find, in the order met, as the walk
     * prints them. Below protocol 4 CPython names a nested class {@code getattr(Outer, 'Inner')}, read as the one
     * name {@code Outer.Inner}: {@code Outer} counts as found when a name nested in it is, and the builtin
     * {@code getattr} is never named (what it reaches is, and it runs nothing of the file's own).
     */
    private static final Global GETATTR = new Global("builtins", "getattr");

    private static List<String> dropped(Map<String, String> names, InertGlobals met) {
        NavigableMap<String, String> found = names instanceof NavigableMap ? (NavigableMap<String, String>) names
                : new TreeMap<>(names);
        List<String> out = new ArrayList<>();
        for (Global g : met.names()) {
            if (Loaded.VIEWING.registry().resolve(g.module(), g.name()) != null || g.equals(GETATTR)) {
                continue; // as the walk: Python's own objects, which run nothing
            }
            String name = PythonRepr.name(g.toString());
            String nested = found.ceilingKey(name + ".");
            if (!found.containsKey(name) && (nested == null || !nested.startsWith(name + "."))) {
                out.add(name);
            }
        }
        return out;
    }

    /** How Python loads the pickle of a file of {@code format}, running what it names (for {@link #warning}). */
    static String loader(Formats format) {
        return switch (format) {
            case NPY, NPZ -> "np.load(..., allow_pickle=True)";
            case ARCHIVE -> "unpickling its member pkl (brine.load, pkl_utils.load, pickle.load)";
            case TORCH -> "torch.load(..., weights_only=False)";
            default -> "pickle.load";
        };
    }

    /**
     * The warnings for what a file holds, as a verb read it: one per object array of an .npy or .npz (each is a
     * pickle of its own), else one for the file's pickle (its several pickles as a list: {@code [1]['cmd']}).
     */
    static List<String> warnings(Formats format, List<Object> objects, String npyName, InertGlobals met) {
        List<String> out = new ArrayList<>();
        if (format == Formats.NPY || format == Formats.NPZ) {
            Map<?, ?> members = format == Formats.NPY ? Map.of(npyName, objects.get(0)) : (Map<?, ?>) objects.get(0);
            for (Map.Entry<?, ?> m : members.entrySet()) {
                Set<String> called = new HashSet<>();
                String w = m.getValue() instanceof ObjectArray
                        ? warning("member " + m.getKey() + ": its pickle", in(m.getValue(), called), called, null, format) : null;
                if (w != null) {
                    out.add(w);
                }
            }
        } else if (format != Formats.SAFETENSORS) {
            Set<String> called = new HashSet<>();
            String w = warning("its pickle", in(objects.size() == 1 ? objects.get(0) : objects, called), called, met, format);
            if (w != null) {
                out.add(w);
            }
        }
        return out;
    }
}
