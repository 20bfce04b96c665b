package dev.brine.ndarray;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names a Java value's type as its user wrote it: {@code List.of(1, 2)} is "a List", not the JDK's
 * internal {@code ImmutableCollections$List12}, whose simple name means nothing to a caller.
 */
final class JavaValueNames {
    private JavaValueNames() {
    }

    /** "a List", "a Map", "a double[]", "a String": the type of {@code v} with its article. */
    static String describe(Object v) {
        return withArticle(typeName(v));
    }

    /** {@code word} after "a", or "an" before a vowel: "a List", "an Object", "an int8", "a uint8". */
    static String withArticle(String word) {
        return ("AEIOUaeio".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    private static String typeName(Object v) {
        // the collection interfaces first: their implementations' names are the JDK's private business
        if (v instanceof List) {
            return "List";
        }
        if (v instanceof Set) {
            return "Set";
        }
        if (v instanceof Map) {
            return "Map";
        }
        if (v instanceof Collection) {
            return "Collection";
        }
        Class<?> c = v.getClass();
        // an anonymous class or lambda has no simple name of its own: its public ancestor's says more
        while (c.getSimpleName().isEmpty() || c.isSynthetic()) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }
}
