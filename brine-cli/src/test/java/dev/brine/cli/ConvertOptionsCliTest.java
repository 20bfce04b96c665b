package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert's options: {@code --numpy-names} (numpy 2's {@code numpy._core} names, which numpy 2 loads without its
 * DeprecationWarning for {@code numpy.core}), and options the output does not use refused as usage errors rather than
 * silently ignored ({@code --stored --compressed}, {@code --compressed} for a pickle). The oracle is numpy 2 itself,
 * loading the outputs with warnings as errors, and pickletools for the names written.
 */
class ConvertOptionsCliTest {
    @TempDir
    Path tmp;

    private String python(String script) throws Exception {
        Python.require("numpy");
        return new String(Python.check("import os, sys, pickle, pickletools, io, warnings, numpy as np\nos.chdir(sys.argv[1])\n"
                + "sys.path.insert(0, sys.argv[2])\n" + script, new byte[0], tmp.toString(),
                Path.of("..", "python").toAbsolutePath().toString()), StandardCharsets.UTF_8).strip();
    }

    private String path(String name) {
        return tmp.resolve(name).toString();
    }

    /** The numpy module names a pickle file names, as pickletools lists its globals. */
    private static final String CORE_NAMES = "def cores(data):\n"
            + "    out = io.StringIO(); pickletools.dis(data, out)\n"
            + "    return sorted({w.strip(\"'\") for w in out.getvalue().split() if w.strip(\"'\").startswith('numpy.')"
            + " and 'core' in w})\n";

    @Test
    void numpyNamesTwoWritesWhatNumpy2WritesAndLoadsWithoutWarning() throws Exception {
        // numpy 2 itself must be the one loading: the test is about its warning
        assertEquals("2", python("print(np.__version__.split('.')[0])"));
        python("pickle.dump({'a': np.arange(3), 's': np.float32(1.5), 'd': np.dtype('i2')}, open('np2.pkl', 'wb'), 5)\n");
        CliTest.Run two = CliTest.run("convert", "--numpy-names=2", path("np2.pkl"), path("two.pkl"));
        assertEquals(0, two.status(), two.err());
        CliTest.Run one = CliTest.run("convert", path("np2.pkl"), path("one.pkl"));
        assertEquals(0, one.status(), one.err());
        CliTest.Run explicitOne = CliTest.run("convert", "--numpy-names", "1", path("np2.pkl"), path("one_again.pkl"));
        assertEquals(0, explicitOne.status(), explicitOne.err());
        CliTest.Run archive = CliTest.run("convert", "--numpy-names=2", path("np2.pkl"), path("two.zip"));
        assertEquals(0, archive.status(), archive.err());
        assertEquals("ok", python(CORE_NAMES
                + "want = pickle.load(open('np2.pkl', 'rb'))\n"
                + "assert cores(open('np2.pkl', 'rb').read()) == cores(open('two.pkl', 'rb').read()), cores(open('two.pkl', 'rb').read())\n"
                + "assert all(n.startswith('numpy._core.') for n in cores(open('two.pkl', 'rb').read()))\n"
                + "assert all(n.startswith('numpy.core.') for n in cores(open('one.pkl', 'rb').read()))\n"
                + "assert open('one.pkl', 'rb').read() == open('one_again.pkl', 'rb').read()\n"
                + "warnings.simplefilter('error')\n"
                + "got = pickle.load(open('two.pkl', 'rb'))\n"
                + "assert np.array_equal(got['a'], want['a']) and got['s'] == want['s'] and got['d'] == want['d']\n"
                + "import brine\n" // the archive's pickle too, loaded by the archive's Python reader
                + "z = brine.load('two.zip')\n"
                + "assert np.array_equal(z['a'], want['a']) and z['s'] == want['s']\n"
                + "try:\n"
                + "    pickle.load(open('one.pkl', 'rb'))\n"
                + "    raise AssertionError('numpy 2 loaded numpy.core names without a warning: the default can change')\n"
                + "except DeprecationWarning:\n"
                + "    pass\n"
                + "print('ok')"));
    }

    @Test
    void optionsTheOutputDoesNotUseAreUsageErrors() throws Exception {
        python("np.savez('a.npz', w=np.arange(3))\n");
        String[][] cases = {
            {"--stored", "--compressed", "out.npz"},
            {"--compressed", "out.pkl"},
            {"--compressed", "out.zip"},
            {"--stored", "out.npz"},
            {"--stored", "out.pt"},
            {"--numpy-names=2", "out.pt"},
            {"--numpy-names=2", "out.safetensors"},
            {"--numpy-names=3", "out.pkl"},
            {"--protocol=2", "out.npz"},
        };
        for (String[] c : cases) {
            String out = c[c.length - 1];
            String[] args = new String[c.length + 2];
            args[0] = "convert";
            System.arraycopy(c, 0, args, 1, c.length - 1);
            args[c.length] = path("a.npz");
            args[c.length + 1] = path(out);
            CliTest.Run run = CliTest.run(args);
            assertEquals(2, run.status(), String.join(" ", c) + ": " + run.err());
            assertTrue(run.err().contains(c[0].replaceFirst("=.*", "")), run.err());
            assertFalse(Files.exists(tmp.resolve(out)), out);
        }
        // the options where they apply still work
        assertEquals(0, CliTest.run("convert", "--compressed", path("a.npz"), path("c.npz")).status());
        assertEquals(0, CliTest.run("convert", "--stored", path("a.npz"), path("s.zip")).status());
        assertEquals("ok", python("assert np.array_equal(np.load('c.npz')['w'], np.arange(3))\nprint('ok')"));
    }
}
