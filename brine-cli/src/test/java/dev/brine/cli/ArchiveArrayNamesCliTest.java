package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model archive's arrays are named alike by ls, extract and convert: by path, as a pickle's are. ls and extract named
 * an array held by no shared variable after its member (array_0) and a tied array once, while convert to .npz and
 * .safetensors wrote them by path ({@code mask}, {@code enc.k}; a tied array as {@code enc.W} and {@code dec.W}), so
 * "convert writes every array ls lists, under those names" did not hold. The oracle: python/brine.py writes the archive
 * and loads it whole; numpy and safetensors read the outputs and the extracted files.
 */
class ArchiveArrayNamesCliTest {
    @TempDir
    Path tmp;

    private String python(String script, String... args) throws Exception {
        Python.require("numpy", "safetensors");
        String[] all = new String[args.length + 1];
        all[0] = tmp.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        return new String(Python.check("import os, sys\nsys.path.insert(0, '"
                + Path.of("..", "python").toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'") + "')\n"
                + "import brine, numpy as np\nfrom safetensors.numpy import load_file\nos.chdir(sys.argv[1])\n" + script,
                new byte[0], all), java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    @Test
    void lsExtractAndConvertNameAnArchivesArraysByPath() throws Exception {
        python("w = np.ones((2, 2))\n"
                + "brine.dump({'W': brine.SharedVariable(np.ones((2, 3), np.float32), 'W'), 'mask': np.array([1., 0.]),"
                + " 'enc': {'k': np.arange(3.), 'W': w}, 'dec': {'W': w}, 'sv': brine.SharedVariable(np.zeros(2), 'b'),"
                + " 'lr': 0.1}, 'arch.zip')\n"
                + "assert np.load('arch.zip').files == ['W', 'array_0', 'array_1', 'array_2', 'b', 'pkl']\n");
        String zip = tmp.resolve("arch.zip").toString();
        CliTest.Run ls = CliTest.run("ls", zip);
        assertEquals(0, ls.status(), ls.err());
        List<String> listed = ls.out().lines().map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("W", "mask", "enc.k", "enc.W", "dec.W", "sv"), listed);
        // the member numpy.load gives each array as, beside its compression; a tied array is one member
        assertTrue(ls.out().lines().toList().get(3).endsWith("deflated, member array_2"), ls.out());
        assertTrue(ls.out().lines().toList().get(4).endsWith("deflated, member array_2"), ls.out());
        assertTrue(ls.out().lines().toList().get(5).endsWith("deflated, member b"), ls.out());
        CliTest.Run ex = CliTest.run("extract", zip, "-o", tmp.resolve("ex").toString());
        assertEquals(0, ex.status(), ex.err());
        String extracted = ex.out().lines().map(l -> Path.of(l).getFileName().toString()).collect(Collectors.joining(" "));
        for (String out : List.of("a.npz", "a.safetensors")) {
            CliTest.Run c = CliTest.run("convert", zip, tmp.resolve(out).toString());
            assertEquals(0, c.status(), c.err());
            assertTrue(c.err().contains("not converted: lr"), c.err());
        }
        assertEquals("ok", python("listed, extracted = sys.argv[2].split(), sys.argv[3].split()\n"
                + "m = brine.load('arch.zip')\n"
                + "want = {'W': m['W'].value, 'mask': m['mask'], 'enc.k': m['enc']['k'], 'enc.W': m['enc']['W'],"
                + " 'dec.W': m['dec']['W'], 'sv': m['sv'].value}\n"
                + "z, st = np.load('a.npz'), load_file('a.safetensors')\n"
                + "assert z.files == listed == list(want), (z.files, listed)\n"
                + "assert sorted(st) == sorted(listed), sorted(st)\n"
                + "assert extracted == [n + '.npy' for n in listed], extracted\n"
                + "for n, a in want.items():\n"
                + "    for got in (z[n], st[n], np.load(os.path.join('ex', n + '.npy'))):\n"
                + "        assert got.dtype == a.dtype and np.array_equal(got, a), n\n"
                + "print('ok')", String.join(" ", listed), extracted));
    }
}
