package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Loads the numpy-made golden files (tools/golden/make_npy_golden.py) and saves them back. */
class NpyGoldenTest {
    static final Path DIR = Path.of("src", "test", "resources", "golden", "npy");
    /** The 4000-field header is over numpy's own 10,000-character default too; numpy needs max_header_size for it. */
    static final Limits WIDE = Limits.DEFAULT.toBuilder().maxNpyHeaderSize(200_000).build();

    static Stream<String> npyFiles() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npy"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
            assertTrue(names.size() > 50, "golden files present");
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("npyFiles")
    void loadsToExpectedValues(String name) throws IOException {
        Path file = DIR.resolve(name + ".npy");
        NDArray a = Npy.read(file, WIDE);
        NpyHeader h = Npy.readHeader(file, WIDE);
        List<String> expected = Files.readAllLines(DIR.resolve(name + ".values"), StandardCharsets.UTF_8);
        assertEquals(expected, Render.sidecar(a, h.fortranOrder()));
        assertEquals(h.order() == Order.F, a.order() == Order.F);
        assertEquals(0, h.dataOffset() % 64, "data is 64-byte aligned");
    }

    @ParameterizedTest
    @MethodSource("npyFiles")
    void resavingIsByteIdentical(String name) throws IOException {
        Path file = DIR.resolve(name + ".npy");
        byte[] original = Files.readAllBytes(file);
        NDArray a = Npy.read(file, WIDE);
        NpyVersion version = name.equals("v2_forced") ? NpyVersion.V2_0 : null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out, version);
        assertArrayEquals(original, out.toByteArray());
    }

    @ParameterizedTest
    @MethodSource("npyFiles")
    void mapsAndStreamsToTheSameArray(String name) throws IOException {
        Path file = DIR.resolve(name + ".npy");
        NDArray a = Npy.read(file, WIDE);
        assertEquals(a, Npy.map(file, false, WIDE));
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(a, Npy.read(in, WIDE));
        }
    }

    @Test
    void versionsAreThoseNumpyChose() throws IOException {
        assertEquals(NpyVersion.V1_0, Npy.readHeader(DIR.resolve("le_f8.npy")).version());
        assertEquals(NpyVersion.V2_0, Npy.readHeader(DIR.resolve("v2_forced.npy")).version());
        assertEquals(NpyVersion.V2_0, Npy.readHeader(DIR.resolve("v2_large_header.npy"), WIDE).version());
        assertEquals(NpyVersion.V3_0, Npy.readHeader(DIR.resolve("v3_utf8_names.npy")).version());
        assertEquals(NpyVersion.V1_0, Npy.readHeader(DIR.resolve("rec_latin1_name.npy")).version());
    }

    @Test
    void savezAndSavezCompressed() throws IOException {
        for (String f : List.of("savez.npz", "savez_compressed.npz")) {
            try (NpzFile npz = Npz.open(DIR.resolve(f))) {
                assertEquals(List.of("b", "c", "arr_0"), npz.names(), "numpy writes keywords before positional arrays");
                for (String key : npz.names()) {
                    NDArray a = npz.array(key);
                    assertEquals(key, a.memberName());
                    List<String> expected = Files.readAllLines(DIR.resolve("npz_" + key + ".values"), StandardCharsets.UTF_8);
                    assertEquals(expected, Render.sidecar(a, false), f + " " + key);
                    assertEquals(a, npz.get(key + ".npy"), "full member names work too");
                }
                assertEquals(NpyVersion.V1_0, npz.header("b").version());
            }
        }
    }

    @Test
    void storedMembersMemoryMap() throws IOException {
        try (NpzFile npz = Npz.open(DIR.resolve("savez.npz"))) {
            for (String key : npz.names()) {
                NDArray mapped = npz.map(key);
                assertTrue(mapped.isReadOnly());
                assertEquals(npz.get(key), mapped);
            }
        }
        try (NpzFile npz = Npz.open(DIR.resolve("savez_compressed.npz"))) {
            assertThrows(BrineException.class, () -> npz.map("b"));
        }
    }

    @Test
    void nonNpyMembersAreRawBytes() throws IOException {
        try (NpzFile npz = Npz.open(DIR.resolve("mixed.npz"))) {
            assertEquals(List.of("a", "notes.txt"), npz.names());
            assertInstanceOf(NDArray.class, npz.get("a"));
            assertArrayEquals("not an array\n".getBytes(StandardCharsets.US_ASCII), (byte[]) npz.get("notes.txt"));
        }
    }
}
