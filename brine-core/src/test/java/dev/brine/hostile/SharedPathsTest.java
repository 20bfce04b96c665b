package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import dev.brine.torch.SharedPaths;
import dev.brine.torch.TorchCheckpoint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A module or container reached by several paths is named under each, as torch's state_dict names a shared
 * submodule; a file can make that explode (one container shared twice at each of 60 levels: 2^60 paths) or loop
 * (a module that is its own submodule, a list inside itself). Both end promptly: repeated walks are bounded
 * ({@link SharedPaths#MAX_REPEATED_ENTRIES}), and a container is not entered inside itself.
 */
class SharedPathsTest {
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
        assertTrue(names.size() > 1000 && names.size() <= SharedPaths.MAX_REPEATED_ENTRIES, "" + names.size());
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

    @Test
    void aDictSharedAtEveryLevelIsNamedWithinTheBoundAndAListInsideItselfEnds() {
        Object d = NDArray.of(new double[] {1}, 1);
        for (int level = 0; level < 60; level++) {
            Map<Object, Object> next = new LinkedHashMap<>();
            next.put("a", d);
            next.put("b", List.of(d));
            d = next;
        }
        Object top = d;
        List<Map.Entry<String, NDArray>> names = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> TorchCheckpoint.namedTensors(top));
        assertTrue(names.size() > 1000 && names.size() <= SharedPaths.MAX_REPEATED_ENTRIES, "" + names.size());
        assertEquals("a.".repeat(60).replaceAll("\\.$", ""), names.get(0).getKey());
        List<Object> self = new java.util.ArrayList<>();
        self.add(NDArray.of(new double[] {3}, 1));
        self.add(self);
        self.add(Map.of("x", self));
        assertEquals(List.of("0"), TorchCheckpoint.namedTensors(self).stream().map(Map.Entry::getKey).toList());
    }
}
