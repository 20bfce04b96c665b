package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dis} of files that hold arrays: an .npy or .npz object array's data is the pickle numpy wrote, listed
 * as pickletools lists it (offsets from the pickle's start; an .npz's each after a {@code # member NAME} line);
 * other arrays and safetensors files hold no pickle, which dis says, where it disassembled the magic string as
 * opcodes ({@code 0: \x93 STACK_GLOBAL}).
 */
class DisArraysCliTest {
    @TempDir
    Path tmp;

    /** pickletools' listing of the pickle after an NPY header in {@code f}, an open binary file. */
    private static final String LIST = "import io, sys, zipfile, pickletools, numpy as np\n"
            + "def listing(f):\n"
            + "    version = np.lib.format.read_magic(f)\n"
            + "    (np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0)(f)\n"
            + "    out = io.StringIO()\n"
            + "    pickletools.dis(io.BytesIO(f.read()), out)  # offsets from the pickle's start\n"
            + "    return out.getvalue()\n";

    @Test
    void objectArraysPicklesAreListedAndOtherArraysSayTheyHoldNone() throws Exception {
        Python.require("numpy", "safetensors");
        Python.check("import os, sys, numpy as np\nfrom safetensors.numpy import save_file\nos.chdir(sys.argv[1])\n"
                + "o = np.array([1, 'x', None, [2.5]], dtype=object)\n"
                + "np.save('o.npy', o)\n"
                + "np.savez('z.npz', a=np.ones(2), o=o, p=np.array([{'k': (1, 2)}], dtype=object))\n"
                + "np.savez('plain.npz', a=np.ones(2))\n"
                + "np.save('f.npy', np.ones(2))\n"
                + "save_file({'a': np.ones(2)}, 'a.safetensors')\n", new byte[0], tmp.toString());

        CliTest.Run npy = CliTest.run("dis", tmp.resolve("o.npy").toString());
        assertEquals(0, npy.status(), npy.err());
        assertEquals(text(LIST + "sys.stdout.write(listing(open(sys.argv[1], 'rb')))", tmp.resolve("o.npy")), npy.out());

        CliTest.Run npz = CliTest.run("dis", tmp.resolve("z.npz").toString());
        assertEquals(0, npz.status(), npz.err());
        assertEquals(text(LIST + "z = zipfile.ZipFile(sys.argv[1])\n"
                + "sys.stdout.write('\\n'.join('# member %s\\n%s' % (m, listing(z.open(m + '.npy'))) for m in ('o', 'p')))",
                tmp.resolve("z.npz")), npz.out());

        String[][] none = {
            {"f.npy", "an .npy file of float64 holds no pickle (only an object array's data is one)"},
            {"plain.npz", "an .npz file holds no pickle unless it holds object arrays, and this one holds none"},
            {"a.safetensors", "a safetensors file holds no pickle (only a JSON header and raw tensor data)"},
        };
        for (String[] c : none) {
            CliTest.Run run = CliTest.run("dis", tmp.resolve(c[0]).toString());
            assertEquals(1, run.status(), c[0]);
            assertEquals("", run.out(), c[0]);
            assertEquals("brine: " + tmp.resolve(c[0]) + ": " + c[1] + "\n", run.err());
        }
    }

    private static String text(String script, Path file) throws Exception {
        return new String(Python.check(script, new byte[0], file.toString()), StandardCharsets.UTF_8);
    }
}
