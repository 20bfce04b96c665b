package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * copyreg's constructors given a builtin class that Brine registers only as a base class
 * ({@code copyreg.__newobj__(int, 5)}, {@code copyreg._reconstructor(list, list, [])}): CPython
 * gives 5 and []. Brine refuses them in strict reading as it refuses the NEWOBJ opcode on the same
 * class, with a message that names the opcode actually read (REDUCE, not NEWOBJ); with
 * {@code genericObjects(true)} (the CLI) they read inert, as NEWOBJ on them does, and write back a
 * pickle from which CPython loads what it loads from the original.
 */
class CopyregBuiltinClassDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    /** {@code __reduce__} values, each written by CPython at the protocols it writes them at. */
    private static final List<String> REDUCTIONS = List.of(
            "(copyreg.__newobj__, (int, 5))",
            "(copyreg.__newobj__, (float, 1.5))",
            "(copyreg.__newobj__, (str, 'x'))",
            "(copyreg._reconstructor, (list, list, []))",
            "(copyreg._reconstructor, (int, int, 7))",
            "(copyreg._reconstructor, (dict, dict, {1: 2}))");

    @Test
    void copyregConstructorsOfBuiltinBasesAreRefusedByTheirOpcodeOrReadInert() throws IOException {
        Python.require();
        List<String> lines = new ArrayList<>();
        for (String r : REDUCTIONS) {
            // from protocol 2 CPython writes __newobj__ only for an object of that very class (as NEWOBJ)
            for (int p = 0; p <= (r.contains("__newobj__") ? 1 : 5); p++) {
                lines.add(p + " " + r);
            }
        }
        // handmade: REDUCE of copyreg.__newobj__ / __newobj_ex__ at protocol 2, which CPython reads but never writes
        List<String> handmade = List.of(
                HEX.formatHex("\u0080\u0002ccopyreg\n__newobj__\ncbuiltins\nint\nK\u0005\u0086R.".getBytes("ISO-8859-1")),
                HEX.formatHex("\u0080\u0002ccopyreg\n__newobj_ex__\ncbuiltins\nint\nK\u0005\u0085}\u0087R.".getBytes("ISO-8859-1")));
        List<Integer> protocols = new ArrayList<>();
        for (String line : lines) {
            protocols.add(line.charAt(0) - '0');
        }
        protocols.addAll(List.of(2, 2));
        String script = "import pickle, pickletools, copyreg\n"
                + "class Q:\n    def __init__(self, r): self.r = r\n    def __reduce__(self): return self.r\n"
                + "def made_by(b):\n    return [o.name for o, a, _ in pickletools.genops(b) if o.name in ('REDUCE', 'NEWOBJ', 'NEWOBJ_EX')][-1]\n"
                + "def make(line):\n    p, r = line.split(' ', 1)\n    b = pickle.dumps(Q(eval(r)), int(p))\n"
                + "    return ' '.join([b.hex(), made_by(b), repr(pickle.loads(b))])";
        List<String> pickles = new ArrayList<>(Python.eachLine(script, "make(line)", null, lines));
        pickles.addAll(Python.eachLine(script, "' '.join([line, made_by(bytes.fromhex(line)), repr(pickle.loads(bytes.fromhex(line)))])",
                null, handmade));
        List<String> rewritten = new ArrayList<>();
        for (int i = 0; i < pickles.size(); i++) {
            String line = pickles.get(i);
            String[] parts = line.split(" ", 3);
            byte[] cpython = HEX.parseHex(parts[0]);
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(cpython), line);
            assertTrue(e.getMessage().contains("cannot be created from a pickle"), line + ": " + e.getMessage());
            assertEquals(parts[1], e.opcode(), line + ": " + e.getMessage());
            Object inert = Pickle.loads(cpython, GENERIC);
            assertInstanceOf(GenericObject.class, inert, line);
            rewritten.add(HEX.formatHex(Pickle.dumps(inert, protocols.get(i))));
            if (i < lines.size() && protocols.get(i) < 2) {
                // what CPython wrote is written back byte for byte (from protocol 2 on, Brine writes a _reconstructor
                // call as CPython writes the object it makes: NEWOBJ; the check below covers it)
                assertEquals(parts[0], rewritten.get(i), line);
            }
        }
        // what CPython loads from Brine's rewrite is what it loaded from the original
        List<String> loaded = Python.eachLine("import pickle", "repr(pickle.loads(bytes.fromhex(line)))", null, rewritten);
        for (int i = 0; i < pickles.size(); i++) {
            assertEquals(pickles.get(i).split(" ", 3)[2], loaded.get(i), pickles.get(i));
        }
    }
}
