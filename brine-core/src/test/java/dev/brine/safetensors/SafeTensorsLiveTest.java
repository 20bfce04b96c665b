package dev.brine.safetensors;

import static dev.brine.safetensors.SafeTensorsGoldenTest.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.npy.Npz;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Differential tests against the safetensors package: Brine's files there, its files here. */
class SafeTensorsLiveTest {
    @TempDir
    Path dir;

    static final String PY_FILLED = String.join("\n",
            "import math, torch",
            "def filled(dtype, shape):",
            "    v = [((i * 5) % 17) - 8 for i in range(math.prod(shape))]",
            "    if dtype == torch.bool: t = torch.tensor([(x + 8) % 3 == 0 for x in v])",
            "    elif dtype in (torch.uint8, torch.uint16, torch.uint32, torch.uint64):",
            "        t = torch.tensor([x + 8 for x in v]).to(dtype)",
            "    elif dtype.is_complex:",
            "        t = torch.complex(torch.tensor([x / 2 for x in v], dtype=torch.float64),",
            "                          torch.tensor([-x / 4 for x in v], dtype=torch.float64)).to(dtype)",
            "    elif dtype.is_floating_point: t = torch.tensor([x / 2 for x in v], dtype=torch.float64).to(dtype)",
            "    else: t = torch.tensor(v).to(dtype)",
            "    return t.reshape(shape)",
            "NAMES = {'F64': torch.float64, 'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16,",
            "         'I64': torch.int64, 'I32': torch.int32, 'I16': torch.int16, 'I8': torch.int8, 'U8': torch.uint8,",
            "         'BOOL': torch.bool, 'C64': torch.complex64, 'U16': torch.uint16, 'U32': torch.uint32, 'U64': torch.uint64,",
            "         'F8_E4M3': torch.float8_e4m3fn, 'F8_E5M2': torch.float8_e5m2, 'F8_E8M0': torch.float8_e8m0fnu,",
            "         'F8_E4M3FNUZ': torch.float8_e4m3fnuz, 'F8_E5M2FNUZ': torch.float8_e5m2fnuz}",
            "NUMPY_LACKS = {torch.bfloat16, torch.float8_e4m3fn, torch.float8_e5m2, torch.float8_e8m0fnu,",
            "               torch.float8_e4m3fnuz, torch.float8_e5m2fnuz}",
            "def reference():",
            "    d = {k: filled(t, (2, 3)) for k, t in NAMES.items()}",
            "    d['scalar'] = filled(torch.float64, ())",
            "    d['empty'] = filled(torch.float32, (0, 3))",
            "    d['fortran'] = filled(torch.float64, (3, 2))",
            "    d['b\\u00e9'] = filled(torch.int32, (4,))",
            "    return d",
            "");

    static Map<String, NDArray> reference() {
        Map<String, NDArray> d = new LinkedHashMap<>();
        for (SafeTensorsDType t : SafeTensorsDType.values()) {
            if (t.arrayType() != null) {
                d.put(t.name(), filled(t.arrayType(), 2, 3));
            }
        }
        d.put("scalar", filled(DType.FLOAT64));
        d.put("empty", filled(DType.FLOAT32, 0, 3));
        d.put("fortran", filled(DType.FLOAT64, 3, 2).toOrder(Order.F)); // written in C order
        d.put("b\u00e9", filled(DType.INT32, 4).astype(DType.INT32.withByteOrder('>'))); // written little-endian
        return d;
    }

