package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.py.PickleBuffer;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * numpy objects inside pickles, against numpy itself: numpy's pickles (protocols 2, 4, 5; numpy
 * 2's own names) load in Brine equal, and Brine's load in numpy equal, with out-of-band buffers
 * at protocol 5 and shared arrays kept shared.
 */
class NumpyPicklesTest {
    /** The arrays both sides build; each line is a Python expression. */
    private static final String CASES = String.join("\n",
            "np.arange(6.).reshape(2, 3)",
            "np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3))",
            "np.arange(5, dtype='>i2')",  // numpy itself reloads it native below protocol 5
            "np.array([True, False])",
            "np.array([1.5, np.nan, -np.inf], dtype='<f2')",
            "np.array([1+2j, -0.5j], dtype='<c8')",
            "np.array([1, 2**64 - 1], dtype='<u8')",
            "np.zeros(2, dtype=[('a', '<i4'), ('b', [('c', '<f8')])])",
            "np.zeros(2, dtype={'names': ['x', 'y'], 'formats': ['u1', '<f4'], 'offsets': [0, 4], 'itemsize': 12})",
            "np.array(['2020-01-01', 'NaT'], dtype='M8[D]')",
            "np.array([1, -2], dtype='m8[ms]')",
            "np.array(['ab', 'c\u00e9'])",
            "np.array([b'ab', b'c'])",
            "np.zeros((0, 3), dtype='<f4')",
            "np.array(3.25)",
            "np.ones((1,) * 12, dtype='u1')",
            "np.float32(1.5)",
            "np.int64(-7)",
            "np.dtype('>f4')",
            "np.dtype([('a', '<i4', (2, 3))])");

