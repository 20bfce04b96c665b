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

    /** How many entries the module's own dicts and attributes hold: what a walk of it looks at. */
    private long entryCount() {
        long n = state.size();
        for (String part : PARTS) {
            n += ((Map<?, ?>) state.get(part)).size();
        }
        return n;
    }

    private Collection<?> nonPersistentBuffers() {
        Object names = state.get("_non_persistent_buffers_set");
        return names instanceof Collection ? (Collection<?>) names : List.of();
    }

    /**
     * The bookkeeping of a walk that names modules' tensors, for a module reached by more than one path. torch's
     * {@code state_dict()} names a shared submodule's tensors under every path ({@code nn.ModuleList([block] * 3)}
     * gives {@code 0.weight}, {@code 1.weight}, {@code 2.weight}), so a walk enters such a module again, except where
     * it is its own ancestor (a cycle, on which torch recurses until Python stops it). The walks after the first
     * are bounded ({@link #MAX_REPEATED_ENTRIES} entries in all), so that a hostile file sharing one submodule twice
     * at each of 40 levels costs no more than that; beyond it a module is named once, under its first path.
     */
    public static final class Walks {
        /** How many entries the repeated walks of shared modules may name in all. */
        public static final int MAX_REPEATED_ENTRIES = 1 << 20;

        private final Set<Object> active = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        private long repeated;

        /**
         * Whether to walk {@code value}'s entries now: always the first time ({@code first}), again when it is not
         * its own ancestor and the bound allows. When true, the caller hands {@code value} to {@link #done} once its
         * entries are walked (a walk with a stack of its own pushes a marker for that beneath them).
         */
        public boolean enter(Object value, boolean first, PickledModule module) {
            if (active.contains(value)) {
                return false;
            }
            if (!first) {
                repeated += module.entryCount();
                if (repeated > MAX_REPEATED_ENTRIES) {
                    return false;
                }
            }
            active.add(value);
            return true;
        }

        /** Ends the walk of {@code value}'s entries. */
        public void done(Object value) {
            active.remove(value);
        }
    }
}
