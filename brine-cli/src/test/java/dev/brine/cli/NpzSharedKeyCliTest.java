package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ls, convert and extract on .npz files numpy reads but whose keys are awkward: an array
 * {@code a.npy} beside a raw member {@code a} (numpy reaches the array as {@code z['a.npy']}), and
 * the key {@code '..'}, which np.savez writes as the plain member {@code ...npy}. The arrays Brine
 * writes are loaded back by the live numpy and compared with what numpy reads from the input.
 */
class NpzSharedKeyCliTest {
    @TempDir
    Path tmp;

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private String numpy(String script) throws Exception {
        return new String(Python.check("import numpy as np, io, zipfile, os\nos.chdir(" + pyStr(tmp.toString()) + ")\n"
                + script, new byte[0]), java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    @Test
    void anArrayBesideARawMemberOfTheSameKeyIsListedConvertedAndExtracted() throws Exception {
        Python.require("numpy");
        numpy("b = io.BytesIO(); np.save(b, np.arange(3.0))\n"
                + "with zipfile.ZipFile('shadow.npz', 'w') as z:\n"
                + "    z.writestr('a.npy', b.getvalue()); z.writestr('a', b'shadow')\n");
        Path in = tmp.resolve("shadow.npz");

        CliTest.Run ls = CliTest.run("ls", in.toString());
        assertEquals(0, ls.status(), ls.err());
        List<String> rows = ls.out().strip().lines().collect(Collectors.toList());
        assertEquals(2, rows.size(), ls.out());
        assertTrue(rows.get(0).matches("a\\.npy\\s+float64\\s+\\(3,\\)\\s+24 B\\s+stored"), ls.out());
        assertTrue(rows.get(1).matches("a\\s+-\\s+-\\s+6 B\\s+stored"), ls.out());

        CliTest.Run convert = CliTest.run("convert", in.toString(), tmp.resolve("out.npz").toString());
        assertEquals(0, convert.status(), convert.err());
        assertEquals("True", numpy("z = np.load('out.npz')\n"
                + "print(len(z.files) == 1 and np.array_equal(z[z.files[0]], np.load('shadow.npz')['a.npy']))"));

        CliTest.Run extract = CliTest.run("extract", in.toString(), "-o", tmp.resolve("ex").toString());
        assertEquals(0, extract.status(), extract.err());
        assertEquals(List.of("a.npy"), list(tmp.resolve("ex")));
        assertEquals("True", numpy("print(np.array_equal(np.load('ex/a.npy'), np.load('shadow.npz')['a.npy']))"));
    }

    @Test
    void theKeyDotDotIsAPlainMemberAndExtractsAsOne() throws Exception {
        Python.require("numpy");
        assertEquals("['...npy']", numpy("np.savez('dots.npz', **{'..': np.arange(2)})\n"
                + "print(zipfile.ZipFile('dots.npz').namelist())"));
        CliTest.Run extract = CliTest.run("extract", tmp.resolve("dots.npz").toString(), "-o", tmp.resolve("ex").toString());
        assertEquals(0, extract.status(), extract.err());
        List<String> files = list(tmp.resolve("ex"));
        assertEquals(1, files.size(), files.toString());
        assertEquals("True", numpy("print(np.array_equal(np.load(os.path.join('ex', " + pyStr(files.get(0))
                + ")), np.load('dots.npz')['..']))"));
    }

    private static List<String> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
