package dev.brine.pickle;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Collection;

/**
 * What the "cannot pickle" error says about a Java type that has no Python mapping: the type as
 * Java source names it ({@code int[]}, not the JVM's {@code [I}), and for the common types a user
 * reaches for first, what to write instead. The README's values table lists what does map.
 */
final class UnmappedTypes {
    private UnmappedTypes() {
    }

    /** The type as Java source names it: {@code int[]}, {@code java.util.Optional}, {@code Outer.Inner}. */
    static String sourceName(Class<?> type) {
        String canonical = type.getCanonicalName(); // null for local and anonymous classes
        return canonical != null ? canonical : type.getTypeName();
    }

    /**
     * What to do about {@code type}, after a colon: for a type a user reaches for first, what to
     * write instead; otherwise how to map a class of one's own.
     */
    static String advice(Class<?> type) {
        if (type == char[].class) {
            return ": a char[] has no Python counterpart; write new String(chars) for a Python str (a Character alone is"
                    + " a one-character str), or NDArray.of(chars) for a numpy uint16 array";
        }
        // by name: java.sql is a module of its own, which brine-core does not read
        if (type.getName().equals("java.sql.Date")) {
            return ": write date.toLocalDate(), which Python reads as a date, or register a writer"
                    + " (ClassRegistry.Builder.registerWriter)";
        }
        if (type.getName().equals("java.sql.Time")) {
            return ": write time.toLocalTime(), which Python reads as a naive time, or register a writer"
                    + " (ClassRegistry.Builder.registerWriter)";
        }
        if (java.util.Date.class.isAssignableFrom(type)) { // java.util.Date, java.sql.Timestamp: an instant
            return ": write date.toInstant().atOffset(ZoneOffset.UTC), an OffsetDateTime that Python reads as an aware"
                    + " datetime in UTC, or register a writer (ClassRegistry.Builder.registerWriter)";
        }
        if (type.isArray()) { // primitive: any other array is an Object[], written as a tuple
            return ": a primitive array has no Python counterpart; write NDArray.of(array) for a numpy array, or a List"
                    + " for a Python list (byte[] alone maps, to bytes)";
        }
        if (type == Instant.class) {
            return ": Python's datetime has no Instant; write instant.atOffset(ZoneOffset.UTC), an OffsetDateTime that"
                    + " Python reads as an aware datetime in UTC, or register a writer (ClassRegistry.Builder.registerWriter)";
        }
        if (type == ZonedDateTime.class) {
            return ": a time zone's rules have no pickle mapping; write toOffsetDateTime() (an aware datetime with a fixed"
                    + " offset) or toLocalDateTime() (a naive one), or register a writer (ClassRegistry.Builder.registerWriter)";
        }
        String collections = Collection.class.isAssignableFrom(type) ? " (only List and Set collections map to Python)" : "";
        return collections + ": register a writer (ClassRegistry.Builder.registerWriter), or give the class @PythonName"
                + " and implement PickleState (records need only @PythonName); a class registered in a ClassRegistry is"
                + " written only when that registry is passed: PicklerOptions.builder().registry(r) for Pickle.dumps"
                + " and Pickle.dump, ArchiveOptions.builder().registry(r) for ModelArchive.dump,"
                + " TorchOptions.builder().registry(r) for TorchCheckpoint.save";
    }
}
