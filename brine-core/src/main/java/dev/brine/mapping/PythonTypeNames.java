package dev.brine.mapping;

import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import dev.brine.py.Unhashable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python type a value read from a pickle stands for, by name, for messages that say what CPython's say
 * ({@code 'list' object is not callable}); one place, so the reader's refusals and the builtin
 * reconstructors' name a value alike. Not part of the public API.
 */
public final class PythonTypeNames {
    private static final Global DECIMAL = new Global("decimal", "Decimal");

    private PythonTypeNames() {
    }

    /**
     * {@code v}'s Python type as CPython's messages print it: {@code int}, {@code str}, {@code dict},
     * {@code datetime.date}, a generic object's class ({@code collections.Counter}) or, for an object a
     * call made without a class of its own, the callable; a Java class's name for what the type contract
     * does not map.
     */
    public static String of(Object v) {
        String builtin = builtinName(v);
        if (builtin != null) {
            return builtin;
        }
        if (isInertDecimal(v)) {
            return "decimal.Decimal";
        }
        if (isTime(v)) {
            return timeName(v);
        }
        if (v instanceof GenericObject) {
            GenericObject o = (GenericObject) v;
            return o.type() != null ? o.type().module() + "." + o.type().name() : String.valueOf(o.callable());
        }
        if (v instanceof PyCallable) {
            return ((PyCallable) v).global().toString();
        }
        if (v instanceof Unhashable) { // numpy arrays and object arrays
            return ((Unhashable) v).pythonTypeName();
        }
        return v.getClass().getName();
    }

    private static String builtinName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (v instanceof String || v instanceof Character) {
            return "str"; // a Character is written as a one-character str
        }
        if (v instanceof Long || v instanceof BigInteger) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return v instanceof OrderedDict ? "collections.OrderedDict" : "dict";
        }
        if (v instanceof Tuple) {
            return "tuple";
        }
        if (v instanceof Set) {
            return v instanceof FrozenSet ? "frozenset" : "set";
        }
        if (v instanceof byte[]) {
            return "bytes";
        }
        if (v instanceof ByteArray) {
            return "bytearray";
        }
        if (v instanceof Complex) {
            return "complex";
        }
        if (v instanceof java.util.UUID) {
            return "uuid.UUID";
        }
        return v instanceof BigDecimal ? "decimal.Decimal" : null;
    }

    /** Whether {@code v} is the inert {@code decimal.Decimal(str)} Brine reads a Decimal that BigDecimal cannot hold as. */
    static boolean isInertDecimal(Object v) {
        return v instanceof GenericObject && DECIMAL.equals(((GenericObject) v).callable())
                && ((GenericObject) v).args().size() == 1 && ((GenericObject) v).args().get(0) instanceof String;
    }

    /** Whether {@code v} is one of the java.time values the datetime types map to. */
    static boolean isTime(Object v) {
        return v instanceof LocalDate || v instanceof LocalTime || v instanceof LocalDateTime || v instanceof OffsetDateTime
                || v instanceof OffsetTime || v instanceof Duration || v instanceof ZoneOffset;
    }

    private static String timeName(Object v) {
        if (v instanceof LocalDate) {
            return "datetime.date";
        }
        if (v instanceof LocalTime || v instanceof OffsetTime) {
            return "datetime.time";
        }
        if (v instanceof Duration) {
            return "datetime.timedelta";
        }
        return v instanceof ZoneOffset ? "datetime.timezone" : "datetime.datetime";
    }
}
