package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.numpy.NumpyScalar;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.testing.Python;
import dev.brine.testing.StateHolder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Below protocol 2, a state Python finds false is written without BUILD ({@code copyreg._reduce_ex}:
 * {@code if dict:}), for the Java values whose Python truth is not a Java Boolean or number either: a
 * Duration (timedelta, false when zero), an Object[] (a tuple, false when empty), numpy scalars and
 * one-element arrays (false when the value is zero). The bytes are CPython's, true and false alike.
 */
class FalseStatesDifferentialTest {
    /** The Java side of {@code brine_fs.Holder}. */
    static final class Holder extends StateHolder {
        Holder(Object state) {
            super(state);
        }
    }

    private static final String SETUP = String.join("\n",
            "import pickle, sys, types, datetime",
            "import numpy as np",
            "m = types.ModuleType('brine_fs')",
            "sys.modules['brine_fs'] = m",
            "exec('''",
            "class Holder:",
            "    def __init__(self, s): self.s = s",
            "    def __getstate__(self): return self.s",
            "''', m.__dict__)",
            "def case(line):",
            "    p, expr = line.split('\\t')",
            "    return pickle.dumps(m.Holder(eval(expr)), int(p)).hex()");

    @Test
    void falseStatesBelowProtocol2AreWrittenWithoutBuildAsCPythonDoes() throws IOException {
        Python.require("numpy");
        DType f8 = DType.parse("<f8");
        List<Object> values = List.of(Duration.ZERO, Duration.ofSeconds(1), new Object[0], new Object[] {1L},
                NumpyScalar.of(f8, 0.0), NumpyScalar.of(f8, 1.5), NDArray.of(new double[] {0.0}),
                NDArray.of(new double[] {2.0}), NDArray.of(new long[] {0L}, 1, 1));
        List<String> python = List.of("datetime.timedelta(0)", "datetime.timedelta(seconds=1)", "()", "(1,)",
                "np.float64(0.0)", "np.float64(1.5)", "np.array([0.0])", "np.array([2.0])",
                "np.array([[0]], dtype='<i8')");
        List<String> lines = new ArrayList<>();
        for (int p = 0; p <= 2; p++) {
            for (String expr : python) {
                lines.add(p + "\t" + expr);
            }
        }
        List<String> cpython = Python.eachLine(SETUP, "case(line)", null, lines);
        // numpy 2's names, as the oracle's numpy writes
        ClassRegistry registry = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false)
                .register("brine_fs", "Holder", Holder.class, () -> new Holder(null)).build();
        PicklerOptions writing = PicklerOptions.builder().registry(registry).build();
        HexFormat hex = HexFormat.of();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int p = Integer.parseInt(lines.get(i).split("\t")[0]);
            String brine = hex.formatHex(Pickle.dumps(new Holder(values.get(i % values.size())), writing.withProtocol(p)));
            if (!brine.equals(cpython.get(i))) {
                differences.add(lines.get(i) + "\n  CPython " + cpython.get(i) + "\n  Brine   " + brine);
            }
        }
        assertEquals("", String.join("\n", differences));
    }
}
