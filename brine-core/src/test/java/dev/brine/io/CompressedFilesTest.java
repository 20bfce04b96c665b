package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.archive.ModelArchive;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklingException;
import dev.brine.safetensors.SafeTensors;
import dev.brine.testing.Python;
import dev.brine.torch.TorchCheckpoint;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compressed file given to any of the library's loaders ({@code df.to_pickle('x.pkl.gz')}, an {@code .npy.xz})
 * is refused saying how it is compressed and how to decompress it, where the pickle reader said what its first
 * byte means as an opcode ("invalid load key, '\x1f'") and bzip2 gave a false "pickle data was truncated:
 * 825845850 bytes wanted". Python's gzip, bz2 and lzma modules and the zstd and lz4 tools compress real files; the
 * commands the refusals suggest are run and give back what CPython reads; a gzip file is read through the JDK's
 * {@code GZIPInputStream}, as the refusal says it can be.
 */
class CompressedFilesTest {
    /** Each compression: its name in the messages, the suffix of its files, the command suggested for such a file. */
    private static final String[][] FORMATS = {
        {"gzip", ".gz", "gunzip -k"}, {"bzip2", ".bz2", "bunzip2 -k"}, {"xz", ".xz", "unxz -k"},
        {"lzma", ".lzma", "unlzma -k"}, {"zstd", ".zst", "unzstd"}, {"lz4", ".lz4", "lz4 -dm"}};

    private static final String MAKE = String.join("\n",
            "import sys, os, io, pickle, gzip, bz2, lzma, zlib, subprocess, numpy as np, safetensors.numpy",
            "os.chdir(sys.argv[1])",
            "w = np.arange(6, dtype=np.float32).reshape(2, 3)",
            "npy = io.BytesIO(); np.save(npy, w)",
            "npz = io.BytesIO(); np.savez(npz, W=w)",
            "raw = {'x.pkl': pickle.dumps({'a': [1, 2.5]}, 4), 'x.npy': npy.getvalue(), 'x.npz': npz.getvalue(),",
            "       'x.safetensors': safetensors.numpy.save({'W': w})}",
            "for name, data in raw.items():",
            "    for suffix, b in (('.gz', gzip.compress(data)), ('.bz2', bz2.compress(data)), ('.xz', lzma.compress(data)),",
            "                      ('.lzma', lzma.compress(data, format=lzma.FORMAT_ALONE)), ('.z', zlib.compress(data))):",
            "        open(name + suffix, 'wb').write(b)",
            "    open(name, 'wb').write(data)",
            "    subprocess.run(['zstd', '-q', name, '-o', name + '.zst'], check=True)",
            "    subprocess.run(['lz4', '-q', name, name + '.lz4'], check=True)",
            "    os.remove(name)",
            "open('model.bin', 'wb').write(gzip.compress(raw['x.pkl']))");

