package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registered record's natural Python stand-in is a {@code namedtuple}. Brine writes the record as
 * {@code m.Rec(*components)}; Python loads that into its namedtuple and, dumping it again, writes
 * {@code NEWOBJ (cls, fields)} at protocols 2 to 5 and
 * {@code copyreg._reconstructor(cls, tuple, fields)} at 0 and 1. Brine reads all of these back as
 * the record, through its canonical constructor, and still instantiates nothing unregistered.
 */
class RecordNamedTupleTest {
    @TempDir
    Path tmp;

    @PythonName(module = "m", name = "Rec")
    record Rec(long a, String b, Object c) {
    }

    /** A registered class that is not a record: a tuple base must not create it. */
    @PythonName(module = "m", name = "Plain")
    static final class Plain implements PickleState {
        @Override
        public Object getState() {
            return null;
        }

        @Override
        public void setState(Object state) {
        }
    }

    private static final ClassRegistry REGISTRY = ClassRegistry.builtins().toBuilder()
            .registerRecord(Rec.class).register(Plain.class, Plain::new).build();
    private static final UnpicklerOptions READ = UnpicklerOptions.builder().registry(REGISTRY).build();
    private static final Rec REC = new Rec(3, "s", List.of(1L));

    private static Object load(byte[] pickle) throws Exception {
        return Pickle.loads(pickle, READ);
    }

    @Test
    void pythonsRedumpOfItsNamedtupleLoadsBackAsTheRecordAtEveryProtocol() throws Exception {
        Python.require();
        for (int written = 0; written <= 5; written++) {
            Files.write(tmp.resolve("brine" + written + ".pkl"),
                    Pickler.dumps(REC, PicklerOptions.builder().protocol(written).registry(REGISTRY).build()));
        }
        String out = Python.checkText("""
                import collections, os, pickle, sys, types
                m = types.ModuleType('m'); sys.modules['m'] = m
                m.Rec = collections.namedtuple('Rec', 'a b c', module='m')
                for written in range(6):
                    with open(os.path.join(sys.argv[1], f'brine{written}.pkl'), 'rb') as f:
                        rec = pickle.load(f)
                    assert rec == m.Rec(3, 's', [1]) and type(rec) is m.Rec, rec
                    for p in range(6):
                        with open(os.path.join(sys.argv[1], f'py{written}_{p}.pkl'), 'wb') as f:
                            pickle.dump(rec, f, p)
                print('ok')
                """, tmp).strip();
        assertEquals("ok", out);
        for (int written = 0; written <= 5; written++) {
            for (int p = 0; p <= 5; p++) {
                byte[] py = Files.readAllBytes(tmp.resolve("py" + written + "_" + p + ".pkl"));
                assertEquals(REC, load(py), "Brine protocol " + written + ", Python protocol " + p);
            }
        }
    }

    @Test
    void newobjAndNewobjExWithoutKeywordsCallTheCanonicalConstructor() throws Exception {
        GenericObject newobj = GenericObject.newObject(new Global("m", "Rec"), Tuple.of(3L, "s", List.of(1L)));
        assertEquals(REC, load(Pickle.dumps(newobj, 2)));
        GenericObject ex = new GenericObject(new Global("m", "Rec"), GenericObject.Creation.NEWOBJ_EX,
                Tuple.of(3L, "s", List.of(1L)), new LinkedHashMap<>());
        for (int p = 0; p <= 5; p++) {
            if (p == 2 || p == 3) {
                continue; // written as functools.partial(getattr(...)), which is not registered
            }
            assertEquals(REC, load(Pickle.dumps(ex, p)), "protocol " + p);
        }
    }

    @Test
    void newobjExWithKeywordsAndWrongArgumentCountsAreRefused() throws Exception {
        Map<Object, Object> kw = new LinkedHashMap<>(Map.of("a", 3L));
        GenericObject ex = new GenericObject(new Global("m", "Rec"), GenericObject.Creation.NEWOBJ_EX,
                Tuple.of(), kw);
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> load(Pickle.dumps(ex, 4)));
        assertTrue(e.getMessage().startsWith("m.Rec takes its components as positional arguments"), e.getMessage());
        assertEquals("NEWOBJ_EX", e.opcode());

        GenericObject two = GenericObject.newObject(new Global("m", "Rec"), Tuple.of(3L, "s"));
        e = assertThrows(UnpicklingException.class, () -> load(Pickle.dumps(two, 2)));
        assertTrue(e.getMessage().startsWith("m.Rec takes 3 arguments, got 2"), e.getMessage());
    }

    /** {@code copyreg._reconstructor(cls, tuple, state)} as Python writes it at protocols 0 and 1. */
    private static byte[] reconstructed(String module, String name, Object state, int protocol) throws Exception {
        GenericObject g = GenericObject.reduced(new Global("copyreg", "_reconstructor"),
                Tuple.of(new Global(module, name), new Global("builtins", "tuple"), state));
        return Pickle.dumps(g, protocol);
    }

    @Test
    void aTupleBaseMakesOnlyARegisteredRecord() throws Exception {
        assertEquals(REC, load(reconstructed("m", "Rec", Tuple.of(3L, "s", List.of(1L)), 0)));
        // not a tuple of fields
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> load(reconstructed("m", "Rec", List.of(3L, "s", 1L), 1)));
        assertTrue(e.getMessage().contains("needs a tuple of its components"), e.getMessage());
        // an unregistered class is refused, as before, whatever its base
        e = assertThrows(UnpicklingException.class, () -> load(reconstructed("os", "system", Tuple.of("ls"), 0)));
        assertTrue(e.getMessage().startsWith("global 'os.system' is not allowed"), e.getMessage());
        // a registered class that is not a record is not created from a tuple: refused, not left inert
        e = assertThrows(UnpicklingException.class, () -> load(reconstructed("m", "Plain", Tuple.of(1L), 0)));
        assertTrue(e.getMessage().startsWith("copyreg._reconstructor: m.Plain on the base builtins.tuple: a class registered"
                + " with its state (PickleState) cannot hold the tuple value"), e.getMessage());
        // tuple itself cannot be called
        e = assertThrows(UnpicklingException.class,
                () -> load(Pickle.dumps(GenericObject.reduced(new Global("builtins", "tuple"), Tuple.of(List.of())), 2)));
        assertTrue(e.getMessage().startsWith("builtins.tuple cannot be called"), e.getMessage());
    }

    @Test
    void genericReadingKeepsAnUnregisteredNamedtupleInertAndWritesItBackUnchanged() throws Exception {
        byte[] p0 = reconstructed("x", "Point", Tuple.of(1L, 2L), 0);
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        Object g = Pickle.loads(p0, generic);
        assertInstanceOf(GenericObject.class, g);
        assertEquals(new String(p0, java.nio.charset.StandardCharsets.ISO_8859_1),
                new String(Pickle.dumps(g, 0), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
