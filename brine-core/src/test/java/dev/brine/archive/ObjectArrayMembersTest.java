package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.numpy.ObjectArray;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arrays holding Python objects in archives. Not only {@code dtype=object}: a structured dtype with
 * an object field holds them too. As an NPY member their data would be a pickle, which
 * {@code numpy.load} and {@code pkl_utils.load} refuse ({@code allow_pickle=False}), so Brine and
 * python/brine.py pickle them inside {@code pkl}. brine.py tested {@code dtype != object} and wrote a
 * structured one as a member that neither it nor Brine could read back; Brine refused that member
 * calling its dtype {@code |V12}.
 */
class ObjectArrayMembersTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsNumpy() {
        Python.require("numpy");
    }

    /** Brine's registry for numpy 2's names, with object arrays read (as Python values) and written. */
    private static ArchiveOptions objectArrays(int protocol) {
        ClassRegistry r = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, true).build();
        return ArchiveOptions.builder().registry(r).protocol(protocol).build();
    }

    private static final DType RECORD = record();

    private static DType record() {
        try {
            return DType.fromDescr(List.of(Tuple.of("i", "<i4"), Tuple.of("o", "|O")));
        } catch (BrineException e) {
            throw new AssertionError(e);
        }
    }

    private static final String PY_OBJ = "{'rec': np.array([(1, 'x'), (2, None)], dtype=[('i', '<i4'), ('o', 'O')]),"
            + " 'obj': np.array(['a', 3], dtype=object), 'n': np.arange(3, dtype='<i8')}";

    @Test
    void brinePyAndBrinePickleThemInsideThePickleAndReadThemBack() throws Exception {
        for (int protocol : new int[] {2, 5}) {
            Map<String, Object> obj = new LinkedHashMap<>();
            obj.put("rec", new ObjectArray(RECORD, new long[] {2}, List.of(Tuple.of(1L, "x"), Tuple.of(2L, null)), false));
            obj.put("obj", new ObjectArray(new long[] {2}, List.of("a", 3L), false));
            obj.put("n", NDArray.of(new long[] {0, 1, 2}));
            Path java = tmp.resolve("java-" + protocol + ".zip");
            ModelArchive.dump(obj, java, objectArrays(protocol));
            // brine.py writes what Brine writes, member for member and byte for byte, and reads both back
            String out = Python.checkText(PythonScripts.PRELUDE + """
                    obj = %s
                    brine.dump(obj, sys.argv[3], protocol=%d)
                    def members(path):
                        with zipfile.ZipFile(path) as z:
                            return [(n, z.read(n)) for n in z.namelist()]
                    print([n for n, _ in members(sys.argv[3])], members(sys.argv[3]) == members(sys.argv[1]))
                    for f in sys.argv[3], sys.argv[1]:
                        back = brine.load(f)
                        print(back['rec'].dtype, back['rec'].tolist(), back['obj'].tolist(), back['n'].tolist(),
                              all(np.array_equal(back[k], obj[k]) for k in obj))
                    print(np.load(sys.argv[1]).files)
                    """.formatted(PY_OBJ, protocol), java, ArchiveFixtures.pythonDir(), tmp.resolve("py.zip")).strip();
            assertEquals("""
                    ['array_0', 'pkl'] True
                    [('i', '<i4'), ('o', 'O')] [(1, 'x'), (2, None)] ['a', 3] [0, 1, 2] True
                    [('i', '<i4'), ('o', 'O')] [(1, 'x'), (2, None)] ['a', 3] [0, 1, 2] True
                    ['array_0', 'pkl']""", out, "protocol " + protocol);
            // and Brine reads brine.py's archive, when asked for object arrays
            Map<?, ?> back = (Map<?, ?>) ModelArchive.load(tmp.resolve("py.zip"), objectArrays(protocol));
            ObjectArray rec = (ObjectArray) back.get("rec");
            assertEquals(RECORD, rec.dtype());
            assertEquals(List.of(Tuple.of(1L, "x"), Tuple.of(2L, null)), rec.items());
            assertEquals(List.of("a", 3L), ((ObjectArray) back.get("obj")).items());
            assertEquals(NDArray.of(new long[] {0, 1, 2}), back.get("n"));
        }
    }

    @Test
    void aMemberHoldingObjectsIsRefusedAsNumpyAndPklUtilsRefuseIt() throws Exception {
        // what brine.py used to write: the array as an NPY member, its data a pickle
        Path f = tmp.resolve("old.zip");
        String python = Python.checkText(PythonScripts.PRELUDE + PythonScripts.PKL_UTILS_LOAD + """
                class Ref:
                    pass
                class Pickler(pickle.Pickler):
                    def persistent_id(self, o):
                        return 'ndarray.array_0' if isinstance(o, Ref) else None
                a = np.array([(1, 'x'), (2, None)], dtype=[('i', '<i4'), ('o', 'O')])
                buf = io.BytesIO(); np.lib.format.write_array(buf, a)
                pkl = io.BytesIO(); Pickler(pkl, 2).dump({'a': Ref()})
                with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                    z.writestr('array_0', buf.getvalue())
                    z.writestr('pkl', pkl.getvalue())
                for load in pkl_utils_load, brine.load:
                    try:
                        load(sys.argv[1])
                    except ValueError as e:
                        print(type(e).__name__, e)
                """, f, ArchiveFixtures.pythonDir());
        assertEquals("ValueError Object arrays cannot be loaded when allow_pickle=False\n".repeat(2), python);
        for (ArchiveOptions options : List.of(ArchiveOptions.DEFAULT, objectArrays(5),
                ArchiveOptions.builder().genericObjects(true).build())) {
            ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.load(f, options));
            assertEquals("array_0", e.member());
            assertEquals(f + ": member array_0: the array holds Python objects (descr [('i', '<i4'), ('o', '|O')], shape"
                    + " (2,)), so its data is a pickle: archives keep such arrays inside the pickle 'pkl', and a member"
                    + " holding one is refused, as numpy.load and Aesara's pkl_utils.load refuse it"
                    + " (allow_pickle=False); NpzFile.objectArray reads it without running anything", e.getMessage());
        }
    }

    @Test
    void anNpyFileOfRecordsHoldingObjectsNamesItsFieldsWhenRefused() throws Exception {
        Path f = tmp.resolve("rec.npy");
        Python.checkText("import sys, numpy as np\n"
                + "np.save(sys.argv[1], np.array([(1, 'x')], dtype=[('i', '<i4'), ('o', 'O')]), allow_pickle=True)", f);
        BrineException e = assertThrows(BrineException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f + ": the array holds Python objects (descr [('i', '<i4'), ('o', '|O')],"
                + " shape (1,))"), e.getMessage());
        assertInstanceOf(ObjectArray.class, Npy.readObjectArray(f));
        assertEquals(Arrays.asList(Tuple.of(1L, "x")), Npy.readObjectArray(f).items());
    }
}
