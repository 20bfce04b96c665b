package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dotted names {@link TorchCheckpoint#tensors} and {@link TorchCheckpoint#namedTensors} give a
 * checkpoint's tensors, against torch's own load of the file: a str key as it is, any other key as
 * Python's {@code repr} of it, list and tuple items by index.
 */
class TensorNamesLiveTest {
    @TempDir
    Path dir;

    /** The names in Python: the same walk, with Python's repr for keys that are not str, and each tensor's length. */
    private static final String PY_NAMES = String.join("\n",
            "import sys, torch, warnings",
            "warnings.filterwarnings('ignore')",
            "def names(v, path=''):",
            "    def join(k):",
            "        return k if not path else path + '.' + k",
            "    if isinstance(v, torch.Tensor):",
            "        yield path + '=' + str(v.numel())",
            "    elif isinstance(v, dict):",
            "        for k, x in v.items():",
            "            yield from names(x, join(k if isinstance(k, str) else repr(k)))",
            "    elif isinstance(v, (list, tuple)):",
            "        for i, x in enumerate(v):",
            "            yield from names(x, join(str(i)))",
            "def save_and_name(obj, path):",
            "    torch.save(obj, path)",
            "    sys.stdout.buffer.write('\\0'.join(names(torch.load(path, weights_only=True))).encode('utf-8'))",
            "t = lambda n: torch.arange(float(n))",
            "");

    private static List<String> brineNames(Path file) throws Exception {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : TorchCheckpoint.namedTensors(TorchCheckpoint.load(file))) {
            names.add(e.getKey() + "=" + e.getValue().size());
        }
        return names;
    }

    private static List<String> pythonNames(String script, Path file) throws Exception {
        byte[] out = Python.check(PY_NAMES + script, new byte[0], file.toString());
        return List.of(new String(out, StandardCharsets.UTF_8).split("\0", -1));
    }

    /** Keys of every type torch.load(weights_only=True) reads, named as Python prints them (was Java's text: null, 1.0E20). */
    @Test
    void keysThatAreNotStrAreNamedByPythonsRepr() throws Exception {
        Python.require("torch");
        Path f = dir.resolve("keys.pt");
        List<String> expected = pythonNames(String.join("\n",
                "save_and_name({None: t(1), True: t(2), False: t(3), -7: t(4), 2**70: t(5), 1e20: t(6), -0.0: t(7),",
                "    float('nan'): t(8), float('-inf'): t(9), 1.5: t(10), 1+2j: t(11), -0.5j: t(12), b'w': t(13),",
                "    b'\\x00\\n\\'\"': t(14), (1, 'a', None): t(15), (): t(16), ('x',): t(17), 'null': t(18),",
                "    'str key': {'in': [t(19), (t(20), {5: t(21), b'v': t(22)})]}, 'd\\u00e9j\\u00e0': t(23)},",
                "    sys.argv[1])"), f);
        assertTrue(expected.contains("None=1") && expected.contains("1e+20=6") && expected.contains("b'w'=13"), expected.toString());
        assertEquals(expected, brineNames(f));
        assertEquals(expected.size(), TorchCheckpoint.tensors(TorchCheckpoint.load(f)).size()); // no two alike
    }

    /**
     * Checkpoints whose tensors get one dotted name: torch loads them, {@code namedTensors} lists every
     * tensor, and {@code tensors}, a map, refuses them naming the name. {@code None} and {@code 'null'}
     * no longer meet (they did as Java's text of null).
     */
    @Test
    void namesThatClashAreListedAndOnlyTheMapRefusesThem() throws Exception {
        Python.require("torch");
        Path dotted = dir.resolve("dotted.pt");
        List<String> expected = pythonNames("save_and_name({'a.b': t(1), 'a': {'b': t(2)}}, sys.argv[1])", dotted);
        assertEquals(List.of("a.b=1", "a.b=2"), expected);
        assertEquals(expected, brineNames(dotted));
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.tensors(TorchCheckpoint.load(dotted)));
        assertTrue(e.getMessage().contains("two tensors are named 'a.b'"), e.getMessage());

        Path nulls = dir.resolve("nulls.pt");
        expected = pythonNames("save_and_name({None: t(1), 'null': t(2)}, sys.argv[1])", nulls);
        assertEquals(List.of("None=1", "null=2"), expected);
        assertEquals(expected, brineNames(nulls));
        assertEquals(List.of("None", "null"), List.copyOf(TorchCheckpoint.tensors(TorchCheckpoint.load(nulls)).keySet()));

        Path nones = dir.resolve("nones.pt"); // a str that reads like another key's repr: one name, in the Python walk too
        expected = pythonNames("save_and_name({None: t(1), 'None': t(2)}, sys.argv[1])", nones);
        assertEquals(List.of("None=1", "None=2"), expected);
        assertEquals(expected, brineNames(nones));
        assertThrows(BrineException.class, () -> TorchCheckpoint.tensors(TorchCheckpoint.load(nones)));
    }

    /**
     * A whole model ({@code torch.save(model)}) read with genericObjects(true): {@code tensors} gave nothing, since it
     * walked only dicts, lists and tuples. It now gives the model's {@code state_dict()}, in its order and with its
     * values (submodules, persistent buffers, a bias-less Linear, a model inside a dict), and leaves out what
     * state_dict leaves out (a non-persistent buffer, a tensor in a plain attribute); a submodule reached by three
     * paths is named under each, as state_dict names it. Oracle: torch's state_dict().
     */
    @Test
    void aWholeModelIsNamedByItsStateDict() throws Exception {
        Python.require("torch");
        Path f = dir.resolve("model.pt");
        String expected = new String(Python.check(String.join("\n",
                "import sys, torch, torch.nn as nn",
                "torch.manual_seed(0)",
                "m = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2), nn.Sequential(nn.Linear(2, 1, bias=False)))",
                "m.register_buffer('scratch', torch.ones(4), persistent=False)",
                "m.extra = torch.zeros(5)",
                "shared = nn.Linear(1, 1)",
                "m.add_module('3', shared)",
                "m.add_module('4', nn.Sequential(shared, shared))",
                "torch.save({'model': m, 'epoch': 3, 'opt': [torch.ones(2)]}, sys.argv[1])",
                "sd = m.state_dict()",
                "print(' '.join('model.%s=%s' % (k, ','.join(repr(float(x)) for x in v.flatten())) for k, v in sd.items())"
                        + " + ' opt.0=1.0,1.0')"),
                new byte[0], f.toString()), StandardCharsets.UTF_8).trim();
        Object checkpoint = TorchCheckpoint.load(f, TorchOptions.builder().genericObjects(true).build());
        List<String> got = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : TorchCheckpoint.tensors(checkpoint).entrySet()) {
            List<String> values = new ArrayList<>();
            for (double x : e.getValue().astype(dev.brine.ndarray.DType.FLOAT64).toDoubleArray()) {
                values.add(dev.brine.py.PyFloat.repr(x));
            }
            got.add(e.getKey() + "=" + String.join(",", values));
        }
        assertEquals(expected, String.join(" ", got));
    }
}
