package dev.brine.torch;

import static dev.brine.torch.TorchGolden.PY_FILLED;
import static dev.brine.torch.TorchGolden.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code torch.Size} values against the real torch: the sizes torch saves read as {@link TorchSize},
 * and the ones Brine saves are torch's bytes and load in torch as {@code torch.Size}.
 */
class TorchSizeTest {
    @TempDir
    Path dir;

    /**
     * Sizes where checkpoints hold them, in Python; {@code Call} writes {@code torch.Size} calls torch's
     * own pickling never writes but its weights-only loader accepts (dims as a list, bools, no argument).
     */
    static final String PY_SIZES = String.join("\n",
            "import sys, torch, warnings",
            "warnings.filterwarnings('ignore')",
            "class Call:",
            "    def __init__(self, *args): self.args = args",
            "    def __reduce__(self): return (torch.Size, self.args)",
            "def sizes(w):",
            "    s = w.shape",
            "    return {'shape': s, 'again': s, 'w': w, 'empty': torch.zeros(()).shape, 'empty2': torch.Size(),",
            "            'one': torch.Size([5]), 'zero': torch.Size([0, 4]), 'odd': torch.Size([-1, 2 ** 62]),",
            "            'many': torch.Size(range(70)), 'list': [torch.Size([1]), (torch.Size([2, 2]),)],",
            "            'nested': {'cfg': {'k': torch.Size([7, 8, 9])}}}",
            "");

