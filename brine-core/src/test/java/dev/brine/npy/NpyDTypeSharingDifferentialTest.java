package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arrays read from .npy and .npz files pickle as numpy pickles what {@code np.load} returns, at
 * protocols 0 to 5: numpy builds the dtype from the header's descr with {@code np.dtype(descr)}, so
 * every {@code '<f4'} in it, a field, a nested field, a subarray's base, a second member, is numpy's
 * one {@code float32}, written once and then as a memo GET; while {@code '>f4'}, {@code 'S3'} and
 * {@code 'M8[s]'} are a new dtype each, written in full each time.
 */
class NpyDTypeSharingDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ClassRegistry NUMPY2 =
            NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build();

    private static final List<String> DTYPES = List.of(
            "[('x', '<f4'), ('y', '<f4')]",
            "[('p', [('x', 'f4'), ('y', 'f4')]), ('sub', 'i2', (2, 3))]",
            "[('a', [('b', [('c', '<f8'), ('d', '<f8')]), ('e', '<f8')]), ('f', '<f8', (2,)), ('g', [('x', 'u1'), ('y', 'u1')], (2,))]",
            "[('a', 'i1'), ('b', 'u1'), ('c', '?'), ('d', 'i1'), ('e', 'u1'), ('f', '?')]",
            "[('a', '<i2'), ('b', '<u2'), ('c', '<i4'), ('d', '<u4'), ('e', '<i8'), ('f', '<u8'), ('g', '<i8'), ('h', '<f2'), ('i', '<f2')]",
            "[('a', '<f16'), ('b', '<f16'), ('c', '<c32'), ('d', '<c32'), ('e', '<c8'), ('f', '<c16'), ('g', '<c16')]",
            "[('a', '>f4'), ('b', '>f4'), ('c', '<f4'), ('d', '>i8')]",
            "[('t', 'M8[s]'), ('u', 'M8[s]'), ('v', 'm8[ns]'), ('w', 'm8[ns]')]",
            "[('s', 'S3'), ('t', 'S3'), ('u', '<U2'), ('v', '<U2'), ('w', 'V2'), ('x', 'V2')]",
            "np.dtype([('a', 'i1'), ('b', '<f8'), ('c', '<f8')], align=True)",
            "{'names': ['x', 'y'], 'formats': ['<f4', '<f4'], 'offsets': [0, 8], 'itemsize': 16}",
            "[(('title x', 'x'), '<f4'), ('y', '<f4')]",
            "'<f8'", "'|i1'", "'>i4'", "'<M8[D]'", "'<c16'", "'|S3'");

    /** numpy's pickles of np.load(file) at protocols 0 to 5, '|'-separated, for each file in argv. */
    private static final String NUMPY_PICKLES = String.join("\n",
            "import numpy as np, pickle, sys",
            "for f in sys.argv[1:]:",
            "    z = np.load(f)",
            "    v = {k: z[k] for k in z.files} if f.endswith('.npz') else z",
            "    print('|'.join(pickle.dumps(v, p).hex() for p in range(6)))");

    @Test
    void structuredArraysReadFromNpyPickleAsNumpysLoadedArrays(@TempDir Path dir) throws IOException {
        Python.require("numpy");
        List<Path> files = new ArrayList<>();
        StringBuilder save = new StringBuilder("import numpy as np, sys\n");
        for (int i = 0; i < DTYPES.size(); i++) {
            Path f = dir.resolve("a" + i + ".npy");
            files.add(f);
            save.append("a = np.zeros(2, np.dtype(").append(DTYPES.get(i)).append("))\n")
                    .append("a.view('u1')[...] = np.arange(a.nbytes, dtype='u1').reshape(a.view('u1').shape) % 251\n")
                    .append("np.save(").append(pyString(f)).append(", a)\n");
        }
        Python.check(save.toString(), new byte[0]);
        List<String> numpy = numpyPickles(files);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            compare(DTYPES.get(i), Npy.read(files.get(i)), numpy.get(i), differences);
        }
        assertEquals(List.of(), differences);
    }

    @Test
    void npzMembersOfOneBuiltinTypeShareItAsInNumpy(@TempDir Path dir) throws IOException {
        Python.require("numpy");
        Path npz = dir.resolve("m.npz");
        Python.check("import numpy as np, sys\n"
                + "np.savez(sys.argv[1], a=np.arange(3.), b=np.ones(2), s=np.zeros(2, [('x', '<f8'), ('y', '<i4')]),"
                + " d=np.zeros(2, 'M8[s]'), e=np.zeros(2, 'M8[s]'), f=np.zeros(2, '>f8'), g=np.zeros(1, 'i1'))",
                new byte[0], npz.toString());
        List<String> differences = new ArrayList<>();
        compare("npz", Npz.readAll(npz, Limits.DEFAULT), numpyPickles(List.of(npz)).get(0), differences);
        assertEquals(List.of(), differences);
    }

    private static List<String> numpyPickles(List<Path> files) throws IOException {
        return List.of(Python.checkText(NUMPY_PICKLES, files.toArray(new Path[0])).split("\n"));
    }

    private static void compare(String what, Object value, String numpyLine, List<String> differences) throws IOException {
        String[] pickles = numpyLine.split("\\|");
        for (int p = 0; p < pickles.length; p++) {
            String brine = HEX.formatHex(Pickle.dumps(value, PicklerOptions.builder().registry(NUMPY2).protocol(p).build()));
            if (!brine.equals(pickles[p])) {
                differences.add(what + " protocol " + p + "\n  numpy " + pickles[p] + "\n  brine " + brine);
            }
        }
    }

    private static String pyString(Path p) {
        return "'" + p.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
