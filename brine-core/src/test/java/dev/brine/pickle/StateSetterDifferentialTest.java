package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code __reduce__} with a {@code state_setter} (its sixth item, Python 3.8+), which CPython writes as the object,
 * then {@code setter(obj, state)} and POP instead of BUILD: read as generic objects (as the CLI reads), the state is
 * the object's, with the setter kept ({@link GenericObject#stateSetter()}), and written back at every protocol byte
 * for byte as CPython writes the object (before, the call was dropped with the state in it).
 */
class StateSetterDifferentialTest {
    private static final String MODULE = String.join("\n",
            "def put(obj, state): obj.__dict__.update(state)",
            "class Setter:",
            "    def __init__(self, x=0): self.x = x",
            "    def __reduce__(self): return (Setter, (), {'x': self.x}, None, None, put)",
            "    @staticmethod",
            "    def restore(obj, state): obj.x = state",
            "class ByMethod(Setter):",
            "    def __reduce__(self): return (ByMethod, (), self.x, None, None, ByMethod.restore)",
            "class Items(list):",
            "    def __reduce__(self): return (Items, (), {'n': len(self)}, iter(list(self)), None, put)",
            "");
    private static final List<String> CASES = List.of("m.Setter(10)", "[m.Setter(1), m.Setter([2])]", "m.ByMethod('s')",
            "m.Items([1, 2, 3])", "(lambda s: [s, s])(m.Setter(3))");

    @TempDir
    Path dir;

    @Test
    void stateSettersReadAsTheObjectsStateAndWrittenBackAsCPythonWritesThem() throws IOException {
        Python.require();
        Files.writeString(dir.resolve("brine_ss.py"), MODULE);
        List<String> cpython = Python.eachLine(String.join("\n", "import pickle, sys",
                "sys.path.insert(0, '" + dir.toString().replace("\\", "\\\\").replace("'", "\\'") + "')",
                "import brine_ss as m"), "' '.join(pickle.dumps(eval(line), p).hex() for p in range(6))", null, CASES);
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        for (int i = 0; i < CASES.size(); i++) {
            String[] pickles = cpython.get(i).split(" ");
            for (int from = 0; from <= 5; from++) {
                Object read = Pickle.loads(HexFormat.of().parseHex(pickles[from]), generic);
                GenericObject first = (GenericObject) (read instanceof List ? ((List<?>) read).get(0) : read);
                assertNotNull(first.stateSetter(), CASES.get(i) + " read from protocol " + from);
                for (int to = 0; to <= 5; to++) {
                    assertEquals(pickles[to], HexFormat.of().formatHex(Pickle.dumps(read, to)),
                            CASES.get(i) + " read from protocol " + from + ", written at " + to);
                }
            }
        }
    }

    /** A stand-in for {@code brine_ss.Setter} registered with its state. */
    @PythonName(module = "brine_ss", name = "Setter")
    public static final class Setter implements PickleState {
        Object state;

        @Override
        public Object getState() {
            return state;
        }

        @Override
        public void setState(Object s) {
            state = s;
        }
    }

    /**
     * A registered class whose Python {@code __reduce__} sets its state through a setter: the state reaches
     * {@code setState} (the setter stands for {@code __setstate__}) instead of going away with the inert call, and
     * CPython loads Brine's pickle of the object with that state (before: setState never called, the state lost).
     */
    @Test
    void aRegisteredClassGetsTheStateASetterSets() throws IOException {
        Python.require();
        Files.writeString(dir.resolve("brine_ss.py"), MODULE);
        String setup = String.join("\n", "import pickle, sys",
                "sys.path.insert(0, '" + dir.toString().replace("\\", "\\\\").replace("'", "\\'") + "')",
                "import brine_ss as m");
        List<String> cpython = Python.eachLine(setup, "' '.join(pickle.dumps(m.Setter(line), p).hex() for p in range(6))",
                null, List.of("seven"));
        ClassRegistry registry = ClassRegistry.builtins().toBuilder().register(Setter.class, Setter::new).build();
        UnpicklerOptions read = UnpicklerOptions.builder().registry(registry).genericObjects(true).build();
        List<String> written = new ArrayList<>();
        for (String hex : cpython.get(0).split(" ")) {
            Setter s = (Setter) Pickle.loads(HexFormat.of().parseHex(hex), read);
            assertEquals(Map.of("x", "seven"), s.state);
            written.add(HexFormat.of().formatHex(Pickler.dumps(s, PicklerOptions.builder().registry(registry).build())));
        }
        assertEquals(Collections.nCopies(6, "seven"), Python.eachLine(setup, "pickle.loads(bytes.fromhex(line)).x", null, written));
    }
}
