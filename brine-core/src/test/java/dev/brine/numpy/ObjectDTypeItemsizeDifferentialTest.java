package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.mapping.ClassRegistry;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The object dtype as a 32-bit machine's numpy wrote it, {@code 'O4'} (a pointer of 4 bytes), in
 * pickles of protocols 0 to 5: numpy's own pickles with {@code 'O8'} patched to {@code 'O4'}, in a
 * bare dtype, an object array, a structured dtype and array with an object field, a subarray dtype and
 * a dtype with metadata. numpy 2 reads {@code 'O4'} as its object dtype and writes it back as
 * {@code 'O8'} (this machine's pointer size): numpy's re-dump is its pickle of the unpatched object, and
 * Brine's re-dump of what it read must be those bytes.
 */
class ObjectDTypeItemsizeDifferentialTest {
    private static final ClassRegistry NUMPY2 = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, true).build();
    private static final List<String> EXPRS = List.of(
            "np.dtype('O')",
            "np.array([1, 'x', None], dtype=object)",
            "np.dtype([('a', '<i4'), ('o', 'O')])",
            "np.zeros(2, dtype=[('a', '<i4'), ('o', 'O')])",
            "[np.dtype('O'), np.array([[1], [2]], dtype=object)]",
            "np.dtype(('O', (2,)))",
            "np.dtype('O', metadata={'k': 1})");

    @Test
    void anO4DTypeIsWrittenBackAsNumpyWritesIt() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (String e : EXPRS) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + "\t" + e);
            }
        }
        // per line: the patched pickle, numpy's re-dump of it, and whether that is numpy's unpatched pickle
        List<String> numpy = Python.eachLine(String.join("\n",
                "import pickle, numpy as np",
                "def redump(line):",
                "    p, e = line.split('\\t')",
                "    b = pickle.dumps(eval(e), int(p))",
                "    old = b.replace(b'O8', b'O4')",
                "    assert old != b",
                "    again = pickle.dumps(pickle.loads(old), int(p))",
                "    return old.hex() + ' ' + again.hex() + ' ' + str(again == b)"), "redump(line)", null, lines);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = numpy.get(i).split(" ");
            assertEquals("True", f[2], "numpy writes O4 back as O8: " + lines.get(i));
            int protocol = Integer.parseInt(lines.get(i).substring(0, 1));
            Object read = Pickle.loads(HexFormat.of().parseHex(f[0]), UnpicklerOptions.builder().registry(NUMPY2).build());
            String brine = HexFormat.of().formatHex(Pickle.dumps(read,
                    PicklerOptions.builder().protocol(protocol).registry(NUMPY2).build()));
            if (!brine.equals(f[1])) {
                differences.add(lines.get(i) + "\n  numpy " + f[1] + "\n  Brine " + brine);
            }
        }
        assertEquals("", String.join("\n", differences));
    }
}
