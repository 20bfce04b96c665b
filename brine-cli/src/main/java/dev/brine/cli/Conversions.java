package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.py.Tuple;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fitting what one format holds into another, saying out loud what does not fit. */
final class Conversions {
    private Conversions() {
    }

    /** The one array an .npy file can hold. */
    static NDArray singleArray(List<Object> objects, Path in) throws BrineException {
        if (objects.size() == 1 && objects.get(0) instanceof NDArray) {
            return (NDArray) objects.get(0);
        }
        if (objects.size() == 1 && objects.get(0) instanceof Map && ((Map<?, ?>) objects.get(0)).size() == 1
                && ((Map<?, ?>) objects.get(0)).values().iterator().next() instanceof NDArray) {
            return (NDArray) ((Map<?, ?>) objects.get(0)).values().iterator().next();
        }
        throw new BrineException(in + ": an .npy file holds exactly one array, and this file holds "
                + (objects.size() == 1 ? "an object that is not an array" : objects.size() + " objects"));
    }

    /** The one object a single-object format (a torch checkpoint, an archive) holds; several become a list. */
    static Object single(List<Object> objects, Path in, PrintWriter err) {
        if (objects.size() == 1) {
            return objects.get(0);
        }
        err.println("brine: warning: " + in + " holds " + objects.size() + " pickles; writing them as one list");
        return new ArrayList<>(objects);
    }

    /** A safetensors file's {@code __metadata__} when the input (a safetensors file) had one. */
    @SuppressWarnings("unchecked")
    static Map<String, String> metadata(List<Object> objects) {
        if (objects.size() == 1 && objects.get(0) instanceof Map && ((Map<?, ?>) objects.get(0)).get("__metadata__") instanceof Map) {
            Map<String, String> meta = new LinkedHashMap<>();
            ((Map<Object, Object>) ((Map<?, ?>) objects.get(0)).get("__metadata__")).forEach((k, v) -> {
                if (k instanceof String && v instanceof String) {
                    meta.put((String) k, (String) v);
                }
            });
            return meta;
        }
        return Map.of();
    }

    /**
     * The arrays of the objects, named for an .npz: a dict's nested keys joined with dots, a list's
     * items {@code arr_0, arr_1, ...} as {@code numpy.savez} names positional arrays. Everything that is
     * not an array is named in a warning, since .npz cannot hold it.
     */
    static Map<String, NDArray> arrays(List<Object> objects, Path in, PrintWriter err, String format) throws BrineException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        Object root = objects.size() == 1 ? objects.get(0) : objects;
        if (root instanceof NDArray) {
            out.put("arr_0", (NDArray) root);
        } else if (root instanceof Map) {
            flatten("", (Map<?, ?>) root, out, dropped, 0);
        } else if (root instanceof Collection || root instanceof Tuple) {
            int i = 0;
            for (Object item : root instanceof Tuple ? ((Tuple) root).asList() : (Collection<?>) root) {
                String key = "arr_" + i++;
                if (item instanceof NDArray) {
                    out.put(key, (NDArray) item);
                } else {
                    dropped.add(key);
                }
            }
        } else {
            dropped.add("the whole object (" + root.getClass().getSimpleName() + ")");
        }
        if (!dropped.isEmpty()) {
            err.println("brine: warning: " + in + ": " + format + " holds only arrays; not converted: " + String.join(", ",
                    dropped.size() > 20 ? dropped.subList(0, 20) : dropped) + (dropped.size() > 20 ? ", ..." : ""));
        }
        if (out.isEmpty()) {
            throw new BrineException(in + ": no arrays to write to " + format);
        }
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, NDArray> out, List<String> dropped, int depth)
            throws BrineException {
        if (depth > 100) {
            throw new BrineException("dicts nested more than 100 deep cannot be flattened");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (depth == 0 && "__metadata__".equals(e.getKey())) {
                continue; // a safetensors header's metadata, carried separately
            }
            String key = prefix + e.getKey();
            if (e.getValue() instanceof NDArray) {
                out.put(key, (NDArray) e.getValue());
            } else if (e.getValue() instanceof Map) {
                flatten(key + ".", (Map<?, ?>) e.getValue(), out, dropped, depth + 1);
            } else {
                dropped.add(key);
            }
        }
    }
}
