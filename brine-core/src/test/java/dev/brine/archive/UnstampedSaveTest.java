package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.mapping.StateVersion;
import dev.brine.mapping.StateVersions;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.PicklingException;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A versioned class saved through a call that takes no registry ({@code Pickle.dump(obj, path,
 * protocol)}, {@code ModelArchive.dump(obj, path)}, {@code Pickle.dumps(obj)}) is stamped with the
 * version its {@link StateVersion} declares, so loading it with the versioned registry does not take
 * today's state for version 1 and migrate it again (which lost {@code learning_rate} silently, or
 * failed inside a migration). The oracle is CPython with {@code brine.Versioned}
 * ({@code python/brine.py}): it loads what Java wrote without running a migration, and what it
 * writes, old (no {@code __version__}) or current, loads in Java as the same values.
 */
class UnstampedSaveTest {
    @TempDir
    Path tmp;

    /** Version 2 renamed v1's {@code lr} to {@code learning_rate}. */
    @PythonName(module = "mymodels", name = "Config")
    @StateVersion(2)
    static final class Config implements PickleState {
        static final StateVersions VERSIONS = StateVersions.current(2).migration(1, s -> {
            Map<String, Object> m = StateVersions.dict(s);
            m.put("learning_rate", m.remove("lr"));
            return m;
        });
        Object learningRate;

        @Override
        public Object getState() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("learning_rate", learningRate);
            return m;
        }

