package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import dev.brine.torch.PickledModule;
import dev.brine.torch.TorchCheckpoint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A module reached by several paths is named under each, as torch's state_dict names it; a file can make that
 * explode (one submodule shared twice at each of 60 levels: 2^60 paths) or loop (a module that is its own
 * submodule). Both end promptly: repeated walks are bounded ({@link PickledModule.Walks#MAX_REPEATED_ENTRIES}),
 * and a module is not entered inside itself.
 */
class SharedModulesTest {
    private static GenericObject module(Map<Object, Object> parameters, Map<Object, Object> modules) {
        GenericObject m = GenericObject.newObject(new Global("torch.nn.modules.module", "Module"), Tuple.of());
        Map<Object, Object> state = new LinkedHashMap<>();
        state.put("training", true);
        state.put("_parameters", parameters);
        state.put("_buffers", new LinkedHashMap<>());
        state.put("_modules", modules);
        m.setState(state);
        return m;
    }

    @Test
    void aSubmoduleSharedAtEveryLevelIsNamedWithinTheBound() {
        GenericObject m = module(new LinkedHashMap<>(Map.of("w", NDArray.of(new double[] {1}, 1))), new LinkedHashMap<>());
        for (int level = 0; level < 60; level++) {
            Map<Object, Object> children = new LinkedHashMap<>();
            children.put("a", m);
            children.put("b", m);
            m = module(new LinkedHashMap<>(), children);
        }
        GenericObject top = m;
        List<Map.Entry<String, NDArray>> names = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> TorchCheckpoint.namedTensors(top));
        assertTrue(names.size() > 1000 && names.size() <= PickledModule.Walks.MAX_REPEATED_ENTRIES, "" + names.size());
        assertEquals("a.".repeat(60) + "w", names.get(0).getKey());
        assertEquals("a.".repeat(59) + "b.w", names.get(1).getKey());
    }

    @Test
    void aModuleThatIsItsOwnSubmoduleEnds() {
        Map<Object, Object> modules = new LinkedHashMap<>();
        GenericObject m = module(new LinkedHashMap<>(Map.of("w", NDArray.of(new double[] {1}, 1))), modules);
        GenericObject child = module(new LinkedHashMap<>(Map.of("v", NDArray.of(new double[] {2}, 1))), new LinkedHashMap<>(Map.of("up", m)));
        modules.put("self", m);
        modules.put("child", child);
        modules.put("again", child);
        List<String> names = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> TorchCheckpoint.namedTensors(m)).stream().map(Map.Entry::getKey).toList();
        assertEquals(List.of("w", "child.v", "again.v"), names);
    }
}
