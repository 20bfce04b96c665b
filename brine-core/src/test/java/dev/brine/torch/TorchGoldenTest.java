package dev.brine.torch;

import static dev.brine.torch.TorchGolden.TORCH;
import static dev.brine.torch.TorchGolden.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.py.Complex;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reads the checkpoints torch itself wrote (tools/golden/make_torch_golden.py). */
class TorchGoldenTest {
    static final List<TorchDType> DTYPES = List.of(TorchDType.FLOAT32, TorchDType.FLOAT64, TorchDType.FLOAT16,
            TorchDType.BFLOAT16, TorchDType.INT8, TorchDType.INT16, TorchDType.INT32, TorchDType.INT64, TorchDType.UINT8,
            TorchDType.BOOL, TorchDType.COMPLEX64, TorchDType.COMPLEX128, TorchDType.UINT16, TorchDType.UINT32,
            TorchDType.UINT64);

    static Map<?, ?> load(String name) throws Exception {
        return (Map<?, ?>) TorchCheckpoint.load(TORCH.resolve(name));
    }

    static Map<?, ?> load(String name, TorchOptions o) throws Exception {
        return (Map<?, ?>) TorchCheckpoint.load(TORCH.resolve(name), o);
    }

    @Test
    void everyDtype() throws Exception {
        for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
            Map<?, ?> d = load("dtypes.pt", o);
            for (TorchDType t : DTYPES) {
                NDArray a = (NDArray) d.get(t.pythonName());
                assertEquals(t.arrayType(), a.dtype(), t.pythonName());
                assertEquals(filled(t, 2, 3), a, t.pythonName());
                assertEquals(o.mmap(), a.isReadOnly(), t.pythonName());
            }
            NDArray scalar = (NDArray) d.get("scalar");
            assertEquals(0, scalar.ndim());
            assertEquals(-4.0, scalar.getDouble());
            assertArrayEquals(new long[] {0, 3}, ((NDArray) d.get("empty")).shape());
            assertEquals(new Complex(-4.0, 2.0), ((NDArray) d.get("complex64")).get(0, 0));
            assertEquals(-4.0, ((NDArray) d.get("bfloat16")).getDouble(0, 0));
        }
    }

    @Test
    void viewsShareTheirStorage() throws Exception {
        Map<?, ?> d = load("views.pt");
        NDArray t = (NDArray) d.get("t");
        assertEquals(filled(DType.FLOAT32, 3, 4), t);
        NDArray tt = (NDArray) d.get("T");
        assertEquals(Order.F, tt.order());
        assertSame(t.storage(), tt.storage(), "the transposed view shares t's bytes");
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(t.getDouble(i, j), tt.getDouble(j, i));
            }
        }
        NDArray row = (NDArray) d.get("row");
        assertSame(t.storage(), row.storage().base());
        assertEquals(16, row.storage().baseOffset());
        NDArray tail = (NDArray) d.get("tail");
        assertSame(t.storage(), tail.storage().base());
        assertEquals(20, tail.storage().baseOffset());
        assertEquals(7, tail.size());
        assertSame(t.storage(), ((NDArray) d.get("flat")).storage());
        assertSame(t, d.get("again"), "one tensor reached twice is one array");
        NDArray col = (NDArray) d.get("col");
        assertNull(col.storage().base(), "a strided view is copied");
        NDArray step = (NDArray) d.get("step");
        for (int i = 0; i < 3; i++) {
            assertEquals(t.getDouble(i, 1), col.getDouble(i));
            assertEquals(t.getDouble(i, 0), step.getDouble(i, 0));
            assertEquals(t.getDouble(i, 2), step.getDouble(i, 1));
        }
        NDArray expanded = (NDArray) d.get("expanded");
        assertArrayEquals(new long[] {4, 3}, expanded.shape());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(TorchGolden.base(j), expanded.getLong(i, j));
            }
        }
        assertEquals(3.5, ((NDArray) d.get("scalar")).getDouble());
        assertArrayEquals(new long[] {0, 3}, ((NDArray) d.get("empty")).shape());
        TorchStorage bare = (TorchStorage) d.get("bare");
        assertTrue(bare.isUntyped());
        assertArrayEquals(new byte[] {-8, -1, -3, -1, 2, 0}, readAll(bare));
        TorchStorage typed = (TorchStorage) d.get("typed");
        assertEquals(TorchDType.FLOAT64, typed.dtype());
        assertEquals(filled(DType.FLOAT64, 2), typed.toArray());
        // heap views share bytes as torch tensors do: a write shows through every view
        t.setDouble(99, 1, 0);
        assertEquals(99, row.getDouble(0));
        assertEquals(99, tt.getDouble(0, 1));
    }

    private static byte[] readAll(TorchStorage s) {
        byte[] b = new byte[(int) s.bytes().size()];
        s.bytes().get(0, b, 0, b.length);
        return b;
    }

    @Test
    void mappedViewsAreReadOnlyAndShared() throws Exception {
        Map<?, ?> d = load("views.pt", TorchOptions.builder().mmap(true).build());
        NDArray t = (NDArray) d.get("t");
        NDArray row = (NDArray) d.get("row");
        assertTrue(t.isReadOnly());
        assertSame(t.storage(), row.storage().base());
        assertEquals(filled(DType.FLOAT32, 3, 4), t);
        assertEquals(t.getDouble(1, 2), row.getDouble(2));
    }

    @Test
    void stateDictKeepsMetadata() throws Exception {
        Object o = TorchCheckpoint.load(TORCH.resolve("state_dict.pt"));
        OrderedDict<?, ?> sd = assertInstanceOf(OrderedDict.class, o);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked"), List.copyOf(sd.keySet()));
        assertEquals(filled(DType.FLOAT32, 2, 3), sd.get("0.weight"));
        assertEquals(filled(DType.FLOAT32, 2), sd.get("1.running_var"));
        NDArray tracked = (NDArray) sd.get("1.num_batches_tracked");
        assertEquals(DType.INT64, tracked.dtype());
        assertEquals(0, tracked.ndim());
        assertEquals(0L, tracked.getLong());
        OrderedDict<?, ?> meta = assertInstanceOf(OrderedDict.class, sd.attributes().get("_metadata"));
        assertEquals(List.of("", "0", "1"), List.copyOf(meta.keySet()));
        assertEquals(Map.of("version", 2L), meta.get("1"));
    }

    @Test
    void nestedValues() throws Exception {
        Map<?, ?> d = load("nested.pt");
        assertInstanceOf(OrderedDict.class, d.get("model"));
        Map<?, ?> opt = (Map<?, ?>) d.get("optimizer");
        Map<?, ?> state = (Map<?, ?>) ((Map<?, ?>) opt.get("state")).get(0L);
        assertEquals(3.0, ((NDArray) state.get("step")).getDouble());
        assertEquals(filled(DType.FLOAT32, 2, 3), state.get("exp_avg"));
        Map<?, ?> group = (Map<?, ?>) ((List<?>) opt.get("param_groups")).get(0);
        assertEquals(Tuple.of(0.9, 0.999), group.get("betas"));
        assertEquals(List.of(0L), group.get("params"));
        assertEquals(false, group.get("amsgrad"));
        assertEquals(5L, d.get("epoch"));
        assertEquals("run-\u00e9", d.get("name"));
        assertEquals(Arrays.asList(true, false, null), d.get("flags"));
        assertEquals(BigInteger.TWO.pow(70), d.get("big"));
        assertEquals(-3L, d.get("neg"));
        assertArrayEquals(new byte[] {0, -1}, (byte[]) d.get("bytes"));
        assertEquals(new LinkedHashSet<>(List.of(1L, 2L)), (Set<?>) d.get("set"));
        assertEquals(new Complex(1, 2), d.get("complex"));
        assertEquals(Double.POSITIVE_INFINITY, d.get("inf"));
        assertSame(TorchDType.FLOAT16, d.get("dtype"));
        assertEquals(TorchSize.of(2, 3), d.get("size"));
        assertEquals(TorchDevice.CPU, d.get("device"));
        assertEquals(new TorchDevice("cuda", 1L), d.get("cuda"));
        assertEquals(List.of(List.of(1L, List.of(2L, Tuple.of(3L, Map.of("k", "v"))))), d.get("nested"));
        assertEquals(filled(DType.FLOAT32, 2), d.get("param"));
        assertEquals(filled(DType.INT64, 2), d.get("frozen"));
        assertEquals(filled(DType.FLOAT32, 2), d.get("attr"));
    }

    @Test
    void bigEndianIsSwapped() throws Exception {
        for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
            Map<?, ?> d = load("big_endian.pt", o);
            for (TorchDType t : DTYPES) {
                if (t.storageClass() != null) {
                    assertEquals(filled(t, 2, 3), d.get(t.pythonName()), t.pythonName());
                    assertEquals(t.arrayType(), ((NDArray) d.get(t.pythonName())).dtype());
                }
            }
        }
    }

    @Test
    void legacyFormat() throws Exception {
        for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
            Map<?, ?> d = load("legacy.pt", o);
            NDArray t = (NDArray) d.get("t");
            assertEquals(filled(DType.FLOAT32, 2, 3), t);
            NDArray row = (NDArray) d.get("row");
            assertSame(t.storage(), row.storage().base());
            assertEquals(t.getDouble(1, 2), row.getDouble(2));
            NDArray tt = (NDArray) d.get("T");
            assertSame(t.storage(), tt.storage());
            assertEquals(t.getDouble(0, 2), tt.getDouble(2, 0));
            assertEquals(filled(DType.INT16, 3), d.get("i16"));
            assertEquals(filled(DType.BOOL, 2), d.get("b"));
            assertEquals(filled(DType.BFLOAT16, 2), d.get("bf"));
            OrderedDict<?, ?> sd = assertInstanceOf(OrderedDict.class, d.get("sd"));
            assertEquals(filled(DType.FLOAT64, 2), sd.get("w"));
        }
    }

    @Test
    void maliciousCheckpointIsRefusedOrInert() throws Exception {
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(TORCH.resolve("malicious.pt")));
        assertTrue(e.getMessage().contains("os.system"), e.getMessage());
        assertTrue(e.getMessage().contains("malicious/data.pkl"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 2"), e.getMessage());
        Object o = TorchCheckpoint.load(TORCH.resolve("malicious.pt"), TorchOptions.builder().genericObjects(true).build());
        GenericObject g = assertInstanceOf(GenericObject.class, o);
        assertEquals(new Global("os", "system"), g.type());
        assertEquals(Tuple.of("echo brine-was-pwned 1>&2"), g.args());
    }

    @Test
    void float8ReadsAsItsValues() throws Exception {
        for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
            NDArray f8 = (NDArray) load("float8.pt", o).get("f8");
            assertEquals(DType.FLOAT8_E4M3FN, f8.dtype());
            assertEquals(filled(DType.FLOAT8_E4M3FN, 2), f8);
            assertEquals(-4.0, f8.getDouble(0));
            assertEquals(-1.5, f8.getDouble(1));
        }
    }
}
