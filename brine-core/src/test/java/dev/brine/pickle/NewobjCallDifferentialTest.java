package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class whose {@code __reduce_ex__} gives {@code (copyreg.__newobj__, (cls,), state)} at every protocol: CPython
 * writes that call below protocol 2 and NEWOBJ from 2 on. Read as a generic object from protocol 0 or 1, it is
 * written back at every protocol as CPython writes it; before, below protocol 2 it became
 * {@code copyreg._reconstructor(cls, object, None)}, which makes the object without the class's {@code __new__}.
 * (Read from protocol 2+, where NEWOBJ does not say which reduce made it, it is written below 2 as a plain class's
 * default reduce writes it: {@code ReconstructorDowngradeDifferentialTest}.)
 */
class NewobjCallDifferentialTest {
    private static final String MODULE = String.join("\n",
            "import copyreg",
            "class R:",
            "    def __new__(cls):",
            "        self = super().__new__(cls)",
            "        self.made_by_new = True",
            "        return self",
            "    def __reduce_ex__(self, proto):",
            "        return (copyreg.__newobj__, (R,), None)",
            "class S(R):",
            "    def __reduce_ex__(self, proto):",
            "        return (copyreg.__newobj__, (S,), {'x': getattr(self, 'x', 0)})",
            "");
    private static final List<String> CASES = List.of("m.R()", "(lambda s: (setattr(s, 'x', 5), [s, s])[1])(m.S())");

    @TempDir
    Path dir;

    @Test
    void aNewobjCallReadFromProtocolsZeroAndOneIsWrittenAsCPythonWritesIt() throws IOException {
        Python.require();
        Files.writeString(dir.resolve("brine_newobj.py"), MODULE);
        String setup = String.join("\n", "import pickle, sys",
                "sys.path.insert(0, '" + dir.toString().replace("\\", "\\\\").replace("'", "\\'") + "')",
                "import brine_newobj as m");
        List<String> cpython = Python.eachLine(setup, "' '.join(pickle.dumps(eval(line), p).hex() for p in range(6))",
                null, CASES);
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        List<String> differences = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (int c = 0; c < CASES.size(); c++) {
            String[] pickles = cpython.get(c).split(" ");
            for (int from = 0; from <= 1; from++) {
                Object read = Pickle.loads(HexFormat.of().parseHex(pickles[from]), generic);
                dev.brine.py.GenericObject first = (dev.brine.py.GenericObject) (read instanceof List ? ((List<?>) read).get(0) : read);
                assertEquals(c == 0 ? "brine_newobj.R" : "brine_newobj.S", first.type().toString(), "the object's class, as read from NEWOBJ");
                for (int to = 0; to <= 5; to++) {
                    String brine = HexFormat.of().formatHex(Pickle.dumps(read, to));
                    written.add(brine);
                    if (!brine.equals(pickles[to])) {
                        differences.add(CASES.get(c) + " from " + from + " at " + to + "\n  CPython " + pickles[to]
                                + "\n  Brine   " + brine);
                    }
                }
            }
        }
        assertEquals("", String.join("\n", differences));
        // and each loads in Python through the class's own __new__
        List<String> made = Python.eachLine(setup, "str(all(getattr(o, 'made_by_new', False) for o in"
                + " (lambda v: v if isinstance(v, list) else [v])(pickle.loads(bytes.fromhex(line)))))", null, written);
        assertEquals(List.of(), made.stream().filter(v -> !v.equals("True")).toList());
    }
}
