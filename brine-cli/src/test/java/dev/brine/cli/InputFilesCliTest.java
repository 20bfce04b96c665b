package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brine.LimitExceededException;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FILE that is not a regular file. A pipe or a FIFO ({@code cat f | brine show /dev/stdin}, {@code brine ls
 * <(cat f)}) gives its bytes once, and every verb reads them as it reads the same bytes from a regular file
 * (as pickle.load and np.load read them), naming the pipe in its messages; the copy it reads them from is gone
 * when the verb is done, and is bounded. A folder is refused naming it (it was "brine: Is a directory").
 */
class InputFilesCliTest {
    @TempDir
    Path tmp;

    /** A daemon thread per task: each end of a pipe blocks its thread until the other end opens, whatever the pool size. */
    private static final java.util.concurrent.Executor THREADS = task -> {
        Thread t = new Thread(task, "fifo end");
        t.setDaemon(true);
        t.start();
    };

    /**
     * Runs the verb on {@code fifo} while another thread writes {@code bytes} into it, as a shell pipe would. A verb
     * that opens the pipe a second time would wait for a writer that never comes: after a minute both ends are
     * opened and closed (read-write, which never waits), so that it ends, and the test fails.
     */
    private static CliTest.Run throughFifo(Path fifo, byte[] bytes, String... args) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                Files.write(fifo, bytes);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, THREADS);
        CompletableFuture<CliTest.Run> verb = CompletableFuture.supplyAsync(() -> CliTest.run(args), THREADS);
        try {
            CliTest.Run run = verb.get(60, TimeUnit.SECONDS);
            writer.get(60, TimeUnit.SECONDS);
            return run;
        } catch (TimeoutException e) {
            FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
            verb.get(60, TimeUnit.SECONDS);
            return fail(String.join(" ", args) + ": still waiting on the pipe after a minute (it opened it again)");
        }
    }

    private static Set<String> copiesLeft() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("brine-input")).collect(Collectors.toSet());
        }
    }

    private Path fifo(String name) throws IOException {
        Path fifo = tmp.resolve(name);
        Python.check("import os, sys; os.mkfifo(sys.argv[1])", new byte[0], fifo.toString());
        return fifo;
    }

    @Test
    void aPickleThroughAPipeReadsAsFromAFile() throws Exception {
        Python.require();
        Set<String> before = copiesLeft();
        Path file = tmp.resolve("small.pkl");
        String repr = Python.checkText("import pickle, sys\nobj = {'a': [1, 2, 3], 'b': ('x', 2.5)}\n"
                + "pickle.dump(obj, open(sys.argv[1], 'wb'), 2)\nprint(repr(obj))", file).strip();
        byte[] bytes = Files.readAllBytes(file);
        Path fifo = fifo("stdin");
        CliTest.Run show = throughFifo(fifo, bytes, "show", fifo.toString());
        assertEquals(0, show.status(), show.err());
        assertEquals(repr + "\n", show.out());
        CliTest.Run dis = throughFifo(fifo, bytes, "dis", fifo.toString());
        assertEquals(0, dis.status(), dis.err());
        assertEquals(Python.checkText("import pickletools, sys; pickletools.dis(open(sys.argv[1], 'rb'))", file), dis.out());
        CliTest.Run verify = throughFifo(fifo, bytes, "verify", fifo.toString());
        assertEquals(fifo + ": ok (pickle, 1 item)\n", verify.out(), verify.err());
        assertEquals(0, throughFifo(fifo, bytes, "ls", fifo.toString()).status());
        Path out = tmp.resolve("out.pkl");
        CliTest.Run convert = throughFifo(fifo, bytes, "convert", fifo.toString(), out.toString(), "--protocol", "2");
        assertEquals(0, convert.status(), convert.err());
        assertArrayEquals(bytes, Files.readAllBytes(out)); // CPython's bytes again
        assertEquals(before, copiesLeft());
    }

    @Test
    void arraysThroughAPipeReadAsFromAFile() throws Exception {
        Python.require("numpy");
        Set<String> before = copiesLeft();
        Python.check(String.join("\n", "import numpy as np, os, sys",
                "os.chdir(sys.argv[1])",
                "np.save('small.npy', np.arange(4.0))",
                "np.savez('two.npz', w=np.arange(6).reshape(2, 3), b=np.ones(2, dtype='<f4'))"), new byte[0], tmp.toString());
        byte[] npy = Files.readAllBytes(tmp.resolve("small.npy"));
        byte[] npz = Files.readAllBytes(tmp.resolve("two.npz"));
        Path fifo = fifo("63");
        CliTest.Run show = throughFifo(fifo, npy, "show", fifo.toString());
        assertEquals(0, show.status(), show.err());
        assertEquals(CliTest.run("show", tmp.resolve("small.npy").toString()).out(), show.out());
        Path converted = tmp.resolve("again.npy");
        CliTest.Run convert = throughFifo(fifo, npy, "convert", fifo.toString(), converted.toString());
        assertEquals(0, convert.status(), convert.err());
        assertArrayEquals(npy, Files.readAllBytes(converted)); // np.save's bytes
        CliTest.Run ls = throughFifo(fifo, npz, "ls", fifo.toString());
        assertEquals(0, ls.status(), ls.err());
        assertEquals(CliTest.run("ls", tmp.resolve("two.npz").toString()).out(), ls.out());
        Path dir = tmp.resolve("out");
        CliTest.Run extract = throughFifo(fifo, npz, "extract", fifo.toString(), "-o", dir.toString());
        assertEquals(0, extract.status(), extract.err());
        assertEquals("True", Python.checkText(String.join("\n", "import numpy as np, sys",
                "z = np.load(sys.argv[1])",
                "print(all(np.array_equal(z[k], np.load(sys.argv[2] + '/' + k + '.npy')) and z[k].dtype == np.load(sys.argv[2] + '/' + k + '.npy').dtype for k in ('w', 'b')))"),
                tmp.resolve("two.npz"), dir).strip());
        CliTest.Run verify = throughFifo(fifo, npz, "verify", fifo.toString());
        assertEquals(fifo + ": ok (npz, 2 items)\n", verify.out(), verify.err());
        assertEquals(before, copiesLeft());
    }

    /** A damaged file through a pipe: the error names the pipe, never the copy it was read from. */
    @Test
    void errorsNameThePipeNotItsCopy() throws Exception {
        Python.require("numpy");
        Path file = tmp.resolve("cut.npy");
        Python.check("import numpy as np, sys; np.save(sys.argv[1], np.arange(100.0))", new byte[0], file.toString());
        byte[] cut = java.util.Arrays.copyOf(Files.readAllBytes(file), 200);
        Files.write(file, cut);
        Python.Result numpy = Python.run("import numpy as np, sys; np.load(sys.argv[1])", new byte[0], file.toString());
        assertTrue(numpy.exitCode != 0, "numpy refuses it too");
        String fromFile = CliTest.run("show", file.toString()).err();
        assertTrue(fromFile.startsWith("brine: " + file + ": "), fromFile);
        Path fifo = fifo("stdin");
        for (String verb : new String[] {"show", "ls", "verify"}) {
            CliTest.Run run = throughFifo(fifo, cut, verb, fifo.toString());
            assertEquals(1, run.status(), run.out());
            assertEquals(fromFile.replace(file.toString(), fifo.toString()), run.err(), verb);
        }
    }

    /** A pipe holding more than a copy may hold is refused naming it and the limit, and no copy is left. */
    @Test
    void aPipeBeyondTheLimitIsRefusedAndLeavesNoCopy() throws Exception {
        Python.require();
        Set<String> before = copiesLeft();
        Path fifo = fifo("endless");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                Files.write(fifo, new byte[100_000]);
            } catch (IOException e) {
                // the reader stopped before the end: a broken pipe, as `yes | brine ...` gets
            }
        }, THREADS);
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> InputFile.open(fifo, 1000).close());
        writer.get(30, TimeUnit.SECONDS);
        assertEquals("maxAllocation", e.limit());
        assertTrue(e.getMessage().startsWith(fifo + ": not a regular file (a pipe or a device), and it holds more than"
                + " 1000 bytes"), e.getMessage());
        assertEquals(before, copiesLeft());
    }

    @Test
    void aFolderAsFileIsNamed() throws Exception {
        Python.require();
        Path dir = Files.createDirectory(tmp.resolve("folder"));
        Python.Result py = Python.run("import pickle, sys; pickle.load(open(sys.argv[1], 'rb'))", new byte[0], dir.toString());
        assertTrue(py.stderr.contains("IsADirectoryError"), py.stderr);
        String[][] runs = {{"show", dir.toString()}, {"ls", dir.toString()}, {"verify", dir.toString()},
            {"dis", dir.toString()}, {"convert", dir.toString(), tmp.resolve("x.pkl").toString()},
            {"extract", dir.toString(), "-o", tmp.resolve("out").toString()}};
        for (String[] args : runs) {
            CliTest.Run run = CliTest.run(args);
            assertEquals(1, run.status(), args[0]);
            assertEquals("brine: " + dir + ": is a folder, not a file\n", run.err(), args[0]);
        }
        assertFalse(Files.exists(tmp.resolve("x.pkl")) || Files.exists(tmp.resolve("out")));
    }
}
