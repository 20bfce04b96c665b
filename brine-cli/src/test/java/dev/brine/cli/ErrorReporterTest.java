package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one line an error becomes: a message can quote a file's text, so no control character reaches the terminal;
 * each is escaped as Python's repr escapes it in a str (checked against Python for every C0 and C1 control and the
 * Unicode line and paragraph separators), line breaks become spaces, and everything else is kept.
 */
class ErrorReporterTest {
    @TempDir
    Path tmp;

    /**
     * An Error that escapes a verb (picocli hands the reporter only Exceptions) is one line and status 1, as
     * {@link Main#execute} reports it, with its trace only under --debug.
     */
    /**
     * A limit's refusal gives the CLI's advice, not the library's ("raise it in the reader's options", which no verb
     * has): the memory limits, which follow the JVM's heap in the verbs, say how to give it more; others that the
     * verbs keep them at their defaults; a message with advice of its own keeps only the limit's name.
     */
    @Test
    void limitRefusalsGiveTheClisAdvice() {
        assertEquals("x: too big (limit maxAllocation; the verbs allow the JVM's heap: give it more with"
                + " BRINE_JAVA_OPTS=-Xmx...)", ErrorReporter.cliWords(
                new dev.brine.LimitExceededException("maxAllocation", "x: too big").getMessage()));
        assertEquals("x: deep (limit maxDepth, which brine keeps at its default)", ErrorReporter.cliWords(
                new dev.brine.LimitExceededException("maxDepth", "x: deep").getMessage()));
        assertEquals("-: a pipe; save it to a file and give that (limit maxAllocation)", ErrorReporter.cliWords(
                new dev.brine.LimitExceededException("maxAllocation", "-: a pipe; save it to a file and give that")
                        .getMessage()));
        assertEquals("no limit here", ErrorReporter.cliWords("no limit here"));
    }

    @Test
    void anErrorEscapingAVerbIsOneLineAndStatusOne() {
        for (boolean debug : new boolean[] {false, true}) {
            for (Error e : new Error[] {new StackOverflowError(), new OutOfMemoryError("Java heap space"), new AssertionError("x")}) {
                picocli.CommandLine cl = Main.commandLine("show");
                java.io.StringWriter err = new java.io.StringWriter();
                cl.setErr(new java.io.PrintWriter(err));
                cl.parseArgs(debug ? new String[] {"show", "--debug", "f"} : new String[] {"show", "f"});
                assertEquals(1, new ErrorReporter().handleError(e, cl));
                String first = err.toString().lines().findFirst().orElse("");
                assertTrue(first.startsWith("brine: " + (e instanceof OutOfMemoryError ? "out of memory (Java heap space)"
                        : "internal error: ")), first);
                assertEquals(debug ? true : false, err.toString().lines().count() > 1, err.toString());
            }
        }
    }

    /** A warning that names a dict key read from a file (convert leaves it out of an .npz) escapes it too. */
    @Test
    void warningsEscapeWhatTheyQuoteFromAFile() throws IOException {
        Python.require("numpy");
        Python.checkText("import pickle, numpy as np\n"
                + "pickle.dump({'a\\x1b[31mRED': 1, 'w': np.zeros(2)}, open('" + tmp.resolve("esc.pkl") + "', 'wb'))\n");
        CliTest.Run run = CliTest.run("convert", tmp.resolve("esc.pkl").toString(), tmp.resolve("esc.npz").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains("not converted: a\\x1b[31mRED"), run.err());
        assertEquals(-1, run.err().indexOf('\u001b'), run.err());
    }

    /** ls prints an .npz member's name escaped, as Python's repr escapes it (the name comes from the file). */
    @Test
    void lsEscapesNamesFromTheFile() throws IOException {
        Python.require("numpy");
        String name = "\u001b[31mRED\u001b]0;pwn\u0007\n";
        String expected = Python.checkText("import numpy as np\n"
                + "np.savez('" + tmp.resolve("esc.npz") + "', **{'\\x1b[31mRED\\x1b]0;pwn\\x07\\n': np.zeros(2)})\n"
                + "print(repr(list(np.load('" + tmp.resolve("esc.npz") + "').keys())[0])[1:-1])").strip();
        assertEquals(expected, ErrorReporter.escaped(name));
        CliTest.Run run = CliTest.run("ls", tmp.resolve("esc.npz").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains(expected), run.out());
        assertEquals(-1, run.out().indexOf('\u001b'), run.out());
    }

    @Test
    void controlCharactersAreEscapedAsPythonsReprEscapesThem() throws IOException {
        Python.require();
        List<String> codes = new ArrayList<>();
        for (int c = 0; c <= 0x9f; c++) {
            if ((c < 0x20 || c >= 0x7f) && c != '\n' && c != '\r' && c != '\t') {
                codes.add(Integer.toString(c));
            }
        }
        // and every other character repr escapes: the format characters that reorder a line (U+202E, the
        // right-to-left override, which ls printed raw), separators, a no-break space, lone surrogates, unassigned
        // code points; beside characters repr keeps (letters, CJK, an emoji)
        for (int c : new int[] {0x2028, 0x2029, 0x202e, 0x202a, 0x2066, 0x200b, 0x200f, 0xfeff, 0xa0, 0x3000, 0xad,
            0xd800, 0xdfff, 0xe000, 0xfffe, 0x10ffff, 0xe0001, 0x378, 0xe9, 0x6f22, 0x1f600, 0x20}) {
            codes.add(Integer.toString(c));
        }
        List<String> python = Python.eachLine("", "repr(chr(int(line)))[1:-1]", null, codes);
        for (int i = 0; i < codes.size(); i++) {
            int c = Integer.parseInt(codes.get(i));
            assertEquals(python.get(i), ErrorReporter.oneSafeLine(new String(Character.toChars(c))), "U+" + Integer.toHexString(c));
        }
        assertEquals("member 'a\\x1b[31mb' is bad at offset 3", ErrorReporter.oneSafeLine("member 'a\u001b[31mb' is bad\nat offset 3"));
        assertEquals("tab\tand é 漢 kept", ErrorReporter.oneSafeLine("tab\tand é 漢 kept"));
    }
}
