package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import dev.brine.testing.StateHolder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A registered {@link PickleState} class is written as CPython writes an instance of a Python class
 * whose {@code __getstate__} gives the same state, at every protocol: a None state without BUILD (so
 * neither {@code __setstate__} nor {@code setState} runs on reading), and below protocol 2 a state
 * Python finds false without BUILD too ({@code copyreg._reduce_ex}: {@code if dict:}); and CPython's
 * pickles read back to the same state.
 */
class PickleStateDifferentialTest {
    /** The Java side of {@code brine_ps.Holder}. */
    static final class Holder extends StateHolder {
        Holder() {
        }

        Holder(Object state) {
            super(state);
        }
    }

    private static final String SETUP = String.join("\n",
            "import pickle, pickletools, sys, types",
            "m = types.ModuleType('brine_ps')",
            "sys.modules['brine_ps'] = m",
            "exec('''",
            "class Holder:",
            "    def __init__(self, s): self.s = s",
            "    def __getstate__(self): return self.s",
            "    def __setstate__(self, s): self.s = s",
            "''', m.__dict__)",
            "def case(line):",
            "    p, expr = line.split('\\t')",
            "    s = eval(expr)",
            "    data = pickle.dumps(m.Holder(s), int(p))",
            "    built = any(op.name == 'BUILD' for op, _, _ in pickletools.genops(data))",
            "    return pickle.dumps(s, 2).hex() + '\\t' + data.hex() + '\\t' + str(built)");

    private static final List<String> STATES = List.of("None", "{}", "{'a': 1, 'b': [2]}", "0", "1", "''", "'x'", "[]",
            "[0]", "()", "(1, 'two')", "False", "True", "0.0", "b''");

    @Test
    void registeredClassesAreWrittenAsCPythonWritesTheSameStateAtEveryProtocol() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String s : STATES) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + "\t" + s);
            }
        }
        List<String> cpython = Python.eachLine(SETUP, "case(line)", null, lines);
        ClassRegistry registry = ClassRegistry.builtins().toBuilder()
                .register("brine_ps", "Holder", Holder.class, Holder::new).build();
        PicklerOptions writing = PicklerOptions.builder().registry(registry).build();
        UnpicklerOptions reading = UnpicklerOptions.builder().registry(registry).build();
        HexFormat hex = HexFormat.of();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] c = cpython.get(i).split("\t");
            int p = Integer.parseInt(lines.get(i).split("\t")[0]);
            Object state = Pickle.loads(hex.parseHex(c[0]));
            String brine = hex.formatHex(Pickle.dumps(new Holder(state), writing.withProtocol(p)));
            if (!brine.equals(c[1])) {
                differences.add(lines.get(i) + "\n  CPython " + c[1] + "\n  Brine   " + brine);
            }
            Holder read = (Holder) Pickle.loads(hex.parseHex(c[1]), reading);
            // a state CPython leaves out (no BUILD) is never set: the factory's Holder, whose state is null
            String expected = PythonRepr.repr(Boolean.parseBoolean(c[2]) ? state : null);
            if (!expected.equals(PythonRepr.repr(read.getState()))) {
                differences.add(lines.get(i) + ": read back as " + PythonRepr.repr(read.getState()) + ", not " + expected);
            }
        }
        assertEquals("", String.join("\n", differences));
    }
}
