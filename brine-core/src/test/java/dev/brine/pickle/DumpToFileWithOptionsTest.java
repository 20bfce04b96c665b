package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class registered by name (no {@code @PythonName}) is written only through the registry that
 * names it, so saving it to a file needs {@link Pickle#dump(Object, Path, PicklerOptions)} (there was
 * no such overload), and the refusal without it says how to pass the registry. The oracle is
 * CPython: it loads the file into its class of that name with the state Java gave.
 */
class DumpToFileWithOptionsTest {
    @TempDir
    Path tmp;

    static final class Model implements PickleState {
        Object state;

        @Override
        public Object getState() {
            return state;
        }

        @Override
        public void setState(Object state) {
            this.state = state;
        }
    }

    private static final ClassRegistry REGISTRY = ClassRegistry.builtins().toBuilder()
            .register("newmodels", "Model", Model.class, Model::new).build();

    @Test
    void aClassRegisteredByNameSavesToAFileWithItsRegistry() throws Exception {
        Python.require();
        Model m = new Model();
        m.state = new LinkedHashMap<>(Map.of("x", 1L));
        for (int p = 0; p <= 5; p++) {
            Path file = tmp.resolve("m" + p + ".pkl");
            Pickle.dump(m, file, PicklerOptions.builder().registry(REGISTRY).protocol(p).build());
            Model back = assertInstanceOf(Model.class, Pickle.load(file, UnpicklerOptions.builder().registry(REGISTRY).build()));
            assertEquals(m.state, back.state);
        }
        String out = Python.checkText("""
                import os, pickle, sys, types
                mod = types.ModuleType('newmodels'); sys.modules['newmodels'] = mod
                class Model: pass
                Model.__module__ = 'newmodels'; mod.Model = Model
                for p in range(6):
                    with open(os.path.join(sys.argv[1], f'm{p}.pkl'), 'rb') as f:
                        v = pickle.load(f)
                    assert type(v) is Model and v.__dict__ == {'x': 1}, (p, v.__dict__)
                print('ok')
                """, tmp).strip();
        assertEquals("ok", out);
    }

    @Test
    void withoutTheRegistryTheRefusalSaysHowToPassIt() {
        Path file = tmp.resolve("x.pkl");
        PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dump(new Model(), file, 4));
        assertTrue(e.getMessage().contains("PicklerOptions.builder().registry("), e.getMessage());
        assertFalse(Files.exists(file), "a refused save leaves no file");
    }
}
