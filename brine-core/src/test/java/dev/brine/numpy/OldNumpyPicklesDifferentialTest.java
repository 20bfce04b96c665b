package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pickles of arrays from numpy before 1.0 and its first versions, as numpy's own test suite keeps them
 * (numpy/_core/tests/test_multiarray.py, TestPickling.test_version0_* and test_version1_*, read from the installed
 * numpy here): {@code numpy.core._internal._reconstruct} and dtype states of 5 and 6 items. Brine reads each as numpy
 * reads it (Python 2 strings as latin-1) and writes it back as numpy writes what it loaded.
 */
class OldNumpyPicklesDifferentialTest {
    private static final ClassRegistry NUMPY = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, true).build();

    @Test
    void numpysOwnOldPicklesReadAsNumpyReadsThem() throws IOException {
        Python.require("numpy");
        String out = Python.checkText(String.join("\n",
                "import ast, os, pickle, re, numpy",
                "src = open(os.path.join(os.path.dirname(numpy.__file__), '_core/tests/test_multiarray.py')).read()",
                "for name, lit in re.findall(r'def (test_version[01]_\\w+)\\(self\\):\\n\\s+s = (b\".*\")', src):",
                "    s = ast.literal_eval(lit); a = pickle.loads(s, encoding='latin1')",
                "    print(name, s.hex(), pickle.dumps(a, 2).hex(), repr(a).replace(' ', '').replace('\\n', ''))"));
        UnpicklerOptions read = UnpicklerOptions.builder().registry(NUMPY).py2Strings(UnpicklerOptions.Py2Strings.LATIN1).build();
        PicklerOptions write = PicklerOptions.builder().registry(NUMPY).protocol(2).build();
        int n = 0;
        StringBuilder brine = new StringBuilder();
        StringBuilder reprs = new StringBuilder();
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ");
            Object a = Pickle.loads(HexFormat.of().parseHex(f[1]), read);
            assertEquals(f[3], a.toString().replace(" ", "").replace("\n", ""), f[0]);
            String again = HexFormat.of().formatHex(Pickle.dumps(a, write));
            if (!f[0].endsWith("_object")) {
                // the object arrays' dicts have a key 'b', which numpy's reading merges with the b'b' of
                // _reconstruct's arguments (one-character strings: a known limit in README); their values are
                // checked by numpy loading Brine's bytes below
                assertEquals(f[2], again, f[0] + " written back");
            }
            brine.append(again).append(' ');
            reprs.append(f[3]).append('\n');
            n++;
        }
        assertTrue(n >= 6, "numpy's test file gave " + n + " old pickles");
        assertEquals(reprs.toString().strip(), Python.checkText(String.join("\n", "import pickle",
                "for h in '" + brine.toString().strip() + "'.split():",
                "    print(repr(pickle.loads(bytes.fromhex(h))).replace(' ', '').replace('\\n', ''))")).strip());
    }
}
