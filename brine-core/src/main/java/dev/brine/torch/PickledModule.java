package dev.brine.torch;

import dev.brine.py.GenericObject;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code torch.nn.Module} as {@code torch.save(model)} pickles it, read with {@code genericObjects(true)}: an inert
 * object whose state holds the module's {@code _parameters}, {@code _buffers} and {@code _modules} dicts. This says
 * which of its entries {@code model.state_dict()} is made of, so that Java names a whole model's tensors as torch
 * names them ({@link TorchCheckpoint#namedTensors}, and the command line's {@code ls}, {@code extract} and
 * {@code convert}). Any subclass of Module is recognised by that state, whatever its class is called.
 *
 * <pre>{@code
 * Object model = TorchCheckpoint.load(Path.of("model.pt"), TorchOptions.builder().genericObjects(true).build());
 * Map<String, NDArray> weights = TorchCheckpoint.tensors(model);   // "0.weight", "0.bias", ... as state_dict()
 * }</pre>
 */
public final class PickledModule {
    /** A module's own dicts, in the order state_dict() walks them. */
    private static final List<String> PARTS = List.of("_parameters", "_buffers", "_modules");
    private static final Set<String> PART_SET = Set.copyOf(PARTS);

    private final Map<?, ?> state;

    private PickledModule(Map<?, ?> state) {
        this.state = state;
    }

    /** The module {@code value} is, or null when it is anything else (a plain object, a dict, a tensor). */
    public static PickledModule of(Object value) {
        if (!(value instanceof GenericObject) || !((GenericObject) value).hasState()
                || !(((GenericObject) value).state() instanceof Map)) {
            return null;
        }
        Map<?, ?> state = (Map<?, ?>) ((GenericObject) value).state();
        for (String part : PARTS) {
            if (!(state.get(part) instanceof Map)) {
                return null;
            }
        }
        return new PickledModule(state);
    }

    /**
     * The module's own entries that {@code state_dict()} holds, in its order: parameters, persistent buffers, then
     * submodules (whose own entries a caller names under the submodule's name: {@code 0.weight}, {@code fc.bias}).
     * None entries (a {@code Linear} without bias) are skipped, as torch skips them. Keys are named as
     * {@link TorchCheckpoint#keyName} names them.
     */
    public List<Map.Entry<String, Object>> stateDictEntries() {
        List<Map.Entry<String, Object>> out = new ArrayList<>();
        Collection<?> nonPersistent = nonPersistentBuffers();
        for (String part : PARTS) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) state.get(part)).entrySet()) {
                if (e.getValue() != null && !(part.equals("_buffers") && nonPersistent.contains(e.getKey()))) {
                    out.add(entry(e));
                }
            }
        }
        return out;
    }

    /**
     * Everything else the module holds, which {@code state_dict()} leaves out: its non-persistent buffers and its
     * plain attributes (settings such as {@code in_features}, a tensor kept in an attribute). Null values included.
     */
    public List<Map.Entry<String, Object>> otherEntries() {
        List<Map.Entry<String, Object>> out = new ArrayList<>();
        Collection<?> nonPersistent = nonPersistentBuffers();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) state.get("_buffers")).entrySet()) {
            if (e.getValue() != null && nonPersistent.contains(e.getKey())) {
                out.add(entry(e));
            }
        }
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (!PART_SET.contains(e.getKey())) {
                out.add(entry(e));
            }
        }
        return out;
    }

    /** An entry named as {@link TorchCheckpoint#keyName} names a key; its value may be null (an attribute's). */
    private static Map.Entry<String, Object> entry(Map.Entry<?, ?> e) {
        return new AbstractMap.SimpleImmutableEntry<>(TorchCheckpoint.keyName(e.getKey()), e.getValue());
    }

    private Collection<?> nonPersistentBuffers() {
        Object names = state.get("_non_persistent_buffers_set");
        return names instanceof Collection ? (Collection<?>) names : List.of();
    }
}
