package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An array loaded from an archive remembers its member name and keeps it when saved again, but never
 * takes a name that Aesara's rules give a variable's array: pkl_utils (PythonScripts.PKL_UTILS_DUMP)
 * and python/brine.py name {@code {'initial_W': <an array loaded as W>, 'W': SharedVariable('W')}}
 * {@code array_0, W}, where Brine wrote {@code W, W_2} (numpy's {@code ['W']} then the old array) and
 * refused it with allowDuplicates(false) though one variable only is named W.
 */
class RememberedNamesTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void needsNumpy() {
        Python.require("numpy");
    }

    /** The array of variable {@code name} in an archive Brine wrote and read back: it remembers {@code name}. */
    private NDArray loadedAs(String name, double... values) throws Exception {
        Path f = tmp.resolve("first-" + name + ".zip");
        ModelArchive.dump(Map.of("v", new SharedVariable(name, NDArray.of(values))), f);
        NDArray a = (NDArray) ((SharedVariable) ((Map<?, ?>) ModelArchive.load(f)).get("v")).getValue();
        assertEquals(name, a.memberName());
        return a;
    }

    /**
     * Each member's name and bytes in Brine's archive {@code java}, brine.py's and pkl_utils' of the
     * object {@code pythonObj} (Python source), at {@code protocol}; brine.py's and pkl_utils' written
     * with {@code allow_duplicates=False} when {@code strict}.
     */
    private String python(Path java, String pythonObj, int protocol, boolean stored, boolean strict) throws Exception {
        return Python.checkText(PythonScripts.PRELUDE + PythonScripts.PKL_UTILS_DUMP + """
                import hashlib
                def members(path):
                    with zipfile.ZipFile(path) as z:
                        return [(n, hashlib.sha256(z.read(n)).hexdigest()) for n in z.namelist()]
                obj = %s
                py, aes = sys.argv[3], sys.argv[4]
                brine.dump(obj, py, protocol=%d, compression=zipfile.%s, allow_duplicates=%s)
                pkl_utils_dump(obj, aes, protocol=%d,
                               persistent_id=lambda z: PersistentSharedVariableID(z, allow_duplicates=%s))
                print('same as brine.py:', members(sys.argv[1]) == members(py))
                print('pkl_utils:', [n for n, _ in members(aes)])
                print('brine:', [n for n, _ in members(sys.argv[1])])
                print('W:', np.load(sys.argv[1])['W'].tolist())
                """.formatted(pythonObj, protocol, stored ? "ZIP_STORED" : "ZIP_DEFLATED", strict ? "False" : "True",
                protocol, strict ? "False" : "True"), java, ArchiveFixtures.pythonDir(), tmp.resolve("py.zip"),
                tmp.resolve("aes.zip"));
    }

    @Test
    void aRememberedNameGivesWayToAVariableMetAfterIt() throws Exception {
        for (int protocol : new int[] {0, 2, 5}) {
            for (boolean strict : new boolean[] {false, true}) {
                for (ArchiveOptions.Compression c : ArchiveOptions.Compression.values()) {
                    Map<String, Object> next = new LinkedHashMap<>();
                    next.put("initial_W", loadedAs("W", 1, 2)); // the initial weights, kept as a plain array
                    next.put("W", new SharedVariable("W", NDArray.of(new double[] {10, 20}))); // the trained variable
                    Path f = tmp.resolve("next.zip");
                    ModelArchive.dump(next, f, ArchiveOptions.builder().protocol(protocol).compression(c)
                            .allowDuplicates(!strict).build());
                    String where = "protocol " + protocol + " " + c + (strict ? " allowDuplicates(false)" : "");
                    assertEquals("""
                            same as brine.py: True
                            pkl_utils: ['array_0', 'W', 'pkl']
                            brine: ['array_0', 'W', 'pkl']
                            W: [10.0, 20.0]
                            """, python(f, "{'initial_W': np.array([1., 2.]), 'W': brine.SharedVariable(np.array([10., 20.]), 'W')}",
                            protocol, c == ArchiveOptions.Compression.STORED, strict), where);
                    Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(f);
                    assertEquals(NDArray.of(new double[] {1, 2}), loaded.get("initial_W"), where);
                    assertEquals(NDArray.of(new double[] {10, 20}), ((SharedVariable) loaded.get("W")).getValue(), where);
                }
            }
        }
    }

    @Test
    void aRememberedNameNeverTakesANumberedNameOfAVariable() throws Exception {
        // two variables named W get W and W_2: an array remembering W_2, met before them, is array_0
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("old", loadedAs("W_2", 1));
        obj.put("a", new SharedVariable("W", NDArray.of(new double[] {2})));
        obj.put("b", new SharedVariable("W", NDArray.of(new double[] {3})));
        Path f = tmp.resolve("numbered.zip");
        ModelArchive.dump(obj, f);
        assertEquals("""
                same as brine.py: True
                pkl_utils: ['array_0', 'W', 'W_2', 'pkl']
                brine: ['array_0', 'W', 'W_2', 'pkl']
                W: [2.0]
                """, python(f, "{'old': np.array([1.]), 'a': brine.SharedVariable(np.array([2.]), 'W'),"
                + " 'b': brine.SharedVariable(np.array([3.]), 'W')}", 5, false, false));
    }

    @Test
    void aRememberedNameNoVariableTakesIsKept() throws Exception {
        // Brine's addition, as before: archive to archive keeps names, here beside a variable of another name
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("emb", loadedAs("embedding", 1, 2));
        obj.put("W", new SharedVariable("W", NDArray.of(new double[] {3})));
        obj.put("again", loadedAs("embedding", 4)); // a second array remembering the same name
        Path f = tmp.resolve("kept.zip");
        ModelArchive.dump(obj, f);
        assertEquals(List.of("embedding", "W", "embedding_2", "pkl"), ModelArchive.verify(f));
    }
}
