package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.Global;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which characters a global's module and name may hold where the text GLOBAL opcode writes them
 * (protocols 0 to 3), against CPython 3.11: its C pickler writes a class whose module and qualified
 * name hold the character, and its C unpickler reads the bytes back (find_class returning the two
 * strings, nothing imported). Brine must write exactly CPython's bytes where those read back as the
 * same name, and refuse where CPython's pickler refuses or its reader would read something else: a
 * newline ends the line early (a name read from STACK_GLOBAL can hold one, and the rest of it would
 * become opcodes), non-ASCII below protocol 3, lone surrogates at 3. '.' is left out: a dotted name
 * is the getattr form (NestedGlobalDifferentialTest).
 */
class GlobalLineNameDifferentialTest {
    private static final String SETUP = String.join("\n",
            "import io, pickle, sys, types",
            "class Names(pickle.Unpickler):",
            "    def find_class(self, module, name):",
            "        return (module, name)",
            "def case(line):",
            "    p, cp = (int(x) for x in line.split('\\t'))",
            "    mod, name = 'm' + chr(cp) + 'x', 'n' + chr(cp) + 'y'",
            "    m = types.ModuleType(mod)",
            "    sys.modules[mod] = m",
            "    cls = type('X', (), {})",
            "    cls.__qualname__, cls.__module__ = name, mod",
            "    setattr(m, name, cls)",
            "    try:",
            "        data = pickle.dumps(cls, p)",
            "    except pickle.PicklingError:",
            "        return 'refused by the pickler'",
            "    try:",
            "        back = Names(io.BytesIO(data)).load()",
            "    except Exception as e:",
            "        return 'unreadable: ' + type(e).__name__",
            "    return data.hex() if back == (mod, name) else 'reads back as another name'");

    private static List<Integer> codePoints() {
        List<Integer> cps = new ArrayList<>();
        for (int c = 0; c < 0x80; c++) {
            if (c != '.') {
                cps.add(c);
            }
        }
        cps.addAll(List.of(0x80, 0x85, 0xa0, 0xe9, 0xff, 0x100, 0x7ff, 0x800, 0x2028, 0xd800, 0xdbff, 0xdc00,
                0xdfff, 0xfeff, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff));
        return cps;
    }

    @Test
    void brineWritesWhatCPythonWritesAndReadsBackAndRefusesTheRest() throws IOException {
        Python.require();
        List<String> lines = new ArrayList<>();
        for (int p = 0; p <= 3; p++) {
            for (int cp : codePoints()) {
                lines.add(p + "\t" + cp);
            }
        }
        List<String> cpython = Python.eachLine(SETUP, "case(line)", null, lines);
        List<String> differences = new ArrayList<>();
        List<String> roundTrips = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] pc = lines.get(i).split("\t");
            int p = Integer.parseInt(pc[0]);
            String c = new String(Character.toChars(Integer.parseInt(pc[1])));
            Global g = new Global("m" + c + "x", "n" + c + "y");
            String expected = cpython.get(i);
            String brine;
            try {
                brine = HexFormat.of().formatHex(Pickle.dumps(g, p));
            } catch (PicklingException e) {
                brine = "refused";
                assertTrue(e.getMessage().contains(dev.brine.py.PythonRepr.repr(g.module() + "." + g.name())),
                        e.getMessage());
            }
            boolean cpythonWrites = !expected.contains(" ");
            if (cpythonWrites ? !brine.equals(expected) : !brine.equals("refused")) {
                differences.add("protocol " + p + " U+" + Integer.toHexString(c.codePointAt(0)) + ": CPython "
                        + expected + ", Brine " + brine);
            }
            if (cpythonWrites) {
                roundTrips.add(lines.get(i));
            }
        }
        assertEquals("", String.join("\n", differences));
        // the oracle did tell the cases apart: a newline never round-trips, '\r' and NUL always do
        assertTrue(!roundTrips.contains("0\t10") && !roundTrips.contains("3\t10") && roundTrips.contains("0\t13")
                && roundTrips.contains("3\t0") && roundTrips.contains("3\t233") && !roundTrips.contains("2\t233")
                && !roundTrips.contains("3\t55296"), roundTrips.toString());
    }

    @Test
    void aNestedNameWhoseParentHoldsANewlineIsRefusedBelowProtocol4() throws IOException {
        // below protocol 4 the parent of a dotted name is written with GLOBAL, through getattr
        Global nested = new Global("builtins", "len\n0cbuiltins\nprint\n.x");
        for (int p = 0; p <= 3; p++) {
            int protocol = p;
            PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(nested, protocol));
            assertTrue(e.getMessage().contains("newline"), e.getMessage());
        }
        // STACK_GLOBAL carries it: CPython's reader takes the name whole (and finds no such attribute)
        Python.require();
        String read = new String(Python.check(SETUP + "\nprint(Names(io.BytesIO(sys.stdin.buffer.read())).load())",
                Pickle.dumps(nested, 4)), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals("('builtins', 'len\\n0cbuiltins\\nprint\\n.x')", read);
    }
}
