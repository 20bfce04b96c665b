package dev.brine.cli;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.ScalarFormat;
import dev.brine.numpy.ObjectArray;
import dev.brine.py.ByteArray;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.PersistentId;
import dev.brine.py.PyFloat;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.torch.TorchSize;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON for {@code show --json}: containers become arrays and objects (non-string keys by their
 * repr; see {@link #keyTexts} for keys that would repeat), bytes {@code {"__bytes__": base64}}, arrays
 * {@code {"__ndarray__": {...}}} with dtype, shape, first values and optional stats (an object array's first
 * items, as values), generic objects {@code {"__object__": "mod.Name", ...}}, persistent ids
 * {@code {"__persistent_id__": pid}}, other values JSON has no form for (complex, datetime, a class...)
 * {@code {"__repr__": "(1+2j)"}}. Depth and items are bounded like
 * the text form ({@code --items=0}: none shown, a container then holds only its {@code "..."}); NaN and
 * infinities, which JSON has no number for, as {@code {"__float__": "nan"}} (see {@link #number}). Iterative: containers wait on a stack of their own, so any {@code --depth}
 * is safe on any nesting.
 */
final class Json {
    private final int maxDepth;
    private final int maxItems;
    private final boolean stats;
    private final StringBuilder out = new StringBuilder();
    private final IdentityHashMap<Object, Boolean> active = new IdentityHashMap<>();
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();

    Json(int maxDepth, int maxItems, boolean stats) {
        this.maxDepth = maxDepth;
        this.maxItems = maxItems;
        this.stats = stats;
    }

    String write(Object v) {
        stack.push(new Frame(null).add(new Value(v, 0)));
        while (!stack.isEmpty()) {
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
                stack.push((Frame) piece); // a structured record of an object array
            } else {
                Value value = (Value) piece;
                Frame child = value(value.value(), value.depth(), value.element());
                if (child != null) {
                    stack.push(child);
                }
            }
        }
        return out.toString();
    }

    /**
     * A value to write at a nesting depth; {@code element} when it is an element of an array of numbers, or a field
     * of one's record, whose dtype says what its text is (a complex element is {@code "(1+2j)"}, not a
     * {@code __repr__}).
     */
    private record Value(Object value, int depth, boolean element) {
        Value(Object value, int depth) {
            this(value, depth, false);
        }
    }

    /**
     * The text of one container, a piece at a time: JSON text ({@code String}) or a {@link Value}; {@link #refill}
     * makes more pieces as they are needed, so a container's items are not all queued at once.
     */
    private static class Frame {
        /** Released from {@code active} when the frame ends, or null. */
        final Object owner;
        final ArrayDeque<Object> queue = new ArrayDeque<>();

        Frame(Object owner) {
            this.owner = owner;
        }

        Frame add(Object piece) {
            queue.add(piece);
            return this;
        }

        /** Adds the next pieces to {@link #queue}; false when there are none left. */
        boolean refill() {
            return false;
        }

        final Object next() {
            while (queue.isEmpty()) {
                if (!refill()) {
                    return null;
                }
            }
            return queue.poll();
        }
    }

    /** A JSON array of at most {@code maxItems} items, then {@code "..."} if some were left out, then {@code close}. */
    private final class Items extends Frame {
        private final Iterator<?> items;
        private final int size;
        private final int depth;
        private final String close;
        private int shown;
        private boolean ended;

        Items(Object owner, Iterator<?> items, int size, int depth, String close) {
            super(owner);
            this.items = items;
            this.size = size;
            this.depth = depth;
            this.close = close;
        }

        @Override
        boolean refill() {
            if (ended) {
                return false;
            }
            if (shown < maxItems && items.hasNext()) {
                queue.add(shown++ > 0 ? ", " : "");
                Object item = items.next();
                queue.add(item instanceof Frame ? item : new Value(item, depth));
                return true;
            }
            ended = true;
            if (size > shown) {
                queue.add(shown > 0 ? ", \"...\"" : "\"...\"");
            }
            queue.add(close);
            return true;
        }
    }

    /** Writes a value that has no parts, or the start of one that has: then the frame of its parts. */
    private Frame value(Object v, int depth) {
        return value(v, depth, false);
    }

    private Frame value(Object v, int depth, boolean element) {
        if (out.length() > PythonRepr.MAX_OUTPUT) {
            string("..."); // over budget: shared parts can make the tree exponentially larger than the file
            return null;
        }
        if (v == null) {
            out.append("null");
        } else if (v instanceof BigInteger && ((BigInteger) v).bitLength() > PythonRepr.MAX_INT_BITS) {
            repr(v); // "<int of N bits>": its digits would take seconds to compute
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double) {
            out.append(number((Double) v));
        } else if (v instanceof String) {
            string((String) v);
        } else if (v instanceof byte[]) {
            out.append("{\"__bytes__\": ");
            string(Base64.getEncoder().encodeToString((byte[]) v));
            out.append('}');
        } else if (v instanceof ByteArray) {
            out.append("{\"__bytearray__\": ");
            string(Base64.getEncoder().encodeToString(((ByteArray) v).array()));
            out.append('}');
        } else if (v instanceof PersistentId) {
            out.append("{\"__persistent_id__\": ");
            return new Frame(null).add(new Value(((PersistentId) v).pid(), depth + 1)).add("}");
        } else if (v instanceof NDArray) {
            return array((NDArray) v, depth);
        } else if (v instanceof TorchSize) {
            return value(((TorchSize) v).asList(), depth); // its dimensions, as the tuple it is in Python (bounded by --items)
        } else if (v instanceof ObjectArray || v instanceof Map || v instanceof Collection || v instanceof Tuple
                || v instanceof GenericObject) {
            if (depth >= maxDepth || active.containsKey(v)) {
                string("...");
                return null;
            }
            active.put(v, Boolean.TRUE);
            return v instanceof ObjectArray ? objectArray((ObjectArray) v, depth)
                    : v instanceof Map ? entries((Map<?, ?>) v, depth, element) : container(v, depth);
        } else if (element) { // complex, datetime64, timedelta64: the array's dtype says what the text is
            string(PythonRepr.repr(v));
        } else { // a leaf (complex, datetime, decimal, a class, ...)
            repr(v);
        }
        return null;
    }

    /**
     * A value JSON has no form for (complex, datetime, Decimal, a class or function, ...) as
     * {@code {"__repr__": "(1+2j)"}}: its repr, bounded by PythonRepr, under a marker, so that it never reads as
     * the str {@code '(1+2j)'}, as NaN has {@code __float__}.
     */
    private void repr(Object v) {
        out.append("{\"__repr__\": ");
        string(PythonRepr.repr(v));
        out.append('}');
    }

    private Frame container(Object v, int depth) {
        if (v instanceof GenericObject) {
            GenericObject g = (GenericObject) v;
            out.append("{\"__object__\": ");
            Frame f = new Frame(g);
            if (g.callable() instanceof Global) {
                string(String.valueOf(g.callable()));
            } else { // a callee the pickle built (cloudpickle): a value like any other, bounded by --depth and --items
                f.add(new Value(g.callable(), depth + 1));
            }
            f.add(", \"args\": ").add(new Value(g.args(), depth + 1));
            if (g.hasState()) {
                f.add(", \"state\": ").add(new Value(g.state(), depth + 1));
            }
            if (!g.listItems().isEmpty()) {
                f.add(", \"items\": ").add(new Value(g.listItems(), depth + 1));
            }
            if (!g.dictItems().isEmpty()) {
                f.add(", \"entries\": ").add(new Value(g.dictItems(), depth + 1));
            }
            return f.add("}");
        }
        Collection<?> items = v instanceof Tuple ? ((Tuple) v).asList() : (Collection<?>) v;
        out.append('[');
        return new Items(v, items.iterator(), items.size(), depth + 1, "]");
    }

    /** A dict as a JSON object of its first {@code maxItems} entries, then {@code "...": "N more"} if there are more. */
    private Frame entries(Map<?, ?> map, int depth, boolean records) {
        out.append('{');
        List<String> keys = keyTexts(map, maxItems);
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        return new Frame(map) {
            private int n;
            private boolean ended;

            @Override
            boolean refill() {
                if (ended) {
                    return false;
                }
                String sep = n > 0 ? ", " : "";
                if (n < keys.size()) {
                    queue.add(sep + quoted(keys.get(n++)) + ": ");
                    queue.add(new Value(it.next().getValue(), depth + 1, records));
                    return true;
                }
                ended = true;
                if (map.size() > n) {
                    queue.add(sep + "\"...\": \"" + (map.size() - n) + " more\"");
                }
                queue.add("}");
                return true;
            }
        };
    }

    /**
     * The JSON keys of a dict's first {@code limit} entries, each used once, so that no value is lost to a JSON
     * reader (which keeps the last of two equal keys): a str key is itself and any other key its repr, bounded as an
     * error message's ({@code 1}, {@code None}, {@code (1, 2)}); a str key whose text is that of another key's repr
     * ({@code '1'} beside {@code 1}) is written by its own repr, quotes and all, as Python shows the dict; and a key
     * whose text is still taken (two long keys abbreviated alike) gets {@code " #"} and its position in the dict.
     * A str key that is one of this form's marker names ({@code __float__}, {@code __bytes__}, ...) is written by
     * its repr too, so that no dict reads back as a marker: {@code {'__float__': 'nan'}} is
     * {@code {"'__float__'": "nan"}}, not the NaN {@code {"__float__": "nan"}}.
     */
    /** The keys that mark a JSON object as standing for a value JSON has no form of. */
    private static final Set<String> MARKERS = Set.of("__float__", "__bytes__", "__bytearray__", "__ndarray__",
            "__object__", "__persistent_id__", "__repr__");

    static List<String> keyTexts(Map<?, ?> map, int limit) {
        List<Object> keys = new ArrayList<>();
        Set<String> reprs = new HashSet<>();
        for (Object key : map.keySet()) {
            if (keys.size() == limit) {
                break;
            }
            keys.add(key);
            if (!(key instanceof String)) {
                reprs.add(PythonRepr.brief(key));
            }
        }
        List<String> texts = new ArrayList<>(keys.size());
        Set<String> used = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            Object key = keys.get(i);
            String text = !(key instanceof String) ? PythonRepr.brief(key)
                    : reprs.contains(key) || MARKERS.contains(key) ? PythonRepr.brief(key) : (String) key;
            while (!used.add(text)) {
                text = text + " #" + i;
            }
            texts.add(text);
        }
        return texts;
    }

    /** As an array of numbers, its items (in C order, the first --items of them) as values. */
    private Frame objectArray(ObjectArray a, int depth) {
        arrayStart(a.dtype(), a.shape());
        List<String> names = a.dtype().isStructured() ? a.dtype().names() : null;
        List<Object> items = new ArrayList<>();
        for (Object item : a.items()) {
            if (items.size() == maxItems) {
                break;
            }
            // a structured record as an object of its fields, as a structured array of numbers writes its records
            boolean record = names != null && item instanceof Tuple && ((Tuple) item).size() == names.size();
            items.add(record ? record(a.dtype(), (Tuple) item, depth + 1) : item);
        }
        return new Items(a, items.iterator(), items.size(), depth + 1, "]}}");
    }

    /**
     * A structured record as an object of its fields, in the dtype's order: a field of objects holds Python values
     * (a complex there is {@code {"__repr__": ...}}), any other field typed elements, written as an array of numbers'
     * records writes them.
     */
    private static Frame record(DType dtype, Tuple fields, int depth) {
        Frame f = new Frame(null).add("{");
        List<DType.Field> types = dtype.fields();
        for (int k = 0; k < types.size(); k++) {
            boolean typed = !types.get(k).type().hasObject();
            f.add((k > 0 ? ", " : "") + quoted(types.get(k).name()) + ": ").add(new Value(fields.get(k), depth + 1, typed));
        }
        return f.add("}");
    }

    private void arrayStart(DType dtype, long[] shape) {
        out.append("{\"__ndarray__\": {\"dtype\": ");
        string(dtype.name());
        out.append(", \"shape\": [");
        for (int i = 0; i < shape.length; i++) {
            out.append(i > 0 ? ", " : "").append(shape[i]);
        }
        out.append("], \"values\": [");
    }

    /** Its first --items values in C order: numbers, leaves such as complex, or records of fields; then its stats. */
    private Frame array(NDArray a, int depth) {
        arrayStart(a.dtype(), a.shape());
        ArrayStats.Odometer it = new ArrayStats.Odometer(a.shape());
        long n = Math.min(a.size(), maxItems);
        return new Frame(null) {
            private long i;

            @Override
            boolean refill() {
                if (i > n) {
                    return false;
                }
                if (i == n) {
                    i++;
                    queue.add("]" + statsText(a) + "}}");
                    return true;
                }
                String sep = i++ > 0 ? ", " : "";
                String text = ScalarFormat.longDoubleText(a, it.index());
                // a long double as the text of its exact value (numpy's str), which a double may not hold; a str item
                // holding no code point ('\U00110000'), which neither Java nor JSON has a string of, as numpy's repr
                if (text == null) {
                    text = ScalarFormat.unicodeWithoutString(a, it.index());
                }
                queue.add(text != null ? sep + quoted(text) : sep);
                if (text == null) {
                    queue.add(new Value(a.get(it.index()), depth + 1, true));
                }
                it.next();
                return true;
            }
        };
    }

    /** {@code , "stats": {...}} when asked for and the array has numbers; min and max exact, as numpy's. */
    private String statsText(NDArray a) {
        if (!stats || !ArrayStats.applies(a.dtype()) || a.size() == 0) {
            return "";
        }
        ArrayStats s = ArrayStats.of(a);
        return ", \"stats\": {\"min\": " + number(s.min()) + ", \"max\": " + number(s.max()) + ", \"mean\": "
                + number(s.mean()) + ", \"std\": " + number(s.std()) + ", \"nan\": " + s.nans() + ", \"inf\": " + s.infs() + "}";
    }

    /**
     * A number: an exact integer, a float as a JSON number, or a NaN or an infinity, which JSON has no number for, as
     * {@code {"__float__": "nan"}} ({@code "inf"}, {@code "-inf"}: Python's repr), a marker as bytes have theirs, so
     * that it cannot be taken for the string {@code 'nan'}.
     */
    static String number(Number v) {
        if (v instanceof LongDoubleStats.Element) { // as the long double elements are: a double may not hold it
            return quoted(v.toString());
        }
        if (!(v instanceof Double)) {
            return v.toString();
        }
        double d = (Double) v;
        return Double.isNaN(d) || Double.isInfinite(d) ? "{\"__float__\": " + quoted(PyFloat.repr(d)) + "}" : PyFloat.repr(d);
    }

    private void string(String s) {
        out.append(quoted(s));
    }

    private static String quoted(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
