package dev.brine.pickle;

import dev.brine.py.Global;
import java.util.List;

/**
 * The distinct globals that reading kept inert, as {@link Unpickler#inertGlobals()} gives them: each a class or
 * function the registry does not resolve, which Python's unpickler would import (and call, if the pickle calls
 * it). Unlike a walk of what was read, this holds every such name met, also one in a part of the input no value
 * keeps: a call whose result the pickle pops, a tensor's Python state that a torch checkpoint reader drops.
 *
 * @param names the names in the order first met, at most {@link #MAX_LISTED}, each once (a {@link Global}'s form
 *     takes no part in its equality, so a name met as GLOBAL and through getattr is listed once)
 * @param more whether other names were met after {@code names} filled up
 */
public record InertGlobals(List<Global> names, boolean more) {
    /**
     * The most names kept: a hostile pickle may name millions, and a warning lists a handful; a name met
     * after that only sets {@link #more}.
     */
    public static final int MAX_LISTED = 64;

    /** No names met. */
    public static final InertGlobals NONE = new InertGlobals(List.of(), false);

    /** The names, copied; {@code more} as given. */
    public InertGlobals {
        names = List.copyOf(names);
    }

    /** Whether no name was met. */
    public boolean isEmpty() {
        return names.isEmpty();
    }
}
