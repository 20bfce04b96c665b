package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model archive of shared variables (the seed's layout, the README's example), written by python/brine.py:
 * {@code convert} to .npz, .safetensors and .npy writes the arrays the variables hold, under their keys, as ls,
 * extract and {@code numpy.load} of the archive see them. It said "not converted: W" and then "no arrays to write".
 * The same for the plain pickle an archive converts to, which holds {@code brine.SharedVariable}s.
 */
class SharedVariableConvertTest {
    @TempDir
    Path tmp;

    private String python(String script) throws Exception {
        return new String(Python.check("import os, sys\nsys.path.insert(0, " + pyStr(Path.of("..", "python").toAbsolutePath())
                + ")\nos.chdir(" + pyStr(tmp) + ")\nimport brine, pickle, numpy as np\n" + script, new byte[0]),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void sharedVariablesConvertToTheArraysTheyHold() throws Exception {
        Python.require("numpy", "safetensors");
        python("w = np.arange(6.0).reshape(2, 3)\n"
                + "brine.dump({'W': brine.SharedVariable(w, 'W'), 'lr': 0.1}, 'one.zip')\n"
                + "brine.dump({'W': brine.SharedVariable(w, 'W')}, 'single.zip')\n"
                + "brine.dump({'layer': {'W': brine.SharedVariable(w, 'W'), 'b': brine.SharedVariable(np.array([1, 2], 'i4'), 'b')},"
                + " 'mask': np.array([True, False]), 'lr': brine.SharedVariable(0.5, 'lr')}, 'nested.zip')\n");
        assertEquals(0, CliTest.run("convert", tmp.resolve("nested.zip").toString(), tmp.resolve("nested.pkl").toString()).status());
        String[][] cases = {
            {"one.zip", "one.npz", "{'W': w}"},
            {"one.zip", "one.safetensors", "{'W': w}"},
            {"single.zip", "one.npy", "w"},
            {"nested.zip", "nested.npz", "{'layer.W': w, 'layer.b': np.array([1, 2], 'i4'), 'mask': np.array([True, False])}"},
            {"nested.zip", "nested.safetensors", "{'layer.W': w, 'layer.b': np.array([1, 2], 'i4'), 'mask': np.array([True, False])}"},
            {"nested.pkl", "from_pkl.npz", "{'layer.W': w, 'layer.b': np.array([1, 2], 'i4'), 'mask': np.array([True, False])}"},
        };
        for (String[] c : cases) {
            CliTest.Run run = CliTest.run("convert", tmp.resolve(c[0]).toString(), tmp.resolve(c[1]).toString());
            assertEquals(0, run.status(), c[1] + ": " + run.err());
            // numpy's and safetensors' own readers of the output hold the arrays the variables held, and only those
            python("from safetensors.numpy import load_file\nw = np.arange(6.0).reshape(2, 3)\nwant = " + c[2] + "\n"
                    + "f = " + pyStr(tmp.resolve(c[1])) + "\n"
                    + "got = load_file(f) if f.endswith('.safetensors') else np.load(f)\n"
                    + "if isinstance(want, dict):\n"
                    + "    got = dict(got)\n"
                    + "    assert list(got) == list(want), (list(got), list(want))\n"
                    + "    for k in want:\n"
                    + "        assert got[k].dtype == want[k].dtype and np.array_equal(got[k], want[k]), k\n"
                    + "else:\n"
                    + "    assert got.dtype == want.dtype and np.array_equal(got, want), got\n");
            // what is left out is said: the learning rate, a float (or a variable holding one)
            assertEquals(c[1].endsWith(".npy") ? "" : "brine: warning: " + tmp.resolve(c[0]) + ": ."
                    + c[1].substring(c[1].indexOf('.') + 1) + " holds only arrays; not converted: lr\n", run.err(), c[1]);
        }
    }

    private static String pyStr(Path p) {
        return "'" + p.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
