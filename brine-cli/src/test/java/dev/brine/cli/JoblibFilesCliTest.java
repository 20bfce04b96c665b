package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file {@code joblib.dump} wrote (scikit-learn's documented way to save a model) is a pickle with each numpy array's
 * raw bytes between its opcodes, which only joblib's unpickler reads: every verb refuses it naming joblib and what to
 * do, with status 1, where it gave a bare "invalid load key, '\x01' at offset 526". A file whose arrays are all empty
 * or of objects (joblib pickles those whole in the array's place) reads as a pickle to its end, yet is not what
 * joblib.load gives: refused too. joblib's compressed files are zlib streams, refused as such.
 */
class JoblibFilesCliTest {
    @TempDir
    Path tmp;

    private static final String REFUSAL = ": a joblib file (joblib.dump writes each numpy array's raw bytes between the"
            + " pickle's opcodes, which only joblib reads): load it in Python with joblib.load and save what it holds with"
            + " pickle.dump (or numpy.save for arrays)";

    @Test
    void everyVerbRefusesAJoblibFileNamingJoblib() throws Exception {
        Python.require("numpy", "joblib");
        // what joblib.load gives back: the files are joblib's own
        String loaded = Python.checkText(String.join("\n",
                "import sys, os, joblib, numpy as np",
                "os.chdir(sys.argv[1])",
                "joblib.dump({'w': np.arange(3.0), 'name': 'm'}, 'm.joblib')",
                "joblib.dump({'o': np.array([1, 'x', None], dtype=object), 'e': np.zeros(0)}, 'objects.joblib')",
                "joblib.dump({'w': np.arange(3.0)}, 'mz.joblib', compress=3)",
                "for f in ('m.joblib', 'objects.joblib', 'mz.joblib'):",
                "    print(f, {k: v.tolist() if hasattr(v, 'tolist') else v for k, v in joblib.load(f).items()})"), tmp);
        assertEquals("m.joblib {'w': [0.0, 1.0, 2.0], 'name': 'm'}\nobjects.joblib {'o': [1, 'x', None], 'e': []}\n"
                + "mz.joblib {'w': [0.0, 1.0, 2.0]}\n", loaded);
        for (String name : new String[] {"m.joblib", "objects.joblib"}) {
            Path f = tmp.resolve(name);
            for (List<String> args : verbs(f)) {
                CliTest.Run run = CliTest.run(args.toArray(new String[0]));
                assertEquals(1, run.status(), args.toString());
                // after the refusal, what reading it as a pickle stopped on, if it stopped
                assertTrue(run.err().startsWith("brine: " + f + REFUSAL), args + ": " + run.err());
                assertEquals(1, run.err().lines().count(), run.err());
                if (!args.get(0).equals("dis")) {
                    assertEquals("", run.out(), args.toString());
                }
            }
        }
        // read to its end as a pickle, the objects' file ends with the refusal alone
        Path objects = tmp.resolve("objects.joblib");
        assertEquals("brine: " + objects + REFUSAL + "\n", CliTest.run("show", objects.toString()).err());
        // dis lists what pickletools lists before it stops on the first array's bytes
        Path m = tmp.resolve("m.joblib");
        CliTest.Run dis = CliTest.run("dis", m.toString());
        Python.Result pickletools = Python.run("import pickletools, sys; pickletools.dis(open(sys.argv[1], 'rb'))",
                new byte[0], m.toString());
        assertTrue(pickletools.stderr.matches("(?s).*ValueError: at position \\d+, opcode b'.*' unknown\\s*"), pickletools.stderr);
        assertEquals(new String(pickletools.stdout, java.nio.charset.StandardCharsets.UTF_8), dis.out());
        String last = pickletools.stderr.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertEquals("brine: " + m + REFUSAL + " (read as a pickle: " + last + ")\n", dis.err());

        Path z = tmp.resolve("mz.joblib");
        CliTest.Run compressed = CliTest.run("ls", z.toString());
        assertEquals(1, compressed.status());
        assertEquals("brine: " + z + ": compressed with zlib, which Brine does not read: joblib.dump(..., compress=N)"
                + " writes such files; load it in Python with joblib.load and save what it holds with pickle.dump (or"
                + " numpy.save for arrays)\n", compressed.err());
    }

    /** Every verb's run on {@code f}. */
    private List<List<String>> verbs(Path f) {
        return List.of(List.of("show", f.toString()), List.of("show", "--json", f.toString()), List.of("ls", f.toString()),
                List.of("dis", f.toString()), List.of("verify", f.toString()),
                List.of("extract", f.toString(), "-o", tmp.resolve("out").toString()),
                List.of("convert", f.toString(), tmp.resolve("out.npz").toString()));
    }
}
