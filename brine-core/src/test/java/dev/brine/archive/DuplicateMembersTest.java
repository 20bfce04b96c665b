package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.hostile.ZipBuilder;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.pickle.Pickle;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two members of one name make an archive ambiguous: Python's zipfile silently reads the last, so
 * the first can never be reached. Brine refuses such archives and NPZ files on load and verify,
 * naming the member, and its own writer never makes them, not even where Aesara's naming would
 * (an unnamed array took {@code array_0} before a variable called {@code array_0} was met).
 */
class DuplicateMembersTest {
    @TempDir
    Path tmp;

    private Path zip(String name, String... members) throws Exception {
        ZipBuilder z = new ZipBuilder();
        long i = 0;
        for (String m : members) {
            if (m.equals("pkl")) {
                z.deflated(m, Pickle.dumps(List.of(), 2));
            } else {
                z.deflated(m, Npy.toBytes(NDArray.of(new long[] {i++})));
            }
        }
        Path f = tmp.resolve(name);
        Files.write(f, z.build());
        return f;
    }

    private static void assertNamesDuplicate(BrineException e, Path f, String member) {
        assertTrue(e.getMessage().startsWith(f + ": member " + member + ": the name is given to two members"),
                e.getMessage());
    }

    @Test
    void modelArchiveWithTwoMembersOfOneNameIsRefusedOnLoadAndVerify() throws Exception {
        Path f = zip("dup.zip", "a", "a", "pkl");
        ArchiveException load = assertThrows(ArchiveException.class, () -> ModelArchive.load(f));
        assertNamesDuplicate(load, f, "a");
        assertEquals(f.toString(), load.archive());
        ArchiveException verify = assertThrows(ArchiveException.class, () -> ModelArchive.verify(f));
        assertNamesDuplicate(verify, f, "a");
    }

    @Test
    void aDuplicatePickleMemberIsRefusedToo() throws Exception {
        Path f = zip("duppkl.zip", "a", "pkl", "pkl");
        assertNamesDuplicate(assertThrows(ArchiveException.class, () -> ModelArchive.load(f)), f, "pkl");
    }

    @Test
    void npzWithTwoMembersOfOneNameIsRefused() throws Exception {
        Path f = zip("dup.npz", "x.npy", "y.npy", "x.npy");
        assertNamesDuplicate(assertThrows(BrineException.class, () -> Npz.open(f)), f, "x.npy");
    }

    @Test
    void brinesWriterNeverRepeatsANameWhereAesarasWould() throws Exception {
        // Aesara names the unnamed array array_0, then gives the variable called array_0 the same name
        NDArray unnamed = NDArray.of(new long[] {1});
        NDArray named = NDArray.of(new long[] {2});
        List<Object> obj = List.of(unnamed, new SharedVariable("array_0", named));
        Path f = tmp.resolve("brine.zip");
        ModelArchive.dump(obj, f);
        assertEquals(List.of("array_0", "array_0_2", "pkl"), ModelArchive.verify(f));
        assertEquals(obj, ModelArchive.load(f));
    }

    @Test
    void anArchiveAesarasNamingMadeWithARepeatedNameIsRefused() throws Exception {
        Python.require("numpy");
        Path f = tmp.resolve("aesara.zip");
        String out = Python.checkText(PythonScripts.PRELUDE + PythonScripts.PKL_UTILS_DUMP + """
                import warnings
                warnings.simplefilter('ignore')  # zipfile warns of the duplicate name, and writes it
                pkl_utils_dump([np.array([1]), brine.SharedVariable(np.array([2]), 'array_0')], sys.argv[1])
                with zipfile.ZipFile(sys.argv[1]) as zf:
                    print(zf.namelist())
                """, f, ArchiveFixtures.pythonDir()).strip();
        assertEquals("['array_0', 'array_0', 'pkl']", out);
        assertNamesDuplicate(assertThrows(ArchiveException.class, () -> ModelArchive.load(f)), f, "array_0");
        assertNamesDuplicate(assertThrows(ArchiveException.class, () -> ModelArchive.verify(f)), f, "array_0");
    }
}
