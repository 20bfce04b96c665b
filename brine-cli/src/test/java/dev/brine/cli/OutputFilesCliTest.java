package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Devices;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code convert} and {@code extract} do with what is at OUT, against Python's {@code open(OUT, 'wb')}: a
 * FIFO, a device or a link to one ({@code /dev/stdout}) is written into and stays what it was; a symbolic link
 * stays a link to its target, which gets the new content; a folder is refused naming it. {@code extract}
 * writes only new or regular files inside its folder, never through a link, and names a folder that is a file.
 */
class OutputFilesCliTest {
    @TempDir
    Path tmp;

    /** A daemon thread per task: each end of a pipe blocks its thread until the other end opens, whatever the pool size. */
    private static final java.util.concurrent.Executor THREADS = task -> {
        Thread t = new Thread(task, "fifo end");
        t.setDaemon(true);
        t.start();
    };

    private static final String KINDS = String.join("\n",
            "import os, stat, sys",
            "for p in sys.argv[1:]:",
            "    st = os.lstat(p)",
            "    print(os.path.basename(p), 'link -> ' + os.readlink(p) if stat.S_ISLNK(st.st_mode) else 'fifo'",
            "          if stat.S_ISFIFO(st.st_mode) else 'char device %d,%d' % (os.major(st.st_rdev), os.minor(st.st_rdev))",
            "          if stat.S_ISCHR(st.st_mode) else 'folder' if stat.S_ISDIR(st.st_mode) else 'file')");

    private static String kinds(Path... files) throws IOException {
        return Python.checkText(KINDS, files);
    }

    /** A pickle CPython wrote, and the bytes CPython writes for what it holds at protocol 5 (convert's default). */
    private byte[] pickleAndItsProtocol5(Path in) throws IOException {
        return Python.check(String.join("\n", "import pickle, sys",
                "obj = {'w': [1.5, -2.5], 'name': 'brine', 'n': 3}",
                "pickle.dump(obj, open(sys.argv[1], 'wb'), 2)",
                "sys.stdout.buffer.write(pickle.dumps(pickle.load(open(sys.argv[1], 'rb')), 5))"), new byte[0], in.toString());
    }

