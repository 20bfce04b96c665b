package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.mapping.StateVersions;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyPickles;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's short-term serialization: whole objects of registered classes and records pickled and
 * reloaded by the same version of the code, with the class choosing what it saves: the model drops
 * its training set and reloads it from a file, as the seed's {@code __getstate__} and
 * {@code __setstate__} do.
 */
class ShortTermSerializationTest {
    @TempDir
    Path tmp;

    /** The seed's model: everything but the training set is saved; the set is reloaded from its file. */
    @PythonName(module = "examples", name = "Model")
    static final class Model implements PickleState {
        NDArray w;
        String trainingSetFile;
        NDArray trainingSet;

        @Override
        public Object getState() {
            // state = dict(self.__dict__); del state['training_set']
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("W", w);
            state.put("training_set_file", trainingSetFile);
            return state;
        }

        @Override
        public void setState(Object state) throws BrineException {
            Map<String, Object> d = StateVersions.dict(state); // self.__dict__.update(d)
            w = (NDArray) d.get("W");
            trainingSetFile = (String) d.get("training_set_file");
            try {
                trainingSet = (NDArray) Pickle.load(Path.of(trainingSetFile), UnpicklerOptions.DEFAULT);
            } catch (IOException e) {
                throw new BrineException("cannot reload the training set from " + trainingSetFile + ": " + e.getMessage(), e);
            }
        }
    }

    /** A record, pickled whole by its components. */
    @PythonName(module = "examples", name = "Layer")
    record Layer(String name, NDArray weights, double scale) {
    }

    /** A registered class holding records; two layers share one weights array. */
    @PythonName(module = "examples", name = "Network")
    static final class Network implements PickleState {
        List<Object> layers = new ArrayList<>();
        Network owner; // a cycle: the network refers to itself

        @Override
        public Object getState() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("layers", layers);
            s.put("owner", owner);
            return s;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void setState(Object state) throws BrineException {
            Map<String, Object> s = StateVersions.dict(state);
            layers = (List<Object>) s.get("layers");
            owner = (Network) s.get("owner");
        }
    }

    private static final ClassRegistry REGISTRY = NumpyPickles.standardRegistry().toBuilder()
            .register(Model.class, Model::new)
            .registerRecord(Layer.class)
            .register(Network.class, Network::new)
            .build();

    private Model model() throws IOException {
        Path set = tmp.resolve("training_set.save");
        Pickle.dump(NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2), set, Pickle.HIGHEST_PROTOCOL);
        Model m = new Model();
        m.w = GoldenArchiveGenerator.w();
        m.trainingSetFile = set.toString();
        m.trainingSet = (NDArray) Pickle.load(set, UnpicklerOptions.DEFAULT);
        return m;
    }

    @Test
    void theModelDropsItsTrainingSetAndReloadsItFromItsFile() throws Exception {
        Model m = model();
        byte[] bytes = Pickle.dumps(m, PicklerOptions.builder().registry(REGISTRY).build());
        // the pickle holds W and the file name, not the training set
        Map<?, ?> state = (Map<?, ?>) ((dev.brine.py.GenericObject) Pickle.loads(bytes,
                UnpicklerOptions.builder().genericObjects(true).build())).state();
        assertEquals(List.of("W", "training_set_file"), List.copyOf(state.keySet()));
        Model back = (Model) Pickle.loads(bytes, UnpicklerOptions.builder().registry(REGISTRY).build());
        assertEquals(m.w, back.w);
        assertEquals(m.trainingSet, back.trainingSet);
    }

    @Test
    void inAnArchiveOnlyWIsAMember() throws Exception {
        Path f = tmp.resolve("model.zip");
        ModelArchive.dump(model(), f, ArchiveOptions.builder().registry(REGISTRY).build());
        assertEquals(List.of("array_0", "pkl"), ModelArchive.verify(f));
        Model back = (Model) ModelArchive.load(f, ArchiveOptions.builder().registry(REGISTRY).build());
        assertEquals(4, back.trainingSet.shape()[0]);
    }

    @Test
    void theSeedsPythonClassDoesTheSameWithTheJavaPickle() throws Exception {
        Python.require("numpy");
        Path f = tmp.resolve("obj.save");
        Pickle.dump(model(), f, Pickle.HIGHEST_PROTOCOL);
        String script = PythonScripts.PRELUDE + """
                import types
                class Model:
                    def __getstate__(self):
                        state = dict(self.__dict__)
                        del state['training_set']
                        return state
                    def __setstate__(self, d):
                        self.__dict__.update(d)
                        self.training_set = pickle.load(open(self.training_set_file, 'rb'))
                module = types.ModuleType('examples')
                module.Model = Model
                Model.__module__ = 'examples'
                sys.modules['examples'] = module
                m = pickle.load(open(sys.argv[1], 'rb'))
                print(m.W.shape, m.training_set.shape)
                """;
        assertEquals("(2, 3) (4, 2)", Python.checkText(script, f, ArchiveFixtures.pythonDir()).strip());
    }

    @Test
    void wholeObjectsOfRegisteredClassesAndRecordsRoundTrip() throws Exception {
        NDArray shared = GoldenArchiveGenerator.w();
        Network n = new Network();
        n.layers.add(new Layer("in", shared, 0.5));
        n.layers.add(new Layer("out", shared, 2.0));
        n.owner = n;
        for (int protocol = 0; protocol <= 5; protocol++) {
            byte[] bytes = Pickle.dumps(n, PicklerOptions.builder().protocol(protocol).registry(REGISTRY).build());
            Network back = (Network) Pickle.loads(bytes, UnpicklerOptions.builder().registry(REGISTRY).build());
            assertEquals(n.layers, back.layers);
            assertSame(back, back.owner);
            assertSame(((Layer) back.layers.get(0)).weights(), ((Layer) back.layers.get(1)).weights());
        }
        Path f = tmp.resolve("net.zip");
        ModelArchive.dump(n, f, ArchiveOptions.builder().registry(REGISTRY).build());
        assertEquals(List.of("array_0", "pkl"), ModelArchive.verify(f));
        Network back = (Network) ModelArchive.load(f, ArchiveOptions.builder().registry(REGISTRY).build());
        assertEquals(n.layers, back.layers);
        assertSame(back, back.owner);
    }

    @Test
    void withoutTheRegistryTheClassIsRefusedByName() throws Exception {
        Path f = tmp.resolve("net.zip");
        Network n = new Network();
        ModelArchive.dump(n, f, ArchiveOptions.builder().registry(REGISTRY).build());
        dev.brine.pickle.UnpicklingException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.brine.pickle.UnpicklingException.class, () -> ModelArchive.load(f));
        assertTrue(e.getMessage().startsWith(f + ": member pkl: "), e.getMessage());
        assertTrue(e.getMessage().contains("examples.Network"), e.getMessage());
        Object generic = ModelArchive.load(f, ArchiveOptions.builder().genericObjects(true).build());
        assertInstanceOf(dev.brine.py.GenericObject.class, generic);
        assertFalse(generic instanceof Network);
        assertNull(n.owner);
    }
}