    private static List<Object> fromPython(String script) throws IOException {
        byte[] out = Python.check(script, new byte[0]);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out));
        List<Object> objects = new ArrayList<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[in.readInt()];
            in.readFully(p);
            objects.add(Pickle.loads(p));
        }
        return objects;
    }

    private static String emit(String protocolExpr) {
        return "import numpy as np, pickle, sys, struct\n"
                + "cases = [" + String.join(",\n", CASES.split("\n")) + "]\n"
                + "sys.stdout.buffer.write(struct.pack('>i', len(cases)))\n"
                + "for c in cases:\n"
                + "    p = pickle.dumps(c, " + protocolExpr + ")\n"
                + "    sys.stdout.buffer.write(struct.pack('>i', len(p)) + p)\n";
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 5})
    void numpysPicklesLoadInBrineAndBrinesLoadInNumpy(int protocol) throws IOException {
        Python.require("numpy");
        List<Object> objects = fromPython(emit(String.valueOf(protocol)));
        assertInstanceOf(NDArray.class, objects.get(0));
        assertInstanceOf(NumpyScalar.class, objects.get(16));
        assertInstanceOf(DType.class, objects.get(18));
        // back to numpy: each Brine pickle must load equal (dtype, shape, values) to the original
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(all);
        for (Object o : objects) {
            byte[] p = Pickle.dumps(o, protocol);
            data.writeInt(p.length);
            data.write(p);
        }
        String check = "import numpy as np, pickle, sys, struct, warnings\n"
                + "warnings.simplefilter('ignore', DeprecationWarning)\n"
                + "cases = [" + String.join(",\n", CASES.split("\n")) + "]\n"
                + "buf = sys.stdin.buffer.read(); pos = 0\n"
                + "for i, c in enumerate(cases):\n"
                + "    n = struct.unpack('>i', buf[pos:pos + 4])[0]; pos += 4\n"
                + "    got = pickle.loads(buf[pos:pos + n]); pos += n\n"
                + "    c = pickle.loads(pickle.dumps(c, " + protocol + "))  # what numpy's own round trip gives\n"
                + "    assert type(got) is type(c), (i, type(got), type(c))\n"
                + "    if isinstance(c, np.dtype):\n"
                + "        assert got == c, (i, got, c)\n"
                + "    else:\n"
                + "        assert got.dtype == c.dtype and got.shape == c.shape, (i, got.dtype, c.dtype)\n"
                + "        assert got.tobytes() == c.tobytes(), (i, got, c)\n"
                + "        if isinstance(c, np.ndarray): assert got.flags.f_contiguous == c.flags.f_contiguous, i\n"
                + "print('ok', len(cases))\n";
        assertEquals("ok 20\n", new String(Python.check(check, all.toByteArray())));
    }

    @Test
    void numpy2NamesAndNumpy1NamesBothLoad() throws IOException {
        Python.require("numpy");
        NDArray a = NDArray.of(new double[] {1, 2, 3}, 3);
        ClassRegistry numpy2 = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build();
        byte[] p2 = Pickle.dumps(a, PicklerOptions.builder().protocol(2).registry(numpy2).build());
        byte[] p1 = Pickle.dumps(a, 2);
        assertTrue(new String(p2, java.nio.charset.StandardCharsets.ISO_8859_1).contains("numpy._core.multiarray"));
        assertTrue(new String(p1, java.nio.charset.StandardCharsets.ISO_8859_1).contains("numpy.core.multiarray"));
        assertEquals(a, Pickle.loads(p1));
        assertEquals(a, Pickle.loads(p2));
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(p1);
        both.write(p2);
        String out = new String(Python.check("import pickle, sys, io, warnings\nwarnings.simplefilter('error')\n"
                + "f = io.BytesIO(sys.stdin.buffer.read())\nprint(pickle.load(f).tolist(), pickle.load(f).tolist())\n",
                both.toByteArray()));
        assertEquals("[1.0, 2.0, 3.0] [1.0, 2.0, 3.0]\n", out);
    }

    @Test
    void protocol5OutOfBandBuffersBothWays() throws IOException {
        Python.require("numpy");
        NDArray a = NDArray.of(new float[] {1, 2, 3, 4}, 2, 2);
        List<PickleBuffer> buffers = new ArrayList<>();
        byte[] p = Pickle.dumps(Map.of("a", a), PicklerOptions.builder().protocol(5)
                .bufferCallback(b -> buffers.add(b)).build());
        assertEquals(1, buffers.size());
        assertEquals(16, buffers.get(0).size());
        assertTrue(p.length < 200, "the array's bytes travel out of band");
        Object back = new Unpickler(p, UnpicklerOptions.DEFAULT, buffers).load();
        assertEquals(Map.of("a", a), back);
        // numpy reads Brine's out-of-band pickle with the buffers passed beside it
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(msg);
        d.writeInt(p.length);
        d.write(p);
        d.write(buffers.get(0).toByteArray());
        String out = new String(Python.check("import pickle, sys, struct\nb = sys.stdin.buffer.read()\n"
                + "n = struct.unpack('>i', b[:4])[0]\n"
                + "print(pickle.loads(b[4:4 + n], buffers=[b[4 + n:]])['a'].tolist())\n", msg.toByteArray()));
        assertEquals("[[1.0, 2.0], [3.0, 4.0]]\n", out);
        // and Brine reads numpy's own out-of-band pickle
        byte[] fromNumpy = Python.check("import numpy as np, pickle, sys, struct\nbufs = []\n"
                + "p = pickle.dumps(np.arange(4, dtype='<i8'), 5, buffer_callback=bufs.append)\n"
                + "raw = bufs[0].raw().tobytes()\n"
                + "sys.stdout.buffer.write(struct.pack('>ii', len(p), len(raw)) + p + raw)\n", new byte[0]);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(fromNumpy));
        byte[] pk = new byte[in.readInt()];
        byte[] raw = new byte[in.readInt()];
        in.readFully(pk);
        in.readFully(raw);
        Object arr = new Unpickler(pk, UnpicklerOptions.DEFAULT, List.of(PickleBuffer.of(raw))).load();
        assertEquals(NDArray.of(new long[] {0, 1, 2, 3}, 4), arr);
    }

    @Test
    void arraysFromOutOfBandBuffersAreViewsReadOnlyWhenTheBufferIs() throws IOException {
        Python.require("numpy");
        // what numpy does: the array shares the buffer's memory, and is writable only if the buffer is
        String numpy = new String(Python.check("import numpy as np, pickle\n"
                + "bufs = []\np = pickle.dumps(np.arange(4, dtype='<i8'), 5, buffer_callback=bufs.append)\n"
                + "raw = bytearray(bufs[0].raw())\n"
                + "w = pickle.loads(p, buffers=[raw])\nraw[0] = 9\n"
                + "r = pickle.loads(p, buffers=[memoryview(bytes(raw)).toreadonly()])\n"
                + "print(w.flags.writeable, w[0], r.flags.writeable)\n", new byte[0]),
                java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("True 9 False\n", numpy);
        NDArray a = NDArray.of(new long[] {0, 1, 2, 3}, 4);
        List<PickleBuffer> sent = new ArrayList<>();
        byte[] p = Pickle.dumps(a, PicklerOptions.builder().protocol(5).bufferCallback(sent::add).build());
        byte[] raw = sent.get(0).toByteArray();
        NDArray w = (NDArray) new Unpickler(p, UnpicklerOptions.DEFAULT, List.of(PickleBuffer.of(raw))).load();
        raw[0] = 9;
        assertEquals(false, w.isReadOnly());
        assertEquals(NDArray.of(new long[] {9, 1, 2, 3}, 4), w, "a view of the buffer, as numpy's");
        NDArray r = (NDArray) new Unpickler(p, UnpicklerOptions.DEFAULT,
                List.of(new PickleBuffer(java.nio.ByteBuffer.wrap(raw), true))).load();
        assertEquals(true, r.isReadOnly());
        assertEquals(w, r);
    }

    @Test
    void bigOutOfBandBuffersCountAsInputForTheAmplificationLimit() throws IOException {
        // an 8 MiB array from a ~100-byte pickle: the buffer is input the caller gave, not amplification
        NDArray big = NDArray.zeros(DType.FLOAT64, 1L << 20);
        List<PickleBuffer> buffers = new ArrayList<>();
        byte[] p = Pickle.dumps(big, PicklerOptions.builder().protocol(5).bufferCallback(buffers::add).build());
        assertTrue(p.length < 200);
        assertEquals(big, new Unpickler(p, UnpicklerOptions.DEFAULT, buffers).load());
    }

    @Test
    void aSharedArrayStaysSharedAndIsWrittenOnce() throws IOException {
        NDArray a = NDArray.of(new int[] {1, 2, 3}, 3);
        List<Object> twice = List.of(a, a);
        for (int protocol : new int[] {2, 4, 5}) {
            byte[] p = Pickle.dumps(twice, protocol);
            List<?> back = (List<?>) Pickle.loads(p);
            assertSame(back.get(0), back.get(1));
            byte[] once = Pickle.dumps(List.of(a), protocol);
            assertTrue(p.length < once.length + 8, "the second reference is a memo GET");
        }
    }

    @Test
    void objectArraysAreRefusedUnlessAllowed() throws IOException {
        Python.require("numpy");
        byte[] p = Python.check("import numpy as np, pickle, sys\n"
                + "sys.stdout.buffer.write(pickle.dumps(np.array([1, 'a', None], dtype=object), 2))\n", new byte[0]);
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(p));
        assertTrue(e.getMessage().contains("object array"), e.getMessage());
        ClassRegistry allowing = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY1, true).build();
        Object back = Pickle.loads(p, UnpicklerOptions.builder().registry(allowing).build());
        ObjectArray oa = assertInstanceOf(ObjectArray.class, back);
        assertEquals(List.of(1L, "a"), oa.items().subList(0, 2));
        // and it writes back to something numpy loads equal
        byte[] again = Pickle.dumps(oa, PicklerOptions.builder().protocol(2).registry(allowing).build());
        assertEquals("[1, 'a', None]\n", new String(Python.check(
                "import pickle, sys\nprint(pickle.loads(sys.stdin.buffer.read()).tolist())\n", again)));
    }

    @Test
    void malformedArrayStatesAreRefusedWithTheProjectsException() throws IOException {
        Python.require("numpy");
        // a state whose data is shorter than its shape claims
        byte[] p = Python.check("import numpy as np, pickle, sys\n"
                + "a = np.arange(4.)\nf, args, state = a.__reduce__()\n"
                + "state = (state[0], (100,), state[2], state[3], state[4])\n"
                + "class R:\n    def __reduce__(self): return (f, args, state)\n"
                + "sys.stdout.buffer.write(pickle.dumps(R(), 2))\n", new byte[0]);
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(p));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        assertTrue(e.getMessage().contains("BUILD"), e.getMessage());
        assertThrows(UnpicklingException.class, () -> Pickle.loads(Python.check(
                "import numpy as np, pickle, sys\nf, args, state = np.arange(2.).__reduce__()\n"
                        + "class R:\n    def __reduce__(self): return (f, args, ('junk',))\n"
                        + "sys.stdout.buffer.write(pickle.dumps(R(), 2))\n", new byte[0])));
    }
}
