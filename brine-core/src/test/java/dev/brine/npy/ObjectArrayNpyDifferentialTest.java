package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NPY object arrays, whose data numpy's {@code write_array} writes as a pickle of the whole array:
 * files written by live numpy, read back with Brine's inert reading and compared with what
 * {@code np.load(..., allow_pickle=True)} makes of them (keys, dtype, shape, order, repr), and
 * hostile ones that name a callable, which is refused or kept inert and never run.
 */
class ObjectArrayNpyDifferentialTest {
    /** Object arrays numpy saves: short ones, and ones whose rows numpy's repr wraps at 75 columns. */
    private static final List<String> CASES = List.of(
            "np.array([1, 'x', None], dtype=object)",
            "np.array([[1, 'x'], [None, 2.5]], dtype=object)",
            "np.array([[1, 'x'], [None, 2.5]], dtype=object).T", // Fortran order in the header and the pickle
            "np.array(None, dtype=object)",
            "np.array([], dtype=object)",
            "np.zeros((0, 2), dtype=object)",
            "np.array([b'x', 1.5, (1, 2), {'a': 1}, 3j], dtype=object)",
            "np.array([[3], 'y'], dtype=object)", // numpy prints a list item as list([3])
            "np.arange(2000).astype(object)", // summarized
            "np.array([(1, 'x'), (2, None)], dtype=[('a', '<i4'), ('o', 'O')])",
            "np.array(['word%d' % i for i in range(30)] + [None], dtype=object)", // one row over several lines
            "np.array([['x' * k for k in range(12)]] * 3, dtype=object)", // rows of a 2-d array, each wrapped
            "np.array(['a' * 80, 1, 'b' * 70], dtype=object)", // items wider than a line
            "np.array([np.arange(4).reshape(2, 2), 1, np.zeros(3)], dtype=object)", // items that span lines
            "np.array([[np.eye(2), 'y' * 60], [None, np.ones((2, 1))]], dtype=object)",
            "np.array([('k' * 30, 1.5) for _ in range(4)], dtype=object)", // tuples
            // structured types with an object field: numpy prints the other fields with their own formats, padded
            // over the records shown, an object subarray as nested brackets, an aligned type in its dict form
            "np.array([(1, 'x')], dtype=np.dtype([('a', 'u1'), ('b', 'O')], align=True))",
            "np.zeros(2, dtype=[('a', 'O', (2,))])",
            "np.zeros(2, dtype=[('a', 'O'), ('b', '<f8')])",
            "np.array([(1, 'x'), (100, 'y')], dtype=[('a', '<i4'), ('b', 'O')])",
            "np.array([('2020-01-01', None), ('NaT', 1)], dtype=[('a', '<M8[D]'), ('b', 'O')])",
            "np.array([('2020-01-01T10:00', 1), ('1960-05-06T00:00:01.5', 2)], dtype=[('a', '<M8[ms]'), ('b', 'O')])",
            "np.array([(3, 'x'), (-7, None)], dtype=[('a', '<m8[s]'), ('b', 'O')])",
            "np.array([(True, None), (False, 1)], dtype=[('a', '?'), ('b', 'O')])",
            "np.array((True, 0), dtype=[('a', '?'), ('b', 'O')])",
            "np.array([(1.5, [1, 2], 2 + 1j, b'q', 'u'), (-2e-9, None, 0, b'', 'vw')],"
                    + " dtype=[('a', '<f4'), ('b', 'O'), ('c', '<c16'), ('d', 'S2'), ('e', '<U2')])",
            "np.array([(i, 'x' * (i % 3), [0] * i) for i in range(1200)], dtype=[('a', '<i8'), ('b', 'O'), ('c', 'O')])",
            "np.array([(np.arange(2000).astype(object).reshape(40, 50), 2)], dtype=[('a', 'O', (40, 50)), ('b', 'u1')])",
            "np.array([(2**64 - 1, None)], dtype=[('a', '<u8'), ('b', 'O')])");

