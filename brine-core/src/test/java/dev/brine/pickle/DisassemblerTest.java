package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disassembler against CPython's {@code pickletools}, byte for byte: a corpus of pickles of
 * every protocol covering all 68 opcodes, hand-made pickles for the corners, every truncation of a
 * few pickles, seeded random mutations, and the command line's options.
 */
class DisassemblerTest {
    @TempDir
    static Path corpus;

    private static List<Path> cases;

    @BeforeAll
    static void makeCorpus() throws IOException {
        Python.require();
        Python.check(resource("dis_cases.py"), new byte[0], corpus.toString());
        try (Stream<Path> files = Files.list(corpus)) {
            cases = files.filter(p -> p.toString().endsWith(".pkl")).sorted().collect(Collectors.toList());
        }
        assertTrue(cases.size() > 4000, "corpus has " + cases.size() + " cases");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DisassemblerTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** What pickletools printed and raised for one case. */
    private static final class Expected {
        final String out;
        final String error;

        Expected(Path pkl) throws IOException {
            String base = pkl.toString().substring(0, pkl.toString().length() - 4);
            out = Files.readString(Path.of(base + ".out"), StandardCharsets.UTF_8);
            Path err = Path.of(base + ".err");
            error = Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : null;
        }
    }

    /** What the disassembler printed and threw. */
    private static final class Actual {
        final String out;
        final String error;

        Actual(String out, String error) {
            this.out = out;
            this.error = error;
        }
    }

    private interface Run {
        void run(Appendable out) throws IOException;
    }

    private static Actual capture(Run run) throws IOException {
        StringBuilder out = new StringBuilder();
        try {
            run.run(out);
            return new Actual(out.toString(), null);
        } catch (DisassemblyException e) {
            return new Actual(out.toString(), e.pythonErrorLine());
        }
    }

    private static void compareAll(String how, CaseRunner runner) throws IOException {
        List<String> failures = new ArrayList<>();
        for (Path pkl : cases) {
            Expected want = new Expected(pkl);
            Actual got;
            try {
                got = runner.run(pkl);
            } catch (RuntimeException e) {
                failures.add(pkl.getFileName() + ": threw " + e);
                continue;
            }
            if (!want.out.equals(got.out) || !java.util.Objects.equals(want.error, got.error)) {
                failures.add(pkl.getFileName() + ":\n--- pickletools (error " + want.error + ")\n" + clip(want.out)
                        + "--- brine (error " + got.error + ")\n" + clip(got.out) + firstDifference(want.out, got.out));
            }
        }
        if (!failures.isEmpty()) {
            fail(how + ": " + failures.size() + " of " + cases.size() + " cases differ; the first:\n"
                    + String.join("\n", failures.subList(0, Math.min(8, failures.size()))));
        }
    }

    private interface CaseRunner {
        Actual run(Path pkl) throws IOException;
    }

    private static String clip(String s) {
        return s.length() > 3000 ? s.substring(0, 3000) + "...[" + s.length() + " chars]\n" : s;
    }

    private static String firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return "--- first difference at char " + i + "\n";
    }

    @Test
    void byteArraysMatchPickletools() throws IOException {
        compareAll("byte[]", pkl -> {
            byte[] data = Files.readAllBytes(pkl);
            return capture(out -> Disassembler.disassemble(data, out));
        });
    }

    @Test
    void streamsMatchPickletools() throws IOException {
        // a stream that hands out a few bytes at a time exercises every buffer boundary
        compareAll("InputStream", pkl -> {
            byte[] data = Files.readAllBytes(pkl);
            return capture(out -> Disassembler.dis(new Trickle(new ByteArrayInputStream(data)), 0, out, null, 4, 0));
        });
    }

