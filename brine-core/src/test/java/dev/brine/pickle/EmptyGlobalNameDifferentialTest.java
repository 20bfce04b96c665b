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
 * Globals with an empty module or name, or a module line holding a surrogate's UTF-8 bytes, against
 * CPython 3.11's C unpickler and pickler: its reader refuses an empty GLOBAL or INST line as truncated
 * data and a surrogate as invalid UTF-8, its find_class cannot import module {@code ''} nor find
 * attribute {@code ''}, and its pickler cannot write a class whose module is {@code ''}. Brine, even
 * reading generic objects (which names nothing it imports), must refuse each; it used to read
 * {@code c\n\n} as the global {@code .}, which its writer then wrote into a pickle nothing loads.
 */
class EmptyGlobalNameDifferentialTest {
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    /** Hand-made pickles, hex; the last loads in both (the control). */
    private static final List<String> PICKLES = List.of(
            "630a0a2849310a74522e", // GLOBAL '' '' ; (I1 t R .
            "636f730a0a2e", // GLOBAL 'os' ''
            "630a706174680a2e", // GLOBAL '' 'path'
            "28690a780a2e", // INST '' 'x'
            "28696275696c74696e730a0a2e", // INST 'builtins' ''
            "63eda0800a780a2e", // GLOBAL '\ud800' 'x' (a surrogate's three bytes)
            "8004" + "8c00" + "8c0178" + "93" + "2e", // STACK_GLOBAL '' 'x'
            "8004" + "8c086275696c74696e73" + "8c00" + "93" + "2e", // STACK_GLOBAL 'builtins' ''
            "635f5f6275696c74696e5f5f0a7365740a285d74522e"); // GLOBAL '__builtin__' 'set' ; ( ] t R . -> set()

    @Test
    void refusedWhereCPythonRefusesThem() throws IOException {
        Python.require();
        List<String> cpython = Python.eachLine(String.join("\n",
                        "import pickle",
                        "def case(line):",
                        "    try:",
                        "        return repr(pickle.loads(bytes.fromhex(line)))",
                        "    except Exception as e:",
                        "        return 'refused'"),
                "case(line)", null, PICKLES);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < PICKLES.size(); i++) {
            String brine;
            try {
                brine = dev.brine.py.PythonRepr.repr(Pickle.loads(HexFormat.of().parseHex(PICKLES.get(i)), GENERIC));
            } catch (UnpicklingException e) {
                brine = "refused";
                assertTrue(e.getMessage().contains("offset"), e.getMessage());
            }
            if (!brine.equals(cpython.get(i))) {
                differences.add(PICKLES.get(i) + ": CPython " + cpython.get(i) + ", Brine " + brine);
            }
        }
        assertEquals("", String.join("\n", differences));
        assertEquals("set()", cpython.get(PICKLES.size() - 1)); // the control loads
    }

    @Test
    void notWrittenAtAnyProtocolAsCPythonWritesNone() throws IOException {
        Python.require();
        String cpython = new String(Python.check(String.join("\n",
                "import pickle",
                "out = []",
                "for module, name in (('', 'x'), ('m', '')):",
                "    cls = type('X', (), {})",
                "    cls.__module__, cls.__qualname__ = module, name",
                "    for p in range(6):",
                "        try:",
                "            pickle.dumps(cls, p)",
                "            out.append('written')",
                "        except Exception:",
                "            out.append('refused')",
                "print(' '.join(out))"), new byte[0]), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals(String.join(" ", java.util.Collections.nCopies(12, "refused")), cpython);
        // a Global made in Java may hold a null part (its equals and hashCode allow it): refused alike, not an NPE
        for (Global g : List.of(new Global("", "x"), new Global("m", ""), new Global("", ""), new Global(null, "x"),
                new Global("m", null))) {
            for (int p = 0; p <= 5; p++) {
                int protocol = p;
                PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(g, protocol));
                assertTrue(e.getMessage().contains("needs a module and a name"), e.getMessage());
            }
        }
    }
}
