package dev.brine.torch;

import static dev.brine.torch.TorchGolden.PY_FILLED;
import static dev.brine.torch.TorchGolden.TORCH;
import static dev.brine.torch.TorchGolden.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.npy.Npz;
import dev.brine.py.Complex;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Differential tests against the real torch: Brine's files in torch, torch's files in Brine. */
class TorchLiveTest {
    @TempDir
    Path dir;

    /** Recursive equality in Python, tensors by dtype, shape and values; torch.Size counts as a tuple. */
    static final String PY_SAME = String.join("\n",
            "import collections",
            "def same(a, b, where='value'):",
            "    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):",
            "        assert isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor), (where, a, b)",
            "        assert a.dtype == b.dtype and a.shape == b.shape, (where, a.dtype, b.dtype, a.shape, b.shape)",
            "        assert a.numel() == 0 or torch.equal(a, b), (where, a, b)",
            "        return",
            "    if isinstance(a, dict):",
            "        assert type(a) is type(b) and list(a) == list(b), (where, type(a), type(b), list(a), list(b))",
            "        for k in a: same(a[k], b[k], f'{where}[{k!r}]')",
            "        return",
            "    if isinstance(a, (list, tuple)):",
            "        assert isinstance(b, (list, tuple)) and isinstance(a, list) == isinstance(b, list), (where, a, b)",
            "        assert len(a) == len(b), where",
            "        for i, (x, y) in enumerate(zip(a, b)): same(x, y, f'{where}[{i}]')",
            "        return",
            "    if isinstance(a, (torch.storage.TypedStorage, torch.UntypedStorage)):",
            "        raw = lambda s: bytes(s._untyped_storage if isinstance(s, torch.storage.TypedStorage) else s)",
            "        assert raw(a) == raw(b), where",
            "        return",
            "    assert type(a) is type(b) and (a == b or (a != a and b != b)), (where, a, b)",
            "");

    /** Two checkpoints' members, each under its own folder, byte for byte, but for torch's random serialization_id. */
    static final String PY_SAME_MEMBERS = String.join("\n",
            "import zipfile",
            "def same_members(theirs, ours):",
            "    theirs, ours = zipfile.ZipFile(theirs), zipfile.ZipFile(ours)",
            "    names = [n.split('/', 1)[1] for n in theirs.namelist() if not n.endswith('serialization_id')]",
            "    assert names == [n.split('/', 1)[1] for n in ours.namelist()], (names, ours.namelist())",
            "    for n in names:",
            "        a = theirs.read(theirs.namelist()[0].split('/')[0] + '/' + n)",
            "        b = ours.read(ours.namelist()[0].split('/')[0] + '/' + n)",
            "        assert a == b, (n, a, b)",
            "");

    /** Everything torch can hold, built in Java like the golden files' objects. */
    static Map<String, Object> everything() {
        Map<String, Object> d = new LinkedHashMap<>(TorchWriteTest.views());
        for (TorchDType t : TorchGoldenTest.DTYPES) {
            d.put(t.pythonName(), filled(t, 2, 3));
        }
        OrderedDict<Object, Object> sd = new OrderedDict<>();
        sd.put("weight", filled(DType.FLOAT32, 2, 3));
        sd.put("bias", filled(DType.FLOAT32, 2));
        OrderedDict<Object, Object> meta = new OrderedDict<>();
        meta.put("", new LinkedHashMap<>(Map.of("version", 1L)));
        sd.attributes().put("_metadata", meta);
        d.put("sd", sd);
        d.put("epoch", 5L);
        d.put("name", "run-\u00e9");
        d.put("flags", Arrays.asList(true, false, null));
        d.put("big", BigInteger.TWO.pow(70));
        d.put("bytes", new byte[] {0, -1});
        d.put("set", new LinkedHashSet<>(List.of(1L, 2L)));
        d.put("complex", new Complex(1, 2));
        d.put("inf", Double.POSITIVE_INFINITY);
        d.put("dtype", TorchDType.BFLOAT16);
        d.put("device", new TorchDevice("cuda", 1L));
        d.put("nested", List.of(List.of(1L, Tuple.of(2.5, Map.of("k", "v")))));
        return d;
    }