    /** Returns at most 3 bytes per read, to find code that assumes full reads. */
    private static final class Trickle extends FilterInputStream {
        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 3));
        }
    }

    @Test
    void stackEffectsAreThoseOfPickletools() throws IOException {
        Python.require();
        String script = "import pickletools\n"
                + "for op in pickletools.opcodes:\n"
                + "    print(op.name, op.proto, repr(op.code),\n"
                + "          '[%s] -> [%s]' % (', '.join(s.name for s in op.stack_before),\n"
                + "                          ', '.join(s.name for s in op.stack_after)), sep='\\t')\n";
        String table = new String(Python.check(script, new byte[0]), StandardCharsets.UTF_8);
        int n = 0;
        for (String line : table.split("\n")) {
            String[] f = line.split("\t");
            Opcode op = Opcode.valueOf(f[0]);
            assertEquals(Integer.parseInt(f[1]), op.protocol(), op + " protocol");
            assertEquals(f[3], Disassembler.stackEffect(op), op + " stack effect");
            n++;
        }
        assertEquals(Opcode.values().length, n);
    }

    @Test
    void annotationsAreThoseOfPickletools() throws IOException {
        Python.require();
        String script = "import pickletools\n"
                + "for op in pickletools.opcodes:\n"
                + "    print(op.name, op.doc.split('\\n', 1)[0], sep='\\t')\n";
        String table = new String(Python.check(script, new byte[0]), StandardCharsets.UTF_8);
        for (String line : table.split("\n")) {
            String[] f = line.split("\t");
            assertEquals(f[1], Disassembler.annotation(Opcode.valueOf(f[0])), f[0]);
        }
    }

    // ------------------------------------------------------------------ the real command line

    /**
     * Runs {@code python3 -m pickletools ARGS} for each list of arguments, all from one Python
     * process (starting Python once per run would dominate the test's time): stdout, and the
     * traceback's last line or null.
     */
    private static List<Actual> cli(List<String[]> runs) throws IOException {
        String script = "import subprocess, sys\n"
                + "for line in sys.stdin.buffer.read().decode('utf-8').split('\\n')[:-1]:\n"
                + "    r = subprocess.run([sys.executable, '-m', 'pickletools'] + line.split('\\t'), capture_output=True)\n"
                + "    err = r.stderr.rstrip(b'\\n').split(b'\\n')[-1] if r.returncode else b''\n"
                + "    for part in (r.stdout, err):\n"
                + "        sys.stdout.buffer.write(b'%d\\n' % len(part) + part)\n";
        StringBuilder stdin = new StringBuilder();
        for (String[] args : runs) {
            stdin.append(String.join("\t", args)).append('\n');
        }
        byte[] out = Python.check(script, stdin.toString().getBytes(StandardCharsets.UTF_8));
        List<Actual> results = new ArrayList<>();
        int[] at = {0};
        for (int i = 0; i < runs.size(); i++) {
            String text = new String(part(out, at), StandardCharsets.UTF_8);
            String err = new String(part(out, at), StandardCharsets.UTF_8);
            results.add(new Actual(text, err.isEmpty() ? null : err));
        }
        return results;
    }

    private static byte[] part(byte[] out, int[] at) {
        int nl = at[0];
        while (out[nl] != '\n') {
            nl++;
        }
        int len = Integer.parseInt(new String(out, at[0], nl - at[0], StandardCharsets.US_ASCII));
        byte[] part = java.util.Arrays.copyOfRange(out, nl + 1, nl + 1 + len);
        at[0] = nl + 1 + len;
        return part;
    }

    private static Path casePath(String name) {
        return corpus.resolve(name + ".pkl");
    }

    private static final String[] CLI_CASES = {
        "p0_everything", "p1_everything", "p2_everything", "p3_everything", "p4_everything", "p5_everything",
        "p5_buffers", "p0_persid", "p4_large", "hand_string", "hand_ext", "hand_annotate_wide", "hand_deep_marks",
        "hand_dis_get_missing", "hand_err_utf8_end", "hand_long4_too_many_digits", "hand_dis_stack_left",
        "hand_dis_trailing_data", "cut_p4_017", "hand_float_forms", "hand_unicode_escapes",
    };

    @Test
    void runpyHarnessIsTheCommandLine() throws IOException {
        List<String[]> runs = new ArrayList<>();
        for (String name : CLI_CASES) {
            runs.add(new String[] {casePath(name).toString()});
        }
        List<Actual> real = cli(runs);
        for (int i = 0; i < CLI_CASES.length; i++) {
            Expected harness = new Expected(casePath(CLI_CASES[i]));
            assertEquals(harness.out, real.get(i).out, CLI_CASES[i]);
            assertEquals(harness.error, real.get(i).error, CLI_CASES[i]);
        }
    }

    @Test
    void commandLineOptions() throws IOException {
        String[][] flagSets = {{"-a"}, {"-l", "2"}, {"-l", "0", "-a"}, {"-l", "9"}, {"-a", "-l", "-3"}};
        List<String[]> runs = new ArrayList<>();
        List<Disassembler.Options> options = new ArrayList<>();
        List<String> names = new ArrayList<>();
        String[] cases = {"p0_everything", "p2_everything", "p4_everything", "p5_buffers", "hand_annotate_wide",
            "hand_deep_marks", "hand_dis_get_missing", "hand_unicode_escapes", "cut_p4_017"};
        for (String name : cases) {
            for (String[] flags : flagSets) {
                Disassembler.Options o = Disassembler.Options.DEFAULT;
                for (int i = 0; i < flags.length; i++) {
                    if (flags[i].equals("-a")) {
                        o = o.withAnnotate(true);
                    } else {
                        o = o.withIndentLevel(Integer.parseInt(flags[++i]));
                    }
                }
                runs.add(concat(flags, new String[] {casePath(name).toString()}));
                options.add(o);
                names.add(name + " " + String.join(" ", flags));
            }
        }
        List<Actual> want = cli(runs);
        for (int i = 0; i < runs.size(); i++) {
            byte[] data = Files.readAllBytes(Path.of(runs.get(i)[runs.get(i).length - 1]));
            Disassembler.Options o = options.get(i);
            Actual got = capture(out -> Disassembler.disassemble(data, out, o));
            assertEquals(want.get(i).out, got.out, names.get(i));
            assertEquals(want.get(i).error, got.error, names.get(i));
        }
    }

    @Test
    void severalFilesAsTheCommandLineListsThem() throws IOException {
        Path multi = corpus.resolve("multi.pkl");
        Python.check("import pickle, sys\n"
                + "with open(sys.argv[1], 'wb') as f:\n"
                + "    p = pickle.Pickler(f, 2)\n"
                + "    x = [1, 2]\n"
                + "    p.dump(x)\n"
                + "    p.dump(x)\n", new byte[0], multi.toString());
        List<Path> files = List.of(casePath("p2_shared"), multi, multi, casePath("p0_persid"));
        String[] names = files.stream().map(Path::toString).toArray(String[]::new);
        Disassembler.Options o = Disassembler.Options.DEFAULT;
        List<List<Path>> fileLists = List.of(files, files, files, List.of(multi), files.subList(1, 3));
        List<Disassembler.Options> options = List.of(o, o.withPreserveMemo(true),
                o.withPreamble("## {name} {{x}} ##").withAnnotate(true), o, o.withPreserveMemo(true));
        List<String[]> runs = List.of(names, concat(new String[] {"-m"}, names),
                concat(new String[] {"-p", "## {name} {{x}} ##", "-a"}, names), new String[] {multi.toString()},
                new String[] {"-m", multi.toString(), multi.toString()});
        List<Actual> want = cli(runs);
        for (int i = 0; i < runs.size(); i++) {
            List<Path> list = fileLists.get(i);
            Disassembler.Options opts = options.get(i);
            Actual got = capture(out -> Disassembler.disassembleFiles(list, out, opts));
            assertEquals(want.get(i).out, got.out, String.join(" ", runs.get(i)));
            assertEquals(want.get(i).error, got.error, String.join(" ", runs.get(i)));
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------------ several pickles in one input

    @Test
    void everyPickleInOneInput() throws IOException {
        Path multi = corpus.resolve("stream.pkl");
        String script = "import io, pickle, pickletools, sys\n"
                + "buf = io.BytesIO()\n"
                + "p = pickle.Pickler(buf, 4)\n"
                + "x = [1, 'a']\n"
                + "for obj in (x, {'k': x}, x, 3.5):\n"
                + "    p.dump(obj)\n"
                + "buf.write(pickle.dumps(('fresh', x), 0))\n"
                + "data = buf.getvalue()\n"
                + "open(sys.argv[1], 'wb').write(data)\n"
                + "def listing(memo):\n"
                + "    f = io.BytesIO(data)\n"
                + "    out = io.StringIO()\n"
                + "    try:\n"
                + "        while f.tell() < len(data):\n"
                + "            pickletools.dis(f, out, memo if memo is not None else None)\n"
                + "    except Exception as e:\n"
                + "        out.write('!%s: %s' % (type(e).__name__, e))\n"
                + "    return out.getvalue()\n"
                + "sys.stdout.write(listing(None) + '\\0' + listing({}))\n";
        String[] both = new String(Python.check(script, new byte[0], multi.toString()), StandardCharsets.UTF_8).split("\0");
        byte[] data = Files.readAllBytes(multi);
        assertEquals(both[0], all(data, null));
        assertEquals(both[1], all(data, new HashMap<>()));
        // the stream version reads exactly to each STOP, so a caller can go on with the next pickle
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        StringBuilder out = new StringBuilder();
        Map<BigInteger, String> memo = new HashMap<>();
        long pos = 0;
        try {
            while (in.available() > 0) {
                pos = Disassembler.dis(in, pos, out, memo, 4, 0);
            }
        } catch (DisassemblyException e) {
            out.append('!').append(e.pythonErrorLine());
        }
        assertEquals(both[1], out.toString());
        assertTrue(both[1].contains("memo key 0 already defined"), both[1]);
    }

    private static String all(byte[] data, Map<BigInteger, String> memo) throws IOException {
        StringBuilder out = new StringBuilder();
        try {
            Disassembler.disassembleAll(data, out, memo, Disassembler.Options.DEFAULT);
        } catch (DisassemblyException e) {
            out.append('!').append(e.pythonErrorLine());
        }
        String viaStream = allFromStream(data, memo == null ? null : new HashMap<>());
        assertEquals(out.toString(), viaStream);
        return out.toString();
    }

    private static String allFromStream(byte[] data, Map<BigInteger, String> memo) {
        StringBuilder out = new StringBuilder();
        try {
            Disassembler.disassembleAll(new Trickle(new ByteArrayInputStream(data)), out, memo,
                    Disassembler.Options.DEFAULT);
        } catch (DisassemblyException e) {
            out.append('!').append(e.pythonErrorLine());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