    @Test
    void brinesBytesAreThePackagesBytes() throws Exception {
        Python.require("torch", "safetensors");
        Path f = dir.resolve("brine.safetensors");
        SafeTensors.write(reference(), Map.of("format", "pt"), f);
        String out = Python.checkText(String.join("\n", PY_FILLED,
                "import sys, safetensors.torch, safetensors.numpy, numpy as np",
                "theirs = safetensors.torch.save(reference(), metadata={'format': 'pt'})",
                "ours = open(sys.argv[1], 'rb').read()",
                "assert theirs == ours, (theirs[:400], ours[:400])",
                "got = safetensors.torch.load_file(sys.argv[1])",
                "ref = reference()",
                "assert list(sorted(got)) == list(sorted(ref))",
                "for k in ref: assert got[k].dtype == ref[k].dtype and got[k].shape == ref[k].shape and torch.equal(got[k], ref[k]), k",
                "with safetensors.safe_open(sys.argv[1], 'np') as s:",
                "    for k in ref:",
                "        if ref[k].dtype not in NUMPY_LACKS:",
                "            assert np.array_equal(s.get_tensor(k), ref[k].numpy()), k",
                "with safetensors.safe_open(sys.argv[1], 'pt') as s: assert s.metadata() == {'format': 'pt'}",
                "print('ok')"), f);
        assertEquals("ok", out.strip());
    }

    @Test
    void absentAndEmptyMetadataAreWrittenAsThePackageWritesThem() throws Exception {
        Python.require("torch", "safetensors");
        Map<String, NDArray> one = Map.of("a", NDArray.of(new float[] {1}, 1));
        SafeTensors.write(one, null, dir.resolve("none.safetensors"));
        SafeTensors.write(one, Map.of(), dir.resolve("empty.safetensors"));
        String out = Python.checkText(String.join("\n",
                "import sys, torch, safetensors.torch as st",
                "for path, meta in ((sys.argv[1], None), (sys.argv[2], {})):",
                "    theirs = st.save({'a': torch.ones(1)}, metadata=meta)",
                "    ours = open(path, 'rb').read()",
                "    assert theirs == ours, (meta, theirs[:80], ours[:80])",
                "print('ok')"), dir.resolve("none.safetensors"), dir.resolve("empty.safetensors"));
        assertEquals("ok", out.strip());
        try (SafeTensorsFile f = SafeTensors.open(dir.resolve("none.safetensors"))) {
            assertEquals(false, f.hasMetadata());
        }
        try (SafeTensorsFile f = SafeTensors.open(dir.resolve("empty.safetensors"))) {
            assertEquals(true, f.hasMetadata());
        }
    }

    /** Every bit pattern of each 8-bit float type (NaNs included), read back bit for bit both ways. */
    @Test
    void float8FilesAreThePackagesBitForBit() throws Exception {
        Python.require("torch", "safetensors");
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        Map<String, NDArray> ours = new LinkedHashMap<>();
        for (SafeTensorsDType t : SafeTensorsDType.values()) {
            if (t.bits() == 8 && t.arrayType() != null && t.arrayType().isBrineOnly()) {
                ours.put(t.name(), NDArray.fromBytes(t.arrayType(), Order.C, every, 16, 16));
            }
        }
        assertEquals(5, ours.size());
        SafeTensors.write(ours, Map.of("k", "v"), dir.resolve("brine.safetensors"));
        String out = Python.checkText(String.join("\n", PY_FILLED,
                "import sys, safetensors.torch as st",
                "every = torch.arange(256, dtype=torch.int32).to(torch.uint8).reshape(16, 16)",
                "d = {k: every.clone().view(t) for k, t in NAMES.items() if t.itemsize == 1 and t.is_floating_point}",
                "st.save_file(d, sys.argv[1] + '/package.safetensors', metadata={'k': 'v'})",
                "assert open(sys.argv[1] + '/package.safetensors', 'rb').read() == open(sys.argv[1] + '/brine.safetensors', 'rb').read()",
                "got = st.load_file(sys.argv[1] + '/brine.safetensors')",
                "assert sorted(got) == sorted(d), sorted(got)",
                "for k in d: assert got[k].dtype == d[k].dtype and torch.equal(got[k].view(torch.uint8), every), k",
                "print('ok')"), dir);
        assertEquals("ok", out.strip());
        try (SafeTensorsFile f = SafeTensors.open(dir.resolve("package.safetensors"))) {
            for (Map.Entry<String, NDArray> e : ours.entrySet()) {
                assertEquals(e.getValue().dtype(), f.get(e.getKey()).dtype(), e.getKey());
                assertArrayEquals(every, f.get(e.getKey()).rawBytes(), e.getKey());
            }
        }
    }

