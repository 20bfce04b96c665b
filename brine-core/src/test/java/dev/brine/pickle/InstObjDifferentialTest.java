package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INST and OBJ, protocol 0 and 1's way of making an instance, read as generic objects (as the CLI reads them) and
 * written at every protocol: given no arguments they mean {@code cls.__new__(cls)} (CPython's
 * {@code _instantiate}: {@code __init__} is not run, so a class whose {@code __init__} needs arguments loads), and
 * Brine writes such an object as CPython writes the object it loaded — byte for byte at protocols 0 to 5. Given
 * arguments they call the class, and Brine writes that call, which CPython loads as an equal object.
 */
class InstObjDifferentialTest {
    private static final String MODULE = String.join("\n",
            "class D:",
            "    def __init__(self, arg): self.init = arg",
            "    def __eq__(self, o): return type(o) is D and vars(o) == vars(self)",
            "");
    /** INST and OBJ without arguments, with a state; OBJ with none at protocol 1 inside a list. */
    private static final String[] NO_ARGUMENTS = {
        "(ibrine_io\nD\np0\n(dp1\nVx\np2\nI1\nsb.",
        "(cbrine_io\nD\nq\u0000oq\u0001}q\u0002X\u0001\u0000\u0000\u0000xK\u0001sb.",
        "]q\u0000(cbrine_io\nD\nq\u0001oq\u0002}q\u0003X\u0001\u0000\u0000\u0000yK\u0002sbah\u0002a.",
    };
    /** INST and OBJ with arguments: the class is called with them. */
    private static final String[] WITH_ARGUMENTS = {
        "(I7\nibrine_io\nD\np0\n.",
        "(cbrine_io\nD\nq\u0000K\u0007o.",
    };

    @TempDir
    Path dir;

    @Test
    void withoutArgumentsWrittenBackAsCPythonWritesTheObjectItLoaded() throws IOException {
        Python.require();
        Files.writeString(dir.resolve("brine_io.py"), MODULE);
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        for (String input : NO_ARGUMENTS) {
            byte[] pickle = input.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            String[] cpython = Python.checkText(String.join("\n",
                    "import pickle, sys",
                    "sys.path.insert(0, " + pyStr(dir.toString()) + ")",
                    "o = pickle.loads(bytes.fromhex('" + HexFormat.of().formatHex(pickle) + "'))",
                    "print(' '.join(pickle.dumps(o, p).hex() for p in range(6)))")).strip().split(" ");
            Object read = Pickle.loads(pickle, generic);
            for (int p = 0; p <= 5; p++) {
                assertEquals(cpython[p], HexFormat.of().formatHex(Pickle.dumps(read, p)), input + " at protocol " + p);
            }
        }
    }

    @Test
    void withArgumentsWrittenAsACallThatLoadsAsAnEqualObject() throws IOException {
        Python.require();
        Files.writeString(dir.resolve("brine_io.py"), MODULE);
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        for (String input : WITH_ARGUMENTS) {
            byte[] pickle = input.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            Object read = Pickle.loads(pickle, generic);
            StringBuilder brine = new StringBuilder();
            for (int p = 0; p <= 5; p++) {
                brine.append(HexFormat.of().formatHex(Pickle.dumps(read, p))).append(' ');
            }
            assertEquals("True True True True True True", Python.checkText(String.join("\n",
                    "import pickle, sys",
                    "sys.path.insert(0, " + pyStr(dir.toString()) + ")",
                    "o = pickle.loads(bytes.fromhex('" + HexFormat.of().formatHex(pickle) + "'))",
                    "print(' '.join(str(pickle.loads(bytes.fromhex(h)) == o) for h in '" + brine.toString().strip()
                            + "'.split()))")).strip(), input);
        }
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
