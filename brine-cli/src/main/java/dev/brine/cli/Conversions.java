package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.archive.SharedVariable;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.py.Tuple;
import dev.brine.safetensors.SafeTensorsDType;
import dev.brine.torch.TorchCheckpoint;
import dev.brine.torch.TorchDType;
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

    /**
     * The lone numpy object array the objects are (a file holding one, or a dict of one such entry, as an
     * .npz of one member reads), or null: np.save writes it as a pickle after the header, and so does convert.
     */
    static dev.brine.numpy.ObjectArray singleObjectArray(List<Object> objects) {
        if (objects.size() != 1) {
            return null;
        }
        Object o = objects.get(0);
        if (o instanceof Map && ((Map<?, ?>) o).size() == 1) {
            o = ((Map<?, ?>) o).values().iterator().next();
        }
        return o instanceof dev.brine.numpy.ObjectArray ? (dev.brine.numpy.ObjectArray) o : null;
    }

    /**
     * What the objects are, for saying why they do not fit one .npy file: the arrays they hold named as {@code ls}
     * names them (dotted paths, keys that are not str by their repr), or that they hold none.
     */
    private static String whatInstead(List<Object> objects) {
        List<String> arrays = new ArrayList<>();
        for (ArrayNames.Named n : ArrayNames.walk(objects, ArrayNames.Style.SAVEZ).arrays()) {
            arrays.add(n.name());
        }
        if (arrays.size() > 1) {
            // an .npz or a safetensors file with several arrays: say which, and where they would fit
            return arrays.size() + " arrays (" + String.join(", ", arrays.size() > 5 ? arrays.subList(0, 5) : arrays)
                    + (arrays.size() > 5 ? ", ..." : "") + "); convert to .npz, or extract one .npy per array";
        }
        if (arrays.size() == 1) {
            return "one array, " + arrays.get(0) + ", among other values; extract it, or convert to .npz";
        }
        return objects.size() == 1 && !(objects.get(0) instanceof Map) ? "an object that is not an array" : "no arrays";
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
     * Refuses the first array the {@code target} format has no type for, before anything is written, naming it as
     * {@code ls} names it (every output and extract alike: the writers know only their own names for it, an
     * archive's member or none), with the outputs that can hold it.
     */
    static void typesFit(List<Loaded.Member> members, Formats target, Path in) throws BrineException {
        for (Loaded.Member m : members) {
            if (m.value() instanceof NDArray && !holds(target, m.dtype())) {
                throw cannotHold(in, m.name(), m.dtype(), target);
            }
        }
    }

    /**
     * The refusal of the array {@code name} of type {@code t}, which {@code target} cannot hold: "IN: array 'w' is
     * bfloat16, which numpy has no dtype for: .npy and .npz cannot hold it (.safetensors and .pt can; brine does not
     * cast arrays)".
     */
    static BrineException cannotHold(Path in, String name, DType t, Formats target) {
        boolean numpy = numpyFamily(target);
        List<String> can = new ArrayList<>();
        if (target != Formats.SAFETENSORS && holds(Formats.SAFETENSORS, t)) {
            can.add(".safetensors");
        }
        if (target != Formats.TORCH && holds(Formats.TORCH, t)) {
            can.add(".pt");
        }
        if (!numpy && holds(Formats.NPZ, t)) {
            can.addAll(List.of(".npz", ".npy", "pickles"));
        }
        String others = can.size() < 2 ? String.join("", can)
                : String.join(", ", can.subList(0, can.size() - 1)) + " and " + can.get(can.size() - 1);
        List<String> advice = new ArrayList<>();
        if (!can.isEmpty()) {
            advice.add(others + " can");
        }
        if (numpy) {
            advice.add("brine does not cast arrays"); // numpy users reach for astype: say it is theirs to do
        }
        String output = switch (target) {
            case NPY, NPZ -> ".npy and .npz";
            case PICKLE -> "a pickle";
            case ARCHIVE -> "a model archive";
            case TORCH -> "a .pt checkpoint";
            case SAFETENSORS -> "a .safetensors file";
        };
        return new BrineException(in + ": array '" + name + "' is " + t.name() + (t.isBrineOnly() ? "" : " (" + t.str() + ")")
                + ", which " + (numpy ? "numpy" : target == Formats.TORCH ? "torch" : "safetensors") + " has no dtype for: "
                + output + " cannot hold it" + (advice.isEmpty() ? "" : " (" + String.join("; ", advice) + ")"));
    }

    /** Whether {@code target} has a type for arrays of {@code t}. */
    private static boolean holds(Formats target, DType t) {
        return switch (target) {
            case TORCH -> TorchDType.forArrayType(t) != null;
            case SAFETENSORS -> SafeTensorsDType.forArrayType(t) != null;
            default -> !t.isBrineOnly(); // numpy's arrays: .npy, .npz, and the pickles of pickles and archives
        };
    }

    private static boolean numpyFamily(Formats target) {
        return target != Formats.TORCH && target != Formats.SAFETENSORS;
    }

    /**
     * The arrays of the objects under the names every verb gives them ({@link ArrayNames}: {@code enc.layers.0}, an
     * object's attribute {@code W}, a top-level list's {@code arr_0}), for an output keyed by name (.npz,
     * .safetensors): what {@code ls} lists is what is written. Every value that is not an array (numbers, strings,
     * and object arrays, which only {@link #members} for an .npz keeps) is named in a warning, since the output cannot hold it. Two arrays of one name are refused, as
     * one would be lost. Empty when the objects hold nothing at all (an empty .npz, an empty dict): an empty output,
     * as {@code numpy.savez()} writes one; refused when everything they hold was dropped, rather than writing a file
     * that keeps none of it.
     */
    static Map<String, NDArray> arrays(List<Object> objects, ArrayNames.Style style, Path in, PrintWriter err, String format)
            throws BrineException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : members(objects, style, in, err, format, false).entrySet()) {
            out.put(e.getKey(), (NDArray) e.getValue());
        }
        return out;
    }

    /**
     * {@link #arrays}, where {@code objectArrays} keeps numpy object arrays ({@link dev.brine.numpy.ObjectArray}) too,
     * as an .npz holds them ({@code numpy.savez} pickles them into their members).
     */
    static Map<String, Object> members(List<Object> objects, ArrayNames.Style style, Path in, PrintWriter err, String format,
            boolean objectArrays) throws BrineException {
        Map<String, Object> out = new LinkedHashMap<>();
        ArrayNames.Found found = ArrayNames.walk(objects, style);
        List<String> dropped = new ArrayList<>();
        for (ArrayNames.Named n : found.arrays()) {
            if (!(n.array() instanceof NDArray) && !objectArrays) {
                dropped.add(n.name()); // an object array: its items are Python objects
            } else if (out.putIfAbsent(n.name(), n.array()) != null) {
                // {'a.b': x, 'a': {'b': y}} or {1: x, '1': y}: one name for two arrays, and one would be lost
                throw new BrineException(in + ": two arrays would both be named '" + n.name() + "' (dotted keys of nested"
                        + " dicts, keys that are equal as text, or long keys whose abbreviated reprs meet); rename one,"
                        + " or convert to a pickle");
            }
        }
        dropped.addAll(found.others());
        if (!found.outsideStateDict().isEmpty()) {
            ErrorReporter.warn(err, in + ": " + Loaded.outsideStateDict(found.outsideStateDict()).replaceFirst("^not listed",
                    "not converted"));
        }
        if (found.repeatsCut()) {
            ErrorReporter.warn(err, in + ": " + Loaded.REPEATS_CUT);
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
}