    @Test
    void packagesFilesLoadInBrine() throws Exception {
        Python.require("numpy", "safetensors");
        Python.checkText(String.join("\n",
                "import sys, numpy as np, safetensors.numpy",
                "r = np.random.default_rng(7)",
                "d = {'w': r.standard_normal((31, 17)).astype(np.float32), 'h': r.standard_normal(100).astype(np.float16),",
                "     'd': r.standard_normal((2, 3, 4)), 'i': r.integers(-2**40, 2**40, 50), 'u': r.integers(0, 2**16, 9).astype(np.uint16),",
                "     'b': r.random(11) > 0.5, 'c': (r.standard_normal(5) + 1j * r.standard_normal(5)).astype(np.complex64),",
                "     'i8': r.integers(-128, 127, 3).astype(np.int8), 'z': np.zeros((0, 5), np.float32), 's': np.array(2.5)}",
                "safetensors.numpy.save_file(d, sys.argv[1] + '/np.safetensors', metadata={'k': 'v'})",
                "np.savez(sys.argv[1] + '/oracle.npz', **d)",
                "print('ok')"), dir);
        Map<String, Object> oracle = Npz.readAll(dir.resolve("oracle.npz"), Limits.DEFAULT);
        for (boolean mmap : new boolean[] {false, true}) {
            try (SafeTensorsFile f = SafeTensors.open(dir.resolve("np.safetensors"),
                    SafeTensorsOptions.builder().mmap(mmap).build())) {
                assertEquals(Map.of("k", "v"), f.metadata());
                assertEquals(oracle.keySet(), new java.util.HashSet<>(f.names()));
                for (String k : oracle.keySet()) {
                    assertEquals(oracle.get(k), f.get(k), k);
                }
            }
        }
    }

