package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing: atomic saves, version choice, header layout, refusals. */
class NpyWriteTest {
    @TempDir
    Path dir;

    @Test
    void savesAreAtomicAndLeaveNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("a.npy");
        Npy.write(NDArray.of(new int[] {1, 2, 3}), f);
        Npy.write(NDArray.of(new int[] {4, 5}), f);
        assertEquals(NDArray.of(new int[] {4, 5}), Npy.read(f));
        // a refused save leaves the old file as it was
        BrineException e = assertThrows(BrineException.class,
                () -> Npy.write(NDArray.of(new float[] {1}).astype(DType.BFLOAT16), f));
        assertTrue(e.getMessage().contains("bfloat16") && e.getMessage().contains("FLOAT32"), e.getMessage());
        assertEquals(NDArray.of(new int[] {4, 5}), Npy.read(f));
        Npz.write(Map.of("x", NDArray.of(new int[] {1})), dir.resolve("z.npz"), true);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(2, s.count(), "only a.npy and z.npz");
        }
    }

    @Test
    void unforcedAndMappedSavesWriteTheSameBytes() throws IOException {
        // 9 MiB: heap chunks go to the file in slices; a mapped array's chunks go as they are
        NDArray a = NDArray.zeros(DType.INT64, 9 << 17);
        for (long i = 0; i < a.size(); i += 1001) {
            a.set(i * 7, i);
        }
        Path forced = dir.resolve("forced.npy");
        Path unforced = dir.resolve("unforced.npy");
        Npy.write(a, forced);
        Npy.write(a, unforced, NpyWriteOptions.builder().forceToDisk(false).build());
        assertArrayEquals(Files.readAllBytes(forced), Files.readAllBytes(unforced));
        assertArrayEquals(Npy.toBytes(a), Files.readAllBytes(forced));
        Path again = dir.resolve("again.npy");
        Npy.write(Npy.map(forced, false), again, NpyWriteOptions.DEFAULT.toBuilder().version(NpyVersion.of(1, 0)).build());
        assertArrayEquals(Files.readAllBytes(forced), Files.readAllBytes(again));
        assertEquals(a, Npy.read(again));
    }

    @Test
    void headerLayoutIsNumpys() throws IOException {
        byte[] h = Npy.header(NDArray.zeros(DType.FLOAT32, 2, 3), null);
        assertEquals(128, h.length);
        String text = new String(h, 10, h.length - 10, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(20 + 38) + "\n", text);
        // Fortran order pads for the last axis, and 1-d Fortran arrays are written as C
        String f = new String(Npy.header(NDArray.zeros(DType.FLOAT32, Order.F, 2, 1000), null), StandardCharsets.ISO_8859_1);
        assertTrue(f.contains("'fortran_order': True, 'shape': (2, 1000), }" + " ".repeat(17) + " "));
        String one = new String(Npy.header(NDArray.zeros(DType.FLOAT32, Order.F, 5), null), StandardCharsets.ISO_8859_1);
        assertTrue(one.contains("'fortran_order': False, 'shape': (5,), }"));
    }

    @Test
    void explicitVersions() throws IOException {
        NDArray a = NDArray.of(new short[] {1, 2});
        for (NpyVersion v : NpyVersion.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(a, out, v);
            byte[] b = out.toByteArray();
            assertEquals(v.major(), b[6]);
            assertEquals(0, (b.length - 4) % 64);
            Path f = dir.resolve("v" + v.major() + ".npy");
            Files.write(f, b);
            assertEquals(v, Npy.readHeader(f).version());
            assertEquals(a, Npy.read(f));
        }
        NDArray utf = NDArray.zeros(DType.struct().add("日本", DType.INT8).build(), 1);
        assertThrows(BrineException.class, () -> Npy.write(utf, new ByteArrayOutputStream(), NpyVersion.V1_0));
        assertEquals(NpyVersion.V3_0.major(), Npy.toBytes(utf)[6]);
    }

    @Test
    void recordsWithOverlappingFieldsAreRefusedAsNumpyRefusesThem() {
        DType overlap = DType.structured(java.util.List.of(new DType.Field("a", DType.INT32, 0),
                new DType.Field("b", DType.INT16, 2)), 4);
        BrineException e = assertThrows(BrineException.class, () -> Npy.toBytes(NDArray.zeros(overlap, 1)));
        assertTrue(e.getMessage().contains("overlapping"), e.getMessage());
    }

    @Test
    void writingToAStreamAndReadingBack() throws IOException {
        NDArray a = NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).toOrder(Order.F);
        byte[] bytes = Npy.toBytes(a);
        NDArray back = Npy.read(new java.io.ByteArrayInputStream(bytes), dev.brine.Limits.DEFAULT);
        assertEquals(Order.F, back.order());
        assertEquals(a, back);
        assertArrayEquals(a.rawBytes(), back.rawBytes());
    }
}
