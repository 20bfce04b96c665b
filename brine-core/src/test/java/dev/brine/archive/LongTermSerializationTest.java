package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyPickles;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's long-term serialization: files name classes by stable Python names, not Java names,
 * and hold only the state a class chooses, so renaming the Java class or its fields keeps old files
 * loading. (Versioned states: {@link StateVersionsTest} and {@link GoldenArchivesTest}.)
 */
class LongTermSerializationTest {
    @TempDir
    Path tmp;

    /** The seed's model: the state is just {@code (W, b)}. */
    @PythonName(module = "mymodels", name = "Model")
    static final class ModelWithWAndB implements PickleState {
        SharedVariable W; // the seed's names
        SharedVariable b;

        ModelWithWAndB() {
        }

        ModelWithWAndB(SharedVariable w, SharedVariable b) {
            this.W = w;
            this.b = b;
        }

        @Override
        public Object getState() {
            return Tuple.of(W, b);
        }

        @Override
        public void setState(Object state) {
            Tuple t = (Tuple) state;
            W = (SharedVariable) t.get(0);
            b = (SharedVariable) t.get(1);
        }
    }

    /**
     * The same model later: the Java class renamed (no annotation: the registry gives the Python
     * name) and its fields renamed to {@code weights} and {@code bias}; the state is still
     * {@code (W, b)}, so the old files load.
     */
    static final class RenamedModel implements PickleState {
        SharedVariable weights;
        SharedVariable bias;

        @Override
        public Object getState() {
            return Tuple.of(weights, bias);
        }

        @Override
        public void setState(Object state) throws BrineException {
            if (!(state instanceof Tuple) || ((Tuple) state).size() != 2) {
                throw new BrineException("mymodels.Model expects the state (W, b), got " + state);
            }
            Tuple t = (Tuple) state;
            weights = (SharedVariable) t.get(0);
            bias = (SharedVariable) t.get(1);
        }
    }

    private static final ClassRegistry OLD = NumpyPickles.standardRegistry().toBuilder()
            .register(ModelWithWAndB.class, ModelWithWAndB::new).build();
    private static final ClassRegistry NEW = NumpyPickles.standardRegistry().toBuilder()
            .register("mymodels", "Model", RenamedModel.class, RenamedModel::new).build();

    private static ModelWithWAndB oldModel() {
        return new ModelWithWAndB(new SharedVariable("W", GoldenArchiveGenerator.w()),
                new SharedVariable("b", GoldenArchiveGenerator.b()));
    }

    @Test
    void theFileNamesThePythonNameNotTheJavaClass() throws Exception {
        String pickle = new String(Pickle.dumps(oldModel(), PicklerOptions.builder().registry(OLD).build()),
                StandardCharsets.ISO_8859_1);
        assertTrue(pickle.contains("mymodels") && pickle.contains("Model"));
        assertFalse(pickle.contains("ModelWithWAndB") || pickle.contains("dev.brine"));
    }

    @Test
    void anOldArchiveLoadsIntoTheRenamedClassWithRenamedFields() throws Exception {
        Path f = tmp.resolve("model.zip");
        ModelArchive.dump(oldModel(), f, ArchiveOptions.builder().registry(OLD).build());
        RenamedModel m = assertInstanceOf(RenamedModel.class,
                ModelArchive.load(f, ArchiveOptions.builder().registry(NEW).build()));
        assertEquals(new SharedVariable("W", GoldenArchiveGenerator.w()), m.weights);
        assertEquals(new SharedVariable("b", GoldenArchiveGenerator.b()), m.bias);
        // and saved again by the new class, it is the same file
        Path again = tmp.resolve("again.zip");
        ModelArchive.dump(m, again, ArchiveOptions.builder().registry(NEW).build());
        assertEquals(java.util.Arrays.toString(java.nio.file.Files.readAllBytes(f)),
                java.util.Arrays.toString(java.nio.file.Files.readAllBytes(again)));
    }

    @Test
    void anOldPlainPickleLoadsToo() throws Exception {
        byte[] bytes = Pickle.dumps(oldModel(), PicklerOptions.builder().registry(OLD).build());
        RenamedModel m = assertInstanceOf(RenamedModel.class,
                Pickle.loads(bytes, UnpicklerOptions.builder().registry(withSharedVariable(NEW)).build()));
        assertEquals(GoldenArchiveGenerator.w(), m.weights.getValue());
    }

    @Test
    void theSeedsPythonClassLoadsTheJavaFileAndViceVersa() throws Exception {
        Python.require("numpy");
        Path f = tmp.resolve("model.zip");
        ModelArchive.dump(oldModel(), f, ArchiveOptions.builder().registry(OLD).build());
        // the seed's __getstate__/__setstate__, renamed fields and all
        String script = PythonScripts.PRELUDE + """
                import types
                class Model:
                    def __getstate__(self):
                        return (self.weights, self.bias)
                    def __setstate__(self, state):
                        W, b = state
                        self.weights = W
                        self.bias = b
                module = types.ModuleType('mymodels')
                module.Model = Model
                Model.__module__ = 'mymodels'
                sys.modules['mymodels'] = module
                m = brine.load(sys.argv[1])
                assert m.weights.name == 'W' and m.weights.value.shape == (2, 3)
                m.bias.value = m.bias.value * 2
                brine.dump(m, sys.argv[1])
                print('ok')
                """;
        assertEquals("ok", Python.checkText(script, f, ArchiveFixtures.pythonDir()).strip());
        RenamedModel m = (RenamedModel) ModelArchive.load(f, ArchiveOptions.builder().registry(NEW).build());
        assertEquals(NDArray.of(new double[] {0.2, -0.4}), m.bias.getValue());
    }

    private static ClassRegistry withSharedVariable(ClassRegistry r) {
        return SharedVariable.addTo(r.toBuilder()).build();
    }
}
