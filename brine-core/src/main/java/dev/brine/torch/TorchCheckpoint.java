package dev.brine.torch;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.InertGlobals;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * PyTorch's {@code torch.save} and {@code torch.load(weights_only=True)} on the JVM, without
 * Python: checkpoints hold state dicts and other nested containers of tensors and plain values.
 *
 * <pre>{@code
 * Object checkpoint = TorchCheckpoint.load(Path.of("model.pt"));   // e.g. an OrderedDict
 * Map<?, ?> state = (Map<?, ?>) checkpoint;
 * NDArray weight = (NDArray) state.get("fc.weight");
 * TorchCheckpoint.save(state, Path.of("copy.pt"));                  // torch.load reads it back
 * }</pre>
 *
 * <h2>Reading</h2>
 * Both the ZIP format (PyTorch 1.6 and later) and the older pickle-sequence format
 * ({@code _use_new_zipfile_serialization=False}) are read. Tensors become {@link NDArray}s of
 * their dtype: views sharing the storage's bytes when the layout is C or Fortran contiguous
 * (tensors viewing one storage then share it, as in torch), C-order copies when it is strided
 * otherwise (a column slice, a broadcast). A conjugate or negative view ({@code x.conj()},
 * {@code x.conj().imag}, saved as its stored values with {@code {'conj': True}} or {@code {'neg': True}})
 * reads as its values, in storage of its own, as {@code resolve_conj()}/{@code resolve_neg()} give them.
 * {@code nn.Parameter}s read as their data, or as {@link TorchParameter}s, which save back as Parameters, with
 * {@link TorchOptions.Builder#keepParameters(boolean)}. A storage
 * reached directly reads as a {@link TorchStorage}; dtypes as {@link TorchDType}, {@code torch.device}
 * as {@link TorchDevice}, {@code torch.Size} as {@link TorchSize},
 * {@code OrderedDict} as {@link dev.brine.py.OrderedDict} (with its {@code _metadata} attribute).
 * Only the globals {@code torch.load(weights_only=True)} allows are resolved; see
 * {@link TorchOptions}. Nothing named in a file is ever executed.
 *
 * <h2>Writing</h2>
 * Files saved with {@link TorchOptions#DEFAULT} load with {@code torch.load(path, weights_only=True)},
 * torch's default. {@link NDArray}s of bool, int8–64,
 * uint8–64, float16/32/64, bfloat16, the 8-bit floats (float8_e4m3fn, float8_e5m2, their fnuz
 * variants, float8_e8m0fnu) and complex32/64/128 become tensors; everything else pickles as
 * Python values (Map, List, Tuple, String, Long, Double, ...; {@link TorchDevice} and {@link TorchSize}
 * as torch pickles them). A save refuses, with a {@link dev.brine.pickle.PicklingException} naming the
 * value's class, its dotted path and the global, any value that pickles under a global its options do
 * not load: with the default that is what {@code weights_only=True} refuses, a {@code LocalDate},
 * {@code LocalDateTime}, {@code OffsetDateTime}, {@code LocalTime}, {@code OffsetTime}, {@code Duration},
 * {@code ZoneOffset}, {@code BigDecimal}, {@link dev.brine.py.FrozenSet}, an empty {@code byte[]}
 * ({@code bytes()}), numpy scalars and dtypes, inert objects. Options whose registry reads them write
 * them ({@code ClassRegistry.builtins()} for the builtin values, {@code NumpyPickles.standardRegistry()}
 * with numpy's too, {@code genericObjects(true)} for anything); torch then loads such a file only with
 * {@code weights_only=False} or with those globals in {@code torch.serialization.safe_globals}.
 * Arrays sharing bytes are written as views of one storage. Java classes of one's own are written
 * through the registry of {@link #save(Object, Path, TorchOptions)}, the options that load them back.
 */
public final class TorchCheckpoint {
    private TorchCheckpoint() {
    }

    /** Loads the checkpoint at {@code path} as {@code torch.load(path, weights_only=True)} would. */
    public static Object load(Path path) throws IOException {
        return load(path, TorchOptions.DEFAULT);
    }

    /**
     * Loads the checkpoint at {@code path} with {@code options}.
     *
     * @throws BrineException naming the file, member and offset when the file is malformed, a
     *     global is not allowed, or a limit is hit
     */
    public static Object load(Path path, TorchOptions options) throws IOException {
        return CheckpointReader.load(path, options).value();
    }

    /**
     * What {@link #load(Path, TorchOptions)} read, with the globals its pickles named that were kept inert.
     *
     * @param value the checkpoint, as {@link #load(Path, TorchOptions)} returns it
     * @param inertGlobals with {@link TorchOptions#genericObjects()}, every global the file's pickles named that
     *     the registry does not resolve ({@link dev.brine.pickle.Unpickler#inertGlobals()}), which
     *     {@code torch.load(weights_only=False)} would import and run; also those in what the reader drops (a
     *     tensor's Python attributes, its subclass, its backward hooks, a legacy file's header pickles), which
     *     no walk of {@code value} finds. Empty without generic objects: any such name is refused
     * @param trailingBytes bytes after a legacy file's last storage, which {@code torch.load} ignores and so does
     *     Brine (a file cut from a longer one, or appended to); 0 for a ZIP checkpoint, whose reader finds its
     *     members by the central directory
     */
    public record LoadResult(Object value, InertGlobals inertGlobals, long trailingBytes) {
    }

    /**
     * Loads like {@link #load(Path, TorchOptions)}, and also tells which globals were kept inert: what to warn of
     * before the file is handed to {@code torch.load(weights_only=False)}.
     *
     * @throws BrineException as {@link #load(Path, TorchOptions)} does
     */
    public static LoadResult loadResult(Path path, TorchOptions options) throws IOException {
        return CheckpointReader.load(path, options);
    }

    /**
     * Saves {@code obj} to {@code path} atomically as {@code torch.save(obj, path)} would; the
     * archive's folder is named after the file as torch names it ({@code model.pt} → {@code model/};
     * {@code archive/} when the path is not all ASCII, which torch writes through a Python stream).
     *
     * @throws BrineException when a value cannot be written (an array of a type torch lacks, an
     *     unregistered Java class), or pickles under a global {@code torch.load(weights_only=True)} refuses
     *     (see Writing above)
     */
    public static void save(Object obj, Path path) throws IOException {
        save(obj, path, TorchOptions.DEFAULT);
    }

    /**
     * Saves like {@link #save(Object, Path)}, writing the Java classes of {@code options}'
     * {@link TorchOptions#registry() registry} as it names them: a class registered by name, a
     * registered writer or record, which a save without the registry refuses. The same options load
     * the file back ({@link #load(Path, TorchOptions)}), and a value they would not load back (its global
     * not in the registry nor torch's, and {@link TorchOptions#genericObjects()} off) is refused; torch
     * loads it with {@code weights_only=False}, or with the classes in {@code torch.serialization.safe_globals}.
     * Only the registry counts when saving; tensors, {@link TorchDevice} and {@link TorchSize} are
     * always written as torch writes them, and numpy's scalars and dtypes as numpy does unless the
     * registry writes them otherwise.
     *
     * <pre>{@code
     * TorchOptions options = TorchOptions.builder()
     *         .registry(ClassRegistry.builtins().toBuilder()
     *                 .register("mymodels", "Layer", Layer.class, Layer::new).build())
     *         .build();
     * TorchCheckpoint.save(Map.of("layer", layer), Path.of("model.pt"), options);
     * Object back = TorchCheckpoint.load(Path.of("model.pt"), options);
     * }</pre>
     *
     * @throws BrineException as {@link #save(Object, Path)} does
     */
    public static void save(Object obj, Path path, TorchOptions options) throws IOException {
        CheckpointWriter.save(obj, path, options);
    }

    /**
     * Writes the checkpoint of {@code obj} to {@code out} (left open), its members under
     * {@code folder} ({@code torch.save} to a buffer uses {@code "archive"}).
     */
    public static void save(Object obj, OutputStream out, String folder) throws IOException {
        save(obj, out, folder, TorchOptions.DEFAULT);
    }

    /**
     * Writes like {@link #save(Object, OutputStream, String)} with the Java classes of {@code options}'
     * registry, as {@link #save(Object, Path, TorchOptions)} does.
     */
    public static void save(Object obj, OutputStream out, String folder, TorchOptions options) throws IOException {
        Objects.requireNonNull(out, "out"); // before the object is pickled
        CheckpointWriter.save(obj, out, folder, options);
    }

    /**
     * A global that the checkpoint {@link #save(Object, Path, TorchOptions)} writes of {@code obj} with
     * {@code options} names and that {@code torch.load(path, weights_only=True)}, torch's default since 2.6,
     * refuses ("not an allowed global by default"); empty when torch's default loads the file. Under
     * {@link TorchOptions#DEFAULT} the save itself refuses such a value, so this is for options that write more
     * (a registry with {@code ClassRegistry.builtins()}, {@code genericObjects(true)}): a file that then needs
     * {@code weights_only=False}, or the global in {@code torch.serialization.safe_globals}, to load. Pickles
     * {@code obj} (not its tensors' data) once.
     *
     * @throws BrineException when the save would refuse {@code obj} for another reason
     */
    public static Optional<Global> weightsOnlyRefusal(Object obj, TorchOptions options) throws BrineException {
        return Optional.ofNullable(CheckpointWriter.firstGlobalWeightsOnlyRefuses(obj, options));
    }

    /**
     * Every tensor reachable in {@code checkpoint} through dicts, lists and tuples, named by its
     * dotted path as a state dict names it: {@code {"model": {"fc.weight": w}, "opt": [t]}} gives
     * {@code "model.fc.weight"} and {@code "opt.0"}. A top-level state dict keeps its keys; a key
     * that is not a str is named by its Python repr ({@link #keyName}). A whole pickled module
     * ({@code torch.save(model)}, read with {@code genericObjects(true)}) gives the tensors of its
     * {@code state_dict()} under its names ({@code 0.weight}, {@code model.fc.bias}), and not the
     * tensors state_dict leaves out ({@link PickledModule}). A submodule or container reached by
     * two paths ({@code nn.ModuleList([block] * 3)}) is named under each, as state_dict names it,
     * within the bound of {@link SharedPaths}. The
     * map is in the order the tensors are met; handy for writing a checkpoint as safetensors.
     *
     * @throws BrineException when two tensors get the same name ({@code {'a.b': x, 'a': {'b': y}}},
     *     or {@code {1: x, '1': y}}): a map keeps one; {@link #namedTensors} lists both
     */
    public static Map<String, NDArray> tensors(Object checkpoint) throws BrineException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> t : namedTensors(checkpoint)) {
            if (out.putIfAbsent(t.getKey(), t.getValue()) != null) {
                throw new BrineException("two tensors are named '" + t.getKey() + "'");
            }
        }
        return out;
    }

    /**
     * The tensors of {@link #tensors}, each with its dotted name, in the order met, where two may share
     * a name: a valid checkpoint can hold {@code {'a.b': x, 'a': {'b': y}}}, and a listing shows both.
     */
    public static List<Map.Entry<String, NDArray>> namedTensors(Object checkpoint) {
        List<Map.Entry<String, NDArray>> out = new ArrayList<>();
        SharedPaths walks = new SharedPaths();
        Deque<Object[]> todo = new ArrayDeque<>(); // {path, value}, or {CONTAINER_DONE, container} below its entries
        todo.push(new Object[] {"", checkpoint});
        while (!todo.isEmpty()) {
            Object[] next = todo.pop();
            if (next[0] == CONTAINER_DONE) {
                walks.done(next[1]);
                continue;
            }
            String path = (String) next[0];
            Object v = next[1];
            if (v instanceof TorchParameter) {
                v = ((TorchParameter) v).data();
            }
            if (v instanceof NDArray) {
                out.add(Map.entry(path, (NDArray) v));
                continue;
            }
            List<Object[]> children = children(path, v);
            if (children != null && walks.enter(v, children.size())) {
                todo.push(new Object[] {CONTAINER_DONE, v});
                for (int i = children.size() - 1; i >= 0; i--) {
                    todo.push(children.get(i));
                }
            }
        }
        return out;
    }

    /** The named values a module, dict, list or tuple holds; null for any other value. */
    private static List<Object[]> children(String path, Object v) {
        List<Object[]> children = new ArrayList<>();
        PickledModule module = PickledModule.of(v);
        if (module != null) {
            for (Map.Entry<String, Object> e : module.stateDictEntries()) {
                children.add(new Object[] {join(path, e.getKey()), e.getValue()});
            }
        } else if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                children.add(new Object[] {join(path, keyName(e.getKey())), e.getValue()});
            }
        } else if (v instanceof List || v instanceof Tuple) {
            List<?> items = v instanceof Tuple ? ((Tuple) v).asList() : (List<?>) v;
            for (int i = 0; i < items.size(); i++) {
                children.add(new Object[] {join(path, String.valueOf(i)), items.get(i)});
            }
        } else {
            return null;
        }
        return children;
    }

    /** Marks, on a walk's stack, the end of a container's entries (see {@link SharedPaths}). */
    private static final Object CONTAINER_DONE = new Object();

    /**
     * How a dict key reads in a dotted name: a str as it is, any other key as Python's {@code repr}
     * ({@code None}, {@code True}, {@code 1e+20}, {@code b'w'}, {@code (1, 2)}), as Python would print
     * it, never Java's text of the value ({@code null}, {@code 1.0E20}, and a {@code byte[]}'s identity
     * hash, which differs from run to run). A str that reads like a repr ({@code 'None'} beside the key
     * {@code None}, {@code '1'} beside {@code 1}) gets the same name. Long reprs are abbreviated as in
     * error messages ({@link PythonRepr#brief}).
     */
    public static String keyName(Object key) {
        return key instanceof String ? (String) key : PythonRepr.brief(key);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
