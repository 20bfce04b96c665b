package dev.brine.torch;

import static dev.brine.torch.TorchGolden.TORCH;
import static dev.brine.torch.TorchGolden.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.npy.ZipReader;
import dev.brine.py.OrderedDict;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints Brine writes, read back by Brine and inspected member by member. */
class TorchWriteTest {
    @TempDir
    Path dir;

    /** The arrays of views.pt, built in Java: views of one storage and arrays of their own. */
    static Map<String, Object> views() {
        NDArray t = filled(DType.FLOAT32, 3, 4);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("t", t);
        d.put("T", NDArray.wrap(DType.FLOAT32, Order.F, new long[] {4, 3}, t.storage()));
        d.put("row", NDArray.wrap(DType.FLOAT32, Order.C, new long[] {4}, t.storage().view(16, 16)));
        d.put("tail", NDArray.wrap(DType.FLOAT32, Order.C, new long[] {7}, t.storage().view(20, 28)));
        d.put("flat", t.reshape(12));
        d.put("again", t);
        d.put("scalar", NDArray.scalar(DType.FLOAT32, 3.5));
        d.put("empty", NDArray.zeros(DType.FLOAT32, 0, 3));
        d.put("bare", TorchStorage.untyped(filled(DType.INT16, 3).storage()));
        d.put("typed", new TorchStorage(TorchDType.FLOAT64, false, filled(DType.FLOAT64, 2).storage()));
        return d;
    }

    @Test
    void layoutIsTorchs() throws Exception {
        Path f = dir.resolve("model.v2.pt");
        TorchCheckpoint.save(views(), f);
        try (ZipReader zip = ZipReader.open(f, Limits.DEFAULT)) {
            List<String> names = new ArrayList<>();
            for (ZipReader.Entry e : zip.entries()) {
                names.add(e.name());
                assertEquals(0, e.method(), e.name() + " is stored");
                assertEquals(0, zip.dataOffset(e) % 64, e.name() + " starts on a 64-byte boundary");
            }
            assertEquals(List.of("model.v2/data.pkl", "model.v2/.format_version", "model.v2/.storage_alignment",
                    "model.v2/byteorder", "model.v2/data/0", "model.v2/data/1", "model.v2/data/2", "model.v2/data/3",
                    "model.v2/data/4", "model.v2/version"), names);
            assertEquals("3\n", text(zip, "model.v2/version"));
            assertEquals("little", text(zip, "model.v2/byteorder"));
            assertEquals("64", text(zip, "model.v2/.storage_alignment"));
            assertEquals("1", text(zip, "model.v2/.format_version"));
            assertEquals(48, zip.entry("model.v2/data/0").size(), "t and its views: one storage");
        }
        Map<?, ?> back = (Map<?, ?>) TorchCheckpoint.load(f);
        NDArray t = (NDArray) back.get("t");
        assertEquals(filled(DType.FLOAT32, 3, 4), t);
        assertSame(t.storage(), ((NDArray) back.get("T")).storage());
        assertSame(t.storage(), ((NDArray) back.get("row")).storage().base());
        assertSame(t, back.get("again"));
        assertEquals(views().get("T"), back.get("T"));
        assertEquals(views().get("tail"), back.get("tail"));
        assertEquals(3.5, ((NDArray) back.get("scalar")).getDouble());
        assertArrayEquals(new long[] {0, 3}, ((NDArray) back.get("empty")).shape());
        assertTrue(((TorchStorage) back.get("bare")).isUntyped());
        assertEquals(filled(DType.FLOAT64, 2), ((TorchStorage) back.get("typed")).toArray());
    }

