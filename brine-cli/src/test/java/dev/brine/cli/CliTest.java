package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.py.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the verbs in-process and checks their output and exit status. */
class CliTest {
    @TempDir
    Path tmp;

    /** Output and status of one run. */
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** {@link #run} with {@code bytes} as standard input (a verb given {@code -}). */
    static Run runWithStdin(byte[] bytes, String... args) {
        java.io.InputStream old = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(bytes));
            return run(args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void demoRunsTheSeedWalkThrough() {
        Run r = run("demo");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("All steps reloaded equal."), r.out());
        assertTrue(r.out().contains("training set was not saved"), r.out());
    }

    @Test
    void showPrintsEveryObjectPythonLike() throws Exception {
        Path f = tmp.resolve("two.pkl");
        try (var out = Files.newOutputStream(f)) {
            Pickle.dump(List.of(1L, "a", Tuple.of(true, null)), out, 2);
            Pickle.dump(2.5, out, 5);
        }
        Run r = run("show", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("# object 1 of 2\n[1, 'a', (True, None)]\n# object 2 of 2\n2.5\n", r.out());
    }

    @Test
    void convertRewritesAtAnotherProtocol() throws Exception {
        Path in = tmp.resolve("in.pkl");
        Path out = tmp.resolve("out.pkl");
        Files.write(in, Pickle.dumps(List.of(1L, 2L), 5));
        Run r = run("convert", in.toString(), out.toString(), "--protocol", "0");
        assertEquals(0, r.status(), r.err());
        assertEquals("(lp0\nI1\naI2\na.", Files.readString(out));
    }

    @Test
    void verifyRefusesAnEmptyFileAsShowDoes() throws Exception {
        for (String name : new String[] {"e.pkl", "e.npy"}) {
            Path f = Files.write(tmp.resolve(name), new byte[0]);
            Run show = run("show", f.toString());
            Run verify = run("verify", f.toString());
            assertEquals(1, verify.status(), verify.out());
            assertEquals("", verify.out());
            assertEquals("brine: " + f + ": no pickle: the file is empty\n", verify.err());
            assertEquals(show.err(), verify.err());
        }
    }

    @Test
    void badInputIsOneLineAndStatusOne() throws Exception {
        Path f = tmp.resolve("bad.pkl");
        Files.write(f, new byte[] {(byte) 0x80, 5, 'K'});
        Run r = run("show", f.toString());
        assertEquals(1, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("brine: " + f + ": pickle data was truncated"), r.err());
    }

    @Test
    void missingFileAndUsageErrors() {
        Run missing = run("show", tmp.resolve("nope.pkl").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertEquals(2, run("show").status());
        assertEquals(2, run("frobnicate").status());
    }
}
