package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklerOptions.Py2Strings;
import dev.brine.testing.Python;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Python 2 pickles of numpy arrays, scalars and dtypes (protocols 0 to 2, every str a Python 2 str,
 * written by {@code py2_pickles.py} as Python 2's cPickle writes them) read with each of Python 3's
 * encodings for them: what Brine loads with {@code py2Strings(BYTES)}, {@code LATIN1} and {@code ASCII}
 * must be what {@code pickle.loads(p, encoding='bytes')}, {@code 'latin1'} and {@code 'ASCII'} give
 * (compared in numpy: Brine's result is pickled again and described by Python next to Python's own),
 * and must fail where Python's does (non-ASCII bytes under ASCII, a non-ASCII field name under bytes).
 */
class Py2NumpyPicklesDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ClassRegistry NUMPY = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY1, true).build();
    private static final Py2Strings[] MODES = {Py2Strings.BYTES, Py2Strings.LATIN1, Py2Strings.ASCII};

    private static String script() throws IOException {
        try (InputStream in = Py2NumpyPicklesDifferentialTest.class.getResourceAsStream("py2_pickles.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void python2PicklesLoadAsPython3LoadsThemUnderEveryEncoding() throws IOException {
        Python.require("numpy");
        String script = script();
        List<String[]> rows = new ArrayList<>();
        String made = new String(Python.check(script, new byte[0], "make"), StandardCharsets.UTF_8);
        for (String line : made.split("\n")) {
            rows.add(line.split("\t", -1));
        }
        assertTrue(rows.size() > 100, "cases: " + rows.size());
        PicklerOptions dump = PicklerOptions.builder().protocol(2).registry(NUMPY).build();
        List<String> brine = new ArrayList<>();
        for (String[] row : rows) {
            byte[] pickle = HEX.parseHex(row[2]);
            for (Py2Strings mode : MODES) {
                try {
                    Object loaded = Pickle.loads(pickle, UnpicklerOptions.builder().registry(NUMPY).py2Strings(mode).build());
                    brine.add(HEX.formatHex(Pickle.dumps(loaded, dump)));
                } catch (BrineException e) {
                    brine.add("-");
                }
            }
        }
        String[] described = new String(Python.check(script, String.join("\n", brine).getBytes(StandardCharsets.UTF_8),
                "describe"), StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(brine.size(), described.length);
        List<String> differences = new ArrayList<>();
        int k = 0;
        for (String[] row : rows) {
            for (int m = 0; m < MODES.length; m++, k++) {
                String python = row[3 + m];
                if (row[0].equals("struct titled") && MODES[m] == Py2Strings.BYTES) {
                    // numpy keeps a Python 2 title read as bytes as bytes; Brine's titles are str (latin-1)
                    python = python.replace("((b'T', 'a'),", "(('T', 'a'),");
                }
                if (!python.equals(described[k])) {
                    differences.add(row[0] + " protocol " + row[1] + " " + MODES[m] + "\n  python " + python
                            + "\n  brine  " + described[k]);
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }
}
