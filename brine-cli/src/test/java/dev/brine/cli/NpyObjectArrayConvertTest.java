package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert} of a lone numpy object array (an .npy, an .npz of one such member, a pickle of one) to an .npy
 * was refused ("convert it to a pickle") although np.save writes one, a pickle after the header. It is now written
 * as numpy writes it. Oracle: numpy run live: with {@code --numpy-names=2} the file is np.save's own bytes; by default
 * numpy 1's form (protocol 3, {@code numpy.core} names), and numpy loads equal values either way.
 */
class NpyObjectArrayConvertTest {
    private static final String ARRAYS = "{'o': np.array([1, 'x', None], dtype=object),"
            + " 'm': np.array([[1, 'x'], [None, 2.5]], dtype=object).T,"
            + " 'r': np.array([(1, 'x'), (2, None)], dtype=[('a', '<i4'), ('o', 'O')]), 'n': np.array(None, dtype=object)}";

    @TempDir
    Path tmp;

    private String numpy(String script) throws Exception {
        Python.require("numpy");
        return new String(Python.check("import numpy as np, os, io, sys, pickle\nos.chdir(sys.argv[1])\nA = " + ARRAYS
                + "\n" + script, new byte[0], tmp.toString()), StandardCharsets.UTF_8).strip();
    }

    @Test
    void aLoneObjectArrayConvertsToAnNpyAsNumpyWritesIt() throws Exception {
        numpy("for k, a in A.items():\n"
                + "    np.save(k + '.npy', a, allow_pickle=True)\n"
                + "    np.savez(k + '.npz', a)\n"
                + "    open(k + '.pkl', 'wb').write(pickle.dumps(a, 2))\n");
        for (String k : new String[] {"o", "m", "r", "n"}) {
            for (String from : new String[] {".npy", ".npz", ".pkl"}) {
                String in = tmp.resolve(k + from).toString();
                CliTest.Run two = CliTest.run("convert", in, tmp.resolve(k + from + ".two.npy").toString(), "--numpy-names=2");
                assertEquals(0, two.status(), two.err());
                CliTest.Run one = CliTest.run("convert", in, tmp.resolve(k + from + ".one.npy").toString());
                assertEquals(0, one.status(), one.err());
            }
        }
        assertEquals("ok", numpy(
                "def numpy1(a):\n" // np.save as numpy 1 wrote it: protocol 3, numpy.core names
                + "    b = io.BytesIO(); np.lib.format.write_array_header_1_0(b, np.lib.format.header_data_from_array_1_0(a))\n"
                + "    return b.getvalue() + pickle.dumps(a, 3).replace(b'numpy._core', b'numpy.core')\n"
                + "for k, a in A.items():\n"
                + "    for src in ('.npy', '.npz', '.pkl'):\n"
                + "        two = open(k + src + '.two.npy', 'rb').read()\n"
                + "        assert two == open(k + '.npy', 'rb').read(), (k, src)\n"
                + "        one = open(k + src + '.one.npy', 'rb').read()\n"
                + "        assert one == numpy1(a), (k, src, one)\n"
                + "        b = np.load(k + src + '.one.npy', allow_pickle=True)\n"
                + "        assert b.dtype == a.dtype and b.shape == a.shape and b.tolist() == a.tolist(), (k, src)\n"
                + "        assert b.flags.f_contiguous == a.flags.f_contiguous, (k, src)\n"
                + "print('ok')"));
    }
}
