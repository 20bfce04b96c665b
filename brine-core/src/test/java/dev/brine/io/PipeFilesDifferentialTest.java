package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.safetensors.SafeTensors;
import dev.brine.testing.Fifos;
import dev.brine.testing.Python;
import dev.brine.torch.TorchCheckpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file loaders on a file that cannot seek: a FIFO, as {@code /dev/stdin} fed by a pipe or bash's
 * {@code <(...)} are. CPython's {@code pickle.load} and numpy's {@code format.read_array} read such a file
 * front to back, and so do {@code Pickle.load(Path)}, {@code Pickle.loadAll(Path, ...)} and
 * {@code Npy.read(Path)} (which once failed with a raw "Illegal seek", or called the array truncated);
 * the formats read at offsets (ZIP archives, safetensors, a memory mapping) are refused with a message
 * that says so. The pickles and arrays are CPython's and numpy's; what Brine reads from the FIFO must
 * dump to the bytes CPython dumps of what it reads, and hold numpy's shape and bytes.
 */
class PipeFilesDifferentialTest {
    /** Six pickles, protocols 0 to 5, one after another, on standard output. */
    private static final String WRITE = String.join("\n",
            "import pickle, sys",
            "values = [[1, 2], 'two', {'k': (1, 'v'), 'f': -0.5}, 'x' * 100000, list(range(30000)), (True, 2 ** 70)]",
            "for proto, v in enumerate(values):",
            "    sys.stdout.buffer.write(pickle.dumps(v, proto))");

    /** Reads the pickles on standard input one by one; prints each value dumped again at protocol 4, in hex. */
    private static final String REDUMP = String.join("\n",
            "import pickle, sys",
            "f = sys.stdin.buffer",
            "while True:",
            "    try:",
            "        v = pickle.load(f)",
            "    except EOFError:",
            "        break",
            "    print(pickle.dumps(v, 4).hex())");

    @Test
    void aFifoIsReadFrontToBackAsCPythonReadsIt(@TempDir Path dir) throws Exception {
        byte[] pickles = Python.check(WRITE, new byte[0]);
        List<String> expected = List.of(new String(Python.check(REDUMP, pickles), StandardCharsets.US_ASCII)
                .strip().split("\n"));
        assertEquals(6, expected.size());

        List<Object> all = Fifos.through(dir, pickles, true, fifo -> Pickle.loadAll(fifo, UnpicklerOptions.DEFAULT));
        List<String> brine = new ArrayList<>();
        for (Object v : all) {
            brine.add(HexFormat.of().formatHex(Pickle.dumps(v, 4)));
        }
        assertEquals(expected, brine);

        Object first = Fifos.through(dir, pickles, false, Pickle::load);
        assertEquals(expected.get(0), HexFormat.of().formatHex(Pickle.dumps(first, 4)));
    }

    /** A numpy array saved with np.save on standard output; then its shape and bytes, in hex, on standard error. */
    private static final String NPY = String.join("\n",
            "import io, sys, numpy as np",
            "a = (np.arange(24, dtype='>f4') * 1.5).reshape(2, 3, 4)",
            "buf = io.BytesIO(); np.save(buf, a); sys.stdout.buffer.write(buf.getvalue())",
            "sys.stderr.write(repr(a.shape) + ' ' + a.tobytes().hex())");

    @Test
    void anNpyFifoIsReadAsNumpyReadsItFrontToBack(@TempDir Path dir) throws Exception {
        Python.Result numpy = Python.run(NPY, new byte[0]);
        assertEquals(0, numpy.exitCode, numpy.stderr);
        String[] shapeAndBytes = numpy.stderr.strip().split(" ");
        NDArray a = Fifos.through(dir, numpy.stdout, true, Npy::read);
        assertEquals(shapeAndBytes[0] + " " + shapeAndBytes[1] + " " + shapeAndBytes[2],
                "(" + a.shape()[0] + ", " + a.shape()[1] + ", " + a.shape()[2] + ")");
        assertEquals(shapeAndBytes[3], HexFormat.of().formatHex(a.rawBytes())); // '>f4' as numpy holds it
    }

    /**
     * An array of a MiB or more, which a regular file reads through a mapping and a pipe cannot give (its
     * {@code FileChannel} refuses to seek: "Illegal seek"), and an object array, whose pipe says it holds 0 bytes
     * (it was called truncated): both read front to back, as numpy reads them.
     */
    @Test
    void bigAndObjectArraysInAFifoAreReadFrontToBack(@TempDir Path dir) throws Exception {
        Python.Result numpy = Python.run(String.join("\n",
                "import io, sys, numpy as np",
                "a = np.arange(200000, dtype='<f8')",
                "buf = io.BytesIO(); np.save(buf, a); sys.stdout.buffer.write(buf.getvalue())"), new byte[0]);
        assertEquals(0, numpy.exitCode, numpy.stderr);
        NDArray big = Fifos.through(dir, numpy.stdout, true, Npy::read);
        assertEquals(200000, big.shape()[0]);
        assertEquals(199999.0, big.getDouble(199999));
        // an InputStream over the pipe is a FileInputStream whose channel cannot seek either
        NDArray viaStream = Fifos.through(dir, numpy.stdout, true, fifo -> {
            try (java.io.InputStream in = new java.io.FileInputStream(fifo.toFile())) {
                return Npy.read(in, dev.brine.Limits.DEFAULT);
            }
        });
        assertEquals(big, viaStream);
        Python.Result objects = Python.run(String.join("\n",
                "import io, sys, numpy as np",
                "buf = io.BytesIO(); np.save(buf, np.array([1, 'a', None], dtype=object), allow_pickle=True)",
                "sys.stdout.buffer.write(buf.getvalue())"), new byte[0]);
        dev.brine.numpy.ObjectArray o = Fifos.through(dir, objects.stdout, true, Npy::readObjectArray);
        assertEquals("array([1, 'a', None], dtype=object)", dev.brine.py.PythonRepr.repr(o));
    }

    @Test
    void formatsReadAtOffsetsRefuseAFifoSayingSo(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("refused.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        List<Fifos.Reader<?>> readers = List.of(p -> Npy.map(p, false), Npz::open, TorchCheckpoint::load, SafeTensors::load);
        for (Fifos.Reader<?> reader : readers) {
            BrineException e = assertThrows(BrineException.class, () -> reader.read(fifo)); // no writer: must not block
            assertTrue(e.getMessage().startsWith(fifo + ": a pipe or FIFO cannot be read as "), e.getMessage());
            assertTrue(e.getMessage().contains("save it to a regular file first"), e.getMessage());
        }
    }

    @Test
    void aMalformedPickleInAFifoIsRefusedWithoutOpeningItAgain(@TempDir Path dir) throws Exception {
        byte[] bad = {(byte) 0x80, 4, (byte) 0x95, 3, 0, 0, 0, 0, 0, 0, 0, 'K', 1, (byte) 0xff}; // no STOP: 0xff is no opcode
        Python.Result cpython = Python.run("import pickle, sys\npickle.loads(sys.stdin.buffer.read())", bad);
        assertTrue(cpython.stderr.contains("UnpicklingError"), cpython.stderr);
        // the message's "what is this file" probe must not open the FIFO again: that would wait for a writer forever
        BrineException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(BrineException.class,
                () -> Fifos.through(dir, bad, true, fifo -> Pickle.loadAll(fifo, UnpicklerOptions.DEFAULT))));
        assertTrue(e.getMessage().contains("invalid load key"), e.getMessage());
    }
}
