package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * numpy takes any object as a structured field's title ({@code np.dtype([((1, 'a'), '<i4')])}); Brine's titles are
 * str. Such a dtype in a pickle loaded with its title silently dropped (and re-dumped without it), and in an
 * {@code .npy} header was refused as "field name is not a string". Both now refuse it naming the field and the title
 * (a bytes title in a pickle still reads as its latin-1 str, as a Python 2 pickle's str titles do). NPY header
 * refusals named a bytes value by its Java identity ({@code [B@5e481248}) and a float dimension "too large".
 * Oracle: numpy writes each file, and loads (titles) or refuses (headers) it.
 */
class FieldTitlesAndHeaderMessagesTest {
    @TempDir
    Path dir;

    @Test
    void titlesThatAreNotStrAreRefusedNamingFieldAndTitle() throws Exception {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import os, pickle, sys, numpy as np",
                "os.chdir(sys.argv[1])",
                "for name, t in (('int', 1), ('float', 2.5), ('bytes', b't')):",
                "    a = np.array([(1, 2)], np.dtype([((t, 'a'), '<i4'), ('b', 'u1')]))",
                "    np.save(name + '.npy', a)",
                "    open(name + '.pkl', 'wb').write(pickle.dumps(a, 4))",
                "    print(repr(np.load(name + '.npy').dtype.fields['a'][2]))"), dir);
        assertEquals("1\n2.5\nb't'", numpy.strip(), "numpy keeps each title");
        for (String[] c : List.of(new String[] {"int", "1"}, new String[] {"float", "2.5"}, new String[] {"bytes", "b't'"})) {
            BrineException e = assertThrows(BrineException.class, () -> Npy.read(dir.resolve(c[0] + ".npy")));
            assertTrue(e.getMessage().contains("field 'a' has the title " + c[1] + ", which is not a str"), e.getMessage());
        }
        byte[] pickled = Files.readAllBytes(dir.resolve("int.pkl"));
        UnpicklerOptions defaults = UnpicklerOptions.builder().build();
        BrineException e = assertThrows(BrineException.class, () -> Pickle.loads(pickled, defaults));
        assertTrue(e.getMessage().contains("numpy.dtype field 'a' has the title 1, which is neither str nor bytes"),
                e.getMessage());
        NDArray bytesTitle = (NDArray) Pickle.loads(Files.readAllBytes(dir.resolve("bytes.pkl")), defaults);
        assertEquals("t", bytesTitle.dtype().fields().get(0).title());
    }

    @Test
    void headerRefusalsNameBytesAndFloatsAsPythonWritesThem() throws Exception {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import os, struct, sys, numpy as np",
                "os.chdir(sys.argv[1])",
                "def npy(name, d):",
                "    s = d.encode('latin1'); s += b' ' * ((-(11 + len(s))) % 64) + b'\\n'",
                "    open(name + '.npy', 'wb').write(b'\\x93NUMPY\\x01\\x00' + struct.pack('<H', len(s)) + s + b'\\1' * 4)",
                "    try: np.load(name + '.npy'); print(name, 'loads')",
                "    except (ValueError, TypeError): print(name, 'refused')",
                "npy('descr', \"{'descr': b'<i4', 'fortran_order': False, 'shape': (1,)}\")",
                "npy('key', \"{b'descr': '<i4', 'fortran_order': False, 'shape': (1,)}\")",
                "npy('name', \"{'descr': [(b'a', '<i4')], 'fortran_order': False, 'shape': (1,)}\")",
                "npy('dim', \"{'descr': '<i4', 'fortran_order': False, 'shape': (1.0,)}\")"), dir);
        assertEquals("descr refused\nkey refused\nname refused\ndim refused", numpy.strip());
        String[][] cases = {
            {"descr", "descr is not a valid dtype descriptor: b'<i4'"},
            {"key", "does not contain the correct keys: [b'descr', 'fortran_order', 'shape']"},
            {"name", "field name is not a string or (title, name): b'a'"},
            {"dim", "dimension 0 is not an int: 1.0"},
        };
        for (String[] c : cases) {
            BrineException e = assertThrows(BrineException.class, () -> Npy.read(dir.resolve(c[0] + ".npy")));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains("[B@"), e.getMessage());
        }
    }
}
