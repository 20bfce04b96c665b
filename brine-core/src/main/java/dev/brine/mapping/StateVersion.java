package dev.brine.mapping;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The version a {@link PickleState} class's state is at today, declared on the class itself so that
 * every way of saving it writes that version: with a registry that registers it through
 * {@link ClassRegistry.Builder#registerVersioned}, and without one (a pickler that finds only the
 * class's {@link PythonName} stamps {@code getState()} with this version, {@link StateVersions#stamp}).
 * Without it, a save that did not go through the registry wrote the state bare, which a later load
 * took for version 1 and migrated again, losing data without a word.
 *
 * <p>{@code registerVersioned} checks that this agrees with its {@link StateVersions#current()},
 * and requires it on a class that has {@link PythonName} (the one kind of class a pickler can write
 * without a registry); {@link ClassRegistry.Builder#build()} refuses a class that declares it but is
 * registered only with {@code register}, whose reading would not migrate old states. Files written
 * before the class had versions (no {@code __version__}) still load as version
 * {@value StateVersions#UNVERSIONED}.
 *
 * <pre>{@code
 * @PythonName(module = "mymodels", name = "Perceptron")
 * @StateVersion(3)                      // = Perceptron.VERSIONS.current()
 * public class Perceptron implements PickleState { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StateVersion {
    /** The current state version, {@value StateVersions#UNVERSIONED} or more. */
    int value();
}