    static final String PY_EVERYTHING = String.join("\n",
            "def everything():",
            "    t = filled(torch.float32, (3, 4))",
            "    d = {'t': t, 'T': t.t(), 'row': t[1], 'tail': t.view(12)[5:], 'flat': t.view(12), 'again': t,",
            "         'scalar': torch.tensor(3.5), 'empty': torch.zeros(0, 3),",
            "         'bare': filled(torch.int16, (3,)).untyped_storage(),",
            "         'typed': filled(torch.float64, (2,)).storage()}",
            "    for name in ['float32', 'float64', 'float16', 'bfloat16', 'int8', 'int16', 'int32', 'int64', 'uint8',",
            "                 'bool', 'complex64', 'complex128', 'uint16', 'uint32', 'uint64']:",
            "        d[name] = filled(getattr(torch, name), (2, 3))",
            "    m = torch.nn.Linear(3, 2)",
            "    with torch.no_grad():",
            "        m.weight.copy_(filled(torch.float32, (2, 3))); m.bias.copy_(filled(torch.float32, (2,)))",
            "    d['sd'] = m.state_dict()",
            "    d.update({'epoch': 5, 'name': 'run-\\u00e9', 'flags': [True, False, None], 'big': 2 ** 70,",
            "              'bytes': b'\\x00\\xff', 'set': {1, 2}, 'complex': 1 + 2j, 'inf': float('inf'),",
            "              'dtype': torch.bfloat16, 'device': torch.device('cuda', 1),",
            "              'nested': [[1, (2.5, {'k': 'v'})]]})",
            "    return d",
            "");

    @Test
    void brinesCheckpointLoadsInTorchWeightsOnly() throws Exception {
        Python.require("torch");
        Path f = dir.resolve("brine.pt");
        TorchCheckpoint.save(everything(), f);
        String out = Python.checkText(String.join("\n", PY_FILLED, PY_SAME, PY_EVERYTHING,
                "import sys, warnings",
                "warnings.filterwarnings('ignore')",
                "got = torch.load(sys.argv[1], weights_only=True)",
                "same(everything(), got)",
                "assert got['sd']._metadata == {'': {'version': 1}}, got['sd']._metadata",
                "ptr = lambda x: x.untyped_storage().data_ptr()",
                "assert ptr(got['t']) == ptr(got['T']) == ptr(got['row']) == ptr(got['tail']) == ptr(got['flat'])",
                "assert got['again'] is got['t']",
                "assert got['T'].stride() == (1, 4) and got['row'].storage_offset() == 4",
                "mm = torch.load(sys.argv[1], weights_only=True, mmap=True)",
                "same(everything(), mm)",
                "print('ok')"), f);
        assertEquals("ok", out.strip());
    }

    @Test
    void dataPklIsByteForByteWhatTorchWrites() throws Exception {
        Python.require("torch");
        Map<String, Object> views = new LinkedHashMap<>(TorchWriteTest.views());
        views.remove("bare");
        views.remove("typed");
        views.put("sd", everything().get("sd"));
        views.put("u16", filled(DType.UINT16, 2));
        views.put("c128", filled(DType.COMPLEX128, 2, 2));
        Path f = dir.resolve("same.pt");
        TorchCheckpoint.save(views, f);
        String out = Python.checkText(String.join("\n", PY_FILLED, PY_SAME_MEMBERS,
                "import sys",
                "t = filled(torch.float32, (3, 4))",
                "m = torch.nn.Linear(3, 2)",
                "with torch.no_grad():",
                "    m.weight.copy_(filled(torch.float32, (2, 3))); m.bias.copy_(filled(torch.float32, (2,)))",
                "d = {'t': t, 'T': t.t(), 'row': t[1], 'tail': t.view(12)[5:], 'flat': t.view(12), 'again': t,",
                "     'scalar': torch.tensor(3.5), 'empty': torch.zeros(0, 3), 'sd': m.state_dict(),",
                "     'u16': filled(torch.uint16, (2,)), 'c128': filled(torch.complex128, (2, 2))}",
                "torch.save(d, sys.argv[1] + '.torch.pt')",
                "same_members(sys.argv[1] + '.torch.pt', sys.argv[1])",
                "print('ok')"), f);
        assertEquals("ok", out.strip());
    }

