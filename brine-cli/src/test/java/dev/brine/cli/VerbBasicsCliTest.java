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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every verb shares: {@code -V} prints the version (each verb's help offers it; it printed nothing), an empty
 * file is named in the message (a file named {@code empty} was not: its name is a word of the message), {@code -}
 * reads standard input, and each verb's help says which formats it reads.
 */
class VerbBasicsCliTest {
    private static final List<String> VERBS = List.of("demo", "show", "dis", "ls", "convert", "extract", "verify");

    @TempDir
    Path tmp;

    @Test
    void everyVerbPrintsTheVersionAsBrineDoes() {
        CliTest.Run top = CliTest.run("-V");
        assertEquals(0, top.status());
        assertTrue(top.out().matches("brine \\d+\\.\\d+\\.\\d+\\n"), top.out());
        for (String verb : VERBS) {
            for (String option : List.of("-V", "--version")) {
                CliTest.Run run = CliTest.run(verb, option);
                assertEquals(0, run.status(), verb);
                assertEquals(top.out(), run.out(), verb + " " + option);
                assertEquals("", run.err(), verb);
            }
        }
    }

    /**
     * Only the verb the arguments name is built (picocli reads its annotations when it is added); help, a missing
     * verb and a mistyped one get all of them, in the order help lists them, so "Did you mean" still finds the verb.
     */
    @Test
    void onlyTheNamedVerbIsBuiltAndHelpListsEveryVerb() {
        assertEquals(List.of("convert"), List.copyOf(Main.commandLine("convert", "a.pkl", "b.npy").getSubcommands().keySet()));
        assertEquals(List.of("show"), List.copyOf(Main.commandLine("--debug", "show", "convert").getSubcommands().keySet()));
        for (String[] args : new String[][] {{}, {"--help"}, {"-V"}, {"--debug"}, {"shw", "x"}, {"--help", "convert"},
                {"-hV", "show"}, {"--debug", "-h", "ls"}}) {
            assertEquals(VERBS, List.copyOf(Main.commandLine(args).getSubcommands().keySet()), List.of(args).toString());
        }
        CliTest.Run typo = CliTest.run("shw", "x");
        assertEquals(2, typo.status());
        assertTrue(typo.err().contains("Did you mean: brine show?"), typo.err());
        String help = CliTest.run("--help").out();
        assertEquals(help, CliTest.run("--help", "convert").out());
        int at = -1;
        for (String verb : VERBS) {
            int next = help.indexOf("\n  " + verb + " ");
            assertTrue(next > at, verb + " listed in order in\n" + help);
            at = next;
        }
    }

    /**
     * {@code brine} with no verb is a usage error, status 2 with the usage on stderr, as an unknown verb is (it printed
     * the usage with status 0, which a script reads as success); {@code --help}, {@code -h} and {@code --version} still
     * end with 0, their text on stdout.
     */
    @Test
    void noVerbIsAUsageErrorAndHelpIsNot() {
        for (String[] args : new String[][] {{}, {"--debug"}, {"frob"}}) {
            CliTest.Run run = CliTest.run(args);
            assertEquals(2, run.status(), List.of(args).toString());
            assertEquals("", run.out(), List.of(args).toString());
            assertTrue(run.err().contains("Usage: brine [-hV] [--debug] [COMMAND]"), run.err());
        }
        assertTrue(CliTest.run().err().startsWith("Missing a verb (brine --help lists them)\n"));
        for (String option : List.of("--help", "-h")) {
            CliTest.Run help = CliTest.run(option);
            assertEquals(0, help.status(), option);
            assertTrue(help.out().startsWith("Usage: brine [-hV] [--debug] [COMMAND]"), help.out());
            assertEquals("", help.err(), option);
        }
        assertEquals(0, CliTest.run("--version").status());
    }

    /**
     * An empty file named {@code empty}, given by that relative name (the JVM cannot change its folder, so the CLI runs
     * in a process of its own, in {@code tmp}): every verb names it, as the README's "what and where" says.
     */
    @Test
    void anEmptyFileIsNamedByEveryVerb() throws Exception {
        Files.write(tmp.resolve("empty"), new byte[0]);
        String[][] runs = {{"show", "empty"}, {"ls", "empty"}, {"verify", "empty"}, {"extract", "empty", "-o", "out"},
            {"convert", "empty", "x.pkl"}, {"show", "--json", "empty"}};
        for (String[] args : runs) {
            String[] ran = inFolder(args);
            assertEquals("1", ran[0], String.join(" ", args));
            assertEquals("brine: empty: no pickle: the file is empty\n", ran[2], String.join(" ", args));
        }
    }

    /** {@code -} is standard input for every verb that reads a file, as a pipe given by name is. */
    @Test
    void aDashReadsStandardInput() throws Exception {
        Python.require("numpy");
        Python.check("import numpy as np, pickle, sys\nnp.savez(sys.argv[1] + '/a.npz', w=np.arange(3))\n"
                + "pickle.dump({'w': np.arange(3), 'lr': 0.5}, open(sys.argv[1] + '/d.pkl', 'wb'))", new byte[0], tmp.toString());
        for (String file : List.of("a.npz", "d.pkl")) {
            byte[] bytes = Files.readAllBytes(tmp.resolve(file));
            for (String verb : List.of("show", "ls", "verify", "dis")) {
                if (verb.equals("dis") && file.endsWith(".npz")) {
                    continue; // an .npz of numbers has no pickle to disassemble
                }
                CliTest.Run named = CliTest.run(verb, tmp.resolve(file).toString());
                CliTest.Run piped = CliTest.runWithStdin(bytes, verb, "-");
                assertEquals(named.status(), piped.status(), verb + " " + file + ": " + piped.err());
                assertEquals(0, piped.status(), verb + " " + file + ": " + piped.err());
                // the same output, the file named '-' where it is named
                assertEquals(named.out().replace(tmp.resolve(file).toString(), "-"), piped.out(), verb + " " + file);
            }
            CliTest.Run convert = CliTest.runWithStdin(bytes, "convert", "-", tmp.resolve(file + ".out.npz").toString());
            assertEquals(0, convert.status(), convert.err());
            CliTest.Run extract = CliTest.runWithStdin(bytes, "extract", "-", "-o", tmp.resolve(file + ".ex").toString());
            assertEquals(0, extract.status(), extract.err());
            assertEquals("ok", Python.checkText("import numpy as np, sys, os\nd = sys.argv[1]\n"
                    + "assert np.load(d + '.out.npz').files == ['w'] and np.array_equal(np.load(d + '.out.npz')['w'], np.arange(3))\n"
                    + "assert np.array_equal(np.load(os.path.join(d + '.ex', 'w.npy')), np.arange(3))\nprint('ok')",
                    tmp.resolve(file)).strip());
        }
        CliTest.Run empty = CliTest.runWithStdin(new byte[0], "show", "-");
        assertEquals(1, empty.status());
        assertEquals("brine: -: no pickle: the file is empty\n", empty.err());
    }

    /** {@code convert IN -} writes a pickle to standard output, as IN's {@code -} reads standard input; no file named -. */
    @Test
    void convertToADashWritesStandardOutput() throws Exception {
        Python.require("numpy");
        Python.check("import numpy as np, sys\nnp.savez(sys.argv[1] + '/a.npz', w=np.arange(3), b=np.ones(2))",
                new byte[0], tmp.toString());
        String[] ran = inFolder("convert", "a.npz", "-", "--protocol", "2");
        assertEquals("0", ran[0], ran[2]);
        assertFalse(Files.exists(tmp.resolve("-")), "convert wrote a file named -");
        Path written = tmp.resolve("stdout.pkl");
        Files.writeString(written, ran[1], StandardCharsets.ISO_8859_1);
        assertEquals("ok", Python.checkText("import numpy as np, pickle, sys\nd = pickle.load(open(sys.argv[1], 'rb'))\n"
                + "assert list(d) == ['w', 'b'] and np.array_equal(d['w'], np.arange(3)) and np.array_equal(d['b'], np.ones(2))\n"
                + "print('ok')", written).strip());
    }

    /** Each verb's help names every format it reads, and {@code -}. */
    @Test
    void helpListsTheFormatsRead() {
        for (String verb : List.of("show", "ls", "verify", "extract", "convert")) {
            String help = CliTest.run(verb, "--help").out().replaceAll("\\s+", " ");
            for (String format : List.of("pickle", ".npy", ".npz", "model archive", "torch checkpoint", ".safetensors",
                    "- reads standard input")) {
                assertTrue(help.contains(format), verb + " --help lacks " + format + ": " + help);
            }
        }
    }

    /** The CLI run in {@code tmp} in a JVM of its own: {status, stdout, stderr}. */
    private String[] inFolder(String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("brine-out", ".txt");
        Path err = Files.createTempFile("brine-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", args) + " hung");
            // stdout's bytes one char each (ISO-8859-1): text for the version, a pickle for convert IN -
            return new String[] {String.valueOf(p.exitValue()), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.UTF_8)};
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
