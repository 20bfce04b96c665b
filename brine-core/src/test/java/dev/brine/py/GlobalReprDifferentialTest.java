package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Globals (classes, the builtin constants) printed as CPython prints what the same pickle loads to:
 * {@code <class 'int'>} without the module for builtins, {@code Ellipsis} and {@code NotImplemented}
 * by name, other classes with their module. Each pickle is CPython's, at protocols 2 and 4 (GLOBAL
 * and STACK_GLOBAL). The names here are the unregistered ones, which read as {@link Global}s.
 */
class GlobalReprDifferentialTest {
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    @Test
    void globalsPrintAsCPythonPrintsThem() throws IOException {
        Python.require();
        String script = String.join("\n",
                "import pickle, collections, collections.abc, fractions",
                "objs = [int, float, str, list, dict, type, range, slice, Ellipsis, NotImplemented,",
                "        collections.Counter, collections.defaultdict, fractions.Fraction, collections.abc.Mapping, [Ellipsis, int]]",
                "for p in (2, 4):",
                "    for o in objs:",
                "        print(pickle.dumps(o, protocol=p).hex(), repr(o))");
        String[] lines = new String(Python.check(script, new byte[0]), StandardCharsets.UTF_8).split("\n");
        assertEquals(30, lines.length);
        PythonRepr repr = new PythonRepr(4, 10, Integer.MAX_VALUE);
        for (String line : lines) {
            int space = line.indexOf(' ');
            Object loaded = Pickle.loads(HexFormat.of().parseHex(line.substring(0, space)), GENERIC);
            assertEquals(line.substring(space + 1), repr.format(loaded), line);
        }
    }

    @Test
    void aGlobalWithoutANamePrintsAsBefore() {
        // Global is public and accepts nulls (its compareTo orders them first): printing one must not throw
        assertEquals("<class 'null'>", PythonRepr.repr(new Global("builtins", null)));
        assertEquals("<class 'null.x'>", PythonRepr.repr(new Global(null, "x")));
    }
}
