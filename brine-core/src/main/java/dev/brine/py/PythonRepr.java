package dev.brine.py;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's {@code repr()} for the Java values Brine reads, with reprlib-style bounds: containers
 * deeper than {@code maxDepth} show as {@code [...]}, and only the first {@code maxItems} items of a
 * container are shown, so that huge or deep structures print in bounded time and stack.
 */
public final class PythonRepr {
    /** The longest text {@link #format} returns (plus a closing "..."): one million characters. */
    public static final int MAX_OUTPUT = 1_000_000;
    /** Integers longer than this many bits (about 4,300 decimal digits) are shown by their size. */
    public static final int MAX_INT_BITS = 14_300;
    private static final PythonRepr UNBOUNDED = new PythonRepr(64, Integer.MAX_VALUE, Integer.MAX_VALUE);

    private final int maxDepth;
    private final int maxItems;
    private final int maxString;
    private final java.util.function.Function<Object, String> other;

    /** A repr that shows {@code maxDepth} levels, {@code maxItems} per container, {@code maxString} chars per string. */
    public PythonRepr(int maxDepth, int maxItems, int maxString) {
        this(maxDepth, maxItems, maxString, null);
    }

    /**
     * Like {@link #PythonRepr(int, int, int)}, with {@code other} giving the text of values this class
     * does not know (arrays, say); it may return {@code null} to fall back to {@code toString()}.
     */
    public PythonRepr(int maxDepth, int maxItems, int maxString, java.util.function.Function<Object, String> other) {
        this.maxDepth = maxDepth;
        this.maxItems = maxItems;
        this.maxString = maxString;
        this.other = other;
    }

    private static final PythonRepr BRIEF = new PythonRepr(4, 8, 60);

    /**
     * A short repr for error messages: 4 levels, 8 items per container, 60 characters per string,
     * at most 300 characters in all; safe on any value read from a file.
     */
    public static String brief(Object value) {
        String s = BRIEF.format(value);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** The repr of {@code value} with every item shown (nesting beyond 64 levels is elided). */
    public static String repr(Object value) {
        return UNBOUNDED.format(value);
    }

    /**
     * The repr of {@code value} within this instance's bounds. The text is cut after
     * {@link #MAX_OUTPUT} characters: a small structure whose parts are shared can have an
     * exponentially long repr.
     */
    public String format(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, 0, new IdentityHashMap<>());
        if (out.length() > MAX_OUTPUT) {
            out.setLength(MAX_OUTPUT);
            out.append("...");
        }
        return out.toString();
    }

    private void append(StringBuilder out, Object v, int depth, IdentityHashMap<Object, Boolean> active) {
        if (out.length() > MAX_OUTPUT) {
            return; // over budget: format() cuts the text; stop walking
        }
        if (v == null) {
            out.append("None");
        } else if (v instanceof Boolean) {
            out.append((Boolean) v ? "True" : "False");
        } else if (v instanceof BigInteger && ((BigInteger) v).bitLength() > MAX_INT_BITS) {
            // like Python 3.11+, which refuses str() of ints over 4,300 digits: Java's toString is superlinear too
            out.append("<int of ").append(((BigInteger) v).bitLength()).append(" bits>");
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            out.append(PyFloat.repr(((Number) v).doubleValue()));
        } else if (v instanceof String) {
            appendString(out, (String) v);
        } else if (v instanceof byte[]) {
            appendBytes(out, (byte[]) v, false);
        } else if (v instanceof ByteArray) {
            out.append("bytearray(");
            appendBytes(out, ((ByteArray) v).array(), true);
            out.append(')');
        } else if (v instanceof Complex) {
            appendComplex(out, (Complex) v);
        } else if (v instanceof BigDecimal) {
            out.append("Decimal('").append(((BigDecimal) v).toString()).append("')");
        } else if (v instanceof Global) {
            appendGlobal(out, (Global) v);
        } else if (isContainer(v)) {
            if (active.containsKey(v)) {
                // CPython 3.11's OrderedDict prints a reference to itself as a bare ellipsis
                out.append(v instanceof OrderedDict ? "..." : openBracket(v) + "..." + closeBracket(v));
                return;
            }
            if (depth >= maxDepth) {
                out.append(openBracket(v)).append("...").append(closeBracket(v));
                return;
            }
            active.put(v, Boolean.TRUE);
            appendContainer(out, v, depth, active);
            active.remove(v);
        } else if (v instanceof GenericObject && inertDecimal((GenericObject) v) != null) {
            out.append("Decimal(");
            appendString(out, inertDecimal((GenericObject) v));
            out.append(')');
        } else if (v instanceof GenericObject) {
            appendGeneric(out, (GenericObject) v, depth, active);
        } else if (v instanceof PickleBuffer) {
            out.append(v);
        } else if (v instanceof LocalDate || v instanceof LocalDateTime || v instanceof LocalTime
                || v instanceof OffsetDateTime || v instanceof OffsetTime || v instanceof Duration
                || v instanceof ZoneOffset) {
            out.append(DateTimeRepr.repr(v));
        } else {
            String text = other == null ? null : other.apply(v);
            out.append(text != null ? text : String.valueOf(v));
        }
    }

