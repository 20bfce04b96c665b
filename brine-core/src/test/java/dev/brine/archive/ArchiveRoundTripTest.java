package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What is saved comes back: values, identity, names, at every protocol, in both compressions, mapped or read. */
class ArchiveRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void everyProtocolInBothCompressions(int protocol) throws Exception {
        for (ArchiveOptions.Compression c : ArchiveOptions.Compression.values()) {
            Path f = tmp.resolve("p" + protocol + c + ".zip");
            ModelArchive.dump(ArchiveFixtures.model(), f, ArchiveOptions.builder().protocol(protocol).compression(c).build());
            assertEquals(ArchiveFixtures.model(), ModelArchive.load(f));
        }
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.ArrayAccess.class)
    void storedArchivesLoadMappedOrReadAsAsked(ArchiveOptions.ArrayAccess access) throws Exception {
        Path f = tmp.resolve("stored.zip");
        ModelArchive.dump(ArchiveFixtures.model(), f,
                ArchiveOptions.builder().compression(ArchiveOptions.Compression.STORED).build());
        Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(f,
                ArchiveOptions.builder().arrayAccess(access).minMappedBytes(0).build());
        assertEquals(ArchiveFixtures.model(), loaded);
        // mapped arrays are read-only views of the file; read ones are ordinary heap arrays
        NDArray plain = (NDArray) loaded.get("plain");
        assertEquals(access != ArchiveOptions.ArrayAccess.READ, plain.isReadOnly());
        // by default, arrays too small to be worth a mapping are read
        Map<?, ?> small = (Map<?, ?>) ModelArchive.load(f, ArchiveOptions.builder().arrayAccess(access).build());
        assertFalse(((NDArray) small.get("plain")).isReadOnly());
    }

    @Test
    void manySmallStoredArraysDoNotRunTheProcessOutOfMappings() throws Exception {
        // more arrays than a process may map: the excess is read, and the load succeeds
        List<Object> arrays = new java.util.ArrayList<>();
        for (int i = 0; i < MemberArrays.MAX_MAPPINGS + 10; i++) {
            arrays.add(NDArray.of(new int[] {i}));
        }
        Path f = tmp.resolve("many.zip");
        ModelArchive.dump(arrays, f, ArchiveOptions.builder().compression(ArchiveOptions.Compression.STORED).build());
        List<?> loaded = (List<?>) ModelArchive.load(f, ArchiveOptions.builder().minMappedBytes(0).build());
        assertTrue(((NDArray) loaded.get(0)).isReadOnly());
        assertFalse(((NDArray) loaded.get(loaded.size() - 1)).isReadOnly());
        assertEquals(arrays, loaded);
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.ArrayAccess.class)
    void emptyAndZeroDimensionalArrays(ArchiveOptions.ArrayAccess access) throws Exception {
        List<Object> obj = List.of(NDArray.zeros(dev.brine.ndarray.DType.FLOAT32, 0),
                NDArray.zeros(dev.brine.ndarray.DType.INT16, 3, 0, 2), NDArray.scalar(dev.brine.ndarray.DType.FLOAT64, 2.5),
                NDArray.of(new String[] {"ab", "ü"}));
        for (ArchiveOptions.Compression c : ArchiveOptions.Compression.values()) {
            Path f = tmp.resolve("empty-" + c + ".zip");
            ModelArchive.dump(obj, f, ArchiveOptions.builder().compression(c).build());
            assertEquals(obj, ModelArchive.load(f, ArchiveOptions.builder().arrayAccess(access).minMappedBytes(0).build()));
        }
    }

    @Test
    void deflatedArchivesAreAlwaysRead() throws Exception {
        Path f = tmp.resolve("deflated.zip");
        ModelArchive.dump(ArchiveFixtures.model(), f);
        Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(f);
        assertFalse(((NDArray) loaded.get("plain")).isReadOnly());
    }

    @Test
    void aLargeMappedArrayIsUsableAndStaysValidWhenTheArchiveIsReplaced() throws Exception {
        double[] values = new double[3_000_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5;
        }
        Path f = tmp.resolve("big.zip");
        ArchiveOptions stored = ArchiveOptions.builder().compression(ArchiveOptions.Compression.STORED).build();
        ModelArchive.dump(List.of(new SharedVariable("W", NDArray.of(values))), f, stored);
        for (ArchiveOptions.ArrayAccess access : List.of(ArchiveOptions.ArrayAccess.MAP, ArchiveOptions.ArrayAccess.MAP_LAZY)) {
            List<?> loaded = (List<?>) ModelArchive.load(f, stored.toBuilder().arrayAccess(access).build());
            NDArray w = (NDArray) ((SharedVariable) loaded.get(0)).getValue();
            assertTrue(w.isReadOnly());
            assertEquals(2_999_999 * 0.5, w.getDouble(2_999_999));
            assertThrows(IllegalStateException.class, () -> w.setDouble(1, 0));

            // saving over the archive renames a new file into place: the mapping keeps the old one
            ModelArchive.dump(List.of(new SharedVariable("W", NDArray.of(new double[] {42}))), f, stored);
            assertEquals(0.5, w.getDouble(1));
            assertEquals(values.length, w.size());
            // and a mapped array can be saved again, into a new archive, as any other
            Path copy = tmp.resolve("copy-" + access + ".zip");
            ModelArchive.dump(loaded, copy, stored);
            assertEquals(List.of("W", "pkl"), ModelArchive.verify(copy));
            assertEquals(NDArray.of(values), ((SharedVariable) ((List<?>) ModelArchive.load(copy)).get(0)).getValue());
            ModelArchive.dump(List.of(new SharedVariable("W", NDArray.of(values))), f, stored);
        }
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void streamFormsRoundTrip(ArchiveOptions.Compression c) throws Exception {
        ArchiveOptions options = ArchiveOptions.builder().compression(c).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelArchive.dump(ArchiveFixtures.model(), out, options);
        Object loaded = ModelArchive.load(new ByteArrayInputStream(out.toByteArray()), options);
        assertEquals(ArchiveFixtures.model(), loaded);
        // arrays from a stream are read into memory: the spooled file is gone
        assertFalse(((NDArray) ((Map<?, ?>) loaded).get("plain")).isReadOnly());
    }

    @Test
    void archiveToArchiveKeepsMemberNames() throws Exception {
        Path first = tmp.resolve("first.zip");
        ModelArchive.dump(ArchiveFixtures.model(), first);
        Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(first);

        // the whole object again: the same names
        Path again = tmp.resolve("again.zip");
        ModelArchive.dump(loaded, again);
        assertEquals(ArchiveFixtures.modelMembers(), ModelArchive.verify(again));

        // arrays taken out of their variables keep the names they were loaded under; generated
        // names (array_N) carry no meaning and are given afresh
        List<?> layers = (List<?>) loaded.get("layers");
        Map<String, Object> rebuilt = new LinkedHashMap<>();
        rebuilt.put("plain", loaded.get("plain"));
        rebuilt.put("bias", ((SharedVariable) layers.get(1)).getValue());
        rebuilt.put("weights", ((SharedVariable) layers.get(0)).getValue());
        rebuilt.put("other", ((SharedVariable) layers.get(2)).getValue());
        Path third = tmp.resolve("third.zip");
        ModelArchive.dump(rebuilt, third);
        assertEquals(List.of("array_0", "b", "W", "W_2", "pkl"), ModelArchive.verify(third));

        // a variable's name wins over a remembered one
        Path renamed = tmp.resolve("renamed.zip");
        ModelArchive.dump(List.of(new SharedVariable("weights", rebuilt.get("weights"))), renamed);
        assertEquals(List.of("weights", "pkl"), ModelArchive.verify(renamed));
    }

    @Test
    void npzKeysAreKeptAsMemberNamesToo() throws Exception {
        Path npz = tmp.resolve("data.npz");
        Npz.write(Map.of("embedding", ArchiveFixtures.w()), npz, false);
        NDArray e;
        try (NpzFile f = Npz.open(npz)) {
            e = f.array("embedding");
        }
        Path out = tmp.resolve("model.zip");
        ModelArchive.dump(Map.of("e", e), out);
        assertEquals(List.of("embedding", "pkl"), ModelArchive.verify(out));
    }

    @Test
    void npzFileListsAnArchiveAsNumpyDoes() throws Exception {
        Path f = tmp.resolve("model.zip");
        ModelArchive.dump(ArchiveFixtures.model(), f);
        try (NpzFile npz = Npz.open(f)) {
            assertEquals(ArchiveFixtures.modelMembers(), npz.names());
            assertEquals(ArchiveFixtures.w(), npz.array("W"));
            assertTrue(npz.get("pkl") instanceof byte[]);
        }
    }

    @Test
    void distinctButEqualArraysStayDistinct() throws Exception {
        List<Object> obj = List.of(ArchiveFixtures.w(), ArchiveFixtures.w());
        Path f = tmp.resolve("m.zip");
        ModelArchive.dump(obj, f);
        assertEquals(List.of("array_0", "array_1", "pkl"), ModelArchive.verify(f));
        List<?> loaded = (List<?>) ModelArchive.load(f);
        assertEquals(loaded.get(0), loaded.get(1));
        assertNotSame(loaded.get(0), loaded.get(1));
    }

    @Test
    void anArchiveWithoutArraysIsJustThePickle() throws Exception {
        Path f = tmp.resolve("m.zip");
        ModelArchive.dump(Map.of("lr", 0.1), f);
        assertEquals(List.of("pkl"), ModelArchive.verify(f));
        assertEquals(Map.of("lr", 0.1), ModelArchive.load(f));
        assertTrue(Files.size(f) < 400);
    }
}
