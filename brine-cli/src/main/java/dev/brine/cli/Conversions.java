package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.archive.SharedVariable;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.py.Tuple;
import dev.brine.torch.TorchCheckpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fitting what one format holds into another, saying out loud what does not fit. */
final class Conversions {
    /** The header entry a safetensors file keeps for its metadata: no tensor may have that name. */
    private static final String RESERVED = "__metadata__";

    private Conversions() {
    }

    /**
     * The array {@code v} is, or holds as a model archive's shared variable does (ls, extract and
     * {@code numpy.load} of the archive see that array); null for anything else.
     */
    static NDArray array(Object v) {
        if (v instanceof SharedVariable && ((SharedVariable) v).getValue() instanceof NDArray) {
            return (NDArray) ((SharedVariable) v).getValue();
        }
        return v instanceof NDArray ? (NDArray) v : null;
    }

    /** The one array an .npy file can hold. */
    static NDArray singleArray(List<Object> objects, Path in) throws BrineException {
        if (objects.size() == 1 && array(objects.get(0)) != null) {
            return array(objects.get(0));
        }
        if (objects.size() == 1 && objects.get(0) instanceof Map && ((Map<?, ?>) objects.get(0)).size() == 1
                && array(((Map<?, ?>) objects.get(0)).values().iterator().next()) != null) {
            return array(((Map<?, ?>) objects.get(0)).values().iterator().next());
        }
        throw new BrineException(in + ": an .npy file holds exactly one array, and this file holds " + whatInstead(objects));
    }

