package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.BrineException;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Opcodes that change nothing, which CPython's C unpickler accepts although its pickler never writes them
 * (found by a mutation fuzzer): ADDITEMS with no items (on any object, as APPENDS and SETITEMS with none),
 * BUILD with None or (None, {}) on an object without {@code __setstate__} (a builtin value, a class). And beside them the
 * near misses CPython refuses, which Brine refuses too: items added to a dict, a dict or other state on a
 * builtin value, a MARK with nothing under it, a state for a class's attributes (which Brine never sets,
 * and CPython cannot set on a builtin class).
 */
class NoOpStateOpcodesDifferentialTest {
    private static final String SETUP = String.join("\n",
            "import pickle",
            "class Only(pickle.Unpickler):",
            "    def find_class(self, module, name):",
            "        if (module, name) in (('builtins', 'frozenset'), ('builtins', 'len')):",
            "            return super().find_class(module, name)",
            "        raise pickle.UnpicklingError('refused ' + module + '.' + name)",
            "def load(h):",
            "    import io",
            "    return repr(Only(io.BytesIO(bytes.fromhex(h))).load())");

    @Test
    void noOpStateAndItemOpcodesLoadAsInCPython() throws IOException {
        Python.require();
        List<String> cases = List.of(
                // ADDITEMS with no items
                "80047d2890" + "2e", // {} MARK ADDITEMS
                "80045d2890" + "2e", // [] MARK ADDITEMS
                "80044e2890" + "2e", // None MARK ADDITEMS
                "80048f28" + "4b01" + "90" + "2e", // set() MARK 1 ADDITEMS: {1}
                // BUILD None
                "8004473fe0000000000000" + "4e62" + "2e", // 0.5
                "80045d" + "4e62" + "2e", // []
                "80047d" + "4e62" + "2e", // {}
                "80044b05" + "4e62" + "2e", // 5
                "80048c0161" + "4e62" + "2e", // 'a'
                "80044e" + "4e62" + "2e", // None
                "800429" + "4e62" + "2e", // ()
                "80048f" + "4e62" + "2e", // set()
                "800443026869" + "4e62" + "2e", // b'hi'
                "8002636275696c74696e730a66726f7a656e7365740a" + "4e62" + "2e", // class frozenset, None
                // BUILD (None, {}): no state, no slot state
                "80045d" + "4e7d8662" + "2e", // []
                "80047d" + "4e7d8662" + "2e", // {}
                "80044b05" + "4e7d8662" + "2e", // 5
                "8002636275696c74696e730a66726f7a656e7365740a" + "4e7d8662" + "2e", // class frozenset
                // the near misses
                "80047d284b014b0290" + "2e", // {} MARK 1 2 ADDITEMS
                "800490" + "2e", // ADDITEMS with no MARK
                "80042890" + "2e", // MARK ADDITEMS with nothing under the mark
                "8004473fe0000000000000" + "7d62" + "2e", // 0.5, BUILD {}
                "80045d" + "7d62" + "2e", // [], BUILD {}
                "80045d" + "5d62" + "2e", // [], BUILD []
                "80045d" + "4b0162" + "2e", // [], BUILD 1
                "8002636275696c74696e730a66726f7a656e7365740a" + "7d8c0161" + "4b01" + "7362" + "2e", // class, {'a': 1}
                "80045d" + "4e4e8662" + "2e", // [], BUILD (None, None): the slot state is not a dict
                "80045d" + "4e7d8c0161" + "4b01" + "73" + "8662" + "2e", // [], BUILD (None, {'a': 1})
                "80045d" + "7d7d8662" + "2e"); // [], BUILD ({}, {})
        List<String> cpython = Python.eachLine(SETUP, "load(line)", "Exception", cases);
        List<String> brine = new ArrayList<>();
        for (String hex : cases) {
            try {
                brine.add(PythonRepr.repr(Pickle.loads(HexFormat.of().parseHex(hex))));
            } catch (BrineException e) {
                brine.add("-");
            }
        }
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(cpython.get(i), brine.get(i), cases.get(i));
        }
    }
}
