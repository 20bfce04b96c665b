package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine convert ... out.pkl --protocol 5} of files the CLI memory-maps (.npy, .npz, .pt,
 * .safetensors) writes each array as numpy pickles what {@code np.load}, {@code torch.load} and
 * {@code safetensors.numpy.load_file} return: writable, as an in-band {@code bytearray}, so Python
 * loads arrays that take assignment; byte for byte numpy's own pickle. An array that is read-only in a
 * pickle stays read-only through a convert.
 */
class ConvertedArraysWritableCliTest {
    @TempDir
    Path tmp;

    private String python(String script) throws Exception {
        return Python.checkText("import os, pickle, sys, numpy as np\nos.chdir(sys.argv[1])\n" + script, tmp);
    }

    private void convert(String in, String out) {
        CliTest.Run r = CliTest.run("convert", tmp.resolve(in).toString(), tmp.resolve(out).toString(),
                "--protocol", "5", "--numpy-names=2");
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void arraysOfMappedFilesLoadWritableAndAsNumpyPicklesThem() throws Exception {
        Python.require("numpy", "torch", "safetensors");
        python("import torch\nfrom safetensors.numpy import save_file\n"
                + "np.save('w.npy', np.arange(3.))\n"
                + "np.save('st.npy', np.zeros(2, [('x', '<f4'), ('y', '<f4')]))\n"
                + "np.savez('m.npz', a=np.arange(4, dtype='<i4'), b=np.ones((2, 2), '<f4'))\n"
                + "torch.save({'t': torch.arange(3.), 'u': torch.ones(2, 2)}, 'w.pt')\n"
                + "save_file({'s': np.arange(5, dtype='<i8')}, 'w.safetensors')\n");
        convert("w.npy", "w_npy.pkl");
        convert("st.npy", "st_npy.pkl");
        convert("m.npz", "m_npz.pkl");
        convert("w.pt", "w_pt.pkl");
        convert("w.safetensors", "w_st.pkl");
        String out = python("import torch\nfrom safetensors.numpy import load_file\n"
                + "def arrays(v):\n"
                + "    return [v] if isinstance(v, np.ndarray) else list(v.values())\n"
                + "z = np.load('m.npz')\n"
                + "cases = [('w_npy.pkl', np.load('w.npy')), ('st_npy.pkl', np.load('st.npy')),\n"
                + "         ('m_npz.pkl', {k: z[k] for k in z.files}),\n"
                + "         ('w_pt.pkl', {k: t.numpy() for k, t in torch.load('w.pt', weights_only=True).items()}),\n"
                + "         ('w_st.pkl', load_file('w.safetensors'))]\n"
                + "for name, expected in cases:\n"
                + "    data = open(name, 'rb').read()\n"
                + "    got = pickle.loads(data)\n"
                + "    for a in arrays(got):\n"
                + "        a[...] = a  # assignment works: writable\n"
                + "    print(name, all(a.flags.writeable for a in arrays(got)), data == pickle.dumps(expected, 5))\n");
        assertEquals("w_npy.pkl True True\nst_npy.pkl True True\nm_npz.pkl True True\nw_pt.pkl True True\nw_st.pkl True True\n", out);
    }

    @Test
    void aReadOnlyArrayOfAPickleStaysReadOnly() throws Exception {
        Python.require("numpy");
        python("a = np.arange(3.)\na.flags.writeable = False\n"
                + "open('ro.pkl', 'wb').write(pickle.dumps([a, np.arange(2.)], 5))\n");
        convert("ro.pkl", "ro_out.pkl");
        String out = python("data = open('ro_out.pkl', 'rb').read()\n"
                + "print([x.flags.writeable for x in pickle.loads(data)], data == open('ro.pkl', 'rb').read())\n");
        assertEquals("[False, True] True\n", out);
    }
}
