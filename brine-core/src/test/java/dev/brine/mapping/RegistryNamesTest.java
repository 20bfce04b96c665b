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
 * A versioned class registered under a second (old) name as well: in either order the class is
 * written under its versioned registration, with its version, and a state read under either name is
 * migrated. (Replacing the versions on the second registration silently skipped the migration.)
 */
class RegistryNamesTest {
    @PythonName(module = "mymodels", name = "P")
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
}