        @Override
        public void setState(Object state) throws BrineException {
            learningRate = StateVersions.dict(state).get("learning_rate");
        }
    }

    private static final ClassRegistry REGISTRY = ClassRegistry.builtins().toBuilder()
            .registerVersioned(Config.class, Config::new, Config.VERSIONS).build();
    private static final UnpicklerOptions READ = UnpicklerOptions.builder().registry(REGISTRY).build();
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    private static Config config(double lr) {
        Config c = new Config();
        c.learningRate = lr;
        return c;
    }

    @Test
    void savesWithoutTheRegistryAreStampedAndLoadUnmigrated() throws Exception {
        for (int protocol = 0; protocol <= Pickle.HIGHEST_PROTOCOL; protocol++) {
            Path file = tmp.resolve("config" + protocol + ".pkl");
            Pickle.dump(config(0.1), file, protocol);
            Object written = Pickle.load(file, GENERIC);
            assertEquals(Map.of("__version__", 2L, "learning_rate", 0.1),
                    assertInstanceOf(GenericObject.class, written).state(), "protocol " + protocol);
            assertEquals(0.1, assertInstanceOf(Config.class, Pickle.load(file, READ)).learningRate);
            // the same bytes as through the registry
            assertArrayEquals(Pickle.dumps(config(0.1), PicklerOptions.builder().registry(REGISTRY).protocol(protocol)
                    .build()), Files.readAllBytes(file), "protocol " + protocol);
        }
        Path zip = tmp.resolve("config.zip");
        ModelArchive.dump(config(0.25), zip);
        Config back = assertInstanceOf(Config.class,
                ModelArchive.load(zip, ArchiveOptions.builder().registry(REGISTRY).build()));
        assertEquals(0.25, back.learningRate);
    }

    @Test
    void oldFilesWithoutAVersionStillLoadAsVersionOne() throws Exception {
        GenericObject old = GenericObject.newObject(new dev.brine.py.Global("mymodels", "Config"),
                dev.brine.py.Tuple.empty());
        old.setState(new LinkedHashMap<>(Map.of("lr", 0.5)));
        assertEquals(0.5, assertInstanceOf(Config.class, Pickle.loads(Pickle.dumps(old), READ)).learningRate);
    }

    @Test
    void pythonsVersionedClassAgreesBothWays() throws Exception {
        Python.require();
        Pickle.dump(config(0.1), tmp.resolve("java.pkl"), 2);
        ModelArchive.dump(config(0.3), tmp.resolve("java.zip"));
        String out = Python.checkText("""
                import os, pickle, sys, types
                sys.path.insert(0, sys.argv[2])
                import brine
                migrated = []
                def rename(s):
                    migrated.append(s)
                    s = dict(s); s['learning_rate'] = s.pop('lr'); return s
                class Config(brine.Versioned):
                    __state_version__ = 2
                    __migrations__ = {1: rename}
                m = types.ModuleType('mymodels'); m.Config = Config; Config.__module__ = 'mymodels'
                sys.modules['mymodels'] = m
                d = sys.argv[1]
                with open(os.path.join(d, 'java.pkl'), 'rb') as f:
                    a = pickle.load(f)
                b = brine.load(os.path.join(d, 'java.zip'))
                assert not migrated, migrated
                print(a.learning_rate, b.learning_rate)
                for p in range(6):
                    c = Config(); c.learning_rate = 0.75
                    with open(os.path.join(d, f'py{p}.pkl'), 'wb') as f:
                        pickle.dump(c, f, p)
                    old = Config.__new__(Config)
                    old.__dict__['lr'] = 0.5
                    # what the class wrote before it had versions: the bare dict
                    old.__getstate__ = lambda: {'lr': 0.5}
                    with open(os.path.join(d, f'old{p}.pkl'), 'wb') as f:
                        pickle.dump(old, f, p)
                """, tmp, ArchiveFixtures.pythonDir()).strip();
        assertEquals("0.1 0.3", out);
        for (int p = 0; p <= 5; p++) {
            assertEquals(0.75, assertInstanceOf(Config.class, Pickle.load(tmp.resolve("py" + p + ".pkl"), READ))
                    .learningRate, "protocol " + p);
            assertEquals(0.5, assertInstanceOf(Config.class, Pickle.load(tmp.resolve("old" + p + ".pkl"), READ))
                    .learningRate, "old file, protocol " + p);
        }
    }

    /** Annotated with @PythonName but not @StateVersion: a pickler without the registry could write it bare. */
    @PythonName(module = "mymodels", name = "Undeclared")
    static final class Undeclared implements PickleState {
        @Override
        public Object getState() {
            return new LinkedHashMap<>();
        }

        @Override
        public void setState(Object state) {
        }
    }

    /** No @PythonName: only a registry can write it, so it needs no @StateVersion. */
    static final class ByName extends Undeclared2 {
    }

    static class Undeclared2 implements PickleState {
        @Override
        public Object getState() {
            return null;
        }

        @Override
        public void setState(Object state) {
        }
    }

    @PythonName(module = "mymodels", name = "Declared")
    @StateVersion(4)
    static final class Declared extends Undeclared2 {
    }

    @Test
    void registrationChecksTheDeclaredVersion() {
        ClassRegistry.Builder b = ClassRegistry.builtins().toBuilder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.registerVersioned(Undeclared.class, Undeclared::new, StateVersions.current(2)));
        assertTrue(e.getMessage().contains("@StateVersion(2)") && e.getMessage().contains("Undeclared"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> b.registerVersioned(Declared.class, Declared::new, StateVersions.current(3)));
        assertTrue(e.getMessage().contains("@StateVersion(4)") && e.getMessage().contains("current(3)"), e.getMessage());
        // a class only a registry writes needs no annotation
        ClassRegistry r = ClassRegistry.builtins().toBuilder()
                .registerVersioned("mymodels", "ByName", ByName.class, ByName::new, StateVersions.current(2)).build();
        assertEquals(2, r.versionsOf(ByName.class).current());
        // a declared version read without migrations is refused when the registry is built
        e = assertThrows(IllegalArgumentException.class,
                () -> ClassRegistry.builtins().toBuilder().register(Declared.class, Declared::new).build());
        assertTrue(e.getMessage().contains("registerVersioned"), e.getMessage());
    }

    @Test
    void aDeclaredVersionNeedsADictState() {
        // Declared's getState gives None: nothing to put the version in, said with the class's name
        PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(new Declared()));
        assertTrue(e.getMessage().contains("mymodels.Declared") && e.getMessage().contains("dict"), e.getMessage());
    }
}