    /**
     * Headers the package reads differently from a plain JSON reading: {@code -0} is a float to serde_json
     * (refused as a count or an offset), and a key repeated in {@code __metadata__} keeps its last value.
     * Brine accepts and refuses what the package does, with its metadata; but for a tensor named twice,
     * which the package reads as the last entry (and then checks the offsets): Brine refuses it, by
     * decision, since two readers of one file could otherwise see different tensors under one name.
     */
    @Test
    void headerEdgeCasesAreReadAsThePackageReadsThem() throws Exception {
        Python.require("numpy", "safetensors");
        String out = Python.checkText(String.join("\n",
                "import sys, json, struct, safetensors.numpy",
                "cases = {",
                "  'neg-zero-offset': '{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-0,4]}}',",
                "  'neg-zero-shape': '{\"t\":{\"dtype\":\"F32\",\"shape\":[-0],\"data_offsets\":[0,0]}}',",
                "  'dup-metadata': '{\"__metadata__\":{\"x\":\"1\",\"y\":\"3\",\"x\":\"2\"},"
                        + "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}',",
                "  'dup-tensor': '{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}',",
                "  'plain': '{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}',",
                // JSON whitespace before the '{' (which the format's text says a header MUST begin with): the
                // package's reader (serde_json) skips it, Brine refuses it on purpose (README); anything else there
                // is refused by both
                "  'lead-space': ' {\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}',",
                "  'lead-mixed': '\\n\\t\\r {\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}',",
                "  'lead-x': 'x{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}',",
                "  'lead-nbsp': '\\u00a0{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}',",
                "}",
                "for name, header in cases.items():",
                "    h = header.encode()",
                "    h += b' ' * (-len(h) % 8)",
                "    path = sys.argv[1] + '/' + name + '.safetensors'",
                "    open(path, 'wb').write(struct.pack('<Q', len(h)) + h + bytes(4))",
                "    try:",
                "        safetensors.numpy.load_file(path)",
                "        with safetensors.safe_open(path, 'np') as f:",
                "            print(name, 'ok', json.dumps(f.metadata() or {}, sort_keys=True))",
                "    except Exception:",
                "        print(name, 'refused')"), dir);
        assertTrue(out.contains("lead-space ok") && out.contains("lead-mixed ok") && out.contains("lead-x refused"), out);
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ", 3);
            Path file = dir.resolve(f[0] + ".safetensors");
            if (f[0].startsWith("lead-") && f[1].equals("ok")) {
                BrineException e = assertThrows(BrineException.class, () -> SafeTensors.open(file, SafeTensorsOptions.DEFAULT));
                assertTrue(e.getMessage().contains("the JSON header must start with '{' (at byte 8)"), e.getMessage());
            } else if (f[0].equals("dup-tensor")) {
                assertEquals("ok", f[1], "the package reads a repeated tensor name as its last entry");
                BrineException e = assertThrows(BrineException.class, () -> SafeTensors.open(file, SafeTensorsOptions.DEFAULT));
                assertTrue(e.getMessage().contains("duplicate key \"t\""), e.getMessage());
            } else if (f[1].equals("refused")) {
                assertThrows(BrineException.class, () -> SafeTensors.open(file, SafeTensorsOptions.DEFAULT).close(),
                        f[0]);
            } else {
                try (SafeTensorsFile st = SafeTensors.open(file, SafeTensorsOptions.DEFAULT)) {
                    Map<String, String> meta = st.metadata() == null ? Map.of() : new java.util.TreeMap<>(st.metadata());
                    StringBuilder json = new StringBuilder("{");
                    for (Map.Entry<String, String> e : meta.entrySet()) {
                        json.append(json.length() > 1 ? ", " : "").append('"').append(e.getKey()).append("\": \"")
                                .append(e.getValue()).append('"');
                    }
                    assertEquals(f[2], json.append('}').toString(), f[0]);
                }
            }
        }
    }

    /**
     * Numbers beyond the largest double, in a field no reader uses: the package (serde_json) refuses them
     * anywhere in the header ("number out of range"), and so does Brine; numbers that only underflow, or sit
     * just within the range, load in both.
     */
    @Test
    void numbersBeyondADoubleAreRefusedAsThePackageRefusesThem() throws Exception {
        Python.require("numpy", "safetensors");
        List<String> numbers = List.of("1e999", "-1e999", "1.8e308", "1.7976931348623159e308", "1" + "0".repeat(309),
                "-" + "9".repeat(309) + "0", "0." + "0".repeat(500) + "1e999", "1e-999", "1e308", "1.7976931348623157e308",
                "-" + "1".repeat(309), "1" + "0".repeat(308), "18446744073709551616", "-0", "2.5");
        List<String> verdicts = Python.eachLine(String.join("\n",
                        "import struct, os, safetensors.numpy",
                        "def write(number):",
                        "    h = ('{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":%s}}' % number).encode()",
                        "    path = os.path.join(" + pyStr(dir.toString()) + ", str(abs(hash(number))) + '.safetensors')",
                        "    open(path, 'wb').write(struct.pack('<Q', len(h)) + h + bytes(4))",
                        "    return path",
                        "def verdict(number):",
                        "    path = write(number)",
                        "    try:",
                        "        safetensors.numpy.load_file(path)",
                        "        return path + ' ok'",
                        "    except Exception as e:",
                        "        assert 'number out of range' in str(e), e",
                        "        return path + ' refused'"),
                "verdict(line)", null, numbers);
        for (int i = 0; i < numbers.size(); i++) {
            String number = numbers.get(i).length() > 30 ? numbers.get(i).substring(0, 30) + "..." : numbers.get(i);
            Path file = Path.of(verdicts.get(i).substring(0, verdicts.get(i).lastIndexOf(' ')));
            if (verdicts.get(i).endsWith(" refused")) {
                BrineException e = assertThrows(BrineException.class, () -> SafeTensors.open(file, SafeTensorsOptions.DEFAULT),
                        number);
                assertTrue(e.getMessage().contains(file + ": header: number out of range"), e.getMessage());
            } else {
                try (SafeTensorsFile st = SafeTensors.open(file, SafeTensorsOptions.DEFAULT)) {
                    assertEquals(List.of("t"), st.names(), number);
                }
            }
        }
        assertEquals(7, verdicts.stream().filter(v -> v.endsWith(" refused")).count(), verdicts.toString());
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