    /** What the objects are, for saying why they do not fit one .npy file. */
    private static String whatInstead(List<Object> objects) {
        if (objects.size() != 1) {
            return objects.size() + " objects";
        }
        if (objects.get(0) instanceof dev.brine.numpy.ObjectArray) {
            return "a numpy object array (its items are Python objects, kept in .npy only as a pickle, which"
                    + " Brine does not write there); convert it to a pickle";
        }
        if (!(objects.get(0) instanceof Map)) {
            return "an object that is not an array";
        }
        Map<?, ?> map = (Map<?, ?>) objects.get(0);
        List<String> arrays = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (array(e.getValue()) != null) {
                arrays.add(String.valueOf(e.getKey()));
            }
        }
        if (arrays.size() > 1) {
            // an .npz or a safetensors file with several arrays: say which, and where they would fit
            return arrays.size() + " arrays (" + String.join(", ", arrays.size() > 5 ? arrays.subList(0, 5) : arrays)
                    + (arrays.size() > 5 ? ", ..." : "") + "); convert to .npz, or extract one .npy per array";
        }
        if (map.isEmpty()) {
            return "no arrays";
        }
        return "a dict of " + map.size() + (map.size() == 1 ? " entry" : " entries") + " whose value is not one array";
    }

    /** The one object a single-object format (a torch checkpoint, an archive) holds; several become a list. */
    static Object single(List<Object> objects, Path in, PrintWriter err) {
        if (objects.size() == 1) {
            return objects.get(0);
        }
        ErrorReporter.warn(err, in + " holds " + objects.size() + " pickles; writing them as one list");
        return new ArrayList<>(objects);
    }

    /**
     * Says that a safetensors header's {@code __metadata__} is left out of an output {@code format} that
     * has no place for it: it is not a state-dict entry, so it never becomes one.
     */
    static void dropMetadata(Map<String, String> metadata, Path in, PrintWriter err, String format) {
        if (metadata != null && !metadata.isEmpty()) {
            ErrorReporter.warn(err, in + ": " + format + " has no place for the safetensors header's metadata;"
                    + " not converted: __metadata__ " + dev.brine.py.PythonRepr.repr(metadata));
        }
    }

    /**
     * {@code arrays} (by name; "" for a lone array), once each is known to be of a type NPY can hold: a Brine-only one (bfloat16, the
     * 8-bit floats, complex32: torch's types numpy lacks) is refused naming the array, before anything
     * is written, with the formats that can hold it.
     */
    static Map<String, NDArray> numpyHolds(Map<String, NDArray> arrays, Path in) throws BrineException {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            DType t = e.getValue().dtype();
            if (t.isBrineOnly()) {
                throw new BrineException(in + ": " + (e.getKey().isEmpty() ? "the array" : "array '" + e.getKey() + "'")
                        + " is " + t.name() + ", which numpy has no dtype for:"
                        + " .npy and .npz cannot hold it (.safetensors and .pt can; or convert the array to "
                        + t.exactNumpyType().name() + " in Java)");
            }
        }
        return arrays;
    }

    /**
     * The arrays of the objects, named for an .npz: a dict's nested keys joined with dots, a list's
     * items {@code arr_0, arr_1, ...} as {@code numpy.savez} names positional arrays; a shared variable
     * holding an array is that array, under its key. Everything that is
     * not an array is named in a warning, since .npz cannot hold it. Empty when the objects hold nothing
     * at all (an empty .npz, an empty dict): an empty output, as {@code numpy.savez()} writes one; refused
     * when everything they hold was dropped, rather than writing a file that keeps none of it.
     */
    static Map<String, NDArray> arrays(List<Object> objects, Path in, PrintWriter err, String format) throws BrineException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        Object root = objects.size() == 1 ? objects.get(0) : objects;
        if (array(root) != null) {
            out.put("arr_0", array(root));
        } else if (root instanceof Map) {
            flatten("", (Map<?, ?>) root, out, dropped, 0, in);
        } else if (root instanceof Collection || root instanceof Tuple) {
            int i = 0;
            for (Object item : root instanceof Tuple ? ((Tuple) root).asList() : (Collection<?>) root) {
                String key = "arr_" + i++;
                if (array(item) != null) {
                    out.put(key, array(item));
                } else {
                    dropped.add(key);
                }
            }
        } else {
            dropped.add("the whole object (" + (root == null ? "None" : root.getClass().getSimpleName()) + ")");
        }
        if (format.equals(".safetensors") && out.containsKey(RESERVED)) {
            // safetensors' own writer would put it in the header where only strings may be, and its
            // reader would then refuse the file; Brine's writer refuses the name
            out.remove(RESERVED);
            dropped.add(RESERVED + " (a name safetensors reserves for its header)");
        }
        if (!dropped.isEmpty()) {
            ErrorReporter.warn(err, in + ": " + format + " holds only arrays; not converted: " + String.join(", ",
                    dropped.size() > 20 ? dropped.subList(0, 20) : dropped) + (dropped.size() > 20 ? ", ..." : ""));
        }
        if (out.isEmpty() && !dropped.isEmpty()) {
            throw new BrineException(in + ": no arrays to write to " + format);
        }
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, NDArray> out, List<String> dropped, int depth,
                                Path in) throws BrineException {
        if (depth > 100) {
            throw new BrineException("dicts nested more than 100 deep cannot be flattened");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            // a key that is not a str is named by its repr (b'w', None, 1), bounded as an error message's: a small
            // key can repr to a megabyte; two keys whose bounded reprs meet are refused below as one name.
            // The names ls and extract give a checkpoint's tensors (TorchCheckpoint.namedTensors)
            String key = prefix + TorchCheckpoint.keyName(e.getKey());
            if (array(e.getValue()) != null) {
                if (out.putIfAbsent(key, array(e.getValue())) != null) {
                    // {'a.b': x, 'a': {'b': y}} or {1: x, '1': y}: one name for two arrays, and one would be lost
                    throw new BrineException(in + ": two arrays would both be named '" + key + "' (dotted keys of nested dicts,"
                            + " keys that are equal as text, or long keys whose abbreviated reprs meet); rename one,"
                            + " or convert to a pickle");
                }
            } else if (e.getValue() instanceof Map) {
                flatten(key + ".", (Map<?, ?>) e.getValue(), out, dropped, depth + 1, in);
            } else {
                dropped.add(key);
            }
        }
    }
}
