package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Archives cross between Brine and Python both ways: numpy, a plain pickle.Unpickler with Aesara's
 * persistent_load and python/brine.py read what Brine writes; Brine reads what brine.py and an
 * Aesara-style writer (with old gpuarray ids) write.
 */
class ArchivePythonTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsNumpy() {
        Python.require("numpy");
    }

    private String python(String script, Path file) throws Exception {
        return Python.checkText(PythonScripts.PRELUDE + script, file, ArchiveFixtures.pythonDir()).strip();
    }

    private Path brineArchive(ArchiveOptions.Compression c) throws Exception {
        Path f = tmp.resolve("brine-" + c + ".zip");
        ModelArchive.dump(ArchiveFixtures.model(), f, ArchiveOptions.builder().compression(c).build());
        return f;
    }

    // ---------------------------------------------------------------- Python reads Brine

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void numpyLoadListsTheArraysAndPklAndReturnsTheArrays(ArchiveOptions.Compression c) throws Exception {
        String out = python(PythonScripts.MODEL + """
                z = np.load(sys.argv[1])
                assert z.files == ['W', 'b', 'W_2', 'array_0', 'array_1', 'array_2', 'pkl'], z.files
                for name, expected in members.items():
                    assert same(z[name], expected), (name, z[name])
                assert isinstance(z['pkl'], bytes)
                with zipfile.ZipFile(sys.argv[1]) as zf:
                    assert zf.testzip() is None  # every CRC checks out
                print('ok')
                """, brineArchive(c));
        assertEquals("ok", out);
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void aPlainUnpicklerWithAesarasPersistentLoadLoadsTheWholeObject(ArchiveOptions.Compression c) throws Exception {
        String out = python(PythonScripts.MODEL + PythonScripts.PKL_UTILS_LOAD + """
                obj = pkl_utils_load(sys.argv[1])
                assert same(obj, model), obj
                assert obj['again'] is obj['layers'][0].value
                print('ok')
                """, brineArchive(c));
        assertEquals("ok", out);
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void brinePyLoadsTheWholeObject(ArchiveOptions.Compression c) throws Exception {
        String out = python(PythonScripts.MODEL + """
                obj = brine.load(sys.argv[1])
                assert same(obj, model), obj
                assert obj['again'] is obj['layers'][0].value
                print('ok')
                """, brineArchive(c));
        assertEquals("ok", out);
    }

    @Test
    void nonAsciiAndFolderNamesAreListedByNumpy() throws Exception {
        Path f = tmp.resolve("names.zip");
        ModelArchive.dump(List.of(new SharedVariable("couche/poids_é", ArchiveFixtures.w()),
                new SharedVariable("偏置", ArchiveFixtures.b())), f);
        assertEquals("ok", python(PythonScripts.MODEL + """
                z = np.load(sys.argv[1])
                assert z.files == ['couche/poids_é', '偏置', 'pkl'], z.files
                assert same(z['couche/poids_é'], W)
                obj = brine.load(sys.argv[1])
                assert obj[1].name == '偏置'
                print('ok')
                """, f));
        assertEquals(List.of("couche/poids_é", "偏置", "pkl"), ModelArchive.verify(f));
    }

    @Test
    void everyProtocolLoadsInPython() throws Exception {
        for (int protocol = 0; protocol <= 5; protocol++) {
            Path f = tmp.resolve("p" + protocol + ".zip");
            ModelArchive.dump(ArchiveFixtures.model(), f, ArchiveOptions.builder().protocol(protocol).build());
            assertEquals("ok", python(PythonScripts.MODEL + "assert same(brine.load(sys.argv[1]), model)\nprint('ok')", f));
        }
    }

    @Test
    void zip64ArchivesReadInPython() throws Exception {
        for (ArchiveOptions.Compression c : ArchiveOptions.Compression.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ArchiveWriter.write(ArchiveFixtures.model(), new ZipWriter(out, -1),
                    ArchiveOptions.builder().compression(c).build());
            Path f = tmp.resolve("zip64-" + c + ".zip");
            Files.write(f, out.toByteArray());
            assertEquals("ok", python(PythonScripts.MODEL + """
                    with zipfile.ZipFile(sys.argv[1]) as zf:
                        assert zf.testzip() is None
                    z = np.load(sys.argv[1])
                    assert z.files[-1] == 'pkl'
                    assert same(z['W'], W)
                    assert same(brine.load(sys.argv[1]), model)
                    print('ok')
                    """, f));
        }
    }

    @Test
    void sixtyFiveThousandMembersUseZip64AndLoadEverywhere() throws Exception {
        // 65,535 arrays and pkl: one member more than the classic end record can count
        int n = 65_535;
        List<Object> arrays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            arrays.add(NDArray.of(new int[] {i}));
        }
        Path f = tmp.resolve("many.zip");
        ModelArchive.dump(arrays, f, ArchiveOptions.builder().compression(ArchiveOptions.Compression.STORED).build());
        List<?> loaded = (List<?>) ModelArchive.load(f);
        assertEquals(n, loaded.size());
        assertEquals(n - 1L, ((NDArray) loaded.get(n - 1)).getLong(0));
        assertEquals("array_" + (n - 1), ((NDArray) loaded.get(n - 1)).memberName());
        assertEquals("ok", python("""
                z = np.load(sys.argv[1])
                assert len(z.files) == 65536 and z.files[-1] == 'pkl'
                assert z['array_65534'][0] == 65534
                print('ok')
                """, f));
    }

    // ---------------------------------------------------------------- Brine reads Python

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void brineLoadsArchivesBrinePyWrote(ArchiveOptions.Compression c) throws Exception {
        Path f = tmp.resolve("py.zip");
        String mode = c == ArchiveOptions.Compression.STORED ? "zipfile.ZIP_STORED" : "zipfile.ZIP_DEFLATED";
        for (int protocol : new int[] {2, 5}) {
            python(PythonScripts.MODEL + "brine.dump(model, sys.argv[1], protocol=" + protocol + ", compression=" + mode
                    + ")\n", f);
            assertEquals(ArchiveFixtures.modelMembers(), ModelArchive.verify(f));
            for (ArchiveOptions.ArrayAccess access : ArchiveOptions.ArrayAccess.values()) {
                // map even the small arrays: Python's stored members are not aligned, and map all the same
                Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(f,
                        ArchiveOptions.builder().arrayAccess(access).minMappedBytes(0).build());
                assertEquals(ArchiveFixtures.model(), loaded);
                SharedVariable w = (SharedVariable) ((List<?>) loaded.get("layers")).get(0);
                assertSame(w.getValue(), loaded.get("again"));
            }
        }
    }

    @Test
    void brinePyNamesMembersAsBrineDoes() throws Exception {
        // taken names are never given twice, on either side
        Path f = tmp.resolve("names.zip");
        python("""
                obj = [brine.SharedVariable(np.array([1], dtype='<i4'), 'W_2'), brine.SharedVariable(np.array([2], dtype='<i4'), 'W'),
                       brine.SharedVariable(np.array([3], dtype='<i4'), 'W'), brine.SharedVariable(np.array([4], dtype='<i4'), 'array_0'),
                       np.array([5], dtype='<i4')]
                brine.dump(obj, sys.argv[1])
                """, f);
        assertEquals(List.of("W_2", "W", "W_3", "array_0", "array_1", "pkl"), ModelArchive.verify(f));
        List<?> loaded = (List<?>) ModelArchive.load(f);
        Path again = tmp.resolve("again.zip");
        ModelArchive.dump(loaded, again);
        assertEquals(ModelArchive.verify(f), ModelArchive.verify(again));
    }

    @Test
    void brineLoadsArchivesAesarasPklUtilsWrote() throws Exception {
        Path f = tmp.resolve("aesara.zip");
        python(PythonScripts.MODEL + PythonScripts.PKL_UTILS_DUMP + "pkl_utils_dump(model, sys.argv[1])\n", f);
        assertEquals(ArchiveFixtures.modelMembers(), ModelArchive.verify(f));
        Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(f);
        assertEquals(ArchiveFixtures.model(), loaded);
        SharedVariable w = (SharedVariable) ((List<?>) loaded.get("layers")).get(0);
        assertSame(w.getValue(), loaded.get("again"));
        assertEquals("W", ((NDArray) w.getValue()).memberName());
    }

    @Test
    void oldGpuarrayIdsLoadAsArrays() throws Exception {
        Path f = tmp.resolve("gpu.zip");
        python(PythonScripts.MODEL + PythonScripts.PKL_UTILS_DUMP + """
                g = FakeGpuArray(W, 'dev0')
                # as the pickler meets them: the variable names the GPU array, then a plain one and
                # an unnamed GPU array with no context name
                obj = {'W': brine.SharedVariable(g, 'W'), 'b': np.array([0.5, -1.5]), 'g': FakeGpuArray(np.array([1, 2]), None)}
                class Stub:  # FakeGpuArray's class must not be needed to load: only its data is
                    pass
                pkl_utils_dump(obj, sys.argv[1])
                with zipfile.ZipFile(sys.argv[1]) as zf:
                    names = zf.namelist()
                    head = zf.read('W')[:2]
                assert names == ['W', 'array_0', 'array_1', 'pkl'], names
                assert head == b'\\x80\\x02', head  # a protocol 2 pickle of the context name first
                """, f);
        Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(f);
        SharedVariable w = (SharedVariable) loaded.get("W");
        assertEquals("W", w.name());
        assertEquals(ArchiveFixtures.w(), w.getValue());
        assertEquals(ArchiveFixtures.b(), loaded.get("b"));
        assertEquals(NDArray.of(new long[] {1, 2}), loaded.get("g"));
        assertTrue(((NDArray) loaded.get("g")).memberName().equals("array_1"));
    }

    @Test
    void brinePyReadsAGpuarrayContextNameWithoutRunningAnything() throws Exception {
        // brine.load(..., generic=True) read the context name with a bare pickle.load: a member whose "context
        // name" was os.system(...) ran the command. Now only a str or None is read there, as Brine allows.
        Path marker = tmp.resolve("PWNED");
        Path f = tmp.resolve("gpu-evil.zip");
        String out = python(PythonScripts.MODEL + PythonScripts.PKL_UTILS_DUMP + """
                class Evil:
                    def __reduce__(self):
                        return (os.system, ('touch ' + sys.argv[3],))
                def archive(path, context):
                    g = FakeGpuArray(np.array([1., 2.]), context)
                    pkl_utils_dump({'W': brine.SharedVariable(g, 'W'), 'b': np.array([0.5])}, path)
                for context in 'dev0', None:  # what pygpu pickled: a str, or None
                    archive(sys.argv[1], context)
                    back = brine.load(sys.argv[1], generic=True)
                    print(repr(context), back['W'].name, back['W'].value.tolist(), back['b'].tolist())
                for context in Evil(), 42:
                    archive(sys.argv[1], context)
                    for generic in False, True:
                        try:
                            brine.load(sys.argv[1], generic=generic)
                        except pickle.UnpicklingError as e:
                            print(e)
                print(os.path.exists(sys.argv[3]))
                """.replace("sys.argv[3]", "'" + marker + "'"), f);
        assertEquals("""
                'dev0' W [1.0, 2.0] [0.5]
                None W [1.0, 2.0] [0.5]
                a gpuarray member's context name must be a pickled str or None, not a reference to posix.system
                a gpuarray member's context name must be a pickled str or None, not a reference to posix.system
                a gpuarray member's context name must be a pickled str or None, not int
                a gpuarray member's context name must be a pickled str or None, not int
                False""", out);
        assertTrue(!Files.exists(marker), "the command ran");
        // Brine refuses the same file, and runs nothing either
        ArchiveException e = org.junit.jupiter.api.Assertions.assertThrows(ArchiveException.class, () -> ModelArchive.load(f));
        assertEquals("W", e.member());
    }

    @Test
    void aGpuarrayContextThatIsNotANameIsRefusedSayingWhatItHolds() throws Exception {
        // it said "global 'posix.system' is not allowed: register it ... or read with genericObjects(true)", which
        // cannot help: the context name is read apart from the pickle, whatever the options
        for (String context : List.of("Evil()", "42")) {
            Path f = tmp.resolve("gpu.zip");
            python(PythonScripts.MODEL + PythonScripts.PKL_UTILS_DUMP + """
                    class Evil:
                        def __reduce__(self):
                            return (os.system, ('touch /nonexistent/x',))
                    pkl_utils_dump({'W': brine.SharedVariable(FakeGpuArray(np.array([1., 2.]), CONTEXT), 'W')}, sys.argv[1])
                    """.replace("CONTEXT", context), f);
            for (ArchiveOptions options : List.of(ArchiveOptions.DEFAULT, ArchiveOptions.builder().genericObjects(true).build())) {
                ArchiveException e = org.junit.jupiter.api.Assertions.assertThrows(ArchiveException.class,
                        () -> ModelArchive.load(f, options));
                assertEquals(f + ": member W: a gpuarray member starts with its context name, a pickled str or None, not "
                        + (context.equals("42") ? "42" : "posix.system('touch /nonexistent/x')"), e.getMessage());
            }
        }
    }

    @Test
    void pythonsPickleOfANamedVariableIsTheOneBrineWrites() throws Exception {
        // brine.SharedVariable pickles to the same bytes from both sides, so files are interchangeable
        SharedVariable v = new SharedVariable("lr", 0.5);
        byte[] java = dev.brine.pickle.Pickle.dumps(v, 2);
        byte[] py = Python.check(PythonScripts.PRELUDE
                + "sys.stdout.buffer.write(pickle.dumps(brine.SharedVariable(0.5, 'lr'), 2))", new byte[0],
                "-", ArchiveFixtures.pythonDir().toString());
        assertEquals(java.length, py.length);
        assertTrue(java.length > 0 && java[0] == py[0]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(py, java);
    }
}