    private static final UnpicklerOptions INERT = UnpicklerOptions.builder().genericObjects(true).build();

    @TempDir
    Path tmp;

    private String numpy(String script) throws IOException {
        Python.require("numpy");
        return new String(Python.check("import numpy as np, os, pickle, zipfile, io\nos.chdir("
                + pyStr(tmp.toString()) + ")\n" + script, new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** numpy's description of each case it saved, one line each: repr, shape, fortran_order of the header. */
    private List<String[]> saveCases(String save) throws IOException {
        StringBuilder script = new StringBuilder("import sys\n");
        for (int i = 0; i < CASES.size(); i++) {
            script.append("a = ").append(CASES.get(i)).append('\n').append(save.replace("{i}", Integer.toString(i))).append('\n');
        }
        script.append("for i in range(").append(CASES.size()).append("):\n")
                .append("    a = np.load(f'c{i}.npy', allow_pickle=True)\n")
                .append("    fh = open(f'c{i}.npy', 'rb'); np.lib.format.read_magic(fh)\n")
                .append("    h = np.lib.format.read_array_header_1_0(fh)\n")
                .append("    print(repr(a).encode('unicode_escape').decode(), '|', a.shape, '|', h[1])\n");
        List<String[]> out = new ArrayList<>();
        for (String line : numpy(script.toString()).split("\n")) {
            out.add(line.split(" \\| "));
        }
        return out;
    }

    @Test
    void objectNpyFilesReadAsNumpyLoadsThem() throws IOException {
        List<String[]> numpy = saveCases("np.save('c{i}.npy', a)");
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            Path f = tmp.resolve("c" + i + ".npy");
            NpyHeader h = Npy.readHeader(f); // describing it needs no opt-in
            assertTrue(h.holdsObjects(), CASES.get(i));
            assertEquals(numpy.get(i)[1], NpyFormat.shapeRepr(h.shape()), CASES.get(i));
            assertEquals(numpy.get(i)[2], h.fortranOrder() ? "True" : "False", CASES.get(i));
            ObjectArray a = Npy.readObjectArray(f);
            assertArrayEquals(h.shape(), a.shape());
            assertEquals(h.dtype(), a.dtype());
            String repr = unicodeEscape(a.toString());
            if (!repr.equals(numpy.get(i)[0])) {
                differences.append(CASES.get(i)).append("\n  numpy ").append(numpy.get(i)[0]).append("\n  brine ")
                        .append(repr).append('\n');
            }
            // reading numbers refuses it, saying how to read it
            BrineException e = assertThrows(BrineException.class, () -> Npy.read(f));
            assertTrue(e.getMessage().contains("Npy.readObjectArray") && e.getMessage().contains(f.toString()), e.getMessage());
            assertThrows(BrineException.class, () -> Npy.map(f, false));
        }
        assertEquals("", differences.toString());
    }

    /** The defect: np.savez with a number array and an object array; numpy lists and loads both. */
    @Test
    void npzMembersHoldingObjectsListAndLoadAsNumpysDo() throws IOException {
        for (String save : List.of("savez", "savez_compressed")) {
            String numpy = numpy("np." + save + "('t.npz', a=np.arange(3), o=np.array([1, 'x', None], dtype=object))\n"
                    + "f = np.load('t.npz', allow_pickle=True)\n"
                    + "print(f.files)\nprint(repr(f['o']))\nprint(f['o'].shape, f['o'].dtype)\n");
            String[] lines = numpy.split("\n");
            try (NpzFile z = Npz.open(tmp.resolve("t.npz"))) {
                assertEquals(lines[0], "[" + String.join(", ", z.names().stream().map(n -> "'" + n + "'").toList()) + "]");
                assertEquals("object", z.header("o").dtype().name());
                assertEquals(lines[2], NpyFormat.shapeRepr(z.header("o").shape()) + " " + z.header("o").dtype().name());
                assertInstanceOf(NDArray.class, z.get("a")); // the other member is untouched by its neighbour
                BrineException e = assertThrows(BrineException.class, () -> z.get("o"));
                assertTrue(e.getMessage().contains("member o.npy") && e.getMessage().contains("NpzFile.objectArray"),
                        e.getMessage());
                assertEquals(lines[1], z.objectArray("o").toString());
                assertEquals(lines[1], z.objectArray("o.npy", INERT).toString());
                assertEquals(lines[1], z.get("o", INERT).toString()); // allow_pickle=True's get
                assertInstanceOf(NDArray.class, z.get("a", INERT));
                BrineException numbers = assertThrows(BrineException.class, () -> z.objectArray("a"));
                assertTrue(numbers.getMessage().contains("member a.npy") && numbers.getMessage().contains("int64"),
                        numbers.getMessage());
            }
        }
    }

    /**
     * An object array whose item pickles as {@code os.system('touch pwned')}: numpy's
     * {@code allow_pickle=True} would run it. Brine refuses it by default, naming the member and
     * the function, and with generic objects keeps it as an inert object; the command never runs.
     */
    @Test
    void aPickleNamingACallableIsRefusedOrKeptInertAndNeverRun() throws IOException {
        Path pwned = tmp.resolve("pwned");
        numpy("class Evil:\n"
                + "    def __reduce__(self):\n"
                + "        return (os.system, ('touch ' + " + pyStr(pwned.toString()) + ",))\n"
                + "np.save('evil.npy', np.array([Evil(), 1], dtype=object))\n"
                + "np.savez('evil.npz', a=np.ones(2), o=np.array([Evil()], dtype=object))\n"
                // a header for an object array, and as data the bare call: no array at all
                + "buf = io.BytesIO(); np.lib.format.write_array_header_1_0(buf, {'descr': '|O', 'fortran_order': False,"
                + " 'shape': (1,)})\n"
                + "open('bare.npy', 'wb').write(buf.getvalue() + pickle.dumps(Evil(), 4))\n");
        assertFalse(Files.exists(pwned), "numpy ran it while saving");
        BrineException e = assertThrows(BrineException.class, () -> Npy.readObjectArray(tmp.resolve("evil.npy")));
        assertTrue(e.getMessage().contains("evil.npy") && e.getMessage().contains("system"), e.getMessage());
        // the unpickler reads the .npy through its channel: its offsets are the file's
        assertTrue(e.getMessage().contains("offsets count from the file's start"), e.getMessage());
        ObjectArray inert = Npy.readObjectArray(tmp.resolve("evil.npy"), INERT);
        GenericObject call = assertInstanceOf(GenericObject.class, inert.items().get(0));
        assertEquals("system", call.type().name()); // posix.system on this machine: os.system's real home
        assertEquals(1L, inert.items().get(1));
        try (NpzFile z = Npz.open(tmp.resolve("evil.npz"))) {
            BrineException m = assertThrows(BrineException.class, () -> z.objectArray("o"));
            assertTrue(m.getMessage().contains("member o.npy") && m.getMessage().contains("system"), m.getMessage());
            assertTrue(m.getMessage().contains("offsets count from its start, byte 128 of the member"), m.getMessage());
            assertInstanceOf(GenericObject.class, z.objectArray("o", INERT).items().get(0));
        }
        BrineException bare = assertThrows(BrineException.class, () -> Npy.readObjectArray(tmp.resolve("bare.npy"), INERT));
        assertTrue(bare.getMessage().contains("must be a pickle of that array") && bare.getMessage().contains("system"),
                bare.getMessage());
        assertFalse(Files.exists(pwned), "Brine ran it");
    }

    /**
     * An object array that holds itself (numpy saves and loads {@code a[0] = a}): its pickle refers to the
     * array before its items are set, and Brine's item is the array itself, not the reader's pending value;
     * its repr is numpy's ({@code array(..., dtype=object)} where it meets itself), and Brine's pickle of it
     * loads in numpy holding itself again.
     */
    @Test
    void anObjectArrayHoldingItselfReadsAsItselfAndPrintsAsNumpy() throws IOException {
        String reprs = numpy("a = np.empty(2, object); a[0] = a; a[1] = 'x'; np.save('self.npy', a)\n"
                + "b = np.empty(2, object); b[0] = [b, {'k': b}]; b[1] = 1; np.save('deep.npy', b)\n"
                + "print(repr(a).encode('unicode_escape').decode()); print(repr(b).encode('unicode_escape').decode())\n");
        String[] expected = reprs.strip().split("\n");
        ObjectArray a = Npy.readObjectArray(tmp.resolve("self.npy"));
        assertSame(a, a.items().get(0));
        assertEquals(expected[0], unicodeEscape(a.toString()));
        ObjectArray b = Npy.readObjectArray(tmp.resolve("deep.npy"));
        List<?> inner = (List<?>) b.items().get(0);
        assertSame(b, inner.get(0));
        assertSame(b, ((java.util.Map<?, ?>) inner.get(1)).get("k"));
        assertEquals(expected[1], unicodeEscape(b.toString()));
        assertEquals(a, Npy.readObjectArray(tmp.resolve("self.npy")));
        assertEquals(b, Npy.readObjectArray(tmp.resolve("deep.npy"))); // the cycle runs through a list and a dict
        PicklerOptions objects = PicklerOptions.builder().registry(
                NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, true).build()).build();
        Files.write(tmp.resolve("self.pkl"), Pickle.dumps(a, objects.withProtocol(4)));
        assertEquals("True x", numpy("x = pickle.load(open('self.pkl', 'rb')); print(x[0] is x, x[1])\n").strip());
    }

    /** numpy returns whatever the pickle holds; Brine insists on the array the header describes. */
    @Test
    void aPickleThatIsNotTheHeadersArrayIsRefused() throws IOException {
        numpy("def raw(name, header, obj):\n"
                + "    buf = io.BytesIO(); np.lib.format.write_array_header_1_0(buf, header)\n"
                + "    open(name, 'wb').write(buf.getvalue() + pickle.dumps(obj, 4))\n"
                + "raw('shape.npy', {'descr': '|O', 'fortran_order': False, 'shape': (2,)}, np.array([1, 2, 3], dtype=object))\n"
                + "raw('order.npy', {'descr': '|O', 'fortran_order': False, 'shape': (2, 2)},"
                + " np.asfortranarray(np.array([[1, 2], [3, 4]], dtype=object)))\n"
                + "raw('list.npy', {'descr': '|O', 'fortran_order': False, 'shape': (2,)}, [1, 2])\n"
                + "assert np.load('list.npy', allow_pickle=True) == [1, 2]\n");
        for (String name : List.of("shape.npy", "order.npy", "list.npy")) {
            BrineException e = assertThrows(BrineException.class, () -> Npy.readObjectArray(tmp.resolve(name)));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    /** The pickle is read under the caller's limits, as any pickle: the limit is named, and so is the member. */
    @Test
    void limitsApplyToThePickle() throws IOException {
        numpy("np.savez('many.npz', o=np.array([str(i) for i in range(100)], dtype=object))\n");
        // each str is a memo entry of its own
        UnpicklerOptions small = INERT.toBuilder().limits(Limits.builder().maxMemoEntries(50).build()).build();
        try (NpzFile z = Npz.open(tmp.resolve("many.npz"))) {
            LimitExceededException e = assertThrows(LimitExceededException.class, () -> z.objectArray("o", small));
            assertEquals("maxMemoEntries", e.limit());
            assertTrue(e.getMessage().contains("member o.npy"), e.getMessage());
            assertEquals(100, z.objectArray("o").items().size());
        }
    }

    /** numpy's repr escapes nothing; its lines are compared through Python's unicode_escape, as printed above. */
    private static String unicodeEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\\' -> out.append("\\\\");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
