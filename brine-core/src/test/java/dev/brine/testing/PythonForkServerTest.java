package dev.brine.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle's launcher is itself checked against the real thing: a script run in a child of the fork server
 * gives the exit code, standard output and standard error a fresh {@code python3 -c} gives, and leaves nothing
 * behind for the next script.
 */
class PythonForkServerTest {
    @TempDir
    Path tmp;

    private static void sameAsFresh(String script, byte[] stdin, String... args) throws Exception {
        Python.Result fresh = Python.runFresh(script, stdin, args);
        Python.Result forked = Python.run(script, stdin, args);
        assertEquals(fresh.exitCode, forked.exitCode, script);
        assertEquals(fresh.text(), forked.text(), script);
        assertEquals(fresh.stderr, forked.stderr, script);
    }

    @Test
    void argumentsStandardStreamsAndMainAreThoseOfPythonDashC() throws Exception {
        Python.require();
        sameAsFresh("import sys; print(sys.argv, __name__, sorted(k for k in globals() if k.startswith('__')))",
                new byte[0], "a", "b c", "é");
        sameAsFresh("import sys; sys.stdout.buffer.write(sys.stdin.buffer.read()[::-1]); print(file=sys.stderr)",
                "hello\nworld".getBytes(StandardCharsets.UTF_8));
        // a class the script defines pickles by reference to __main__, which must be the script's module
        sameAsFresh("import pickle\nclass A: pass\nprint(pickle.dumps(A(), 4).hex(), type(pickle.loads(pickle.dumps(A()))))",
                new byte[0]);
    }

    @Test
    void failuresEndAsPythonDashCEndsThem() throws Exception {
        Python.require();
        sameAsFresh("def f():\n    raise ValueError('x')\nf()", new byte[0]);
        sameAsFresh("def f(:", new byte[0]);
        sameAsFresh("import sys; print('out'); sys.exit('a message')", new byte[0]);
        sameAsFresh("import sys; sys.exit(3)", new byte[0]);
        sameAsFresh("import sys; sys.exit(None)", new byte[0]);
        sameAsFresh("import os, sys; sys.stdout.flush(); os.kill(os.getpid(), 9)", new byte[0]);
    }

    @Test
    void whatAScriptLeavesOpenIsFlushedAndAtexitRuns() throws Exception {
        Python.require();
        Path fresh = tmp.resolve("fresh.bin");
        Path forked = tmp.resolve("forked.bin");
        String script = "import sys, atexit\nout = open(sys.argv[1], 'wb')\nout.write(b'left open')\n"
                + "atexit.register(lambda: print('at exit'))";
        assertEquals("at exit\n", Python.runFresh(script, new byte[0], fresh.toString()).text());
        assertEquals("at exit\n", Python.run(script, new byte[0], forked.toString()).text());
        assertArrayEquals(Files.readAllBytes(fresh), Files.readAllBytes(forked));
        assertEquals("left open", Files.readString(forked));
    }

    @Test
    void nothingOneScriptDoesReachesTheNext() throws Exception {
        Python.require("numpy");
        Python.check("import sys, types, numpy\nsys.modules['left_behind'] = types.ModuleType('left_behind')\n"
                + "numpy.left_behind = 1\nimport builtins; builtins.left_behind = 1", new byte[0]);
        assertEquals("False False False\n", new String(Python.check("import sys, numpy, builtins\n"
                + "print('left_behind' in sys.modules, hasattr(numpy, 'left_behind'), hasattr(builtins, 'left_behind'))",
                new byte[0]), StandardCharsets.UTF_8));
    }
}
