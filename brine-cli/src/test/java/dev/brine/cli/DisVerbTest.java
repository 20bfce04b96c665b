package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brine dis} against {@code python3 -m pickletools}, byte for byte, on pickles of every protocol. */
class DisVerbTest {
    @TempDir
    Path tmp;

    @Test
    void matchesPickletoolsOnEveryProtocol() throws Exception {
        Python.require();
        Python.check("import pickle, os, datetime, decimal, collections\nos.chdir('" + tmp + "')\n"
                + "obj = {'ints': [0, 255, 256, 65536, -1, 2**31, 2**70], 'f': [0.1, -0.0, float('inf'), 1e300],\n"
                + "       's': ['', 'a' * 300, 'caf\\u00e9 \\U0001f600'], 'b': [b'', b'x' * 300, bytearray(b'y')],\n"
                + "       't': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)], 'set': {1, 2}, 'fs': frozenset({3}),\n"
                + "       'od': collections.OrderedDict(a=1), 'dt': datetime.datetime(2020, 1, 2, 3, 4, 5),\n"
                + "       'dec': decimal.Decimal('1.5'), 'c': 1 + 2j, 'none': None, 'tf': [True, False]}\n"
                + "obj['self'] = [obj['s']]\n"
                + "for p in range(6):\n    open('p%d.pkl' % p, 'wb').write(pickle.dumps(obj, p))\n", new byte[0]);
        for (int p = 0; p <= 5; p++) {
            Path f = tmp.resolve("p" + p + ".pkl");
            CliTest.Run r = CliTest.run("dis", f.toString());
            assertEquals(0, r.status(), r.err());
            String expected = new String(Python.check("import runpy, sys\nsys.argv = ['pickletools', sys.argv[1]]\n"
                    + "runpy.run_module('pickletools', run_name='__main__')\n", new byte[0], f.toString()), StandardCharsets.UTF_8);
            assertEquals(expected, r.out(), "protocol " + p);
        }
        CliTest.Run annotated = CliTest.run("dis", "-a", tmp.resolve("p2.pkl").toString());
        String expected = new String(Python.check("import runpy, sys\nsys.argv = ['pickletools', '-a', sys.argv[1]]\n"
                + "runpy.run_module('pickletools', run_name='__main__')\n", new byte[0], tmp.resolve("p2.pkl").toString()),
                StandardCharsets.UTF_8);
        assertEquals(expected, annotated.out());
    }

    @Test
    void disassemblesTheArchivesPickleMemberAndReportsErrorsInOneLine() throws Exception {
        Python.require("numpy");
        Python.check("import sys, os\nsys.path.insert(0, '" + Path.of("..", "python").toAbsolutePath() + "')\n"
                + "import brine, numpy as np, zipfile, pickletools\nos.chdir('" + tmp + "')\n"
                + "brine.dump({'W': brine.SharedVariable(np.ones(2), 'W')}, 'm.zip')\n"
                + "open('pkl', 'wb').write(zipfile.ZipFile('m.zip').read('pkl'))\n", new byte[0]);
        CliTest.Run r = CliTest.run("dis", tmp.resolve("m.zip").toString());
        assertEquals(0, r.status(), r.err());
        String expected = new String(Python.check("import runpy, sys\nsys.argv = ['pickletools', sys.argv[1]]\n"
                + "runpy.run_module('pickletools', run_name='__main__')\n", new byte[0], tmp.resolve("pkl").toString()),
                StandardCharsets.UTF_8);
        assertEquals(expected, r.out());
        byte[] whole = Files.readAllBytes(tmp.resolve("pkl"));
        Files.write(tmp.resolve("cut.pkl"), java.util.Arrays.copyOf(whole, whole.length / 2));
        CliTest.Run cut = CliTest.run("dis", tmp.resolve("cut.pkl").toString());
        assertEquals(1, cut.status());
        assertEquals(1, cut.err().strip().lines().count(), cut.err());
        assertTrue(cut.err().startsWith("brine: " + tmp.resolve("cut.pkl") + ": "), cut.err());
    }
}
