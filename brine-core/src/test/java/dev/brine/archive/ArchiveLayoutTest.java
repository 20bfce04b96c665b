package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.NpyHeader;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The archive layout is Aesara's: member names, their order, persistent ids, and the options that refuse names. */
class ArchiveLayoutTest {
    @TempDir
    Path tmp;

    private Path dump(Object obj, ArchiveOptions options) throws Exception {
        Path f = tmp.resolve("model.zip");
        ModelArchive.dump(obj, f, options);
        return f;
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void oneMemberPerDistinctArrayNamedAsAesaraDoesThenPklLast(ArchiveOptions.Compression c) throws Exception {
        Path f = dump(ArchiveFixtures.model(), ArchiveOptions.builder().compression(c).build());
        assertEquals(ArchiveFixtures.modelMembers(), ModelArchive.verify(f));
        try (ZipReader zip = ZipReader.open(f, Limits.DEFAULT)) {
            for (ZipReader.Entry e : zip.entries()) {
                assertEquals(c == ArchiveOptions.Compression.STORED ? 0 : 8, e.method(), e.name());
            }
        }
    }

    @Test
    void thePickleRefersToArraysByNdarrayPersistentIds() throws Exception {
        Path f = dump(ArchiveFixtures.model(), ArchiveOptions.DEFAULT);
        byte[] pkl;
        try (ZipReader zip = ZipReader.open(f, Limits.DEFAULT); InputStream in = zip.open(zip.entry("pkl"))) {
            pkl = in.readAllBytes();
        }
        List<Object> ids = new ArrayList<>();
        UnpicklerOptions uo = UnpicklerOptions.builder().registry(ArchiveOptions.DEFAULT.readRegistry())
                .persistentLoader(pid -> {
                    ids.add(pid);
                    return pid;
                }).build();
        Object obj = new Unpickler(pkl, uo).load();
        // W is reached twice but stored once: the second reference is the same persistent id
        assertEquals(List.of("ndarray.W", "ndarray.b", "ndarray.W_2", "ndarray.array_0", "ndarray.array_1",
                "ndarray.W", "ndarray.array_2"), ids);
        assertEquals("ndarray.W", ((Map<?, ?>) obj).get("again"));
    }

    @Test
    void anArrayReachedTwiceLoadsAsOneObject() throws Exception {
        Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(dump(ArchiveFixtures.model(), ArchiveOptions.DEFAULT));
        SharedVariable w = (SharedVariable) ((List<?>) loaded.get("layers")).get(0);
        assertSame(w.getValue(), loaded.get("again"));
    }

    @Test
    void anArrayMetBeforeItsVariableIsNumberedAsInAesara() throws Exception {
        NDArray w = ArchiveFixtures.w();
        List<Object> obj = List.of(w, new SharedVariable("W", w));
        assertEquals(List.of("array_0", "pkl"), ModelArchive.verify(dump(obj, ArchiveOptions.DEFAULT)));
    }

    @Test
    void aNamedVariableHoldingNoArrayAddsNoMember() throws Exception {
        List<Object> obj = List.of(new SharedVariable("lr", 0.5), new SharedVariable("W", ArchiveFixtures.w()));
        Path f = dump(obj, ArchiveOptions.DEFAULT);
        assertEquals(List.of("W", "pkl"), ModelArchive.verify(f));
        assertEquals(obj, ModelArchive.load(f));
    }

    @Test
    void duplicatesAreNumberedAndNeverCollideWithTakenNames() throws Exception {
        List<Object> obj = List.of(new SharedVariable("W_2", NDArray.of(new int[] {1})),
                new SharedVariable("W", NDArray.of(new int[] {2})), new SharedVariable("W", NDArray.of(new int[] {3})),
                new SharedVariable("array_0", NDArray.of(new int[] {4})), NDArray.of(new int[] {5}));
        Path f = dump(obj, ArchiveOptions.DEFAULT);
        assertEquals(List.of("W_2", "W", "W_3", "array_0", "array_1", "pkl"), ModelArchive.verify(f));
        assertEquals(obj, ModelArchive.load(f));
    }

    @Test
    void duplicateNamesAreRefusedWhenAskedWithAClearErrorAndNoFile() throws Exception {
        List<Object> obj = List.of(new SharedVariable("W", ArchiveFixtures.w()), new SharedVariable("W", ArchiveFixtures.b()));
        BrineException e = assertThrows(BrineException.class,
                () -> dump(obj, ArchiveOptions.builder().allowDuplicates(false).build()));
        assertTrue(e.getMessage().contains("multiple shared variables with the name 'W'"), e.getMessage());
        assertTrue(e.getMessage().contains("model.zip"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("model.zip")));
        assertNoTempFiles();
    }

    @Test
    void unnamedVariablesAreRefusedWhenAsked() throws Exception {
        List<Object> obj = List.of(new SharedVariable(null, ArchiveFixtures.w()));
        BrineException e = assertThrows(BrineException.class,
                () -> dump(obj, ArchiveOptions.builder().allowUnnamed(false).build()));
        assertTrue(e.getMessage().contains("unnamed shared variable"), e.getMessage());
        // an empty name counts as none, as in Aesara
        assertThrows(BrineException.class, () -> dump(List.of(new SharedVariable("", ArchiveFixtures.w())),
                ArchiveOptions.builder().allowUnnamed(false).build()));
        // allowed by default: the array is numbered
        assertEquals(List.of("array_0", "pkl"), ModelArchive.verify(dump(obj, ArchiveOptions.DEFAULT)));
        assertNoTempFiles();
    }

    @Test
    void theNamePklAndUnsafeNamesAreRefused() throws Exception {
        for (String name : List.of("pkl", "../evil", "/etc/passwd", "a/../../b", "C:\\x")) {
            List<Object> obj = List.of(new SharedVariable(name, ArchiveFixtures.w()));
            BrineException e = assertThrows(BrineException.class, () -> dump(obj, ArchiveOptions.DEFAULT), name);
            assertTrue(e.getMessage().contains(name.equals("pkl") ? "'pkl'" : "cannot be a member name"), e.getMessage());
        }
        assertFalse(Files.exists(tmp.resolve("model.zip")));
        assertNoTempFiles();
    }

    @Test
    void everyStoredMemberAndEveryArrayStartsOn64ByteBoundaries() throws Exception {
        Path f = dump(ArchiveFixtures.model(), ArchiveOptions.builder().compression(ArchiveOptions.Compression.STORED).build());
        try (ZipReader zip = ZipReader.open(f, Limits.DEFAULT)) {
            for (ZipReader.Entry e : zip.entries()) {
                long start = zip.dataOffset(e);
                assertEquals(0, start % 64, e.name() + " starts at " + start);
                if (!e.name().equals("pkl")) {
                    NpyHeader h;
                    try (InputStream in = zip.open(e)) {
                        h = Npy.readHeader(in, Limits.DEFAULT);
                    }
                    assertEquals(0, (start + h.dataOffset()) % 64, e.name() + " array data");
                }
            }
        }
    }

    @Test
    void alignmentHoldsForEveryNameLength() throws Exception {
        // the padding depends on the offset and the name length: try all residues of both
        Map<String, Object> obj = new LinkedHashMap<>();
        for (int i = 1; i <= 70; i++) {
            obj.put("v" + i, new SharedVariable("n".repeat(i), NDArray.of(new byte[i])));
        }
        Path f = dump(obj, ArchiveOptions.builder().compression(ArchiveOptions.Compression.STORED).build());
        try (ZipReader zip = ZipReader.open(f, Limits.DEFAULT)) {
            for (ZipReader.Entry e : zip.entries()) {
                assertEquals(0, zip.dataOffset(e) % 64, e.name());
            }
        }
        assertEquals(obj, ModelArchive.load(f));
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void theSameObjectGivesTheSameBytes(ArchiveOptions.Compression c) throws Exception {
        ArchiveOptions options = ArchiveOptions.builder().compression(c).build();
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ModelArchive.dump(ArchiveFixtures.model(), a, options);
        ModelArchive.dump(ArchiveFixtures.model(), b, options);
        assertArrayEquals(a.toByteArray(), b.toByteArray());
        // the file form writes the same bytes as the stream form
        assertArrayEquals(a.toByteArray(), Files.readAllBytes(dump(ArchiveFixtures.model(), options)));
    }

    @Test
    void zip64RecordsAreWrittenWhenNeededAndRead() throws Exception {
        for (ArchiveOptions.Compression c : ArchiveOptions.Compression.values()) {
            ArchiveOptions options = ArchiveOptions.builder().compression(c).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ArchiveWriter.write(ArchiveFixtures.model(), new ZipWriter(out, -1), options);
            Path f = tmp.resolve("zip64-" + c + ".zip");
            Files.write(f, out.toByteArray());
            assertEquals(ArchiveFixtures.modelMembers(), ModelArchive.verify(f));
            assertEquals(ArchiveFixtures.model(), ModelArchive.load(f));
        }
    }

    @Test
    void arraysRememberTheirMemberName() throws Exception {
        Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(dump(ArchiveFixtures.model(), ArchiveOptions.DEFAULT));
        List<?> layers = (List<?>) loaded.get("layers");
        assertEquals("W", ((NDArray) ((SharedVariable) layers.get(0)).getValue()).memberName());
        assertEquals("W_2", ((NDArray) ((SharedVariable) layers.get(2)).getValue()).memberName());
        assertEquals("array_1", ((NDArray) loaded.get("plain")).memberName());
        assertNull(ArchiveFixtures.w().memberName());
    }

    private void assertNoTempFiles() throws Exception {
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }
}
