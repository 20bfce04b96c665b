package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A class registered under a second (old) name as well: in either order the class is written under
 * its {@link PythonName} (a class without one: under its first registration), with its versions when
 * it has them, and a state read under either name is migrated. (Replacing the versions on the second
 * registration silently skipped the migration; listing the old name first wrote new files under it.)
 */
class RegistryNamesTest {
    @PythonName(module = "mymodels", name = "P")
    @StateVersion(2)
    static final class P implements PickleState {
        Object weights;

        @Override
        public Object getState() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("weights", weights);
            return m;
        }

        @Override
        public void setState(Object state) {
            weights = ((Map<?, ?>) state).get("weights");
        }
    }

    private static final StateVersions VERSIONS = StateVersions.current(2).migration(1, s -> {
        Map<String, Object> m = StateVersions.dict(s);
        m.put("weights", m.remove("W"));
        return m;
    });

    private static ClassRegistry versionedFirst() {
        return ClassRegistry.builtins().toBuilder()
                .registerVersioned(P.class, P::new, VERSIONS)
                .register("oldmodels", "P", P.class, P::new)
                .build();
    }

    private static ClassRegistry oldNameFirst() {
        return ClassRegistry.builtins().toBuilder()
                .register("oldmodels", "P", P.class, P::new)
                .registerVersioned(P.class, P::new, VERSIONS)
                .build();
    }

    /** A version-1 file (no __version__, the field still called W) under {@code module}.P. */
    private static byte[] oldFile(String module) throws Exception {
        GenericObject old = GenericObject.newObject(new Global(module, "P"), Tuple.empty());
        old.setState(new LinkedHashMap<>(Map.of("W", 7L)));
        return Pickle.dumps(old, 4);
    }

    @Test
    void eitherOrderMigratesOldStatesUnderEitherName() throws Exception {
        for (ClassRegistry registry : new ClassRegistry[] {versionedFirst(), oldNameFirst()}) {
            assertNotNull(registry.versionsOf(P.class));
            UnpicklerOptions options = UnpicklerOptions.builder().registry(registry).build();
            for (String module : new String[] {"oldmodels", "mymodels"}) {
                P p = assertInstanceOf(P.class, Pickle.loads(oldFile(module), options));
                assertEquals(7L, p.weights, module);
            }
        }
    }

    @Test
    void eitherOrderWritesTheVersionedName() throws Exception {
        P p = new P();
        p.weights = 3L;
        byte[] expected = null;
        for (ClassRegistry registry : new ClassRegistry[] {versionedFirst(), oldNameFirst()}) {
            byte[] bytes = Pickle.dumps(p, PicklerOptions.builder().registry(registry).protocol(4).build());
            GenericObject written = assertInstanceOf(GenericObject.class,
                    Pickle.loads(bytes, UnpicklerOptions.builder().genericObjects(true).build()));
            assertEquals(new Global("mymodels", "P"), written.type());
            assertEquals(Map.of("weights", 3L, "__version__", 2L), written.state());
            if (expected != null) {
                assertArrayEquals(expected, bytes);
            }
            expected = bytes;
        }
    }

    /** Renamed: old files say {@code oldmodels.Model}, new ones must say the annotation's name. */
    @PythonName(module = "newmodels", name = "Model")
    static final class Renamed implements PickleState {
        @Override
        public Object getState() {
            return new LinkedHashMap<>(Map.of("a", 1L));
        }

        @Override
        public void setState(Object state) {
        }
    }

    /** No annotation: written under its first registration. */
    static final class Unnamed implements PickleState {
        @Override
        public Object getState() {
            return new LinkedHashMap<>(Map.of("a", 1L));
        }

        @Override
        public void setState(Object state) {
        }
    }

    @PythonName(module = "newmodels", name = "Point")
    record Point(long x) {
    }

    private static Global writtenAs(Object obj, ClassRegistry registry) throws Exception {
        byte[] bytes = Pickle.dumps(obj, PicklerOptions.builder().registry(registry).build());
        Object back = Pickle.loads(bytes, UnpicklerOptions.builder().genericObjects(true).build());
        return assertInstanceOf(GenericObject.class, back).type();
    }

    @Test
    void theAnnotatedNameIsWrittenWhicheverRegistrationComesFirst() throws Exception {
        Global annotated = new Global("newmodels", "Model");
        ClassRegistry oldFirst = ClassRegistry.builtins().toBuilder()
                .register("oldmodels", "Model", Renamed.class, Renamed::new)
                .register(Renamed.class, Renamed::new).build();
        ClassRegistry newFirst = ClassRegistry.builtins().toBuilder()
                .register(Renamed.class, Renamed::new)
                .register("oldmodels", "Model", Renamed.class, Renamed::new).build();
        for (ClassRegistry registry : new ClassRegistry[] {oldFirst, newFirst}) {
            assertEquals(annotated, writtenAs(new Renamed(), registry));
            assertEquals(annotated, registry.pythonNameOf(Renamed.class));
            // the old name still reads
            GenericObject old = GenericObject.newObject(new Global("oldmodels", "Model"), Tuple.empty());
            old.setState(new LinkedHashMap<>(Map.of("a", 1L)));
            assertInstanceOf(Renamed.class, Pickle.loads(Pickle.dumps(old),
                    UnpicklerOptions.builder().registry(registry).build()));
        }
        // the same as a pickler without any registry writes it
        assertEquals(annotated, writtenAs(new Renamed(), ClassRegistry.builtins()));
        // a versioned registration under another name keeps the annotated name, with its versions
        ClassRegistry versionedOld = ClassRegistry.builtins().toBuilder()
                .register(P.class, P::new)
                .registerVersioned("oldmodels", "P", P.class, P::new, VERSIONS).build();
        assertEquals(new Global("mymodels", "P"), versionedOld.pythonNameOf(P.class));
        assertNotNull(versionedOld.versionsOf(P.class));
    }

    @Test
    void aClassWithoutTheAnnotationIsWrittenUnderItsFirstRegistration() throws Exception {
        ClassRegistry registry = ClassRegistry.builtins().toBuilder()
                .register("first", "Model", Unnamed.class, Unnamed::new)
                .register("second", "Model", Unnamed.class, Unnamed::new).build();
        assertEquals(new Global("first", "Model"), writtenAs(new Unnamed(), registry));
    }

    @Test
    void recordsFollowTheSameRule() throws Exception {
        ClassRegistry oldFirst = ClassRegistry.builtins().toBuilder()
                .registerRecord("oldmodels", "Point", Point.class)
                .registerRecord(Point.class).build();
        assertEquals(new Global("newmodels", "Point"), oldFirst.pythonNameOf(Point.class));
        byte[] bytes = Pickle.dumps(new Point(3), PicklerOptions.builder().registry(oldFirst).build());
        Object back = Pickle.loads(bytes, UnpicklerOptions.builder().genericObjects(true).build());
        assertEquals(new Global("newmodels", "Point"), assertInstanceOf(GenericObject.class, back).type());
        ClassRegistry newFirst = ClassRegistry.builtins().toBuilder()
                .registerRecord(Point.class)
                .registerRecord("oldmodels", "Point", Point.class).build();
        assertEquals(new Global("newmodels", "Point"), newFirst.pythonNameOf(Point.class));
        assertEquals(new Point(3), Pickle.loads(Pickle.dumps(new Point(3),
                PicklerOptions.builder().registry(newFirst).build()), UnpicklerOptions.builder().registry(newFirst).build()));
    }
}