    @Test
    void everyLoaderSaysHowAFileIsCompressed(@TempDir Path dir) throws Exception {
        Python.require("numpy", "safetensors");
        Python.check(MAKE, new byte[0], dir.toString());
        for (String[] f : FORMATS) {
            String compressed = "compressed with " + f[0] + ", which Brine does not read: decompress it first";
            Path pkl = dir.resolve("x.pkl" + f[1]);
            String command = f[2] + " " + pkl;
            UnpicklingException p = assertThrows(UnpicklingException.class, () -> Pickle.load(pkl));
            assertTrue(p.getMessage().startsWith(pkl + ": not a pickle but a file " + compressed + " (" + command + ")"
                    + (f[0].equals("gzip") ? ", or read it through java.util.zip.GZIPInputStream" : "") + "; read as a pickle: "),
                    p.getMessage());
            assertThrows(UnpicklingException.class, () -> Pickle.loadAll(pkl, dev.brine.pickle.UnpicklerOptions.DEFAULT));
            assertMessageStarts(pkl + ": not a torch checkpoint but a file " + compressed + " (" + command + ")",
                    () -> TorchCheckpoint.load(pkl));
            Path npy = dir.resolve("x.npy" + f[1]);
            assertMessageStarts(npy + ": not an NPY file but a file " + compressed, () -> Npy.read(npy));
            assertMessageStarts(npy + ": not an NPY file but a file " + compressed, () -> Npy.map(npy, false));
            Path npz = dir.resolve("x.npz" + f[1]);
            assertMessageStarts(npz + ": not a ZIP file but a file " + compressed, () -> Npz.open(npz).close());
            assertMessageStarts(npz + ": not a ZIP file but a file " + compressed, () -> ModelArchive.load(npz));
            Path st = dir.resolve("x.safetensors" + f[1]);
            assertMessageStarts(st + ": not a safetensors file but a file " + compressed, () -> SafeTensors.load(st));
        }
        // zlib (joblib's compress=N): no common tool decompresses it, so the refusal says to load it with joblib
        Path z = dir.resolve("x.pkl.z");
        assertMessageStarts(z + ": not a pickle but a file compressed with zlib, which Brine does not read:"
                + " joblib.dump(..., compress=N) writes such files; load it in Python with joblib.load", () -> Pickle.load(z));
    }

    /** The commands suggested give back the files CPython and numpy read, keeping the compressed ones. */
    @Test
    void theSuggestedCommandsDecompress(@TempDir Path dir) throws Exception {
        Python.require("numpy", "safetensors");
        Python.check(MAKE, new byte[0], dir.toString());
        String script = String.join("\n", "import sys, os, pickle, subprocess",
                "os.chdir(sys.argv[1])",
                "for command in sys.argv[2:]:",
                "    subprocess.run(command, shell=True, check=True)",
                "    print(pickle.load(open('x.pkl', 'rb')))",
                "    os.remove('x.pkl')");
        List<String> args = new java.util.ArrayList<>(List.of(dir.toString()));
        for (String[] f : FORMATS) {
            Path pkl = dir.resolve("x.pkl" + f[1]);
            args.add(command(assertThrows(UnpicklingException.class, () -> Pickle.load(pkl))));
        }
        // a name without the suffix: the command writes to standard output, for the caller to redirect
        Path bin = dir.resolve("model.bin");
        String toStdout = command(assertThrows(UnpicklingException.class, () -> Pickle.load(bin)));
        assertEquals("gzip -dc " + bin + " > FILE", toStdout);
        args.add(toStdout.replace("FILE", "x.pkl"));
        String out = new String(Python.check(script, new byte[0], args.toArray(new String[0])), StandardCharsets.UTF_8);
        assertEquals("{'a': [1, 2.5]}\n".repeat(FORMATS.length + 1), out);
        for (String[] f : FORMATS) {
            assertTrue(Files.exists(dir.resolve("x.pkl" + f[1])), f[0]);
        }
    }

    /** A gzip file read through the JDK's GZIPInputStream, as the refusal says: the values CPython wrote. */
    @Test
    void gzipReadsThroughTheJdksStream(@TempDir Path dir) throws Exception {
        Python.require("numpy", "safetensors");
        Python.check(MAKE, new byte[0], dir.toString());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("x.pkl.gz")))) {
            assertEquals(Map.of("a", List.of(1L, 2.5)), Pickle.load(in));
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("x.npy.gz")))) {
            assertEquals(java.util.Arrays.toString(new double[] {0, 1, 2, 3, 4, 5}),
                    java.util.Arrays.toString(Npy.read(in, dev.brine.Limits.DEFAULT).toDoubleArray()));
        }
    }

    /** The command in a refusal's parentheses. */
    private static String command(BrineException e) {
        String m = e.getMessage();
        int open = m.indexOf("decompress it first (") + "decompress it first (".length();
        return m.substring(open, m.indexOf(')', open));
    }

    private static void assertMessageStarts(String start, org.junit.jupiter.api.function.Executable call) {
        BrineException e = assertThrows(BrineException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