    @Test
    void convertWritesIntoAFifoAndThroughALinkToOneAsPythonDoes() throws Exception {
        Python.require();
        Path in = tmp.resolve("in.pkl");
        byte[] expected = pickleAndItsProtocol5(in);
        Path fifo = tmp.resolve("out.pkl");
        Python.check("import os, sys; os.mkfifo(sys.argv[1]); os.symlink('out.pkl', sys.argv[2])", new byte[0],
                fifo.toString(), tmp.resolve("stdout").toString());
        for (Path out : new Path[] {fifo, tmp.resolve("stdout")}) {
            CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.readAllBytes(fifo);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, THREADS);
            CliTest.Run run = CliTest.run("convert", in.toString(), out.toString());
            assertEquals(0, run.status(), run.err());
            assertArrayEquals(expected, reader.get(30, TimeUnit.SECONDS));
        }
        assertEquals("out.pkl fifo\nstdout link -> out.pkl\n", kinds(fifo, tmp.resolve("stdout")));
        assertEquals(3, tmp.toFile().list().length, "in.pkl, out.pkl, stdout: no temporary file beside them");
    }

    /**
     * As {@code convert x /dev/null}: into a private copy of /dev/null as root (the real /dev is never touched), or a
     * link to the real one without root (see {@link Devices#nullDevice}).
     */
    @Test
    void convertWritesIntoACharacterDeviceAndLeavesItADevice() throws Exception {
        Python.require("numpy");
        Path device = tmp.resolve("null");
        String expected = Devices.nullDevice(device) + "\n";
        Path in = tmp.resolve("in.pkl");
        pickleAndItsProtocol5(in);
        Python.check("import numpy as np, sys; np.save(sys.argv[1], np.arange(4)); np.save(open(sys.argv[2], 'wb'), np.arange(4))",
                new byte[0], tmp.resolve("a.npy").toString(), device.toString());
        assertEquals(expected, kinds(device)); // numpy wrote into it
        for (String[] args : new String[][] {{"convert", in.toString(), device.toString()},
                {"convert", tmp.resolve("a.npy").toString(), device.toString()}}) {
            CliTest.Run run = CliTest.run(args);
            assertEquals(0, run.status(), run.err());
        }
        assertEquals(expected, kinds(device));
        assertEquals(3, tmp.toFile().list().length, "null, in.pkl, a.npy: no temporary file");
        Devices.assertDevNullIsADevice();
    }

    @Test
    void convertWritesThroughALinkAndKeepsIt() throws Exception {
        Python.require("numpy");
        Python.check(String.join("\n", "import numpy as np, os, sys",
                "os.chdir(sys.argv[1])",
                "np.savez('in.npz', w=np.arange(6.0).reshape(2, 3))",
                "open('real.npy', 'wb').write(b'old')",
                "os.symlink('real.npy', 'link.npy')",
                "np.save('python.npy', np.load('in.npz')['w'])"), new byte[0], tmp.toString());
        CliTest.Run run = CliTest.run("convert", tmp.resolve("in.npz").toString(), tmp.resolve("link.npy").toString());
        assertEquals(0, run.status(), run.err());
        assertEquals("link.npy link -> real.npy\n", kinds(tmp.resolve("link.npy")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("python.npy")), Files.readAllBytes(tmp.resolve("real.npy")));
    }

    /** A folder as OUT: the error names it, not Brine's temporary file, and nothing is left in it or beside it. */
    @Test
    void convertToAFolderNamesTheFolder() throws Exception {
        Python.require();
        Path in = tmp.resolve("in.pkl");
        pickleAndItsProtocol5(in);
        Path folder = Files.createDirectory(tmp.resolve("out"));
        Python.Result py = Python.run("import pickle, sys; pickle.dump(1, open(sys.argv[1], 'wb'))", new byte[0], folder.toString());
        assertTrue(py.stderr.contains("IsADirectoryError"), py.stderr); // Python refuses it too
        CliTest.Run run = CliTest.run("convert", in.toString(), folder.toString());
        assertEquals(1, run.status());
        assertEquals("brine: " + folder + ": is a folder, not a file\n", run.err());
        assertEquals(0, folder.toFile().list().length);
        assertEquals(2, tmp.toFile().list().length);
        // a folder that takes no new files: the error names OUT, not Brine's temporary file (as Python names OUT)
        Python.Result proc = Python.run("open('/proc/x.pkl', 'wb')", new byte[0]);
        assertTrue(proc.stderr.contains("FileNotFoundError") && proc.stderr.contains("'/proc/x.pkl'"), proc.stderr);
        CliTest.Run noFile = CliTest.run("convert", in.toString(), "/proc/x.pkl");
        assertEquals(1, noFile.status());
        assertEquals("brine: /proc/x.pkl: no such file\n", noFile.err());
        // an output named as a compressed file: a usage error (a plain pickle under that name fails in gunzip and in
        // pandas.read_pickle, which go by the suffix), nothing written
        for (String name : new String[] {"x.pkl.gz", "x.npz.zst", "x.BZ2", "x.xz", "x.lz4", "x.lzma"}) {
            CliTest.Run compressed = CliTest.run("convert", in.toString(), tmp.resolve(name).toString());
            assertEquals(2, compressed.status(), name);
            assertTrue(compressed.err().contains("brine writes no ") && compressed.err().contains("compression; write "
                    + name.substring(0, name.lastIndexOf('.')) + " and compress it afterwards"), compressed.err());
            assertFalse(Files.exists(tmp.resolve(name)));
        }
        // OUT typed with a trailing slash names a folder: Python's open('x.pkl/', 'wb') refuses it; brine wrote x.pkl
        Python.Result slash = Python.run("open('" + tmp.resolve("x.pkl") + "/', 'wb')", new byte[0]);
        assertTrue(slash.stderr.contains("IsADirectoryError"), slash.stderr);
        CliTest.Run typed = CliTest.run("convert", in.toString(), tmp.resolve("x.pkl") + "/");
        assertEquals(1, typed.status());
        assertEquals("brine: " + tmp.resolve("x.pkl") + "/: names a folder (it ends with /), not a file to write\n", typed.err());
        assertFalse(Files.exists(tmp.resolve("x.pkl")));
        // the root folder, whose path has no file name (that was a NullPointerException's text)
        CliTest.Run root = CliTest.run("convert", in.toString(), "/");
        assertEquals(1, root.status());
        assertEquals("brine: /: is a folder, not a file\n", root.err());
    }

    /**
     * extract writes plain files into its folder and nothing through a link, which could lead out of it: a link
     * (or a FIFO) where an array would go is refused naming it, the link's target is untouched, and the arrays
     * written before it are taken away again.
     */
    @Test
    void extractRefusesToWriteThroughALinkInItsFolder() throws Exception {
        Python.require("numpy");
        Path dir = tmp.resolve("out");
        Python.check(String.join("\n", "import numpy as np, os, sys",
                "os.chdir(sys.argv[1])",
                "np.savez('in.npz', a=np.arange(3), b=np.ones(2), c=np.zeros(1))",
                "os.mkdir('out')",
                "open('outside.npy', 'wb').write(b'keep')",
                "os.symlink('../outside.npy', 'out/b.npy')",
                "os.mkfifo('out/c.npy')"), new byte[0], tmp.toString());
        CliTest.Run run = CliTest.run("extract", tmp.resolve("in.npz").toString(), "-o", dir.toString());
        assertEquals(1, run.status(), run.out());
        assertEquals("brine: " + dir.resolve("b.npy") + ": exists and is not a regular file (a symbolic link); only new"
                + " or regular files are written, nothing through links\n", run.err());
        assertEquals("keep", Files.readString(tmp.resolve("outside.npy")));
        assertFalse(Files.exists(dir.resolve("a.npy")), "a.npy, written before, is taken away again");
        assertEquals("b.npy link -> ../outside.npy\nc.npy fifo\n", kinds(dir.resolve("b.npy"), dir.resolve("c.npy")));
        Files.delete(dir.resolve("b.npy"));
        CliTest.Run fifo = CliTest.run("extract", tmp.resolve("in.npz").toString(), "-o", dir.toString());
        assertEquals(1, fifo.status(), fifo.out());
        assertTrue(fifo.err().startsWith("brine: " + dir.resolve("c.npy") + ": exists and is not a regular file (a device,"
                + " FIFO or socket)"), fifo.err());
    }

    /** extract -o at an existing file: the error says what is wrong with it (it said only its name). */
    @Test
    void extractIntoAFileSaysItIsNotAFolder() throws Exception {
        Python.require("numpy");
        Python.check("import numpy as np, sys; np.save(sys.argv[1], np.arange(3))", new byte[0], tmp.resolve("a.npy").toString());
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        CliTest.Run run = CliTest.run("extract", tmp.resolve("a.npy").toString(), "-o", file.toString());
        assertEquals(1, run.status());
        assertEquals("brine: " + file + ": exists and is not a folder; give a folder to write into\n", run.err());
        assertEquals("x", Files.readString(file));
    }
}
