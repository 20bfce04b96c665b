package dev.brine.mapping;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The stable Python name under which a Java class is pickled, independent of the Java class's
 * own name and package: move or rename the Java class and keep this annotation, and old files keep
 * loading. The class still has to be registered to be read back (nothing is found by name alone).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PythonName {
    /** The Python module, e.g. {@code "mymodel"}. */
    String module();

    /** The class name inside the module, e.g. {@code "Model"}. */
    String name();
}
