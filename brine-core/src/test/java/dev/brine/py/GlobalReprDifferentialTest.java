package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Globals printed as CPython prints what the same pickle loads to (protocol 2 spells some exceptions by their Python 2 names) where Brine knows what the name is: every builtin
 * function ({@code <built-in function len>}) and builtin class ({@code <class 'int'>}) of the running CPython,
 * {@code Ellipsis} and {@code NotImplemented} by name. Any other name (a class or a function of another module: a
 * pickle does not say which) prints as {@code module.qualname}, which CPython's {@code __module__} and
 * {@code __qualname__} give; it printed as a class ({@code <class 'posixpath.join'>}). Each pickle is CPython's, at
 * protocols 2 and 4 (GLOBAL and STACK_GLOBAL). The names here are the unregistered ones, which read as {@link Global}s.
 */
class GlobalReprDifferentialTest {
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    @Test
    void globalsPrintAsCPythonPrintsThem() throws IOException {
        Python.require();
        String script = String.join("\n",
                "import pickle, builtins, types, collections, collections.abc, fractions, os.path",
                "objs = [v for k, v in vars(builtins).items() if isinstance(v, types.BuiltinFunctionType)",
                "        or isinstance(v, type) and v.__module__ == 'builtins' and v.__name__ == k]",
                "objs += [Ellipsis, NotImplemented, [Ellipsis, int, len]]",
                "def expect(x):", // CPython's repr where the name is builtins' own (open is io.open), else module.qualname
                "    if isinstance(x, list): return '[' + ', '.join(map(expect, x)) + ']'",
                "    if x is Ellipsis or x is NotImplemented or x.__module__ == 'builtins': return repr(x)",
                "    return x.__module__ + '.' + x.__qualname__",
                "assert len(objs) > 130, len(objs)",
                "for p in (2, 4):",
                "    for o in objs:",
                "        b = pickle.dumps(o, protocol=p)",
                "        print(b.hex(), expect(pickle.loads(b)))",
                "    for o in (collections.Counter, collections.defaultdict, fractions.Fraction, collections.abc.Mapping,",
                "              os.path.join, collections.namedtuple):",
                "        print(pickle.dumps(o, protocol=p).hex(), o.__module__ + '.' + o.__qualname__)");
        String[] lines = new String(Python.check(script, new byte[0]), StandardCharsets.UTF_8).split("\n");
        assertTrue(lines.length > 270, lines.length + " lines");
        PythonRepr repr = new PythonRepr(4, 10, Integer.MAX_VALUE);
        for (String line : lines) {
            int space = line.indexOf(' ');
            Object loaded = Pickle.loads(HexFormat.of().parseHex(line.substring(0, space)), GENERIC);
            assertEquals(line.substring(space + 1), repr.format(loaded), line);
        }
    }

    @Test
    void aGlobalWithoutANamePrintsAsItsParts() {
        // Global is public and accepts nulls (its compareTo orders them first): printing one must not throw
        assertEquals("builtins.null", PythonRepr.repr(new Global("builtins", null)));
        assertEquals("null.x", PythonRepr.repr(new Global(null, "x")));
    }
}
