package dev.brine.cli;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.ScalarFormat;
import dev.brine.numpy.ObjectArray;
import dev.brine.py.ByteArray;
import dev.brine.py.GenericObject;
import dev.brine.py.PyFloat;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.torch.TorchSize;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for {@code show --json}: containers become arrays and objects (non-string keys by their
 * repr), bytes {@code {"__bytes__": base64}}, arrays {@code {"__ndarray__": {...}}} with dtype, shape,
 * first values and optional stats (an object array's first items, as values), generic objects {@code {"__object__": "mod.Name", ...}}. Depth and
 * items are bounded like the text form; NaN and infinities are written as strings.
 */
final class Json {
    private final int maxDepth;
    private final int maxItems;
    private final boolean stats;
    private final StringBuilder out = new StringBuilder();
    private final IdentityHashMap<Object, Boolean> active = new IdentityHashMap<>();

    Json(int maxDepth, int maxItems, boolean stats) {
        this.maxDepth = maxDepth;
        this.maxItems = maxItems;
        this.stats = stats;
    }

    String write(Object v) {
        value(v, 0);
        return out.toString();
    }

    private void value(Object v, int depth) {
        if (out.length() > PythonRepr.MAX_OUTPUT) {
            string("..."); // over budget: shared parts can make the tree exponentially larger than the file
            return;
        }
        if (v == null) {
            out.append("null");
        } else if (v instanceof BigInteger && ((BigInteger) v).bitLength() > PythonRepr.MAX_INT_BITS) {
            string(PythonRepr.repr(v)); // "<int of N bits>": its digits would take seconds to compute
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                string(PyFloat.repr(d));
            } else {
                out.append(PyFloat.repr(d));
            }
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
        } else if (v instanceof NDArray) {
            array((NDArray) v, depth);
        } else if (v instanceof ObjectArray) {
            if (depth >= maxDepth || active.containsKey(v)) {
                string("...");
            } else {
                active.put(v, Boolean.TRUE);
                objectArray((ObjectArray) v, depth);
                active.remove(v);
            }
        } else if (v instanceof TorchSize) {
            value(((TorchSize) v).asList(), depth); // its dimensions, as the tuple it is in Python (bounded by --items)
        } else if (v instanceof Map || v instanceof Collection || v instanceof Tuple || v instanceof GenericObject) {
            if (depth >= maxDepth || active.containsKey(v)) {
                string("...");
            } else {
                active.put(v, Boolean.TRUE);
                container(v, depth);
                active.remove(v);
            }
        } else { // a leaf (complex, datetime, decimal, ...): its repr, bounded by PythonRepr
            string(PythonRepr.repr(v));
        }
    }

    private void container(Object v, int depth) {
        if (v instanceof Map) {
            out.append('{');
            int n = 0;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (n == maxItems) {
                    out.append(", \"...\": \"").append(((Map<?, ?>) v).size() - n).append(" more\"");
                    break;
                }
                if (n++ > 0) {
                    out.append(", ");
                }
                // a key's repr is bounded as an error message's (a small key can repr to a megabyte, once per entry)
                string(e.getKey() instanceof String ? (String) e.getKey() : PythonRepr.brief(e.getKey()));
                out.append(": ");
                value(e.getValue(), depth + 1);
            }
            out.append('}');
        } else if (v instanceof GenericObject) {
            GenericObject g = (GenericObject) v;
            out.append("{\"__object__\": ");
            string(String.valueOf(g.callable()));
            out.append(", \"args\": ");
            value(g.args(), depth + 1);
            if (g.hasState()) {
                out.append(", \"state\": ");
                value(g.state(), depth + 1);
            }
            if (!g.listItems().isEmpty()) {
                out.append(", \"items\": ");
                value(g.listItems(), depth + 1);
            }
            if (!g.dictItems().isEmpty()) {
                out.append(", \"entries\": ");
                value(g.dictItems(), depth + 1);
            }
            out.append('}');
        } else {
            Iterable<?> items = v instanceof Tuple ? ((Tuple) v).asList() : (Collection<?>) v;
            out.append('[');
            int n = 0;
            for (Object item : items) {
                if (n == maxItems) {
                    out.append(", \"...\"");
                    break;
                }
                if (n++ > 0) {
                    out.append(", ");
                }
                value(item, depth + 1);
            }
            out.append(']');
        }
    }

    /** As an array of numbers, its items (in C order, the first --items of them) as values. */
    private void objectArray(ObjectArray a, int depth) {
        arrayStart(a.dtype(), a.shape());
        List<Object> items = a.items();
        List<String> names = a.dtype().isStructured() ? a.dtype().names() : null;
        for (int i = 0; i < Math.min(items.size(), maxItems); i++) {
            out.append(i > 0 ? ", " : "");
            Object item = items.get(i);
            if (names != null && item instanceof Tuple && ((Tuple) item).size() == names.size()) {
                record(names, (Tuple) item, depth + 1); // as a structured array of numbers writes its records
            } else {
                value(item, depth + 1);
            }
        }
        out.append("]}}");
    }

    /** A structured record as an object of its fields, in the dtype's order. */
    private void record(List<String> names, Tuple fields, int depth) {
        out.append('{');
        for (int k = 0; k < names.size(); k++) {
            out.append(k > 0 ? ", " : "");
            string(names.get(k));
            out.append(": ");
            value(fields.get(k), depth + 1);
        }
        out.append('}');
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

    private void array(NDArray a, int depth) {
        long[] shape = a.shape();
        arrayStart(a.dtype(), shape);
        ArrayStats.Odometer it = new ArrayStats.Odometer(shape);
        long n = Math.min(a.size(), maxItems);
        for (long i = 0; i < n; i++) {
            if (i > 0) {
                out.append(", ");
            }
            String text = ScalarFormat.longDoubleText(a, it.index());
            if (text != null) { // a long double as the text of its exact value (numpy's str), which a double may not hold
                string(text);
            } else {
                value(a.get(it.index()), depth + 1); // a number, a leaf such as a complex, or a record of fields
            }
            it.next();
        }
        out.append(']');
        if (stats && ArrayStats.applies(a.dtype()) && a.size() > 0) {
            ArrayStats s = ArrayStats.of(a);
            out.append(", \"stats\": {\"min\": ");
            value(s.min(), 0);
            out.append(", \"max\": ");
            value(s.max(), 0);
            out.append(", \"mean\": ");
            value(s.mean(), 0);
            out.append(", \"std\": ");
            value(s.std(), 0);
            out.append(", \"nan\": ").append(s.nans()).append(", \"inf\": ").append(s.infs()).append('}');
        }
        out.append("}}");
    }

    private void string(String s) {
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
        out.append('"');
    }
}
