package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.archive.SharedVariable;
import dev.brine.mapping.PickleState;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.ObjectArray;
import dev.brine.py.GenericObject;
import dev.brine.py.Tuple;
import dev.brine.torch.PickledModule;
import dev.brine.torch.SharedPaths;
import dev.brine.torch.TorchCheckpoint;
import dev.brine.torch.TorchParameter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one naming of the arrays a file's objects hold, shared by {@code ls}, {@code extract} and {@code convert}
 * (to .npz and .safetensors), so that a name one verb shows is the name the others use. Names are dotted paths, as a
 * torch {@code state_dict} names its tensors:
 * <ul>
 * <li>a dict's entry is its key ({@link TorchCheckpoint#keyName}: a str as it is, any other key as its repr), nested
 *     dicts joined with dots ({@code {'enc': {'w': a}}} is {@code enc.w});</li>
 * <li>a list's or tuple's item is its index ({@code {'layers': [a, b]}} is {@code layers.0}, {@code layers.1});</li>
 * <li>a Python object kept inert (a pickled model class) is its attributes: the keys of its state dict, as
 *     {@code state_dict} names a module's parameters ({@code Model()} with {@code self.W} is {@code W}); other state is
 *     under {@code state}, constructor arguments under {@code args} and {@code kwargs};</li>
 * <li>a pickled {@code torch.nn.Module} ({@code torch.save(model)}, in a checkpoint or a plain pickle) is what its
 *     {@code state_dict()} holds, under the same names: parameters and persistent buffers by name, submodules' under
 *     theirs ({@code 0.weight}, {@code fc.bias}); the tensors it holds outside its state_dict (non-persistent
 *     buffers, plain attributes) are named apart ({@link Found#outsideStateDict}), so that the names load back with
 *     {@code load_state_dict(strict=True)};</li>
 * <li>at the top ({@link Style#SAVEZ}), what is positional is named as {@code numpy.savez(*arrays)} names it: a lone
 *     array is {@code arr_0} (in either style; an array under the key {@code ''}, which numpy and safetensors allow,
 *     keeps its name {@code ''}), the items of a top-level list (or the pickles of a stream) {@code arr_0, arr_1, ...}.
 *     A torch checkpoint ({@link Style#TORCH}) keeps torch's names, as {@link TorchCheckpoint#namedTensors} gives
 *     them for dicts, lists and tuples: its list items are {@code 0, 1}; objects in it are named as above.</li>
 * </ul>
 * An array reached by two paths (tied weights) is named by both, as in a state dict, and so is a module reached by two
 * paths ({@code nn.ModuleList([block] * 3)}: {@code 0.weight}, {@code 1.weight}, ...), and any container: its arrays are
 * named under each path, within the bound of {@link SharedPaths} (so a hostile pickle that shares one list twice at
 * every level costs no more than that bound), and a cycle ends.
 * Two arrays can get one name ({@code {'a.b': x, 'a': {'b': y}}}, {@code {1: x, '1': y}}): listing shows both, and an
 * output keyed by name refuses them ({@link Conversions#arrays}). Names longer than {@link #MAX_NAME} end in
 * {@code ...} (writing out every level of a deep path was quadratic).
 */
final class ArrayNames {
    /** How top-level positions are named and how far the walk goes; see the class comment. */
    enum Style {
        /** Pickles, archives, .npz, .npy and safetensors files: positions at the top as numpy.savez names them. */
        SAVEZ,
        /** Torch checkpoints: torch's dotted names, a top-level list's items by index. */
        TORCH
    }

    /** An array (an {@link NDArray} or an {@link ObjectArray}) and its name. */
    record Named(String name, Object array) {
    }

    /**
     * What a walk found: the arrays by name, in the order met; the names of the values that are not arrays; the
     * names of the arrays a pickled {@code torch.nn.Module} holds outside its {@code state_dict} (a non-persistent
     * buffer, a tensor kept in a plain attribute), which are not among the arrays, as {@code state_dict} leaves them
     * out (an array that is also in a state_dict, such as an LSTM's {@code _flat_weights}, is not named there); and
     * whether containers reached again were left unnamed under their later paths, {@link SharedPaths}' bound being
     * spent.
     */
    record Found(List<Named> arrays, List<String> others, List<String> outsideStateDict, boolean repeatsCut) {
    }

    /** Marks, on the walk's stack, the end of a container's entries (see {@link SharedPaths}). */
    private static final Object CONTAINER_DONE = new Object();

    /**
     * The name of the one object at the top, which has no path: an array there is a lone array ({@code arr_0}),
     * told apart from an array under the key {@code ''} (numpy.savez(**{'': x}), a safetensors key ""), whose
     * path is empty too and which keeps its name.
     */
    private static final Object ROOT = new Object();

    /** The longest name written out; longer ones end in {@code ...}. */
    static final int MAX_NAME = 1000;

    private ArrayNames() {
    }

    /**
     * Every array the objects hold, named as the class comment says, and the names of the values that are not
     * arrays and hold none (a float, a string: what an output of arrays alone leaves out). Iterative: any depth.
     */
    static Found walk(List<Object> objects, Style style) {
        List<Named> arrays = new ArrayList<>();
        List<String> others = new ArrayList<>();
        List<Named> outside = new ArrayList<>();
        SharedPaths walks = new SharedPaths();
        Deque<Object[]> todo = new ArrayDeque<>(); // {name, value}, or {CONTAINER_DONE, container} below its entries
        if (objects.size() == 1) {
            Object root = objects.get(0);
            if (style == Style.SAVEZ && (root instanceof Collection || root instanceof Tuple)) {
                // numpy.savez(*items): the items of a top-level list are positional arrays
                List<Object[]> items = positional(items(root));
                walks.enter(root, items.size());
                todo.push(new Object[] {CONTAINER_DONE, root});
                pushAll(todo, items);
            } else {
                todo.push(new Object[] {ROOT, root}); // no path: a lone array is arr_0, a key '' is ''
            }
        } else {
            pushAll(todo, positional(objects));
        }
        while (!todo.isEmpty()) {
            Object[] next = todo.pop();
            if (next[0] == CONTAINER_DONE) {
                walks.done(next[1]);
                continue;
            }
            String name = next[0] == ROOT ? null : (String) next[0];
            Object v = next[1];
            boolean outsideModule = next.length > 2; // under a module, outside its state_dict
            Object array = arrayOf(v);
            if (array != null) {
                if (outsideModule) {
                    outside.add(new Named(name, array));
                } else {
                    arrays.add(new Named(name == null ? "arr_0" : name, array));
                }
                continue;
            }
            List<Object[]> children = children(name, v, style);
            if (children != null && children.isEmpty() && v instanceof GenericObject && name != null) {
                children = null; // an object with no arguments and no state (mylib.Marker()) is a value, dropped as one
            }
            if (children == null) {
                if (!outsideModule) { // a module's settings (in_features, training) are no state, as in state_dict
                    others.add(name == null ? "the whole object (" + (v == null ? "None" : v.getClass().getSimpleName())
                            + ")" : name.isEmpty() ? "''" : name);
                }
            } else if (walks.enter(v, children.size())) {
                todo.push(new Object[] {CONTAINER_DONE, v});
                pushAll(todo, outsideModule ? outsideOf(children) : children);
            }
        }
        return new Found(arrays, others, notListed(outside, arrays), walks.cut());
    }

    /** The names of the arrays outside a state_dict that are not also listed (the same object) under another name. */
    private static List<String> notListed(List<Named> outside, List<Named> listed) {
        Set<Object> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Named n : listed) {
            arrays.add(n.array());
        }
        List<String> names = new ArrayList<>();
        for (Named n : outside) {
            if (!arrays.contains(n.array())) {
                names.add(n.name());
            }
        }
        return names;
    }

    /** The array {@code v} is, or holds as a model archive's shared variable does; null for anything else. */
    private static Object arrayOf(Object v) {
        if (v instanceof SharedVariable && isArray(((SharedVariable) v).getValue())) {
            return ((SharedVariable) v).getValue();
        }
        if (v instanceof TorchParameter) { // read so only for a convert to a checkpoint, which writes it as one
            return ((TorchParameter) v).data();
        }
        return isArray(v) ? v : null;
    }

    /** True for a value that neither is nor can hold an array: None, a number, a string, bytes. */
    private static boolean plainValue(Object v) {
        return v == null || v instanceof Number || v instanceof CharSequence || v instanceof Boolean || v instanceof byte[];
    }

    private static boolean isArray(Object v) {
        return v instanceof NDArray || v instanceof ObjectArray;
    }

    /** The named values {@code v} holds, or null when it is a value that holds none (a number, a string, None). */
    private static List<Object[]> children(String name, Object v, Style style) {
        List<Object[]> out = new ArrayList<>();
        if (v instanceof Map) {
            entries(name, (Map<?, ?>) v, out);
        } else if (v instanceof Collection || v instanceof Tuple) {
            List<?> items = items(v);
            if (name != null && !items.isEmpty() && items.stream().allMatch(ArrayNames::plainValue)) {
                return null; // a list of numbers or strings (a loss history) is one value, not one per item
            }
            indexed(name, items, out);
        } else if (v instanceof SharedVariable) {
            // a variable that holds no array (a learning rate) is named by its key, not as a (name, value) state
            Object value = ((SharedVariable) v).getValue();
            return value == null || children(name, value, style) == null ? null : List.<Object[]>of(new Object[] {name, value});
        } else if (v instanceof PickleState) {
            // a registered Java class: its arrays are in the state it saves
            try {
                out.add(new Object[] {name, ((PickleState) v).getState()});
            } catch (BrineException e) {
                return null; // a class that cannot give its state has no arrays to list
            }
        } else if (v instanceof GenericObject) {
            generic(name, (GenericObject) v, out);
        } else {
            return null;
        }
        return out;
    }

    /** A pickled object's named values: a torch module's as its state_dict names them, any other's attributes. */
    private static void generic(String name, GenericObject g, List<Object[]> out) {
        PickledModule module = PickledModule.of(g);
        if (module != null) {
            module(name, module, out);
            return;
        }
        if (!g.args().asList().isEmpty()) {
            out.add(new Object[] {join(name, "args"), g.args()});
        }
        if (g.kwargs() != null && !g.kwargs().isEmpty()) {
            out.add(new Object[] {join(name, "kwargs"), g.kwargs()});
        }
        if (g.hasState()) {
            state(name, g.state(), out);
        }
        indexed(name, g.listItems(), out);
        entries(name, g.dictItems(), out);
    }

    /**
     * A module's tensors named as its {@code state_dict().keys()} name them ({@link PickledModule#stateDictEntries}),
     * each submodule's entries under the submodule's name ({@code 0.weight}, {@code fc.bias}). A non-persistent
     * buffer and everything else the module holds (its settings, a tensor in a plain attribute) is not in its
     * state_dict: walked apart, so that a tensor there is named as left out ({@link Found#outsideStateDict}) rather
     * than listed.
     */
    private static void module(String name, PickledModule module, List<Object[]> out) {
        for (Map.Entry<String, Object> e : module.stateDictEntries()) {
            out.add(new Object[] {join(name, e.getKey()), e.getValue()});
        }
        for (Map.Entry<String, Object> e : module.otherEntries()) {
            out.add(new Object[] {join(name, e.getKey()), e.getValue(), Boolean.TRUE});
        }
    }

    /** The entries, marked as being outside a module's state_dict (a third element). */
    private static List<Object[]> outsideOf(List<Object[]> entries) {
        List<Object[]> marked = new ArrayList<>(entries.size());
        for (Object[] e : entries) {
            marked.add(new Object[] {e[0], e[1], Boolean.TRUE});
        }
        return marked;
    }

    /**
     * An object's state as its attributes: a dict (what {@code __dict__} pickles as) by its keys, and the pair
     * {@code (dict, slots)} a class with {@code __slots__} pickles by the keys of both; anything else under
     * {@code state}.
     */
    private static void state(String name, Object state, List<Object[]> out) {
        if (state instanceof Map) {
            entries(name, (Map<?, ?>) state, out);
        } else if (state instanceof Tuple && ((Tuple) state).size() == 2
                && attributes(((Tuple) state).get(0)) && attributes(((Tuple) state).get(1))) {
            for (Object part : ((Tuple) state).asList()) {
                if (part != null) {
                    entries(name, (Map<?, ?>) part, out);
                }
            }
        } else if (state != null) {
            out.add(new Object[] {join(name, "state"), state});
        }
    }

    private static boolean attributes(Object part) {
        return part == null || part instanceof Map;
    }

    private static void entries(String name, Map<?, ?> map, List<Object[]> out) {
        if (map == null) {
            return;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.add(new Object[] {join(name, TorchCheckpoint.keyName(e.getKey())), e.getValue()});
        }
    }

    private static void indexed(String name, List<?> items, List<Object[]> out) {
        if (items == null) {
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            out.add(new Object[] {join(name, String.valueOf(i)), items.get(i)});
        }
    }

    private static List<Object[]> positional(List<?> items) {
        List<Object[]> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(new Object[] {"arr_" + i, items.get(i)});
        }
        return out;
    }

    private static List<?> items(Object v) {
        return v instanceof Tuple ? ((Tuple) v).asList() : new ArrayList<>((Collection<?>) v);
    }

    /**
     * {@code key} under {@code name}: at the top (null, no path) the key itself. A key {@code ''} under the top is
     * {@code ''}, as numpy and safetensors name it; below a key {@code ''} the names are as at the top, as
     * {@link TorchCheckpoint#namedTensors} joins them.
     */
    private static String join(String name, String key) {
        String joined = name == null || name.isEmpty() ? key : name + "." + key;
        return joined.length() <= MAX_NAME ? joined : joined.substring(0, MAX_NAME) + "...";
    }

    private static void pushAll(Deque<Object[]> todo, List<Object[]> children) {
        for (int i = children.size() - 1; i >= 0; i--) {
            todo.push(children.get(i));
        }
    }
}