    private static String text(ZipReader zip, String name) throws Exception {
        try (InputStream in = zip.open(zip.entry(name))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void roundTripsTorchsOwnFiles() throws Exception {
        for (String name : List.of("dtypes.pt", "views.pt", "state_dict.pt", "nested.pt", "legacy.pt", "big_endian.pt")) {
            Object first = TorchCheckpoint.load(TORCH.resolve(name));
            Path f = dir.resolve(name);
            TorchCheckpoint.save(first, f);
            Object second = TorchCheckpoint.load(f);
            assertEquals(dev.brine.py.PythonRepr.repr(first), dev.brine.py.PythonRepr.repr(second), name);
            byte[] once = Files.readAllBytes(f);
            TorchCheckpoint.save(second, f);
            assertArrayEquals(once, Files.readAllBytes(f), name + ": saving is deterministic");
        }
        OrderedDict<?, ?> sd = (OrderedDict<?, ?>) TorchCheckpoint.load(dir.resolve("state_dict.pt"));
        assertEquals(((OrderedDict<?, ?>) TorchCheckpoint.load(TORCH.resolve("state_dict.pt"))).attributes().toString(),
                sd.attributes().toString());
    }

    @Test
    void bigEndianAndFortranArraysAreWrittenAsTorchHoldsThem() throws Exception {
        NDArray big = filled(DType.INT32, 2, 3).astype(DType.INT32.withByteOrder('>'));
        NDArray fortran = filled(DType.FLOAT64, 2, 3).toOrder(Order.F);
        Path f = dir.resolve("x.pt");
        TorchCheckpoint.save(Map.of("big", big, "f", fortran), f);
        Map<?, ?> back = (Map<?, ?>) TorchCheckpoint.load(f);
        assertEquals(filled(DType.INT32, 2, 3), back.get("big"));
        NDArray fb = (NDArray) back.get("f");
        assertEquals(Order.F, fb.order());
        assertEquals(filled(DType.FLOAT64, 2, 3), fb);
    }

    @Test
    void refusesWhatTorchCannotHold() {
        NDArray text = NDArray.of(new String[] {"a", "b"});
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.save(Map.of("s", text),
                dir.resolve("s.pt")));
        assertTrue(e.getMessage().contains("torch has no such dtype"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("s.pt")));
    }

    @Test
    void archiveNames() {
        assertEquals("model", CheckpointWriter.archiveName(Path.of("dir/model.pt")));
        assertEquals("model.tar", CheckpointWriter.archiveName(Path.of("model.tar.gz")));
        assertEquals("noext", CheckpointWriter.archiveName(Path.of("noext")));
        assertEquals("archive", CheckpointWriter.archiveName(Path.of(".pt")));
        // as torch.save names them (CheckpointFolderNameTest checks against torch)
        assertEquals("archive", CheckpointWriter.archiveName(Path.of("d\u00fc/model.pt")));
        assertEquals("b", CheckpointWriter.archiveName(Path.of("a\\b.pt")));
        assertEquals("archive", CheckpointWriter.archiveName(Path.of("...")));
    }

    @Test
    void zip64RecordsReadBack() throws Exception {
        Path f = dir.resolve("z64.pt");
        try (java.io.OutputStream out = Files.newOutputStream(f)) {
            CheckpointWriter.save(views(), out, "z64", new ZipWriter(out, 0));
        }
        try (ZipReader zip = ZipReader.open(f, Limits.DEFAULT)) {
            assertEquals(10, zip.entries().size());
            for (ZipReader.Entry e : zip.entries()) {
                assertEquals(0, zip.dataOffset(e) % 64, e.name());
            }
        }
        Map<?, ?> back = (Map<?, ?>) TorchCheckpoint.load(f);
        assertEquals(filled(DType.FLOAT32, 3, 4), back.get("t"));
        assertEquals(views().get("tail"), back.get("tail"));
    }

    @Test
    void tensorsByPath() throws Exception {
        Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(TORCH.resolve("nested.pt"));
        Map<String, NDArray> t = TorchCheckpoint.tensors(d);
        assertEquals(List.of("model.0.weight", "model.0.bias", "model.1.weight", "model.1.bias", "model.1.running_mean",
                "model.1.running_var", "model.1.num_batches_tracked", "optimizer.state.0.step",
                "optimizer.state.0.exp_avg", "param", "frozen", "attr"), List.copyOf(t.keySet()));
        assertSame(((Map<?, ?>) d.get("model")).get("0.weight"), t.get("model.0.weight"));
        Map<String, NDArray> sd = TorchCheckpoint.tensors(TorchCheckpoint.load(TORCH.resolve("state_dict.pt")));
        assertEquals("0.weight", sd.keySet().iterator().next());
        Map<String, Object> clash = new LinkedHashMap<>();
        clash.put("a.b", NDArray.zeros(DType.INT8, 1));
        clash.put("a", Map.of("b", NDArray.zeros(DType.INT8, 1)));
        assertThrows(BrineException.class, () -> TorchCheckpoint.tensors(clash));
    }

    @Test
    void overlappingViewsShareOneRecordWhateverComesBetween() throws Exception {
        NDArray t = filled(DType.FLOAT32, 12);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("t", t);
        d.put("b", NDArray.wrap(DType.FLOAT32, Order.C, new long[] {4}, t.storage().view(16, 16)));
        d.put("e", NDArray.wrap(DType.FLOAT32, Order.C, new long[] {0}, t.storage().view(16, 0)));
        d.put("c", NDArray.wrap(DType.FLOAT32, Order.C, new long[] {2}, t.storage().view(20, 8)));
        d.put("odd", NDArray.wrap(DType.FLOAT32, Order.C, new long[] {2}, t.storage().view(22, 8))); // misaligned
        d.put("i", NDArray.wrap(DType.INT32, Order.C, new long[] {2}, t.storage().view(8, 8))); // another dtype
        Path f = dir.resolve("v.pt");
        TorchCheckpoint.save(d, f);
        Map<?, ?> back = (Map<?, ?>) TorchCheckpoint.load(f);
        NDArray bt = (NDArray) back.get("t");
        assertSame(bt.storage(), ((NDArray) back.get("b")).storage().base());
        assertSame(bt.storage(), ((NDArray) back.get("c")).storage().base());
        for (String k : d.keySet()) {
            assertEquals(d.get(k), back.get(k), k);
        }
        try (ZipReader zip = ZipReader.open(f, Limits.DEFAULT)) {
            // t (with b and c), e, odd, i
            assertEquals(4, zip.entries().stream().filter(e -> e.name().startsWith("v/data/")).count());
        }
    }

    @Test
    void viewsThatDoNotOverlapStillShareOneRecord() throws Exception {
        NDArray w = filled(DType.FLOAT32, 16);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("a", NDArray.wrap(DType.FLOAT32, Order.C, new long[] {4}, w.storage().view(0, 16)));
        d.put("b", NDArray.wrap(DType.FLOAT32, Order.C, new long[] {4}, w.storage().view(32, 16)));
        Path f = dir.resolve("apart.pt");
        TorchCheckpoint.save(d, f);
        Map<?, ?> back = (Map<?, ?>) TorchCheckpoint.load(f);
        assertEquals(d, back);
        assertSame(((NDArray) back.get("a")).storage().base(), ((NDArray) back.get("b")).storage().base());
        try (ZipReader zip = ZipReader.open(f, Limits.DEFAULT)) {
            // one record of elements 0 to 12: from the first byte viewed to the last
            List<ZipReader.Entry> data = zip.entries().stream().filter(e -> e.name().startsWith("apart/data/")).toList();
            assertEquals(1, data.size());
            assertEquals(48, data.get(0).size());
        }
    }
}
