package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.testing.Devices;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving to what is at the target, against Python's {@code open(path, 'wb')} (which {@code pickle.dump} and
 * {@code np.save} write through): a symbolic link is written through and stays a link (its target replaced
 * atomically, a missing target created), a FIFO or a character device is written into and stays one, a folder
 * is refused naming the target; and a save that fails leaves no file behind that was not there.
 */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    /** A daemon thread per task: each end of a pipe blocks its thread until the other end opens, whatever the pool size. */
    private static final java.util.concurrent.Executor THREADS = task -> {
        Thread t = new Thread(task, "fifo end");
        t.setDaemon(true);
        t.start();
    };

    /** Each entry of a folder, as Python's lstat sees it: a link's text, a node's kind, a file's bytes in hex. */
    private static final String DESCRIBE = String.join("\n",
            "import os, stat, sys",
            "d = sys.argv[1]",
            "for name in sorted(os.listdir(d)):",
            "    p = os.path.join(d, name)",
            "    st = os.lstat(p)",
            "    if stat.S_ISLNK(st.st_mode): kind = 'link -> ' + os.readlink(p)",
            "    elif stat.S_ISFIFO(st.st_mode): kind = 'fifo'",
            "    elif stat.S_ISCHR(st.st_mode): kind = 'char device %d,%d' % (os.major(st.st_rdev), os.minor(st.st_rdev))",
            "    elif stat.S_ISDIR(st.st_mode): kind = 'folder'",
            "    else: kind = 'file ' + open(p, 'rb').read().hex()",
            "    print(name, kind)");

    /** The objects written: Brine's pickle of them is CPython's, byte for byte. */
    private static Map<String, Object> model() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("w", List.of(1.5, -2.5));
        m.put("name", "brine");
        return m;
    }

    private static final String MODEL = "{'w': [1.5, -2.5], 'name': 'brine'}";

    private static String describe(Path folder) throws IOException {
        return Python.checkText(DESCRIBE, folder);
    }

    /** The same links in {@code folder}: one to an existing file, one to a file still missing, one to the first. */
    private static void links(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("real.pkl"), "old");
        Files.createSymbolicLink(folder.resolve("link.pkl"), Path.of("real.pkl"));
        Files.createSymbolicLink(folder.resolve("dangling.pkl"), Path.of("made.pkl"));
        Files.createSymbolicLink(folder.resolve("chain.pkl"), Path.of("link.pkl"));
        Files.writeString(folder.resolve("other.npy"), "old");
        Files.createSymbolicLink(folder.resolve("array.npy"), Path.of("other.npy"));
    }

    @Test
    void linksAreWrittenThroughAsPythonWritesThem() throws Exception {
        Python.require("numpy");
        Path py = tmp.resolve("py");
        Path java = tmp.resolve("java");
        links(py);
        links(java);
        Python.check(String.join("\n",
                "import os, pickle, sys, numpy as np",
                "os.chdir(sys.argv[1])",
                "pickle.dump(" + MODEL + ", open('link.pkl', 'wb'), 5)",
                "pickle.dump([" + MODEL + "], open('dangling.pkl', 'wb'), 5)",
                "pickle.dump((1, 2), open('chain.pkl', 'wb'), 5)",
                "np.save('array.npy', np.arange(3, dtype='<i4'))"), new byte[0], py.toString());
        Pickle.dump(model(), java.resolve("link.pkl"), 5);
        Pickle.dump(List.of(model()), java.resolve("dangling.pkl"), 5);
        Pickle.dump(dev.brine.py.Tuple.of(1L, 2L), java.resolve("chain.pkl"), 5);
        Npy.write(NDArray.of(new int[] {0, 1, 2}), java.resolve("array.npy"));
        String expected = describe(py);
        assertTrue(expected.contains("link.pkl link -> real.pkl") && expected.contains("made.pkl file"), expected);
        assertEquals(expected, describe(java));
    }

    @Test
    void aFifoIsWrittenIntoAndStaysAFifo() throws Exception {
        Python.require();
        Path fifo = tmp.resolve("fifo.pkl");
        Python.check("import os, sys; os.mkfifo(sys.argv[1]); os.symlink('fifo.pkl', sys.argv[1] + '.link')",
                new byte[0], fifo.toString());
        byte[] expected = Python.check("import pickle, sys; sys.stdout.buffer.write(pickle.dumps(" + MODEL + ", 5))",
                new byte[0]);
        for (Path target : List.of(fifo, tmp.resolve("fifo.pkl.link"))) { // directly, and through a link as /dev/stdout
            CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.readAllBytes(fifo);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, THREADS);
            Pickle.dump(model(), target, 5);
            assertArrayEquals(expected, reader.get(30, TimeUnit.SECONDS));
        }
        assertEquals("fifo.pkl fifo\nfifo.pkl.link link -> fifo.pkl\n", describe(tmp));
    }

    /**
     * A private character device with /dev/null's numbers, as root (the real /dev is never touched); without root,
     * where mknod is refused, a link to the real /dev/null, which a save could not replace even if it tried.
     */
    @Test
    void aCharacterDeviceIsWrittenIntoAndStaysADevice() throws Exception {
        Python.require();
        Path device = tmp.resolve("null.pkl");
        String expected = Devices.nullDevice(device) + "\n";
        Python.check("import pickle, sys; pickle.dump(" + MODEL + ", open(sys.argv[1], 'wb'))", new byte[0],
                device.toString());
        assertEquals(expected, describe(tmp)); // Python wrote into it, as Brine must
        Pickle.dump(model(), device, 5);
        Npy.write(NDArray.of(new int[] {1}), device);
        assertEquals(expected, describe(tmp));
        Devices.assertDevNullIsADevice();
    }

    @Test
    void aFolderIsRefusedNamingTheTarget() throws Exception {
        Python.require();
        Path folder = Files.createDirectory(tmp.resolve("out.pkl"));
        Files.createSymbolicLink(tmp.resolve("to-folder.pkl"), folder.getFileName());
        for (Path target : List.of(folder, tmp.resolve("to-folder.pkl"))) {
            Python.Result py = Python.run("import pickle, sys; pickle.dump(1, open(sys.argv[1], 'wb'))", new byte[0],
                    target.toString());
            assertTrue(py.stderr.contains("IsADirectoryError"), py.stderr);
            FileSystemException e = assertThrows(FileSystemException.class, () -> Pickle.dump(1L, target, 5));
            assertEquals(target + ": is a folder, not a file", e.getMessage());
        }
        assertEquals("out.pkl folder\nto-folder.pkl link -> out.pkl\n", describe(tmp));
    }

    /** The hostile-input guarantee: a save that fails midway leaves what was there, and no file of its own. */
    @Test
    void aFailedSaveThroughALinkLeavesNothingBehind() throws Exception {
        Python.require();
        links(tmp);
        String before = describe(tmp);
        for (String name : new String[] {"link.pkl", "dangling.pkl", "chain.pkl"}) {
            IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(tmp.resolve(name), out -> {
                out.write("partial".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                throw new IOException("refused midway");
            }));
            assertEquals("refused midway", e.getMessage());
        }
        assertEquals(before, describe(tmp));
        assertFalse(Files.exists(tmp.resolve("made.pkl"), LinkOption.NOFOLLOW_LINKS));
    }
}
