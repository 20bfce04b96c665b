package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.InertGlobals;
import dev.brine.py.Global;
import dev.brine.testing.Python;
import dev.brine.testing.TorchPythonState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TorchCheckpoint#loadResult}: the globals a checkpoint names that were kept inert, also those in what the
 * reader drops (a Parameter's or tensor's Python attributes, a tensor's subclass, its backward hooks, a legacy
 * file's header pickles), which the value read no longer holds. Against torch: exactly the globals its unpickler's
 * find_class is asked for that {@code torch.load(weights_only=True)} does not allow (nor Brine's builtins resolve),
 * in the order asked; the one weights_only refuses among them; none for clean checkpoints.
 */
class TorchInertGlobalsTest {
    @TempDir
    Path dir;

    private static final TorchOptions INERT = TorchOptions.builder().genericObjects(true).build();

    @Test
    void namesEveryGlobalTorchWouldLookUpAlsoInTheStateBrineDrops() throws Exception {
        Python.require("torch");
        TorchPythonState.save(dir);
        Set<String> allowed = Set.copyOf(TorchPythonState.allowedByWeightsOnly());
        ClassRegistry builtins = ClassRegistry.builtins();
        List<Path> files = new ArrayList<>();
        for (String name : TorchPythonState.NAMING) {
            files.add(dir.resolve(name));
        }
        for (String name : TorchPythonState.CLEAN) {
            files.add(dir.resolve(name));
        }
        Map<Path, String> refusals = TorchPythonState.weightsOnlyRefusals(files);
        for (Path f : files) {
            String name = f.getFileName().toString();
            LinkedHashSet<String> expected = new LinkedHashSet<>();
            for (String g : TorchPythonState.findClass(f)) {
                int dot = g.indexOf('.');
                if (!allowed.contains(g) && builtins.resolve(g.substring(0, dot), g.substring(dot + 1)) == null) {
                    expected.add(g);
                }
            }
            assertEquals(TorchPythonState.CLEAN.contains(name), expected.isEmpty(), name + ": " + expected);
            TorchCheckpoint.LoadResult read = TorchCheckpoint.loadResult(f, INERT);
            InertGlobals met = read.inertGlobals();
            List<String> got = new ArrayList<>();
            for (Global g : met.names()) {
                got.add(g.module() + "." + g.name());
            }
            assertEquals(List.copyOf(expected), got, name);
            assertFalse(met.more(), name);
            if (!expected.isEmpty()) { // one tensor under one key: it reads as its data, the state is what is dropped
                Map<?, ?> value = (Map<?, ?>) read.value();
                assertEquals(1, value.size(), name);
                assertInstanceOf(NDArray.class, value.values().iterator().next(), name);
            }
            String refused = refusals.get(f);
            if (expected.isEmpty()) {
                assertEquals("", refused, name);
                TorchCheckpoint.load(f); // as torch's safe loader, Brine's reads it without generic objects
            } else {
                assertTrue(expected.contains(refused), name + ": torch refuses " + refused + ", named " + expected);
                BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(f), name);
                assertTrue(expected.stream().anyMatch(g -> e.getMessage().contains(g)), e.getMessage());
            }
        }
    }
}
