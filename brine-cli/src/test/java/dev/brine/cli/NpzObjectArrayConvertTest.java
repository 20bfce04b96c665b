package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert x.npz y.npz} dropped object-array members (".npz holds only arrays; not converted: o", exit 0)
 * although ls lists them as arrays and numpy.savez stores them (a pickle as the member's data). They are now written
 * as numpy writes them. Oracle: numpy run live: with {@code --numpy-names=2} every member is numpy 2's own bytes
 * ({@code np.savez}, {@code np.savez_compressed}); by default numpy 1's form (protocol 3, {@code numpy.core} names:
 * numpy 2's protocol-3 pickle of the array with its module names spelled as numpy 1's), and numpy loads equal values.
 */
class NpzObjectArrayConvertTest {
    /** One member of each kind that holds objects, and one of numbers (the files ObjectArrayFilesCliTest reads). */
    private static final String MEMBERS = ObjectArrayFilesCliTest.MEMBERS;

    @TempDir
    Path tmp;

    private String numpy(String script) throws Exception {
        Python.require("numpy");
        return new String(Python.check("import numpy as np, os, io, sys, pickle, zipfile\nos.chdir(sys.argv[1])\n" + script,
                new byte[0], tmp.toString()), StandardCharsets.UTF_8).strip();
    }

    @Test
    void objectArraysConvertIntoAnNpzAsNumpyWritesThem() throws Exception {
        numpy("np.savez('t.npz', " + MEMBERS + ")\nnp.savez_compressed('tc.npz', " + MEMBERS + ")\n");
        String[][] runs = {
            {"t.npz", "two.npz", "--numpy-names=2"},
            {"tc.npz", "twoc.npz", "--numpy-names=2", "--compressed"},
            {"t.npz", "one.npz"},
            {"tc.npz", "onec.npz", "--compressed"},
        };
        for (String[] r : runs) {
            String[] args = new String[r.length + 1];
            args[0] = "convert";
            args[1] = tmp.resolve(r[0]).toString();
            args[2] = tmp.resolve(r[1]).toString();
            System.arraycopy(r, 2, args, 3, r.length - 2);
            CliTest.Run convert = CliTest.run(args);
            assertEquals(0, convert.status(), convert.err());
            assertFalse(convert.err().contains("not converted"), convert.err());
        }
        assertEquals("ok", numpy(
                "src = np.load('t.npz', allow_pickle=True)\n"
                + "def members(f):\n"
                + "    z = zipfile.ZipFile(f)\n"
                + "    return [(i.filename, i.compress_type, z.read(i)) for i in z.infolist()]\n"
                + "assert members('two.npz') == members('t.npz')\n"
                + "assert members('twoc.npz') == members('tc.npz')\n"
                + "def numpy1(k):\n" // np.save as numpy 1 wrote it: protocol 3, numpy.core names (GLOBAL is text)
                + "    a = src[k]\n"
                + "    if not a.dtype.hasobject:\n"
                + "        b = io.BytesIO(); np.save(b, a); return b.getvalue()\n"
                + "    b = io.BytesIO(); np.lib.format.write_array_header_1_0(b, np.lib.format.header_data_from_array_1_0(a))\n"
                + "    return b.getvalue() + pickle.dumps(a, 3).replace(b'numpy._core', b'numpy.core')\n"
                + "for f, method in (('one.npz', zipfile.ZIP_STORED), ('onec.npz', zipfile.ZIP_DEFLATED)):\n"
                + "    got = members(f)\n"
                + "    assert got == [(k + '.npy', method, numpy1(k)) for k in src.files], (f, got)\n"
                + "    z = np.load(f, allow_pickle=True)\n"
                + "    assert z.files == src.files\n"
                + "    for k in src.files:\n"
                + "        assert z[k].dtype == src[k].dtype and z[k].shape == src[k].shape, k\n"
                + "        assert z[k].flags.f_contiguous == src[k].flags.f_contiguous, k\n"
                + "        assert z[k].tolist() == src[k].tolist(), k\n"
                + "print('ok')"));
    }
}