    private static boolean isContainer(Object v) {
        return v instanceof List || v instanceof Tuple || v instanceof Map || v instanceof Set;
    }

    private static String openBracket(Object v) {
        if (v instanceof Tuple) {
            return "(";
        }
        if (v instanceof List) {
            return "[";
        }
        if (v instanceof OrderedDict) {
            return "OrderedDict(["; // CPython 3.11 (the oracle here) lists (key, value) pairs; 3.12 prints a dict
        }
        if (v instanceof FrozenSet) {
            return "frozenset({";
        }
        return "{";
    }

    private static String closeBracket(Object v) {
        if (v instanceof Tuple) {
            return ")";
        }
        if (v instanceof List) {
            return "]";
        }
        if (v instanceof OrderedDict) {
            return "])";
        }
        if (v instanceof FrozenSet) {
            return "})";
        }
        return "}";
    }

    private void appendContainer(StringBuilder out, Object v, int depth, IdentityHashMap<Object, Boolean> active) {
        if (v instanceof Set && ((Set<?>) v).isEmpty()) {
            out.append(v instanceof FrozenSet ? "frozenset()" : "set()");
            return;
        }
        if (v instanceof OrderedDict && ((Map<?, ?>) v).isEmpty()) {
            out.append("OrderedDict()");
            return;
        }
        out.append(openBracket(v));
        int shown = 0;
        int size;
        if (v instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) v;
            size = map.size();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (shown == maxItems) {
                    break;
                }
                if (shown++ > 0) {
                    out.append(", ");
                }
                boolean pair = v instanceof OrderedDict;
                out.append(pair ? "(" : "");
                append(out, e.getKey(), depth + 1, active);
                out.append(pair ? ", " : ": ");
                append(out, e.getValue(), depth + 1, active);
                out.append(pair ? ")" : "");
            }
        } else {
            Iterator<?> it = v instanceof Tuple ? ((Tuple) v).iterator() : ((Collection<?>) v).iterator();
            size = v instanceof Tuple ? ((Tuple) v).size() : ((Collection<?>) v).size();
            while (it.hasNext() && shown < maxItems) {
                if (shown++ > 0) {
                    out.append(", ");
                }
                append(out, it.next(), depth + 1, active);
            }
        }
        if (size > shown) {
            out.append(", ...");
        }
        if (v instanceof Tuple && size == 1) {
            out.append(',');
        }
        out.append(closeBracket(v));
    }

    /**
     * The text of a Decimal BigDecimal cannot hold (NaN, sNaN, infinities, negative zeros), which Brine
     * keeps as a bare {@code decimal.Decimal(str)} holding CPython's {@code str()} of it; null for any
     * other object. Python shows these as it shows every Decimal: {@code Decimal('-0')}.
     */
    private static String inertDecimal(GenericObject g) {
        boolean bare = DECIMAL.equals(g.callable()) && g.args().size() == 1 && g.args().get(0) instanceof String
                && g.kwargs().isEmpty() && !g.hasState() && g.listItems().isEmpty() && g.dictItems().isEmpty();
        return bare ? (String) g.args().get(0) : null;
    }

    private static final Global DECIMAL = new Global("decimal", "Decimal");

    private void appendGeneric(StringBuilder out, GenericObject g, int depth, IdentityHashMap<Object, Boolean> active) {
        if (depth >= maxDepth || active.containsKey(g)) {
            out.append("<");
            appendName(out, String.valueOf(g.callable()));
            out.append(" object ...>");
            return;
        }
        active.put(g, Boolean.TRUE);
        if (g.callable() instanceof Global) {
            appendName(out, g.callable().toString());
        } else {
            out.append("<callable>");
        }
        out.append('(');
        int n = 0;
        for (Object arg : g.args()) {
            if (n++ > 0) {
                out.append(", ");
            }
            append(out, arg, depth + 1, active);
        }
        for (Map.Entry<Object, Object> kw : g.kwargs().entrySet()) {
            if (n++ > 0) {
                out.append(", ");
            }
            appendName(out, String.valueOf(kw.getKey()));
            out.append('=');
            append(out, kw.getValue(), depth + 1, active);
        }
        out.append(')');
        if (g.hasState()) {
            out.append(" with state ");
            append(out, g.state(), depth + 1, active);
            if (g.stateSetter() != null) {
                out.append(" set by ");
                append(out, g.stateSetter(), depth + 1, active);
            }
        }
        if (!g.listItems().isEmpty()) {
            out.append(" with items ");
            append(out, g.listItems(), depth + 1, active);
        }
        if (!g.dictItems().isEmpty()) {
            out.append(" with entries ");
            append(out, g.dictItems(), depth + 1, active);
        }
        active.remove(g);
    }

    private void appendString(StringBuilder out, String s) {
        boolean truncated = s.length() > maxString;
        String shown = truncated ? s.substring(0, maxString) : s;
        char quote = shown.indexOf('\'') >= 0 && shown.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        appendEscaped(out, shown, quote);
        out.append(quote);
        if (truncated) {
            out.append("...");
        }
    }

    /**
     * A name read from a file (a global's module and name, a keyword) with repr's escapes of a str,
     * unquoted: a pickle can put a newline or terminal escape sequences into a name, and show must
     * not print them raw.
     */
    private static void appendName(StringBuilder out, String name) {
        appendEscaped(out, String.valueOf(name), -1); // a caller may make a Global with a null name
    }

    /** {@code name} as show prints a name read from a file: repr's escapes of a str, unquoted ({@code mod\x1b[2J}). */
    public static String name(String name) {
        StringBuilder out = new StringBuilder(name.length());
        appendName(out, name);
        return out.toString();
    }

    /** The characters of {@code shown} as repr of a str writes them between its quotes ({@code quote}, or -1 for none). */
    private static void appendEscaped(StringBuilder out, String shown, int quote) {
        for (int i = 0; i < shown.length(); ) {
            int cp = shown.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (Printable.isPrintable(cp)) {
                out.appendCodePoint(cp);
            } else if (cp < 0x100) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
        }
    }

    /**
     * {@code repr(bytes)}, or the inside of {@code repr(bytearray)}: CPython's bytearray repr escapes
     * a single quote even inside double quotes ({@code bytearray(b"it\'s")}), bytes' repr does not.
     */
    private void appendBytes(StringBuilder out, byte[] b, boolean bytearray) {
        boolean hasSingle = false;
        boolean hasDouble = false;
        for (byte x : b) {
            hasSingle |= x == '\'';
            hasDouble |= x == '"';
        }
        char quote = hasSingle && !hasDouble ? '"' : '\'';
        out.append('b').append(quote);
        int limit = Math.min(b.length, maxString);
        for (int i = 0; i < limit; i++) {
            int c = b[i] & 0xff;
            if (c == quote || c == '\\' || (bytearray && c == '\'')) {
                out.append('\\').append((char) c);
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.append((char) c);
            }
        }
        out.append(quote);
        if (b.length > limit) {
            out.append("...");
        }
    }

    private static void appendComplex(StringBuilder out, Complex c) {
        // Python: complex(0, 2) -> 2j; complex(1, 2) -> (1+2j); integral parts drop ".0"
        String imag = shortRepr(c.imag());
        if (c.real() == 0 && Double.doubleToRawLongBits(c.real()) == 0) {
            out.append(imag).append('j');
            return;
        }
        out.append('(').append(shortRepr(c.real()));
        if (!imag.startsWith("-")) {
            out.append('+');
        }
        out.append(imag).append("j)");
    }

    private static String shortRepr(double d) {
        String r = PyFloat.repr(d);
        return r.endsWith(".0") ? r.substring(0, r.length() - 2) : r;
    }

    /**
     * A global as CPython prints what it names: the two builtin constants by name, any other name
     * as a class (the usual case: a pickle names classes far more often than functions), without
     * the module for builtins, as {@code repr(int)} is {@code <class 'int'>}.
     */
    private static void appendGlobal(StringBuilder out, Global g) {
        boolean builtin = "builtins".equals(g.module());
        if (builtin && ("Ellipsis".equals(g.name()) || "NotImplemented".equals(g.name()))) { // a caller may make a null name
            out.append(g.name());
        } else {
            out.append("<class '");
            appendName(out, builtin ? g.name() : g.toString());
            out.append("'>");
        }
    }
}
