package dev.brine.mapping;

import dev.brine.BrineException;

/**
 * One step of a class's state history: turns the state written by version {@code n} of a class
 * into the state version {@code n + 1} would have written. Steps are chained by
 * {@link StateVersions}, so each one only knows about two neighbouring versions and never has to
 * change once written.
 */
@FunctionalInterface
public interface StateMigration {
    /**
     * The state of the next version. {@code state} is what the older version's {@code getState}
     * returned (a dict arrives as a fresh mutable {@code Map} without its {@code __version__} key,
     * so a step may change it in place and return it).
     */
    Object migrate(Object state) throws BrineException;
}
