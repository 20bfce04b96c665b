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
import java.util.UUID;

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
     * Python's {@code str()} of {@code value}, for the values Brine maps: a str is itself, a Decimal its digits
     * ({@code 1.5}, {@code 1E+2}, {@code NaN}), a date, time, datetime, timedelta or timezone its ISO-like text
     * ({@code 2020-01-02}, {@code 2020-01-02 03:04:05+01:00}, {@code 1 day, 2:03:04}, {@code UTC+01:00}); every
     * other value's str is its repr ({@link #repr}), as in Python: numbers, None, bools, bytes ({@code b'x'}),
     * complex numbers, and containers, whose items are repr'd ({@code ('a', Decimal('2'))}). Whether that text is
     * exactly Python's is {@link #strIsPythons}. CPython's protocol 0 pickler writes a persistent id as its str.
     */
    public static String str(Object value) {
        if (value instanceof String) {
            return (String) value;
        }
        if (value instanceof Character) {
            return String.valueOf(((Character) value).charValue()); // written as a one-character str
        }
        if (value instanceof UUID) {
            return value.toString();
        }
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).toString(); // the same notation as Python's Decimal (see the repr above)
        }
        if (value instanceof GenericObject && inertDecimal((GenericObject) value) != null) {
            return inertDecimal((GenericObject) value);
        }
        if (isDateTime(value)) {
            return DateTimeRepr.str(value);
        }
        return repr(value);
    }

    /**
     * Whether {@link #str} of {@code value} is exactly the text Python's {@code str()} gives: false when it holds
     * (at any depth) a value whose text Brine only approximates, because the pickle does not say what Python would
     * print for it (a generic object, a global naming other than a builtin, an array, a datetime in a zone Brine
     * keeps inert), a set of more than one item (Python shows them in hash order), an int whose str Python refuses
     * (over 4,300 digits), or nesting past what repr shows.
     */
    public static boolean strIsPythons(Object value) {
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        java.util.ArrayDeque<Object[]> todo = new java.util.ArrayDeque<>(); // {value, depth}: no recursion, as in Walk
        todo.push(new Object[] {value, 0});
        while (!todo.isEmpty()) {
            Object[] next = todo.pop();
            Object v = next[0];
            int depth = (Integer) next[1];
            if (isContainer(v)) {
                if (seen.put(v, Boolean.TRUE) != null) {
                    continue; // met again: shown as [...] when it contains itself, as Python does
                }
                if (depth >= UNBOUNDED.maxDepth || v instanceof Set && ((Set<?>) v).size() > 1) {
                    return false; // a set's items are in Python's hash order, which a str's hash varies from run to run
                }
                Iterable<?> items = v instanceof Map ? ((Map<?, ?>) v).entrySet() : v instanceof Tuple ? (Tuple) v
                        : v instanceof Object[] ? java.util.Arrays.asList((Object[]) v) : (Collection<?>) v;
                for (Object item : items) {
                    if (item instanceof Map.Entry) {
                        todo.push(new Object[] {((Map.Entry<?, ?>) item).getKey(), depth + 1});
                        todo.push(new Object[] {((Map.Entry<?, ?>) item).getValue(), depth + 1});
                    } else {
                        todo.push(new Object[] {item, depth + 1});
                    }
                }
            } else if (!scalarStrIsPythons(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean scalarStrIsPythons(Object v) {
        if (v instanceof BigInteger) {
            BigInteger i = (BigInteger) v;
            // Python's limit is in digits: only ints near it are counted
            return i.bitLength() < 14_000 || i.abs().toString().length() <= 4_300;
        }
        if (v instanceof Global) {
            Global g = (Global) v;
            return "builtins".equals(g.module()) && ("Ellipsis".equals(g.name()) || "NotImplemented".equals(g.name())
                    || BuiltinNames.isFunction(g.name()) || BuiltinNames.isClass(g.name()));
        }
        return v == null || v instanceof String || v instanceof Character || v instanceof Boolean || v instanceof Long || v instanceof Integer
                || v instanceof Short || v instanceof Byte || v instanceof Double || v instanceof Float
                || v instanceof byte[] || v instanceof ByteArray || v instanceof Complex || v instanceof BigDecimal || v instanceof UUID
                || (v instanceof GenericObject && inertDecimal((GenericObject) v) != null) || isDateTime(v);
    }

    private static boolean isDateTime(Object v) {
        return v instanceof LocalDate || v instanceof LocalDateTime || v instanceof LocalTime
                || v instanceof OffsetDateTime || v instanceof OffsetTime || v instanceof Duration
                || v instanceof ZoneOffset;
    }

    /**
     * The repr of {@code value} within this instance's bounds. The text is cut after
     * {@link #MAX_OUTPUT} characters: a small structure whose parts are shared can have an
     * exponentially long repr.
     */
    public String format(Object value) {
        StringBuilder out = new StringBuilder();
        new Walk(out).run(value);
        if (out.length() > MAX_OUTPUT) {
            out.setLength(MAX_OUTPUT);
            out.append("...");
        }
        return out.toString();
    }

    /** A value to write at a nesting depth: a piece of a container's text that is not literal text. */
    private record Value(Object value, int depth) {
    }

    /**
     * The text of one container, a piece at a time: literal text ({@code String}), a {@link Value} to write, or a
     * nested {@code Frame} (a generic object's arguments). Kept on the walk's own stack rather than the thread's, so
     * that a value nested as deep as the caller allows (a pickle can nest 100,000 lists in 200 KB) cannot overflow it.
     */
    private abstract static class Frame {
        /** Released from the walk's {@code active} set when the frame ends, or null. */
        final Object owner;
        final java.util.ArrayDeque<Object> queue = new java.util.ArrayDeque<>();

        Frame(Object owner) {
            this.owner = owner;
        }

        /** Adds the next pieces to {@link #queue}; false when there are none left. */
        abstract boolean refill();

        /** The next piece, or null at the end. */
        final Object next() {
            while (queue.isEmpty()) {
                if (!refill()) {
                    return null;
                }
            }
            return queue.poll();
        }
    }

    /** A frame whose pieces are all known at once. */
    private static final class Fixed extends Frame {
        Fixed(Object owner, Object... pieces) {
            super(owner);
            for (Object p : pieces) {
                if (p != null) {
                    queue.add(p);
                }
            }
        }

        @Override
        boolean refill() {
            return false;
        }
    }

    /**
     * Items separated by {@code ", "}, at most {@code limit} of them, then {@code ", ..."} (or {@code "..."} when none
     * was shown: reprlib's {@code [...]}) if some were left out, and {@code close}.
     */
    private static class Items extends Frame {
        private final Iterator<?> items;
        private final int size;
        private final int limit;
        final int depth;
        private final String close;
        private int shown;
        private boolean ended;

        Items(Object owner, Iterator<?> items, int size, int limit, int depth, String close) {
            super(owner);
            this.items = items;
            this.size = size;
            this.limit = limit;
            this.depth = depth;
            this.close = close;
        }

        @Override
        boolean refill() {
            if (ended) {
                return false;
            }
            if (shown < limit && items.hasNext()) {
                if (shown++ > 0) {
                    queue.add(", ");
                }
                piecesOf(items.next());
                return true;
            }
            ended = true;
            if (size > shown) {
                queue.add(shown > 0 ? ", ..." : "...");
            }
            queue.add(close);
            return true;
        }

        /** The pieces of one item: the item itself. */
        void piecesOf(Object item) {
            queue.add(new Value(item, depth));
        }
    }

    /** A dict's entries as {@code key: value}, an OrderedDict's as CPython 3.11 lists them, {@code (key, value)}. */
    private static final class Entries extends Items {
        private final boolean pairs;

        Entries(Map<?, ?> map, int limit, int depth, String close) {
            super(map, map.entrySet().iterator(), map.size(), limit, depth, close);
            this.pairs = map instanceof OrderedDict;
        }

        @Override
        void piecesOf(Object item) {
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) item;
            if (pairs) {
                queue.add("(");
            }
            queue.add(new Value(e.getKey(), depth));
            queue.add(pairs ? ", " : ": ");
            queue.add(new Value(e.getValue(), depth));
            if (pairs) {
                queue.add(")");
            }
        }
    }

    /** A generic object's arguments: the positional ones, then {@code name=value} for each keyword. */
    private static final class Arguments extends Frame {
        private final Iterator<Object> args;
        private final Iterator<Map.Entry<Object, Object>> kwargs;
        private final int depth;
        private int n;

        Arguments(GenericObject g, int depth) {
            super(null);
            this.args = g.args().iterator();
            this.kwargs = g.kwargs().entrySet().iterator();
            this.depth = depth;
        }

        @Override
        boolean refill() {
            if (!args.hasNext() && !kwargs.hasNext()) {
                return false;
            }
            if (n++ > 0) {
                queue.add(", ");
            }
            if (args.hasNext()) {
                queue.add(new Value(args.next(), depth));
            } else {
                Map.Entry<Object, Object> kw = kwargs.next();
                queue.add(name(String.valueOf(kw.getKey())) + "=");
                queue.add(new Value(kw.getValue(), depth));
            }
            return true;
        }
    }

    /** One call of {@link #format}: the containers being written, and the text so far. */
    private final class Walk {
        private final StringBuilder out;
        private final IdentityHashMap<Object, Boolean> active = new IdentityHashMap<>();
        private final java.util.ArrayDeque<Frame> stack = new java.util.ArrayDeque<>();

        Walk(StringBuilder out) {
            this.out = out;
        }

        void run(Object root) {
            stack.push(new Fixed(null, new Value(root, 0)));
            while (!stack.isEmpty() && out.length() <= MAX_OUTPUT) { // over budget: format() cuts the text; stop walking
                Frame frame = stack.peek();
                Object piece = frame.next();
                if (piece == null) {
                    stack.pop();
                    if (frame.owner != null) {
                        active.remove(frame.owner);
                    }
                } else if (piece instanceof String) {
                    out.append((String) piece);
                } else if (piece instanceof Frame) {
                    stack.push((Frame) piece);
                } else {
                    Frame child = write(((Value) piece).value(), ((Value) piece).depth());
                    if (child != null) {
                        stack.push(child);
                    }
                }
            }
        }

        /** Writes a value that has no parts, or the start of one that has: then the frame of its parts. */
        private Frame write(Object v, int depth) {
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
            } else if (v instanceof Character) {
                appendString(out, String.valueOf(((Character) v).charValue())); // the one-character str it is written as
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
            } else if (v instanceof UUID) {
                out.append("UUID('").append(v).append("')"); // Java's text is Python's str(): 8-4-4-4-12 lowercase hex
            } else if (v instanceof Global) {
                appendGlobal(out, (Global) v);
            } else if (isContainer(v)) {
                if (active.containsKey(v)) {
                    // CPython 3.11's OrderedDict prints a reference to itself as a bare ellipsis
                    out.append(v instanceof OrderedDict ? "..." : openBracket(v) + "..." + closeBracket(v));
                    return null;
                }
                if (depth >= maxDepth) {
                    out.append(openBracket(v)).append("...").append(closeBracket(v));
                    return null;
                }
                return container(v, depth);
            } else if (v instanceof GenericObject && inertDecimal((GenericObject) v) != null) {
                out.append("Decimal(");
                appendString(out, inertDecimal((GenericObject) v));
                out.append(')');
            } else if (v instanceof GenericObject) {
                // a datetime in a zone Brine keeps inert; met again inside its zone, it is a generic object being written
                DateTimeRepr.Inert dateTime = active.containsKey(v) ? null : DateTimeRepr.inert((GenericObject) v);
                return dateTime != null ? inertDateTime((GenericObject) v, dateTime, depth) : generic((GenericObject) v, depth);
            } else if (v instanceof PersistentId) {
                return persistentId((PersistentId) v, depth);
            } else if (v instanceof PickleBuffer) {
                out.append(v);
            } else if (isDateTime(v)) {
                out.append(DateTimeRepr.repr(v));
            } else {
                String text = other == null ? null : other.apply(v);
                out.append(text != null ? text : String.valueOf(v));
            }
            return null;
        }

        private Frame container(Object v, int depth) {
            if (v instanceof Set && ((Set<?>) v).isEmpty()) {
                out.append(v instanceof FrozenSet ? "frozenset()" : "set()");
                return null;
            }
            if (v instanceof OrderedDict && ((Map<?, ?>) v).isEmpty()) {
                out.append("OrderedDict()");
                return null;
            }
            active.put(v, Boolean.TRUE);
            out.append(openBracket(v));
            if (v instanceof Map) {
                return new Entries((Map<?, ?>) v, maxItems, depth + 1, closeBracket(v));
            }
            if (v instanceof Tuple) {
                Tuple t = (Tuple) v;
                return new Items(v, t.iterator(), t.size(), maxItems, depth + 1, t.size() == 1 ? ",)" : ")");
            }
            if (v instanceof Object[]) { // written as a tuple, so shown as one
                Object[] a = (Object[]) v;
                return new Items(v, java.util.Arrays.asList(a).iterator(), a.length, maxItems, depth + 1,
                        a.length == 1 ? ",)" : ")");
            }
            Collection<?> c = (Collection<?>) v;
            return new Items(v, c.iterator(), c.size(), maxItems, depth + 1, closeBracket(v));
        }

        /**
         * A datetime or time in a zone Brine keeps inert, as Python prints it. A zone that is not zoneinfo's is an
         * object of the file's own, written in this walk as one of the datetime's arguments: it may refer back to
         * the datetime (a tzinfo subclass with an attribute), which is then met as active and shown as
         * {@code <datetime.datetime object ...>}, where a repr of its own would recurse without end.
         */
        private Frame inertDateTime(GenericObject g, DateTimeRepr.Inert text, int depth) {
            out.append(text.head()).append(", tzinfo=");
            if (text.zoneText() != null) {
                out.append(text.zoneText()).append(text.tail());
                return null;
            }
            active.put(g, Boolean.TRUE);
            return new Fixed(g, new Value(text.zone(), depth + 1), text.tail());
        }

        /**
         * A persistent id as the call that would resolve it, {@code persistent_load('ref:x')}, counted as a level
         * like a generic object's call. Its pid is written in this walk: a pid may hold a list that holds the id
         * again (CPython loads such a 14-byte pickle), thousands of ids may nest, and ids may share their pids.
         */
        private Frame persistentId(PersistentId p, int depth) {
            if (depth >= maxDepth) {
                out.append("persistent_load(...)");
                return null;
            }
            out.append("persistent_load(");
            return new Fixed(null, new Value(p.pid(), depth + 1), ")");
        }

        private Frame generic(GenericObject g, int depth) {
            if (depth >= maxDepth || active.containsKey(g)) {
                out.append("<");
                appendName(out, calleeName(g.callable()));
                out.append(" object ...>");
                return null;
            }
            active.put(g, Boolean.TRUE);
            int d = depth + 1;
            Object callee = g.callable();
            boolean global = callee instanceof Global;
            if (global) {
                appendName(out, callee.toString());
            }
            // a callee the file built (cloudpickle's class, a function a call returned) is a value like the arguments,
            // in parentheses when its text ends in " with state ..." that would read as this call's
            boolean parenthesized = !global && hasSuffix(callee, d);
            boolean state = g.hasState();
            boolean setter = state && g.stateSetter() != null;
            boolean items = !g.listItems().isEmpty();
            boolean entries = !g.dictItems().isEmpty();
            return new Fixed(g, parenthesized ? "(" : null, global ? null : new Value(callee, d),
                    parenthesized ? ")" : null, "(", new Arguments(g, d), ")",
                    state ? " with state " : null, state ? new Value(g.state(), d) : null,
                    setter ? " set by " : null, setter ? new Value(g.stateSetter(), d) : null,
                    items ? " with items " : null, items ? new Value(g.listItems(), d) : null,
                    entries ? " with entries " : null, entries ? new Value(g.dictItems(), d) : null);
        }
    }

    /** The most calls {@link #calleeName} names before it gives up on finding the global that began them. */
    private static final int CALLEE_CALLS = 8;

    /**
     * What a generic object at the depth limit is named by: its callee's name, or for a callee the file built by calls,
     * the global those calls began with and {@code (...)} for each ({@code mod.make(...)}); bounded, whatever the callee.
     */
    private static String calleeName(Object callee) {
        StringBuilder calls = new StringBuilder();
        for (int i = 0; i < CALLEE_CALLS && callee instanceof GenericObject; i++) {
            callee = ((GenericObject) callee).callable();
            calls.append("(...)");
        }
        return (callee instanceof Global ? callee.toString() : "<callable>") + calls;
    }

    /** Whether {@code callee}, written at {@code depth}, ends in " with state", " with items" or " with entries". */
    private boolean hasSuffix(Object callee, int depth) {
        if (!(callee instanceof GenericObject) || depth >= maxDepth) {
            return false; // at the limit it is "<mod.Name object ...>"
        }
        GenericObject c = (GenericObject) callee;
        return c.hasState() || !c.listItems().isEmpty() || !c.dictItems().isEmpty();
    }

    private static boolean isContainer(Object v) {
        return v instanceof List || v instanceof Tuple || v instanceof Map || v instanceof Set || v instanceof Object[];
    }

    private static String openBracket(Object v) {
        if (v instanceof Tuple || v instanceof Object[]) {
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
        if (v instanceof Tuple || v instanceof Object[]) {
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
     * A global as CPython prints what it names where Brine knows what that is: the two builtin constants by name,
     * a builtin function as {@code <built-in function len>}, a builtin class as {@code <class 'int'>}
     * ({@link BuiltinNames}). Any other name is printed as the name it is, {@code module.name}
     * ({@code posixpath.join}, {@code collections.Counter}): nothing in a pickle says whether it names a class or a
     * function, and printing one as the other would mislead.
     */
    private static void appendGlobal(StringBuilder out, Global g) {
        boolean builtin = "builtins".equals(g.module());
        if (builtin && ("Ellipsis".equals(g.name()) || "NotImplemented".equals(g.name()))) { // a caller may make a null name
            out.append(g.name());
        } else if (builtin && BuiltinNames.isFunction(g.name())) {
            out.append("<built-in function ").append(g.name()).append('>');
        } else if (builtin && BuiltinNames.isClass(g.name())) {
            out.append("<class '").append(g.name()).append("'>");
        } else {
            appendName(out, g.toString());
        }
    }
}
