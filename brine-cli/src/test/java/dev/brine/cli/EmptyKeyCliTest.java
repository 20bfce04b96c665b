package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An array under the key {@code ''} ({@code np.savez(**{'': x})}, a safetensors key "", {@code torch.save({'': t})})
 * keeps that name: convert renamed it {@code arr_0}, silently, and refused a file holding both {@code ''} and
 * {@code arr_0} as a name clash. Only a lone array, which has no key, is {@code arr_0}. The oracle: numpy,
 * safetensors and torch read the inputs and the outputs.
 */
class EmptyKeyCliTest {
    @TempDir
    Path tmp;

    private String python(String script) throws Exception {
        Python.require("torch", "safetensors");
        return new String(Python.check("import os, torch, numpy as np\nfrom safetensors.numpy import save_file, load_file\n"
                + "os.chdir('" + tmp.toString().replace("\\", "\\\\").replace("'", "\\'") + "')\n" + script, new byte[0]),
                java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    private CliTest.Run run(String verb, String in, String out) {
        return CliTest.run(verb, tmp.resolve(in).toString(), tmp.resolve(out).toString());
    }

    private static List<String> listed(CliTest.Run ls) {
        // the name column is padded: the name is what comes before the dtype's column
        return ls.out().lines().map(l -> l.substring(0, l.indexOf(" float")).strip()).toList();
    }

    @Test
    void anArrayKeyedEmptyKeepsItsNameInSafetensorsAndCheckpoints() throws Exception {
        python("save_file({'': np.ones(2), 'arr_0': np.zeros(1)}, 'both.safetensors')\n"
                + "np.savez('e.npz', **{'': np.arange(3.)})\n"
                + "torch.save({'': torch.ones(2), 'arr_0': torch.zeros(1)}, 'both.pt')\n");
        for (String in : List.of("both.safetensors", "both.pt")) {
            assertEquals(List.of("", "arr_0"), listed(CliTest.run("ls", tmp.resolve(in).toString())), in);
            CliTest.Run st = run("convert", in, in + ".out.safetensors");
            assertEquals(0, st.status(), st.err());
            assertEquals("ok", python("d = load_file('" + in + ".out.safetensors')\n"
                    + "assert sorted(d) == ['', 'arr_0'], sorted(d)\n"
                    + "assert (d[''] == 1).all() and d[''].shape == (2,) and (d['arr_0'] == 0).all()\n"
                    + "print('ok')"));
            CliTest.Run pt = run("convert", in, in + ".out.pt");
            assertEquals(0, pt.status(), pt.err());
            assertEquals("ok", python("d = torch.load('" + in + ".out.pt', weights_only=True)\n"
                    + "assert sorted(d) == ['', 'arr_0'] and d[''].tolist() == [1, 1] and d['arr_0'].tolist() == [0], d\n"
                    + "print('ok')"));
        }
        CliTest.Run st = run("convert", "e.npz", "e.safetensors");
        assertEquals(0, st.status(), st.err());
        // extract: '' is no file name; it gets 'array' before it, as every name that is empty does
        CliTest.Run ex = CliTest.run("extract", tmp.resolve("both.safetensors").toString(), "-o", tmp.resolve("ex").toString());
        assertEquals(0, ex.status(), ex.err());
        assertEquals("ok", python("assert sorted(os.listdir('ex')) == ['arr_0.npy', 'array.npy'], os.listdir('ex')\n"
                + "assert np.load('ex/array.npy').tolist() == [1, 1] and np.load('ex/arr_0.npy').tolist() == [0]\n"
                + "print('ok')"));
        assertEquals("['']", python("d = load_file('e.safetensors'); assert (d[''] == np.arange(3.)).all(); print(list(d))"));
    }

    /** An .npz output writes the key '' as the member {@code .npy}, as numpy.savez does, and numpy reads it back so. */
    @Test
    void anNpzOutputKeepsTheEmptyKeyAsNumpyDoes() throws Exception {
        python("np.savez('e.npz', **{'': np.arange(3.)})\n"
                + "assert np.load('e.npz').files == ['']\n");
        CliTest.Run npz = run("convert", "e.npz", "o.npz");
        assertEquals(0, npz.status(), npz.err());
        assertEquals("[''] [0.0, 1.0, 2.0]", python("z = np.load('o.npz'); print(z.files, z[''].tolist())"));
    }

    /** A lone array has no key: arr_0, as numpy.savez names a positional array. */
    @Test
    void aLoneArrayIsStillArr0() throws Exception {
        python("np.save('lone.npy', np.arange(2.))\n");
        CliTest.Run st = run("convert", "lone.npy", "lone.safetensors");
        assertEquals(0, st.status(), st.err());
        assertEquals("['arr_0']", python("print(list(load_file('lone.safetensors')))"));
        CliTest.Run npz = run("convert", "lone.npy", "lone.npz");
        assertEquals(0, npz.status(), npz.err());
        assertEquals("['arr_0']", python("print(np.load('lone.npz').files)"));
    }
}
