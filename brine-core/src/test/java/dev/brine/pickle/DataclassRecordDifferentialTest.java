package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python {@code @dataclass} standing in for a registered record. Python pickles it as
 * {@code cls.__new__(cls)} (NEWOBJ at protocols 2 to 5, {@code copyreg._reconstructor(cls, object,
 * None)} at 0 and 1) and then its fields as the BUILD state: the instance dict (plain and
 * {@code frozen=True}), {@code (None, {slots})} ({@code slots=True}) or the list of field values
 * ({@code frozen=True, slots=True}). Brine maps that state onto the record's components by name
 * (was: "mymod.Point takes 3 arguments, got 0"), and Python loads Brine's record back into the
 * dataclass. The oracle is CPython's own pickle of each kind of dataclass, at every protocol.
 */
class DataclassRecordDifferentialTest {
    @TempDir
    Path tmp;

    record Point(long x, double y, String label) {
    }

    private static final List<String> KINDS = List.of("Plain", "Slots", "Frozen", "FrozenSlots");

    private static ClassRegistry registry(String kind) {
        return ClassRegistry.builtins().toBuilder().registerRecord("mymod", kind, Point.class).build();
    }

    private static final String CLASSES = """
            import dataclasses, os, pickle, sys, types
            m = types.ModuleType('mymod'); sys.modules['mymod'] = m
            def define(name, **kw):
                cls = type(name, (), {'__annotations__': {'x': int, 'y': float, 'label': str}, '__module__': 'mymod'})
                cls = dataclasses.dataclass(**kw)(cls)
                setattr(m, name, cls)
                return cls
            kinds = {'Plain': define('Plain'), 'Slots': define('Slots', slots=True),
                     'Frozen': define('Frozen', frozen=True), 'FrozenSlots': define('FrozenSlots', frozen=True, slots=True)}
            d = sys.argv[1]
            """;

    @Test
    void pythonDataclassesLoadAsTheRecordAtEveryProtocol() throws Exception {
        Python.require();
        String out = Python.checkText(CLASSES + """
                for kind, cls in kinds.items():
                    for p in range(6):
                        if kind == 'Slots' and p < 2:
                            continue  # CPython cannot pickle a slots class without __getstate__ below protocol 2
                        for tag, y in (('float', 2.5), ('int', 2)):
                            with open(os.path.join(d, f'{kind}_{tag}_{p}.pkl'), 'wb') as f:
                                pickle.dump(cls(1, y, 'p'), f, p)
                print('ok')
                """, tmp).strip();
        assertEquals("ok", out);
        for (String kind : KINDS) {
            UnpicklerOptions read = UnpicklerOptions.builder().registry(registry(kind)).build();
            for (int p = kind.equals("Slots") ? 2 : 0; p <= 5; p++) { // see the script
                assertEquals(new Point(1, 2.5, "p"), Pickle.load(tmp.resolve(kind + "_float_" + p + ".pkl"), read),
                        kind + " protocol " + p);
                // Python code writes ints where floats are meant: the double component takes an exact int
                assertEquals(new Point(1, 2.0, "p"), Pickle.load(tmp.resolve(kind + "_int_" + p + ".pkl"), read),
                        kind + " int, protocol " + p);
            }
        }
    }

    @Test
    void theRecordLoadsBackIntoTheDataclass() throws Exception {
        Python.require();
        for (String kind : KINDS) {
            for (int p = 0; p <= 5; p++) {
                Files.write(tmp.resolve("java_" + kind + p + ".pkl"), Pickle.dumps(new Point(1, 2.5, "p"),
                        PicklerOptions.builder().registry(registry(kind)).protocol(p).build()));
            }
        }
        String out = Python.checkText(CLASSES + """
                for kind, cls in kinds.items():
                    for p in range(6):
                        with open(os.path.join(d, f'java_{kind}{p}.pkl'), 'rb') as f:
                            v = pickle.load(f)
                        assert type(v) is cls and v == cls(1, 2.5, 'p'), (kind, p, v)
                print('ok')
                """, tmp).strip();
        assertEquals("ok", out);
    }

    @Test
    void anUnknownOrMissingFieldIsRefusedByName() throws Exception {
        Python.require();
        Python.checkText(CLASSES + """
                extra = kinds['Plain'](1, 2.5, 'p'); extra.z = 3
                half = kinds['Slots'].__new__(kinds['Slots']); half.x = 1; half.y = 2.5
                for p in (0, 2, 5):
                    with open(os.path.join(d, f'extra{p}.pkl'), 'wb') as f:
                        pickle.dump(extra, f, p)
                    if p >= 2:  # CPython cannot pickle a slots class without __getstate__ below protocol 2
                        with open(os.path.join(d, f'half{p}.pkl'), 'wb') as f:
                            pickle.dump(half, f, p)
                """, tmp);
        for (int p : new int[] {0, 2, 5}) {
            Path extra = tmp.resolve("extra" + p + ".pkl");
            BrineException e = assertThrows(BrineException.class, () -> Pickle.load(extra,
                    UnpicklerOptions.builder().registry(registry("Plain")).build()));
            assertTrue(e.getMessage().contains("mymod.Plain") && e.getMessage().contains("'z'")
                    && e.getMessage().contains("not a component"), e.getMessage());
            if (p < 2) {
                continue; // see the script
            }
            Path half = tmp.resolve("half" + p + ".pkl");
            e = assertThrows(BrineException.class, () -> Pickle.load(half,
                    UnpicklerOptions.builder().registry(registry("Slots")).build()));
            assertTrue(e.getMessage().contains("mymod.Slots") && e.getMessage().contains("no field 'label'")
                    && e.getMessage().contains("it gives [x, y]"), e.getMessage());
        }
    }

    @Test
    void aDataclassWhoseFieldsNeverComeIsRefusedNotReturnedHalfMade() {
        // cls.__new__(cls) and STOP, no BUILD: a crafted pickle (Python always gives a dataclass with fields its state)
        byte[] pickle = "\u0080\u0002cmymod\nPlain\n)\u0081.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(pickle, UnpicklerOptions.builder().registry(registry("Plain")).build()));
        assertTrue(e.getMessage().contains("not made yet"), e.getMessage());
        // and a state that is neither the fields by name nor their values in order
        byte[] wrong = "\u0080\u0002cmymod\nPlain\n)\u0081K\u0001b.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(wrong, UnpicklerOptions.builder().registry(registry("Plain")).build()));
        assertTrue(e.getMessage().contains("mymod.Plain") && e.getMessage().contains("dict of its fields"), e.getMessage());
    }
}
