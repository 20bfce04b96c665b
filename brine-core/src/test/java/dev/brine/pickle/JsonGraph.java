package dev.brine.pickle;

import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import dev.brine.testing.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Writes a Java object graph of the contract's types as the tagged JSON that the golden sidecars
 * use (see {@code tools/golden/make_pickle_golden.py}), for the differential tests' Python side to
 * rebuild it: every object whose identity matters gets an {@code "id"} and later occurrences a
 * {@code "ref"}. {@link #tracked()} holds those objects, for {@link GraphAssert}.
 */
final class JsonGraph {
    private static final HexFormat HEX = HexFormat.of();
    private final IdentityHashMap<Object, Integer> ids = new IdentityHashMap<>();
    private final IdentityHashMap<Object, Boolean> tracked = new IdentityHashMap<>();
    private final StringBuilder out = new StringBuilder();

    /** The tagged JSON of {@code root}. */
    static JsonGraph encode(Object root) {
        JsonGraph g = new JsonGraph();
        g.value(root);
        return g;
    }

    String json() {
        return out.toString();
    }

    IdentityHashMap<Object, Boolean> tracked() {
        return tracked;
    }

    private void value(Object v) {
        if (v == null) {
            out.append("{\"t\":\"none\"}");
        } else if (v instanceof Boolean) {
            out.append("{\"t\":\"bool\",\"v\":").append(v).append('}');
        } else if (v instanceof Long || v instanceof BigInteger) {
            out.append("{\"t\":\"int\",\"v\":\"").append(v).append("\"}");
        } else if (v instanceof Double) {
            out.append("{\"t\":\"float\",\"v\":\"").append(bits((Double) v)).append("\"}");
        } else if (v instanceof Global) {
            Global g = (Global) v;
            out.append("{\"t\":\"global\",\"module\":");
            Json.quote(out, g.module());
            out.append(",\"name\":");
            Json.quote(out, g.name());
            out.append('}');
        } else if (v instanceof Tuple && ((Tuple) v).isEmpty()) {
            out.append("{\"t\":\"tuple\",\"items\":[]}"); // a singleton in CPython and Brine alike, never memoized
        } else {
            Integer id = ids.get(v);
            if (id != null) {
                out.append("{\"t\":\"ref\",\"id\":").append(id).append('}');
                return;
            }
            id = ids.size();
            ids.put(v, id);
            if (!(v instanceof java.time.temporal.TemporalAccessor) && !(v instanceof Duration)) {
                tracked.put(v, Boolean.TRUE);
            }
            out.append("{\"id\":").append(id).append(',');
            object(v);
            out.append('}');
        }
    }

    private void object(Object v) {
        if (v instanceof String) {
            out.append("\"t\":\"str\",\"v\":");
            Json.quote(out, (String) v);
        } else if (v instanceof byte[]) {
            out.append("\"t\":\"bytes\",\"hex\":\"").append(HEX.formatHex((byte[]) v)).append('"');
        } else if (v instanceof ByteArray) {
            out.append("\"t\":\"bytearray\",\"hex\":\"").append(HEX.formatHex(((ByteArray) v).array())).append('"');
        } else if (v instanceof Complex) {
            Complex c = (Complex) v;
            out.append("\"t\":\"complex\",\"re\":\"").append(bits(c.real())).append("\",\"im\":\"").append(bits(c.imag()))
                    .append('"');
        } else if (v instanceof BigDecimal) {
            out.append("\"t\":\"decimal\",\"v\":\"").append(v).append('"');
        } else if (v instanceof LocalDate) {
            out.append("\"t\":\"date\",\"v\":\"").append(v).append('"');
        } else if (v instanceof LocalTime) {
            out.append("\"t\":\"time\",\"v\":\"").append(clock((LocalTime) v)).append("\",\"tz\":null");
        } else if (v instanceof OffsetTime) {
            OffsetTime t = (OffsetTime) v;
            out.append("\"t\":\"time\",\"v\":\"").append(clock(t.toLocalTime())).append("\",\"tz\":");
            value(t.getOffset());
        } else if (v instanceof LocalDateTime) {
            LocalDateTime t = (LocalDateTime) v;
            out.append("\"t\":\"datetime\",\"v\":\"").append(t.toLocalDate()).append('T').append(clock(t.toLocalTime()))
                    .append("\",\"tz\":null");
        } else if (v instanceof OffsetDateTime) {
            OffsetDateTime t = (OffsetDateTime) v;
            out.append("\"t\":\"datetime\",\"v\":\"").append(t.toLocalDate()).append('T').append(clock(t.toLocalTime()))
                    .append("\",\"tz\":");
            value(t.getOffset());
        } else if (v instanceof Duration) {
            Duration d = (Duration) v;
            out.append("\"t\":\"timedelta\",\"days\":").append(Math.floorDiv(d.getSeconds(), 86400L)).append(",\"seconds\":")
                    .append(Math.floorMod(d.getSeconds(), 86400L)).append(",\"us\":").append(d.getNano() / 1000);
        } else if (v instanceof ZoneOffset) {
            out.append("\"t\":\"timezone\",\"offset\":").append(((ZoneOffset) v).getTotalSeconds());
        } else if (v instanceof Tuple) {
            items("tuple", ((Tuple) v).asList());
        } else if (v instanceof List) {
            items("list", (List<?>) v);
        } else if (v instanceof FrozenSet) {
            items("frozenset", List.copyOf((FrozenSet) v));
        } else if (v instanceof LinkedHashSet) {
            items("set", List.copyOf((LinkedHashSet<?>) v));
        } else if (v instanceof OrderedDict) {
            entries("odict", (Map<?, ?>) v);
        } else if (v instanceof LinkedHashMap) {
            entries("dict", (Map<?, ?>) v);
        } else if (v instanceof GenericObject) {
            GenericObject g = (GenericObject) v;
            out.append("\"t\":\"object\",\"creation\":\"").append(g.creation()).append("\",\"callable\":");
            value(g.callable());
            out.append(",\"args\":");
            value(g.args());
            out.append(',');
            pairs("kwargs", g.kwargs());
            if (g.hasState()) {
                out.append(",\"state\":");
                value(g.state());
            }
            out.append(",\"list\":[");
            String sep = "";
            for (Object item : g.listItems()) {
                out.append(sep);
                value(item);
                sep = ",";
            }
            out.append("],");
            pairs("dict", g.dictItems());
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass());
        }
    }

    private void items(String tag, List<?> items) {
        out.append("\"t\":\"").append(tag).append("\",\"items\":[");
        String sep = "";
        for (Object item : items) {
            out.append(sep);
            value(item);
            sep = ",";
        }
        out.append(']');
    }

    private void entries(String tag, Map<?, ?> m) {
        out.append("\"t\":\"").append(tag).append("\",");
        pairs("items", m);
    }

    private void pairs(String field, Map<?, ?> m) {
        out.append('"').append(field).append("\":[");
        String sep = "";
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.append(sep).append('[');
            value(e.getKey());
            out.append(',');
            value(e.getValue());
            out.append(']');
            sep = ",";
        }
        out.append(']');
    }

    private static String bits(double d) {
        return String.format("%016x", Double.doubleToRawLongBits(d));
    }

    private static String clock(LocalTime t) {
        return String.format("%02d:%02d:%02d.%06d", t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000);
    }
}
