package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python code writes ints where floats are meant ({@code Point(1, 2, 'p')}): a record's
 * {@code double} component takes an int (or a big int) that a double holds exactly, as
 * {@code float(v)} gives it, and refuses one it would round ({@code 2**53 + 1}) rather than load
 * another number; a {@code float} component takes what a double one takes rounded to the nearest
 * float, as {@code numpy.float32} rounds it, and refuses a finite value beyond float's range (numpy
 * makes it inf). The oracle is CPython: {@code int(float(v)) == v} says which ints fit, and
 * {@code float(v)} / {@code numpy.float32(float(v))} give the value, compared bit for bit.
 */
class RecordNumberCoercionDifferentialTest {
    @TempDir
    Path tmp;

    record D(double v) {
    }

    record F(float v) {
    }

    private static final ClassRegistry REGISTRY = ClassRegistry.builtins().toBuilder()
            .registerRecord("mymod", "D", D.class).registerRecord("mymod", "F", F.class).build();
    private static final UnpicklerOptions READ = UnpicklerOptions.builder().registry(REGISTRY).build();

    @Test
    void intsAndFloatsNarrowAsPythonAndNumpySay() throws Exception {
        Python.require("numpy");
        String out = Python.checkText("""
                import collections, os, pickle, struct, sys, types, warnings
                import numpy as np
                m = types.ModuleType('mymod'); sys.modules['mymod'] = m
                m.D = collections.namedtuple('D', 'v', module='mymod')
                m.F = collections.namedtuple('F', 'v', module='mymod')
                values = [0, 1, -7, 2, 2**53, -2**53, 2**53 + 1, -(2**53 + 1), 2**62 + 1, 2**62, 2**63 - 1, -2**63,
                          2**63, 2**64, 2**64 + 1, 3 * 2**200, 10**400, 16777217, 2.5, 0.1, 1 / 3, 1e-50, 1e300,
                          3.4028235677973366e38, 3.4028234663852886e38, float('inf'), -float('inf')]
                for i, v in enumerate(values):
                    for cls in ('D', 'F'):
                        with open(os.path.join(sys.argv[1], f'{cls}{i}.pkl'), 'wb') as f:
                            pickle.dump(getattr(m, cls)(v), f, 2)
                    try:
                        d = float(v)
                        exact = not isinstance(v, int) or int(d) == v
                    except OverflowError:
                        exact = False
                    if not exact:
                        print('refuse refuse')
                        continue
                    with warnings.catch_warnings():
                        warnings.simplefilter('ignore')
                        f32 = np.float32(d)
                    fbits = 'refuse' if np.isinf(f32) and not np.isinf(d) else struct.pack('>f', f32).hex()
                    print(struct.pack('>d', d).hex(), fbits)
                """, tmp).strip();
        List<String> lines = out.lines().toList();
        int refused = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] expected = lines.get(i).split(" ");
            refused += check(tmp.resolve("D" + i + ".pkl"), expected[0], false, i);
            refused += check(tmp.resolve("F" + i + ".pkl"), expected[1], true, i);
        }
        assertTrue(refused >= 8, "the values include ints no double holds and doubles no float reaches: " + refused);
    }

    /** Loads {@code file} and compares with Python's bits (hex), or its refusal; 1 when refused. */
    private static int check(Path file, String expected, boolean isFloat, int i) throws Exception {
        if (expected.equals("refuse")) {
            BrineException e = assertThrows(BrineException.class, () -> Pickle.load(file, READ), file.toString());
            assertTrue(e.getMessage().contains("mymod." + (isFloat ? "F" : "D") + " argument 0 (v)"), e.getMessage());
            return 1;
        }
        Object r = Pickle.load(file, READ);
        String bits = isFloat ? String.format("%08x", Float.floatToRawIntBits(((F) r).v()))
                : String.format("%016x", Double.doubleToRawLongBits(((D) r).v()));
        assertEquals(expected, bits, "value " + i + " into " + (isFloat ? "float" : "double"));
        return 0;
    }
}