    @Test
    void torchsSizesReadAsTorchSizeInBothFormatsAtProtocolsOneToFive() throws Exception {
        Python.require("torch");
        // for each file, torch's own reading of it (repr, without the tensor); Brine's must print the same
        String out = Python.checkText(String.join("\n", PY_SIZES,
                "d = sizes(torch.zeros(2, 3))",
                "d.update({'aslist': Call([2, 3]), 'bools': Call((True, False, 3)), 'noargs': Call()})",
                "for p in range(1, 6):",
                "    for legacy in (False, True):",
                "        name = f'p{p}{\"legacy\" if legacy else \"zip\"}.pt'",
                "        torch.save(d, sys.argv[1] + '/' + name, pickle_protocol=p, _use_new_zipfile_serialization=not legacy)",
                "        # torch's weights-only loader knows neither FRAME (protocol 4 and 5) nor protocol 1's text",
                "        # opcodes (INT for 2 ** 62, torch 2.13), so those files are read as a plain torch.load reads them",
                "        got = torch.load(sys.argv[1] + '/' + name, weights_only=p in (2, 3))",
                "        assert type(got['shape']) is torch.Size and got['again'] is got['shape']",
                "        print(name, repr({k: v for k, v in got.items() if k != 'w'}))"), dir);
        List<String> lines = List.of(out.strip().split("\n"));
        assertEquals(10, lines.size(), out);
        for (String line : lines) {
            String name = line.substring(0, line.indexOf(' '));
            for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
                Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(dir.resolve(name), o);
                TorchSize shape = assertInstanceOf(TorchSize.class, d.get("shape"), name);
                assertSame(shape, d.get("again"), name); // one object in torch's pickle, one here
                assertArrayEquals(((NDArray) d.get("w")).shape(), shape.dims(), name);
                assertNotSame(d.get("empty"), d.get("empty2"), name); // two objects there, two here
                Map<Object, Object> rest = new LinkedHashMap<>(d);
                rest.remove("w");
                assertEquals(line.substring(name.length() + 1), PythonRepr.repr(rest), name);
            }
        }
    }

    @Test
    void brinesSizesAreTorchsBytesAndLoadInTorchAsSizes() throws Exception {
        Python.require("torch");
        TorchSize shape = TorchSize.of(2, 3);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("shape", shape);
        d.put("again", shape);
        d.put("w", filled(DType.FLOAT32, 2, 3));
        d.put("empty", TorchSize.of());
        d.put("empty2", TorchSize.of());
        d.put("one", TorchSize.of(5));
        d.put("zero", TorchSize.of(0, 4));
        d.put("odd", TorchSize.of(-1, 1L << 62));
        d.put("many", TorchSize.of(LongStream.range(0, 70).toArray()));
        d.put("list", List.of(TorchSize.of(1), Tuple.of(TorchSize.of(2, 2))));
        d.put("nested", Map.of("cfg", Map.of("k", TorchSize.of(7, 8, 9))));
        Path f = dir.resolve("brine.pt");
        TorchCheckpoint.save(d, f);
        String out = Python.checkText(String.join("\n", PY_FILLED, TorchLiveTest.PY_SAME_MEMBERS, PY_SIZES,
                "want = sizes(filled(torch.float32, (2, 3)))",
                "torch.save(want, sys.argv[1] + '.torch.pt')",
                "same_members(sys.argv[1] + '.torch.pt', sys.argv[1])",
                "got = torch.load(sys.argv[1], weights_only=True)",
                "def check(a, b, where):",
                "    assert type(a) is type(b), (where, type(a), type(b))",
                "    if isinstance(a, torch.Tensor): assert torch.equal(a, b), where; return",
                "    if isinstance(a, dict): assert list(a) == list(b), where; [check(a[k], b[k], f'{where}[{k!r}]') for k in a]; return",
                "    if type(a) in (list, tuple): assert len(a) == len(b), where; [check(x, y, f'{where}[{i}]') for i, (x, y) in enumerate(zip(a, b))]; return",
                "    assert a == b, (where, a, b)",
                "check(got, want, 'got')",
                "assert type(got['nested']['cfg']['k']) is torch.Size and got['again'] is got['shape']",
                "print('ok')"), f);
        assertEquals("ok", out.strip());
    }

    /** A plain pickle of sizes, written with {@link TorchSize#writable}, is Python's pickle.dumps byte for byte. */
    @Test
    void plainPicklesOfSizesArePythonsBytesAtEveryProtocol() throws Exception {
        Python.require("torch");
        TorchSize shape = TorchSize.of(2, 3);
        Object obj = List.of(shape, TorchSize.of(), shape, Map.of("s", TorchSize.of(-4)));
        String out = Python.checkText(String.join("\n",
                "import pickle, torch",
                "s = torch.Size([2, 3])",
                "obj = [s, torch.Size([]), s, {'s': torch.Size([-4])}]",
                "for p in range(6): print(pickle.dumps(obj, p).hex())",
                "for p in range(6): assert pickle.loads(pickle.dumps(obj, p)) == obj"));
        List<String> want = List.of(out.strip().split("\n"));
        ClassRegistry writing = TorchSize.writable(ClassRegistry.builtins());
        for (int p = 0; p <= 5; p++) {
            byte[] ours = Pickle.dumps(obj, PicklerOptions.builder().protocol(p).registry(writing).build());
            assertEquals(want.get(p), HexFormat.of().formatHex(ours), "protocol " + p);
        }
        // without the registry a size is a Java class like any other: refused, as a TorchDevice is
        assertThrows(BrineException.class, () -> Pickle.dumps(shape));
    }

    /**
     * A plain {@code Pickle.loads} knows no torch globals: torch.Size is refused by default, as torch.device
     * is (a checkpoint's reader resolves them; the CLI reads a plain pickle's as generic objects).
     */
    @Test
    void plainPickleLoadsRefusesTorchSizeAsItRefusesTorchDevice() throws Exception {
        Python.require("torch");
        String out = Python.checkText(String.join("\n",
                "import pickle, torch",
                "print(pickle.dumps(torch.Size([2, 3]), 2).hex())",
                "print(pickle.dumps(torch.device('cpu'), 2).hex())"));
        String[] hex = out.strip().split("\n");
        for (String h : hex) {
            BrineException e = assertThrows(BrineException.class, () -> Pickle.loads(HexFormat.of().parseHex(h)));
            assertTrue(e.getMessage().contains("torch."), e.getMessage());
        }
    }

    /** A torch.Size call torch refuses to load is refused by Brine too, with its own exception; one torch loads reads. */
    @Test
    void torchSizeCallsTorchRefusesAreRefused() throws Exception {
        Python.require("torch");
        List<String> calls = List.of("Call([1.5])", "Call([2 ** 64])", "Call(['a'])", "Call((2,), (3,))", "Call(5)",
                "Call(None)", "Call([None])", "Call([2 ** 63 - 1, -2 ** 63])", "Call(torch.Size([4]))");
        String out = Python.checkText(String.join("\n", PY_SIZES,
                "for i, c in enumerate([" + String.join(", ", calls) + "]):",
                "    torch.save({'s': c}, f'{sys.argv[1]}/c{i}.pt')",
                "    try:",
                "        print(repr(torch.load(f'{sys.argv[1]}/c{i}.pt', weights_only=True)['s']))",
                "    except Exception:",
                "        print('refused')"), dir);
        List<String> want = List.of(out.strip().split("\n"));
        assertEquals(calls.size(), want.size(), out);
        assertTrue(want.contains("refused") && !want.stream().allMatch("refused"::equals), out);
        for (int i = 0; i < calls.size(); i++) {
            Path f = dir.resolve("c" + i + ".pt");
            if (want.get(i).equals("refused")) {
                BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(f), calls.get(i));
                assertTrue(e.getMessage().contains("torch.Size"), e.getMessage());
            } else {
                Object s = ((Map<?, ?>) TorchCheckpoint.load(f)).get("s");
                assertInstanceOf(TorchSize.class, s, calls.get(i));
                assertEquals(want.get(i), PythonRepr.repr(s), calls.get(i));
            }
        }
    }

    @Test
    void valueSemantics() {
        TorchSize s = TorchSize.of(2, 3);
        long[] dims = {2, 3};
        assertEquals(s, TorchSize.of(dims));
        dims[0] = 9; // of copies its argument, dims() returns a copy
        assertEquals(TorchSize.of(2, 3), s);
        s.dims()[0] = 9;
        assertEquals(2, s.get(0));
        assertEquals(s.hashCode(), TorchSize.of(2, 3).hashCode());
        assertNotEquals(s, TorchSize.of(3, 2));
        assertNotEquals(s, Tuple.of(2L, 3L)); // Python's Size == tuple; Java equality stays symmetric
        assertEquals(Tuple.of(2L, 3L).asList(), s.asList());
        assertEquals(2, s.size());
        assertThrows(UnsupportedOperationException.class, () -> s.asList().set(0, 1L));
    }
}
