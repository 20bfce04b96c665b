package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compressed pickle ({@code df.to_pickle('x.pkl.gz')}, also .bz2, .xz, .zst, ...) is refused by every verb, saying
 * how it is compressed and how to decompress it, with status 1: it gave a raw opcode error ("invalid load key,
 * '\x1f'"), and bzip2 a false "pickle data was truncated: 825845850 bytes wanted". The commands the message suggests
 * decompress the file into the pickle it holds (run here, the pickle read by CPython). Files of other formats, and
 * pickles, that begin with the same bytes as a compression's magic begins are read as before.
 */
class CompressedFilesCliTest {
    @TempDir
    Path tmp;

    /** Each compressed file: its name, its compression as the message names it, and the command suggested. */
    private static final String[][] FILES = {
        {"x.pkl.gz", "gzip", "gunzip -k"}, {"x.pkl.bz2", "bzip2", "bunzip2 -k"}, {"x.pkl.xz", "xz", "unxz -k"},
        {"x.pkl.lzma", "lzma", "unlzma -k"}, {"x.pkl.zst", "zstd", "unzstd"}, {"x.pkl.lz4", "lz4", "lz4 -dm"}};

    private static final String MAKE = String.join("\n",
            "import sys, os, pickle, gzip, bz2, lzma, zlib, subprocess",
            "os.chdir(sys.argv[1])",
            "data = pickle.dumps({'a': [1, 2.5]}, 4)",
            "open('x.pkl', 'wb').write(data)",
            "files = {'x.pkl.gz': gzip.compress(data), 'x.pkl.bz2': bz2.compress(data), 'x.pkl.xz': lzma.compress(data),",
            "         'x.pkl.lzma': lzma.compress(data, format=lzma.FORMAT_ALONE), 'model.bin': gzip.compress(data),",
            "         'x.z': zlib.compress(data)}",
            "for name, b in files.items():",
            "    open(name, 'wb').write(b)",
            "subprocess.run(['zstd', '-q', 'x.pkl', '-o', 'x.pkl.zst'], check=True)",
            "subprocess.run(['lz4', '-q', 'x.pkl', 'x.pkl.lz4'], check=True)",
            "os.remove('x.pkl')");

    /** Runs each shell command of argv[2:] in argv[1], printing what the x.pkl it writes holds, as pickle.load reads it. */
    private static final String RUN_HINTS = String.join("\n",
            "import sys, os, pickle, subprocess",
            "os.chdir(sys.argv[1])",
            "for command in sys.argv[2:]:",
            "    subprocess.run(command, shell=True, check=True)",
            "    print(pickle.load(open('x.pkl', 'rb')))",
            "    os.remove('x.pkl')");

    @Test
    void everyVerbRefusesACompressedFileSayingHowToDecompressIt() throws Exception {
        Python.require();
        Python.check(MAKE, new byte[0], tmp.toString());
        String[] hints = new String[FILES.length];
        for (int i = 0; i < FILES.length; i++) {
            Path f = tmp.resolve(FILES[i][0]);
            hints[i] = FILES[i][2] + " " + f;
            String refusal = "brine: " + f + ": compressed with " + FILES[i][1] + ", which Brine does not read: decompress it"
                    + " first, e.g. " + hints[i] + "\n";
            for (List<String> args : verbs(f)) {
                CliTest.Run run = CliTest.run(args.toArray(new String[0]));
                assertEquals(1, run.status(), args.toString());
                assertEquals(refusal, run.err(), args.toString());
                assertEquals("", run.out(), args.toString());
            }
        }
        // the commands suggested give back the pickle, and keep the compressed file
        String[] args = new String[hints.length + 1];
        args[0] = tmp.toString();
        System.arraycopy(hints, 0, args, 1, hints.length);
        assertEquals("{'a': [1, 2.5]}\n".repeat(FILES.length), new String(Python.check(RUN_HINTS, new byte[0], args),
                java.nio.charset.StandardCharsets.UTF_8));
        for (String[] file : FILES) {
            assertEquals(true, Files.exists(tmp.resolve(file[0])), file[0]);
        }
    }

    /**
     * A name without the compression's suffix, or standard input: the command suggested decompresses to a pipe, which
     * needs no name. zlib, which joblib's compress=N writes and no common tool decompresses: load it with joblib.
     */
    @Test
    void otherNamesStandardInputAndZlib() throws Exception {
        Python.require();
        Python.check(MAKE, new byte[0], tmp.toString());
        Path bin = tmp.resolve("model.bin");
        CliTest.Run named = CliTest.run("show", bin.toString());
        assertEquals(1, named.status());
        assertEquals("brine: " + bin + ": compressed with gzip, which Brine does not read: decompress it first, e.g."
                + " gzip -dc " + bin + " | brine show -\n", named.err());
        assertEquals("{'a': [1, 2.5]}\n", Python.checkText("import sys, subprocess, pickle\n"
                + "print(pickle.loads(subprocess.run(['gzip', '-dc', sys.argv[1]], check=True, capture_output=True).stdout))",
                bin));

        CliTest.Run piped = CliTest.runWithStdin(Files.readAllBytes(bin), "ls", "-");
        assertEquals(1, piped.status());
        assertEquals("brine: -: compressed with gzip, which Brine does not read: decompress it first, e.g. gzip -dc -"
                + " | brine show -\n", piped.err());

        Path z = tmp.resolve("x.z");
        for (List<String> args : verbs(z)) {
            CliTest.Run run = CliTest.run(args.toArray(new String[0]));
            assertEquals(1, run.status(), args.toString());
            assertEquals("brine: " + z + ": compressed with zlib, which Brine does not read: joblib.dump(..., compress=N)"
                    + " writes such files; load it in Python with joblib.load and save what it holds with pickle.dump"
                    + " (or numpy.save for arrays)\n", run.err(), args.toString());
        }
    }

    /**
     * What begins with a magic's first bytes but is no compressed file is read as before: a safetensors file whose
     * header length begins 1f 8b 08 (gzip's), a tar .pt whose first member is named x^ (zlib's), pickles that begin with MARK (zstd's first byte), EMPTY_LIST (lzma's)
     * and BINBYTES of "BZh" (bzip2's), as CPython reads them.
     */
    @Test
    void lookalikesAreReadAsTheyWere() throws Exception {
        Python.require("numpy", "safetensors");
        String pickles = Python.checkText(String.join("\n",
                "import sys, os, json, struct, pickle, numpy as np",
                "from safetensors.numpy import load_file",
                "os.chdir(sys.argv[1])",
                // a header of 0x088b1f bytes (little-endian: 1f 8b 08), a long metadata string making it that long
                "def header(k):",
                "    return json.dumps({'__metadata__': {'pad': 'x' * k},",
                "                       'w': {'dtype': 'F64', 'shape': [2], 'data_offsets': [0, 16]}}).encode()",
                "n = 0x088b1f",
                "h = header(n - len(header(0)))",
                "open('gz.safetensors', 'wb').write(struct.pack('<Q', n) + h + np.arange(2.0).tobytes())",
                "assert open('gz.safetensors', 'rb').read(3) == b'\\x1f\\x8b\\x08'",
                "print(load_file('gz.safetensors')['w'].tolist())",
                "for name, b in (('mark.pkl', b'(t.'), ('list.pkl', pickle.dumps([], 1)), ('bytes.pkl', b'B\\x03\\x00\\x00\\x00BZh.')):",
                "    open(name, 'wb').write(b)",
                "    print(name, repr(pickle.loads(b)))"), tmp);
        List<String> lines = pickles.lines().toList();
        assertEquals("[0.0, 1.0]", lines.get(0));
        CliTest.Run st = CliTest.run("verify", tmp.resolve("gz.safetensors").toString());
        assertEquals(tmp.resolve("gz.safetensors") + ": ok (safetensors, 1 item)\n", st.out(), st.err());
        // PyTorch's tar checkpoint whose first member is named x^ begins as a zlib stream does: still told a tar file
        assertEquals("True\n", Python.checkText(String.join("\n", "import sys, io, tarfile",
                "with tarfile.open(sys.argv[1], 'w') as t:",
                "    info = tarfile.TarInfo('x^'); info.size = 2; t.addfile(info, io.BytesIO(b'hi'))",
                "print(tarfile.is_tarfile(sys.argv[1]) and open(sys.argv[1], 'rb').read(2) == b'x^')"), tmp.resolve("old.pt")));
        assertEquals("brine: " + tmp.resolve("old.pt") + ": a tar checkpoint (PyTorch before 0.4) is not supported; load and"
                + " re-save it with a newer torch\n", CliTest.run("show", tmp.resolve("old.pt").toString()).err());
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(" ", 2);
            CliTest.Run show = CliTest.run("show", tmp.resolve(c[0]).toString());
            assertEquals(0, show.status(), show.err());
            assertEquals(c[1] + "\n", show.out(), c[0]);
        }
    }

    /** Every verb's run on {@code f}. */
    private List<List<String>> verbs(Path f) {
        return List.of(List.of("show", f.toString()), List.of("show", "--json", f.toString()), List.of("ls", f.toString()),
                List.of("dis", f.toString()), List.of("verify", f.toString()),
                List.of("extract", f.toString(), "-o", tmp.resolve("out").toString()),
                List.of("convert", f.toString(), tmp.resolve("out.npz").toString()));
    }
}
