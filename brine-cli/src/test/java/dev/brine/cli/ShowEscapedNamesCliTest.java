package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names read from a file (a global's module and name, a keyword argument) can hold control
 * characters: terminal escape sequences, a bell, a newline that fakes another line. show prints them
 * with the escapes Python's repr gives a str holding them (here computed by CPython), as it prints str
 * values; verify's warning naming an object array's inert classes does too.
 */
class ShowEscapedNamesCliTest {
    @TempDir
    Path tmp;

    private static final String WRITE = String.join("\n",
            "import io, os, pickle, sys, types",
            "import numpy as np",
            "d = sys.argv[1]",
            "module, name, key = 'mod\\x1b[2J', 'x\\x1b[31mRED\\x07\\nfake line', 'k\\x1b[0m\\r\\n\\\\'",
            "def su(s):",
            "    b = s.encode(); return b'\\x8c' + bytes([len(b)]) + b",
            "g = b'\\x80\\x04' + su(module) + su(name) + b'\\x93'",
            "open(os.path.join(d, 'instance.pkl'), 'wb').write(g + b')R.')",
            "open(os.path.join(d, 'class.pkl'), 'wb').write(g + b'.')",
            "open(os.path.join(d, 'kwargs.pkl'), 'wb').write(g + b')}' + su(key) + b'K\\x01s\\x92.')",
            "m = types.ModuleType(module); sys.modules[module] = m",
            "cls = type('X', (), {}); cls.__module__, cls.__qualname__ = module, name; setattr(m, name, cls)",
            "np.save(os.path.join(d, 'objects.npy'), np.array([cls()], dtype=object), allow_pickle=True)",
            "print(repr(module)[1:-1] + '.' + repr(name)[1:-1])",
            "print(repr(key)[1:-1])");

    @Test
    void showAndVerifyPrintNamesWithReprsEscapes() throws Exception {
        Python.require("numpy");
        List<String> expected = Python.checkText(WRITE, tmp).lines().toList();
        String global = expected.get(0);
        String key = expected.get(1);
        assertEquals("mod\\x1b[2J.x\\x1b[31mRED\\x07\\nfake line", global); // what CPython's repr escapes
        String[][] cases = {
            {"instance.pkl", global + "()"},
            {"class.pkl", global}, // a name Brine cannot tell a class or a function by: printed as it is
            {"kwargs.pkl", global + "(" + key + "=1)"},
        };
        for (String[] c : cases) {
            CliTest.Run r = CliTest.run("show", tmp.resolve(c[0]).toString());
            assertEquals(0, r.status(), r.err());
            assertEquals(c[1] + "\n", r.out(), c[0]);
            assertPrintable(r.out());
        }
        CliTest.Run verify = CliTest.run("verify", tmp.resolve("objects.npy").toString());
        assertEquals(0, verify.status(), verify.err());
        assertTrue(verify.err().contains("its pickle names " + global + " (at [0]),"), verify.err());
        assertPrintable(verify.err());
    }

    /** No control character but the newlines that end lines, and one line of stderr per warning. */
    private static void assertPrintable(String text) {
        for (char c : text.toCharArray()) {
            assertFalse(c < 0x20 && c != '\n' || c == 0x7f, "a raw control character " + (int) c + " in " + text);
        }
    }
}
