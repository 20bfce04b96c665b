package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.npy.Npy;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small hostile files whose numpy object arrays have enormous reprs: nested 3,000 deep (a stack overflow
 * once), each level's items the same array of the level below (2 items over 40 levels, 1,000 over 4: an
 * exponentially long text from a few kilobytes), 262,144 items no axis of which numpy summarizes, the same
 * 200,000-character string as every one of 1,000 items; and dict keys whose repr is a megabyte. Every verb
 * finishes in seconds with its output bounded, and {@code toString()} of such an array too.
 */
class HostileObjectArraysCliTest {
    @TempDir
    Path tmp;

    private void make() throws Exception {
        Python.require("numpy");
        String helpers = new String(getClass().getResourceAsStream("objarray_pickles.py").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        Python.check(helpers + "\n"
                + "import os, pickle\nos.chdir(" + "'" + tmp + "'" + ")\n"
                + "def nested(n):\n"
                + "    p = prelude() + objarray(NONE + APPEND) + put(10) + POP\n"
                + "    for i in range(1, n):\n"
                + "        p += objarray(get(10 + i - 1) + APPEND) + put(10 + i) + POP\n"
                + "    return p + get(10 + n - 1) + STOP\n"
                + "def shared(k, levels):\n"
                + "    p = prelude() + objarray(NONE + APPEND) + put(10) + POP\n"
                + "    for i in range(1, levels):\n"
                + "        p += objarray(MARK + get(10 + i - 1) * k + b'e', shape_tuple((k,))) + put(10 + i) + POP\n"
                + "    return p + get(10 + levels - 1) + STOP, (k,)\n"
                + "write_npy('deep.npy', (1,), nested(3000))\n"
                + "write_npz('deep.npz', {'a.npy': npy_header((1,)) + nested(3000)})\n"
                + "for k, levels in ((2, 40), (1000, 4)):\n"
                + "    p, shape = shared(k, levels)\n"
                + "    write_npy('shared_%d_%d.npy' % (k, levels), shape, p)\n"
                + "n = 1 << 18\n"
                + "items = b''.join(MARK + NONE * 1000 + b'e' for _ in range(n // 1000)) + MARK + NONE * (n % 1000) + b'e'\n"
                + "write_npy('dims.npy', (2,) * 18, prelude() + objarray(items, shape_tuple((2,) * 18)) + STOP)\n"
                + "big = 'x' * 200000\n"
                + "np.save('strings.npy', np.array([big] * 1000, dtype=object))\n"
                + "long = ('y' * 10000,) * 100\n"
                + "pickle.dump({(i, long): np.ones(1) for i in range(300)}, open('keys.pkl', 'wb'))\n", new byte[0]);
    }

    @Test
    void everyVerbStaysBoundedOnObjectArraysWithHugeReprs() throws Exception {
        make();
        for (String f : new String[] {"deep.npy", "deep.npz", "shared_2_40.npy", "shared_1000_4.npy", "dims.npy", "strings.npy"}) {
            String file = tmp.resolve(f).toString();
            for (String[] args : new String[][] {{"show", file}, {"show", "--json", file}, {"ls", file}, {"verify", file}}) {
                CliTest.Run run = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> CliTest.run(args));
                assertEquals(0, run.status(), String.join(" ", args) + ": " + run.err());
                assertTrue(run.out().length() < 3 * PythonRepr.MAX_OUTPUT, String.join(" ", args) + ": " + run.out().length());
            }
            if (f.endsWith(".npy")) {
                String text = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Npy.readObjectArray(tmp.resolve(f),
                        UnpicklerOptions.builder().genericObjects(true).build()).toString());
                assertTrue(text.length() <= PythonRepr.MAX_OUTPUT + 3, f + ": " + text.length());
            }
        }
        String keys = tmp.resolve("keys.pkl").toString();
        for (String[] args : new String[][] {{"show", "--json", keys}, {"ls", keys}, {"convert", keys, tmp.resolve("k.npz").toString()}}) {
            CliTest.Run run = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> CliTest.run(args));
            assertEquals(0, run.status(), String.join(" ", args) + ": " + run.err());
            assertTrue(run.out().length() + run.err().length() < 3 * PythonRepr.MAX_OUTPUT, String.join(" ", args));
        }
        assertTrue(Files.exists(tmp.resolve("k.npz")));
    }
}
