package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The names the verbs give a checkpoint's and a safetensors file's tensors, and the files extract makes
 * of them, against torch, safetensors and numpy run live: names that clash, keys that are not str, and
 * tensor names that are no file names ({@code w:0}, {@code /w}).
 */
class TensorNamesCliTest {
    @TempDir
    Path tmp;

    private String python(String script) throws Exception {
        Python.require("torch", "numpy", "safetensors");
        return Python.checkText("import os, sys, pickle, warnings, torch, numpy as np, safetensors.numpy\n"
                + "warnings.filterwarnings('ignore')\nos.chdir(sys.argv[1])\n" + script, tmp).strip();
    }

    private String path(String name) {
        return tmp.resolve(name).toString();
    }

    /** The name column of {@code brine ls}, for files whose arrays are all float32. */
    private static List<String> lsNames(String lsOut) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^(.*?)\\s+float32\\s").matcher(lsOut);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The files extract wrote, as it printed them, relative to {@code dir}. */
    private static List<String> written(CliTest.Run extract, Path dir) {
        return extract.out().lines().map(l -> dir.relativize(Path.of(l)).toString()).collect(Collectors.toList());
    }

    private static List<String> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static String pyList(List<String> names) {
        return names.stream().map(n -> "'" + n.replace("\\", "\\\\").replace("'", "\\'") + "'")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * torch loads {'a.b': x, 'a': {'b': y}} and {None: x, 'null': y}: every verb but those whose output is
     * keyed by the dotted names reads them (they failed with "two tensors are named 'a.b'"). Converted to
     * .pt and to a pickle they hold what torch loads; .npz refuses the dotted clash, writing nothing; extract
     * writes both, the second with _2; None and 'null' no longer clash at all.
     */
    @Test
    void checkpointsWhoseTensorNamesClashAreReadByEveryVerb() throws Exception {
        python("torch.save({'a.b': torch.tensor([1.]), 'a': {'b': torch.tensor([2., 3.])}}, 'dotted.pt')\n"
                + "pickle.dump({'a.b': np.array([1.], np.float32), 'a': {'b': np.array([2., 3.], np.float32)}},"
                + " open('dotted.pkl', 'wb'), 2)\n"
                + "torch.save({None: torch.tensor([1.]), 'null': torch.tensor([2., 3.])}, 'nulls.pt')\n");
        for (String f : List.of("dotted.pt", "nulls.pt")) {
            CliTest.Run verify = CliTest.run("verify", path(f));
            assertEquals(0, verify.status(), verify.err());
            assertTrue(verify.out().endsWith(f + ": ok (torch, 2 items)\n"), verify.out());
        }
        CliTest.Run ls = CliTest.run("ls", path("dotted.pt"));
        assertEquals(0, ls.status(), ls.err());
        assertEquals(List.of("a.b", "a.b"), lsNames(ls.out()));
        CliTest.Run show = CliTest.run("show", path("dotted.pt"));
        assertEquals(0, show.status(), show.err());
        assertEquals(CliTest.run("show", path("dotted.pkl")).out(), show.out()); // the same text as the plain pickle's

        for (String out : List.of("out.pt", "out.pkl")) {
            CliTest.Run convert = CliTest.run("convert", path("dotted.pt"), path(out));
            assertEquals(0, convert.status(), convert.err());
        }
        CliTest.Run nulls = CliTest.run("convert", path("nulls.pt"), path("nulls.safetensors"));
        assertEquals(0, nulls.status(), nulls.err());
        assertEquals("ok", python(
                "src = torch.load('dotted.pt', weights_only=True)\n"
                + "pt = torch.load('out.pt', weights_only=True)\n"
                + "assert list(pt) == ['a.b', 'a'] and list(pt['a']) == ['b'], pt\n"
                + "assert torch.equal(pt['a.b'], src['a.b']) and torch.equal(pt['a']['b'], src['a']['b'])\n"
                + "pk = pickle.load(open('out.pkl', 'rb'))\n"
                + "assert (pk['a.b'] == src['a.b'].numpy()).all() and (pk['a']['b'] == src['a']['b'].numpy()).all()\n"
                + "st, n = safetensors.numpy.load_file('nulls.safetensors'), torch.load('nulls.pt', weights_only=True)\n"
                + "assert sorted(st) == ['None', 'null'], list(st)\n"
                + "assert (st['None'] == n[None].numpy()).all() and (st['null'] == n['null'].numpy()).all()\n"
                + "print('ok')"));

        CliTest.Run npz = CliTest.run("convert", path("dotted.pt"), path("out.npz"));
        assertEquals(1, npz.status());
        assertTrue(npz.err().contains("dotted.pt: two arrays would both be named 'a.b'"), npz.err());
        assertFalse(Files.exists(tmp.resolve("out.npz")));

        Path ex = tmp.resolve("ex");
        CliTest.Run extract = CliTest.run("extract", path("dotted.pt"), "-o", ex.toString());
        assertEquals(0, extract.status(), extract.err());
        assertEquals(List.of("a.b.npy", "a.b_2.npy"), written(extract, ex));
        assertEquals("ok", python("src = torch.load('dotted.pt', weights_only=True)\n"
                + "assert (np.load('ex/a.b.npy') == src['a.b'].numpy()).all()\n"
                + "assert (np.load('ex/a.b_2.npy') == src['a']['b'].numpy()).all()\nprint('ok')"));
    }

    /**
     * Keys that are not str are named by Python's repr (ls printed Java's text, null, true, 1.0E20, and a
     * byte[]'s identity hash, which extract put in a file name): the same names as the same dict in a plain
     * pickle gets converted to .safetensors; extract's file names come from them, the same on every run.
     */
    @Test
    void keysThatAreNotStrAreNamedByPythonsReprEverywhere() throws Exception {
        String expected = python(
                "d = {None: 1, True: 2, 1e20: 3, (1, 2): 4, b'w': 5, -0.5: 6, 'plain': 7}\n"
                + "torch.save({k: torch.arange(float(n)) for k, n in d.items()}, 'odd.pt')\n"
                + "pickle.dump({k: np.arange(float(n), dtype=np.float32) for k, n in d.items()}, open('odd.pkl', 'wb'), 2)\n"
                + "print('\\0'.join(k if isinstance(k, str) else repr(k) for k in d))");
        List<String> names = List.of(expected.split("\0"));
        assertEquals(List.of("None", "True", "1e+20", "(1, 2)", "b'w'", "-0.5", "plain"), names);
        CliTest.Run ls = CliTest.run("ls", path("odd.pt"));
        assertEquals(0, ls.status(), ls.err());
        assertEquals(names, lsNames(ls.out()));

        CliTest.Run convert = CliTest.run("convert", path("odd.pkl"), path("odd.safetensors"));
        assertEquals(0, convert.status(), convert.err());
        CliTest.Run fromPt = CliTest.run("convert", path("odd.pt"), path("odd_pt.safetensors"));
        assertEquals(0, fromPt.status(), fromPt.err());
        assertEquals("ok", python("names = " + pyList(names) + "\n"
                + "for f in ['odd.safetensors', 'odd_pt.safetensors']:\n"
                + "    assert sorted(safetensors.numpy.load_file(f)) == sorted(names), (f, list(safetensors.numpy.load_file(f)))\n"
                + "print('ok')"));

        List<String> first = null;
        for (String out : List.of("ex1", "ex2")) {
            CliTest.Run extract = CliTest.run("extract", path("odd.pt"), "-o", path(out));
            assertEquals(0, extract.status(), extract.err());
            List<String> files = written(extract, tmp.resolve(out));
            assertEquals(List.of("None.npy", "True.npy", "1e_20.npy", "1_2.npy", "b_w.npy", "-0.5.npy", "plain.npy"), files);
            assertEquals(first == null ? files : first, files);
            first = files;
        }
        assertEquals("ok", python("src = torch.load('odd.pt', weights_only=True)\n"
                + "for k, f in zip(src, " + pyList(first) + "):\n"
                + "    assert (np.load(os.path.join('ex1', f)) == src[k].numpy()).all(), (k, f)\n"
                + "print('ok')"));
    }

    /**
     * Tensor names that are no file names become flat, safe ones (extract refused 'w:0' and '/v' as "absolute
     * or with '..'", without naming the file); names that try to leave the folder stay inside it; two names that
     * become one file name (w:0 and w_0; W and w, one file on macOS and Windows) both get a file, the later
     * with _2; a name's own underscores at either end stay (coef_ was coef.npy). Each file holds the tensor the
     * safetensors package reads under the name ls gives in that row.
     */
    @Test
    void extractMakesSafeDistinctFileNamesOfTensorNames() throws Exception {
        List<String> names = List.of("w:0", "w_0", "/v", "C:x", "../up", "a/b/c", "W", "w", "..", ".hidden", "",
                "k".repeat(300), "coef_", "_b_", "/x_/");
        python("names = " + pyList(names) + "\n"
                + "safetensors.numpy.save_file({n: np.arange(i + 1, dtype=np.float32) for i, n in enumerate(names)},"
                + " 'odd.safetensors')\n"
                + "torch.save({'w:0': torch.ones(2), 'enc/layer_0/kernel': torch.zeros(3)}, 'colon.pt')\n");
        Path ex = tmp.resolve("out").resolve("ex");
        CliTest.Run extract = CliTest.run("extract", path("odd.safetensors"), "-o", ex.toString());
        assertEquals(0, extract.status(), extract.err());
        List<String> files = written(extract, ex);
        assertEquals(List.of(), list(tmp.resolve("out")).stream().filter(f -> !f.equals("ex")).toList());
        assertEquals(files.stream().sorted().toList(), list(ex));
        assertEquals(List.of("_b_.npy", "a_b_c.npy", "array...npy", "array.._up.npy", "array.hidden.npy", "array.npy",
                        "c_x.npy", "coef_.npy", "k".repeat(200) + ".npy", "v.npy", "w.npy", "w_0.npy", "w_0_2.npy", "w_2.npy",
                        "x_.npy"),
                files.stream().map(f -> f.toLowerCase(Locale.ROOT)).sorted().toList());
        CliTest.Run ls = CliTest.run("ls", path("odd.safetensors"));
        List<String> listed = lsNames(ls.out());
        assertEquals(names.size(), listed.size(), ls.out());
        assertEquals("ok", python("st = safetensors.numpy.load_file('odd.safetensors')\n"
                + "for name, f in zip(" + pyList(listed) + ", " + pyList(files) + "):\n"
                + "    assert (np.load(os.path.join('out', 'ex', f)) == st[name]).all(), (name, f)\n"
                + "print('ok')"));

        CliTest.Run colon = CliTest.run("extract", path("colon.pt"), "-o", path("colon"));
        assertEquals(0, colon.status(), colon.err());
        assertEquals(List.of("w_0.npy", "enc_layer_0_kernel.npy"), written(colon, tmp.resolve("colon")));
        assertEquals("ok", python("assert (np.load('colon/w_0.npy') == np.ones(2, np.float32)).all()\n"
                + "assert (np.load('colon/enc_layer_0_kernel.npy') == np.zeros(3, np.float32)).all()\nprint('ok')"));
    }
}
