package dev.brine.torch;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The bookkeeping of a walk that names a file's values by their paths ({@link TorchCheckpoint#namedTensors}, the
 * command line's {@code ls}, {@code extract} and {@code convert}), where a container reached by more than one path
 * is named under each: torch's {@code state_dict()} names a shared submodule's tensors under every path
 * ({@code nn.ModuleList([block] * 3)} gives {@code 0.weight}, {@code 1.weight}, {@code 2.weight}), and a dict or
 * object held twice ({@code {'x': inner, 'y': inner}}) has its arrays named under both. So a walk enters such a
 * container again, except where it is its own ancestor (a cycle). The walks after the first are bounded
 * ({@link #MAX_REPEATED_ENTRIES} entries in all), so that a hostile file sharing one container twice at each of 60
 * levels (2^60 paths) costs no more than that; beyond it a container is named once, under its first path, and
 * {@link #cut()} says so.
 */
public final class SharedPaths {
    /** How many entries the repeated walks of containers may look at in all. */
    public static final int MAX_REPEATED_ENTRIES = 1 << 17;

    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Object> active = Collections.newSetFromMap(new IdentityHashMap<>());
    private long repeated;
    private boolean cut;

    /**
     * Whether to walk the {@code entries} entries of {@code container} now: always the first time it is met, again
     * when it is not its own ancestor and the bound allows. When true, the caller hands {@code container} to
     * {@link #done} once its entries are walked (a walk with a stack of its own pushes a marker for that beneath
     * them).
     */
    public boolean enter(Object container, long entries) {
        if (active.contains(container)) {
            return false;
        }
        if (!seen.add(container)) {
            repeated += entries;
            if (repeated > MAX_REPEATED_ENTRIES) {
                cut = true;
                return false;
            }
        }
        active.add(container);
        return true;
    }

    /** Ends the walk of {@code container}'s entries. */
    public void done(Object container) {
        active.remove(container);
    }

    /** True when some container reached again was not walked again, the bound being spent. */
    public boolean cut() {
        return cut;
    }
}
