package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert IN out.npy} of a file that is not one array says what it holds with the names {@code ls} gives its
 * arrays: dotted paths, keys that are not str by their Python repr. It printed Java's text of the keys
 * ({@code [B@17d0685f} for {@code b'w'}, {@code null} for {@code None}) and counted only the top level's arrays.
 */
class ConvertToNpyRefusalNamesCliTest {
    @TempDir
    Path tmp;

    @Test
    void theRefusalNamesTheArraysAsLsDoes() throws Exception {
        Python.require("numpy");
        Python.check(String.join("\n",
                "import os, pickle, sys, numpy as np",
                "os.chdir(sys.argv[1])",
                "pickle.dump({'a': {'b': np.zeros(2)}, 1: np.ones(1), b'w': np.ones(2), None: np.ones(1),"
                        + " 'l': [np.ones(1), np.zeros(1)]}, open('many.pkl', 'wb'))",
                "pickle.dump({'a': {'b': np.zeros(2)}, 'x': 1}, open('one.pkl', 'wb'))",
                "pickle.dump({'x': 1}, open('none.pkl', 'wb'))"), new byte[0], tmp.toString());
        CliTest.Run ls = CliTest.run("ls", tmp.resolve("many.pkl").toString());
        assertEquals(0, ls.status(), ls.err());
        StringBuilder names = new StringBuilder();
        for (String line : ls.out().split("\n")) {
            names.append(names.length() > 0 ? ", " : "").append(line.split(" +")[0]);
        }
        assertEquals("a.b, 1, b'w', None, l.0, l.1", names.toString());
        String[][] cases = {
            {"many.pkl", "this file holds 6 arrays (a.b, 1, b'w', None, l.0, ...); convert to .npz, or extract one .npy per array"},
            {"one.pkl", "this file holds one array, a.b, among other values; extract it, or convert to .npz"},
            {"none.pkl", "this file holds no arrays"},
        };
        for (String[] c : cases) {
            Path out = tmp.resolve(c[0] + ".npy");
            CliTest.Run run = CliTest.run("convert", tmp.resolve(c[0]).toString(), out.toString());
            assertEquals(1, run.status(), run.err());
            assertTrue(run.err().contains(c[1]), run.err());
            assertFalse(Files.exists(out));
        }
    }
}