    @Test
    void torchsCheckpointsLoadInBrine() throws Exception {
        Python.require("torch", "numpy");
        // random values, both formats, with the values again in an NPZ (bfloat16 as float32) as the oracle
        Python.checkText(String.join("\n",
                "import sys, torch, numpy as np, warnings",
                "warnings.filterwarnings('ignore')",
                "g = torch.Generator().manual_seed(1234)",
                "base = torch.randn(40, 30, generator=g)",
                "d = {'w': base, 'wT': base.t(), 'part': base[7:19], 'cols': base[:, 3:9], 'skip': base[::3, ::2],",
                "     'h': torch.randn(5, 7, generator=g).half(), 'bf': torch.randn(9, generator=g).bfloat16(),",
                "     'i': torch.randint(-1000, 1000, (3, 4, 5), generator=g), 'u8': torch.randint(0, 255, (17,), generator=g).byte(),",
                "     'b': torch.randn(6, generator=g) > 0, 'c': torch.randn(4, 2, generator=g, dtype=torch.complex64),",
                "     'u16': torch.randint(0, 65535, (8,), generator=g).to(torch.uint16),",
                "     'perm': torch.randn(2, 3, 4, generator=g).permute(2, 0, 1)}",
                "torch.save(d, sys.argv[1] + '/zip.pt')",
                "torch.save(d, sys.argv[1] + '/legacy.pt', _use_new_zipfile_serialization=False)",
                "np.savez(sys.argv[1] + '/oracle.npz', **{k: (v.float() if v.dtype == torch.bfloat16 else v).numpy() for k, v in d.items()})",
                "print('ok')"), dir);
        Map<String, Object> oracle = Npz.readAll(dir.resolve("oracle.npz"), dev.brine.Limits.DEFAULT);
        for (String file : List.of("zip.pt", "legacy.pt")) {
            for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
                Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(dir.resolve(file), o);
                assertEquals(oracle.keySet(), d.keySet());
                for (String k : oracle.keySet()) {
                    NDArray a = (NDArray) d.get(k);
                    NDArray want = (NDArray) oracle.get(k);
                    if (a.dtype().equals(DType.BFLOAT16)) {
                        a = a.astype(DType.FLOAT32);
                    }
                    assertEquals(want, a, file + " " + k + " " + o.mmap());
                }
                assertSame(((NDArray) d.get("w")).storage(), ((NDArray) d.get("part")).storage().base(), file);
            }
        }
    }

    /**
     * A real model's state dict of several megabytes (every golden checkpoint is a few kilobytes):
     * its tensors are views of storages read from the archive, not bytes the pickle's calls made, so
     * the default limits must let it load, in both formats, read or mapped. The expanded buffer (an
     * {@code arange} broadcast with stride 0, as models keep position ids) is copied, 64 times its
     * storage, within maxBytesRatio of what was read.
     */
    @Test
    void torchsModelOfSeveralMegabytesLoadsWithDefaultLimits() throws Exception {
        Python.require("torch", "numpy");
        Python.checkText(String.join("\n",
                "import sys, torch, numpy as np, warnings",
                "warnings.filterwarnings('ignore')",
                "torch.manual_seed(7)",
                "m = torch.nn.Sequential(torch.nn.Linear(512, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 512),",
                "                        torch.nn.LayerNorm(512), torch.nn.Embedding(3000, 256))",
                "sd = m.state_dict()",
                "sd['pos'] = torch.arange(2048).expand(64, -1)",
                "torch.save(sd, sys.argv[1] + '/zip.pt')",
                "torch.save(sd, sys.argv[1] + '/legacy.pt', _use_new_zipfile_serialization=False)",
                "np.savez(sys.argv[1] + '/oracle.npz', **{k: v.numpy() for k, v in sd.items()})",
                "print('ok')"), dir);
        Map<String, Object> oracle = Npz.readAll(dir.resolve("oracle.npz"), dev.brine.Limits.DEFAULT);
        long total = oracle.values().stream().mapToLong(a -> ((NDArray) a).nbytes()).sum();
        org.junit.jupiter.api.Assertions.assertTrue(total > 8_000_000, "the model is " + total + " bytes");
        for (String file : List.of("zip.pt", "legacy.pt")) {
            for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
                Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(dir.resolve(file), o);
                assertEquals(oracle.keySet(), d.keySet(), file);
                for (String k : oracle.keySet()) {
                    assertEquals(oracle.get(k), d.get(k), file + " " + k + " mmap " + o.mmap());
                }
            }
        }
    }

    /**
     * One stored element broadcast to 2^27 (stride 0, 512 MiB once copied) from a 1.5 KB file: refused by
     * maxBytesRatio before the copy is allocated (the message is the pre-check's), in both formats.
     */
    @Test
    void expandedTensorFarBeyondItsStorageIsRefusedBeforeTheCopy() throws Exception {
        Python.require("torch");
        Python.checkText(String.join("\n",
                "import sys, torch, warnings",
                "warnings.filterwarnings('ignore')",
                "x = {'x': torch.zeros(1).expand(2 ** 27)}",
                "torch.save(x, sys.argv[1] + '/zip.pt')",
                "torch.save(x, sys.argv[1] + '/legacy.pt', _use_new_zipfile_serialization=False)",
                "print('ok')"), dir);
        for (String file : List.of("zip.pt", "legacy.pt")) {
            for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
                dev.brine.LimitExceededException e = org.junit.jupiter.api.Assertions.assertThrows(
                        dev.brine.LimitExceededException.class, () -> TorchCheckpoint.load(dir.resolve(file), o));
                assertEquals("maxBytesRatio", e.limit(), file);
                org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("536870912 bytes (size [134217728], stride [0])")
                        && e.getMessage().contains(file), e.getMessage());
            }
        }
    }

    @Test
    void torchsFilesSurviveBrine() throws Exception {
        Python.require("torch");
        List<Path> pairs = new ArrayList<>();
        for (String name : List.of("nested.pt", "views.pt", "state_dict.pt", "legacy.pt", "dtypes.pt")) {
            Object o = TorchCheckpoint.load(TORCH.resolve(name));
            Path f = dir.resolve(name);
            TorchCheckpoint.save(o, f);
            pairs.add(TORCH.resolve(name));
            pairs.add(f);
        }
        String out = Python.checkText(String.join("\n", "import torch", PY_SAME,
                "import sys, warnings",
                "warnings.filterwarnings('ignore')",
                "for theirs, ours in zip(sys.argv[1::2], sys.argv[2::2]):",
                "    a = torch.load(theirs, weights_only=True)",
                "    b = torch.load(ours, weights_only=True)",
                "    same(a, b, ours)",
                "    for x, y in ((a, b), (a.get('model'), b.get('model'))):",
                "        if x is not None and hasattr(x, '_metadata'):",
                "            assert x._metadata == y._metadata, ours",
                "print('ok')"), pairs.toArray(new Path[0]));
        assertEquals("ok", out.strip());
        assertInstanceOf(OrderedDict.class, TorchCheckpoint.load(dir.resolve("state_dict.pt")));
    }

    /**
     * Views that share one storage without overlapping, as torch makes them (a fused qkv weight split
     * in three, a storage's two ends): Brine writes them back as views of one storage, and byte for
     * byte as torch.save when they cover it.
     */
    @Test
    void viewsOfOneStorageFromTorchStayOneStorage() throws Exception {
        Python.require("torch");
        Path theirs = dir.resolve("split.pt");
        Path ends = dir.resolve("ends.pt");
        Python.checkText(String.join("\n",
                "import sys, torch, collections",
                "qkv = torch.arange(24, dtype=torch.float32).reshape(6, 4)",
                "q, k, v = qkv.split(2)",
                "torch.save(collections.OrderedDict(q=q, k=k, v=v), sys.argv[1])",
                "w = torch.arange(16, dtype=torch.int64)",
                "torch.save({'head': w[:4], 'tail': w[12:]}, sys.argv[2])"), theirs, ends);
        Path ours = dir.resolve("ours/split.pt");
        Path oursEnds = dir.resolve("ours/ends.pt");
        Files.createDirectories(ours.getParent());
        TorchCheckpoint.save(TorchCheckpoint.load(theirs), ours);
        TorchCheckpoint.save(TorchCheckpoint.load(ends), oursEnds);
        String out = Python.checkText(String.join("\n", PY_SAME_MEMBERS,
                "import sys, torch",
                "same_members(sys.argv[1], sys.argv[2])",
                "d = torch.load(sys.argv[2], weights_only=True)",
                "ptr = lambda x: x.untyped_storage().data_ptr()",
                "assert ptr(d['q']) == ptr(d['k']) == ptr(d['v']), 'one storage'",
                "assert [x.storage_offset() for x in d.values()] == [0, 8, 16]",
                "e, ref = torch.load(sys.argv[4], weights_only=True), torch.load(sys.argv[3], weights_only=True)",
                "assert ptr(e['head']) == ptr(e['tail']) and e['tail'].storage_offset() == 12, 'one storage'",
                "assert all(torch.equal(e[k], ref[k]) for k in ref)",
                "print('ok')"), theirs, ours, ends, oursEnds);
        assertEquals("ok", out.strip());
    }

    /** The torch dtypes numpy lacks besides bfloat16: the 8-bit floats and complex32. */
    static final List<TorchDType> NUMPY_LACKS = List.of(TorchDType.FLOAT8_E4M3FN, TorchDType.FLOAT8_E5M2,
            TorchDType.FLOAT8_E4M3FNUZ, TorchDType.FLOAT8_E5M2FNUZ, TorchDType.FLOAT8_E8M0FNU, TorchDType.COMPLEX32);

    /**
     * A state dict of each type numpy lacks: every byte value (every bit pattern of the 8-bit floats,
     * NaNs included) as a 16-row tensor, its transpose and one row as views of it, and converted values.
     */
    static OrderedDict<Object, Object> numpyLacks() {
        OrderedDict<Object, Object> d = new OrderedDict<>();
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        for (TorchDType t : NUMPY_LACKS) {
            long cols = 256 / t.itemsize() / 16;
            NDArray a = NDArray.fromBytes(t.arrayType(), Order.C, every, 16, cols);
            d.put(t.pythonName(), a);
            d.put(t.pythonName() + ".T", NDArray.wrap(t.arrayType(), Order.F, new long[] {cols, 16}, a.storage()));
            d.put(t.pythonName() + ".row", NDArray.wrap(t.arrayType(), Order.C, new long[] {cols}, a.storage().view(48, 16)));
            d.put(t.pythonName() + ".filled", filled(t, 2, 3));
        }
        return d;
    }

    static final String PY_NUMPY_LACKS = String.join("\n",
            "import collections, warnings",
            "warnings.filterwarnings('ignore')  # complex32 is experimental",
            "NUMPY_LACKS = ['float8_e4m3fn', 'float8_e5m2', 'float8_e4m3fnuz', 'float8_e5m2fnuz', 'float8_e8m0fnu', 'complex32']",
            "def numpy_lacks():",
            "    d = collections.OrderedDict()",
            "    for name in NUMPY_LACKS:",
            "        every = torch.arange(256, dtype=torch.int32).to(torch.uint8).view(getattr(torch, name)).reshape(16, -1)",
            "        d[name], d[name + '.T'], d[name + '.row'] = every, every.t(), every[3]",
            "        d[name + '.filled'] = filled(getattr(torch, name), (2, 3))",
            "    return d",
            "def same_bits(a, b, where):",
            "    # bit for bit: torch.equal finds no NaN equal to itself, and has no complex32",
            "    assert a.dtype == b.dtype and a.shape == b.shape and a.stride() == b.stride(), (where, a.dtype, b.dtype)",
            "    assert a.storage_offset() == b.storage_offset(), where",
            "    assert torch.equal(a.contiguous().view(torch.uint8), b.contiguous().view(torch.uint8)), where",
            "");

    @Test
    void checkpointOfTypesNumpyLacksIsByteForByteWhatTorchWrites() throws Exception {
        Python.require("torch");
        Path f = dir.resolve("lacks.pt");
        TorchCheckpoint.save(numpyLacks(), f);
        String out = Python.checkText(String.join("\n", PY_FILLED, PY_NUMPY_LACKS, PY_SAME_MEMBERS,
                "import sys",
                "torch.save(numpy_lacks(), sys.argv[1] + '.torch.pt')",
                "same_members(sys.argv[1] + '.torch.pt', sys.argv[1])",
                "got, ref = torch.load(sys.argv[1], weights_only=True), numpy_lacks()",
                "assert type(got) is collections.OrderedDict and list(got) == list(ref), list(got)",
                "for k in ref: same_bits(got[k], ref[k], k)",
                "print('ok')"), f);
        assertEquals("ok", out.strip());
    }

    @Test
    void torchsCheckpointsOfTypesNumpyLacksLoadInBrine() throws Exception {
        Python.require("torch", "numpy");
        // both formats, with each tensor's bytes in C order in an NPZ (as uint8) as the oracle
        Python.checkText(String.join("\n", PY_FILLED, PY_NUMPY_LACKS,
                "import sys, numpy as np",
                "d = numpy_lacks()",
                "torch.save(d, sys.argv[1] + '/zip.pt')",
                "torch.save(d, sys.argv[1] + '/legacy.pt', _use_new_zipfile_serialization=False)",
                "np.savez(sys.argv[1] + '/oracle.npz', **{k: v.contiguous().view(torch.uint8).numpy() for k, v in d.items()})",
                "print('ok')"), dir);
        Map<String, Object> oracle = Npz.readAll(dir.resolve("oracle.npz"), dev.brine.Limits.DEFAULT);
        Map<Object, Object> ours = numpyLacks();
        for (String file : List.of("zip.pt", "legacy.pt")) {
            for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
                Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(dir.resolve(file), o);
                assertEquals(oracle.keySet(), d.keySet());
                for (String k : oracle.keySet()) {
                    NDArray a = (NDArray) d.get(k);
                    NDArray want = (NDArray) oracle.get(k);
                    String where = file + " " + k + " " + o.mmap();
                    assertEquals(((NDArray) ours.get(k)).dtype(), a.dtype(), where);
                    long[] shape = a.shape();
                    shape[shape.length - 1] *= a.dtype().itemsize(); // the oracle holds bytes
                    assertArrayEquals(want.shape(), shape, where);
                    assertArrayEquals(want.rawBytes(), a.toOrder(Order.C).rawBytes(), where);
                }
                for (TorchDType t : NUMPY_LACKS) {
                    assertSame(((NDArray) d.get(t.pythonName())).storage(), ((NDArray) d.get(t.pythonName() + ".T")).storage());
                }
            }
        }
    }

    @Test
    void zip64CheckpointLoadsInTorch() throws Exception {
        Python.require("torch");
        Path f = dir.resolve("z64.pt");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(f)) {
            CheckpointWriter.save(TorchWriteTest.views(), out, "z64", new ZipWriter(out, 0));
        }
        String out = Python.checkText(String.join("\n", PY_FILLED,
                "import sys, zipfile, warnings",
                "warnings.filterwarnings('ignore')",
                "assert zipfile.ZipFile(sys.argv[1]).testzip() is None",
                "d = torch.load(sys.argv[1], weights_only=True)",
                "assert torch.equal(d['t'], filled(torch.float32, (3, 4))) and torch.equal(d['T'], d['t'].t())",
                "print('ok')"), f);
        assertEquals("ok", out.strip());
    }
}
