package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Archives written by earlier versions of {@link Perceptron} ({@link GoldenArchiveGenerator}) keep
 * loading forever, through the migration chain, in Java and in Python.
 */
class GoldenArchivesTest {
    @TempDir
    Path tmp;

    private static Path golden(String name) throws URISyntaxException {
        return Path.of(GoldenArchivesTest.class.getResource("/golden/archive/" + name).toURI());
    }

    /** The files are what was generated once: regenerating them would defeat their purpose. */
    @ParameterizedTest
    @CsvSource({
        "perceptron-v1.zip, 47ec0eb4d3b4af4a53c30e79e1a325ab920a13e4f5aa2ce0b969df5ec2086703",
        "perceptron-v2.zip, a9474bc039b8cd9489ea7db76b8546e3ab08fb99c6c809f0a67896fc0d6b9eac",
        "perceptron-v3.zip, 877d69a004f86cf017ecd7141f5522fd4e78152117b22ea0d33e43de86d2c8cf",
    })
    void theGoldenFilesAreUnchanged(String name, String sha256) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(golden(name)));
        assertEquals(sha256, HexFormat.of().formatHex(digest), name + " was rewritten");
    }

    @ParameterizedTest
    @CsvSource({
        // file, learning rate, activation: what each version's file means today
        "perceptron-v1.zip, 0.01, tanh",
        "perceptron-v2.zip, 0.05, tanh",
        "perceptron-v3.zip, 0.02, relu",
    })
    void everyVersionLoadsAsTodaysClass(String name, double learningRate, String activation) throws Exception {
        for (ArchiveOptions.ArrayAccess access : ArchiveOptions.ArrayAccess.values()) {
            Object loaded = ModelArchive.load(golden(name),
                    ArchiveOptions.builder().registry(Perceptron.registry()).arrayAccess(access).build());
            Perceptron expected = new Perceptron(new SharedVariable("W", GoldenArchiveGenerator.w()),
                    new SharedVariable("b", GoldenArchiveGenerator.b()), learningRate, activation);
            assertEquals(expected, loaded, name);
        }
        assertEquals(List.of("W", "b", "pkl"), ModelArchive.verify(golden(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"perceptron-v2.zip", "perceptron-v3.zip"})
    void theVersionIsADictKeyAnyReaderSees(String name) throws Exception {
        Object loaded = ModelArchive.load(golden(name), ArchiveOptions.builder().genericObjects(true).build());
        GenericObject g = assertInstanceOf(GenericObject.class, loaded);
        assertEquals("examples.perceptron.Perceptron", g.type().module() + "." + g.type().name());
        Map<?, ?> state = (Map<?, ?>) g.state();
        assertEquals(name.contains("v2") ? 2L : 3L, state.get("__version__"));
        assertEquals("__version__", state.keySet().iterator().next());
    }

    @ParameterizedTest
    @CsvSource({"perceptron-v1.zip, 0.01, tanh", "perceptron-v2.zip, 0.05, tanh", "perceptron-v3.zip, 0.02, relu"})
    void pythonLoadsEveryVersionWithBrinePyAndItsOwnMigrations(String name, double lr, String activation)
            throws Exception {
        Python.require("numpy");
        String script = PythonScripts.PRELUDE + """
                import types
                def from_tuple(t):
                    W, b = t
                    return {'W': W, 'b': b, 'learning_rate': 0.01}
                def rename(s):
                    return {'weights': s['W'], 'bias': s['b'], 'learning_rate': s['learning_rate'], 'activation': 'tanh'}
                class Perceptron(brine.Versioned):
                    __state_version__ = 3
                    __migrations__ = {1: from_tuple, 2: rename}
                module = types.ModuleType('examples.perceptron')
                module.Perceptron = Perceptron
                Perceptron.__module__ = 'examples.perceptron'
                sys.modules['examples'] = types.ModuleType('examples')
                sys.modules['examples.perceptron'] = module
                p = brine.load(sys.argv[1])
                assert isinstance(p, Perceptron)
                assert p.weights.name == 'W' and p.bias.name == 'b'
                assert np.array_equal(p.weights.value, [[0.5, -1, 2], [1.5, 0, -0.25]])
                assert np.array_equal(p.bias.value, [0.1, -0.2])
                print(p.learning_rate, p.activation)
                # and Python writes version 3 back the way Java reads it
                brine.dump(p, sys.argv[1] + '.py.zip')
                """;
        Path copy = tmp.resolve(name);
        Files.copy(golden(name), copy);
        String out = Python.checkText(script, copy, ArchiveFixtures.pythonDir()).strip();
        assertEquals(lr + " " + activation, out);
        Object back = ModelArchive.load(Path.of(copy + ".py.zip"), ArchiveOptions.builder().registry(Perceptron.registry()).build());
        assertEquals(new Perceptron(new SharedVariable("W", GoldenArchiveGenerator.w()),
                new SharedVariable("b", GoldenArchiveGenerator.b()), lr, activation), back);
    }

    @ParameterizedTest
    @ValueSource(strings = {"perceptron-v2.zip", "perceptron-v3.zip"})
    void plainPickleLoadsDictVersionsIntoAPlainClass(String name) throws Exception {
        Python.require("numpy");
        // a Python class with no __setstate__ at all: the version is one more attribute
        String script = PythonScripts.PRELUDE + PythonScripts.PKL_UTILS_LOAD + """
                import types
                class Perceptron:
                    pass
                module = types.ModuleType('examples.perceptron')
                module.Perceptron = Perceptron
                Perceptron.__module__ = 'examples.perceptron'
                sys.modules['examples'] = types.ModuleType('examples')
                sys.modules['examples.perceptron'] = module
                p = pkl_utils_load(sys.argv[1])
                print(p.__version__, sorted(k for k in vars(p) if k != '__version__'))
                """;
        String out = Python.checkText(script, golden(name), ArchiveFixtures.pythonDir()).strip();
        assertTrue(name.contains("v2") ? out.equals("2 ['W', 'b', 'learning_rate']")
                : out.equals("3 ['activation', 'bias', 'learning_rate', 'weights']"), out);
    }
}
