package dev.brine.pickle;

import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.PickleBuffer;
import dev.brine.py.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the Java value that the tagged JSON of {@code tools/golden/make_pickle_golden.py} (and of
 * the differential tests' Python side) describes, following Brine's type contract: the value Brine
 * must return when it reads the pickle. Nodes with an {@code "id"} are objects whose identity
 * matters; {@link #tracked()} holds them so that {@link GraphAssert} checks aliasing for exactly those.
 */
final class ExpectedGraph {
    private static final HexFormat HEX = HexFormat.of();
    private static final long MAX_ZONE_OFFSET = 18 * 3600;

    private final Map<Long, Object> byId = new HashMap<>();
    private final Set<Long> building = new java.util.HashSet<>();
    private final IdentityHashMap<Object, Boolean> tracked = new IdentityHashMap<>();
    private final List<Runnable> fixups = new ArrayList<>();

    /** The objects whose identity the JSON records. */
    IdentityHashMap<Object, Boolean> tracked() {
        return tracked;
    }

    /** The Java value for one tagged JSON node (a parsed {@code Json} value). */
    Object build(Object node) {
        Object v = value(node);
        for (Runnable r : fixups) {
            r.run();
        }
        fixups.clear();
        return v;
    }

    /** A stand-in for a tuple that is referred to before it is complete (a cycle through a tuple). */
    private static final class Pending {
        final long id;

        Pending(long id) {
            this.id = id;
        }
    }

    private Object value(Object node) {
        if (node instanceof Long || node instanceof BigInteger) {
            return node; // bare integers stand for Python ints
        }
        Map<String, Object> n = map(node);
        String t = (String) n.get("t");
        Long id = (Long) n.get("id");
        switch (t) {
            case "ref": {
                Object v = byId.get(id);
                if (v == null) {
                    if (building.contains(id)) {
                        return new Pending(id);
                    }
                    throw new IllegalArgumentException("ref to unknown id " + id);
                }
                return v;
            }
            case "none":
                return null;
            case "bool":
                return n.get("v");
            case "int": {
                BigInteger v = new BigInteger((String) n.get("v"));
                return v.bitLength() < 64 ? (Object) v.longValue() : v;
            }
            case "float":
                return bitsToDouble((String) n.get("v"));
            case "complex":
                return register(id, new Complex(bitsToDouble((String) n.get("re")), bitsToDouble((String) n.get("im"))));
            case "str":
                return register(id, text(n));
            case "bytes":
                return register(id, bytes(n));
            case "bytearray":
                return register(id, ByteArray.wrap(bytes(n)));
            case "buffer":
                return new PickleBuffer(ByteBuffer.wrap(HEX.parseHex((String) n.get("hex"))),
                        (Boolean) n.get("readonly"));
            case "decimal":
                return register(id, new BigDecimal((String) n.get("v")));
            case "date":
                return register(id, LocalDate.parse((String) n.get("v")));
            case "time": {
                LocalTime lt = LocalTime.parse((String) n.get("v"));
                Object tz = n.get("tz") == null ? null : value(n.get("tz"));
                return register(id, tz == null ? lt : OffsetTime.of(lt, (ZoneOffset) tz));
            }
            case "datetime": {
                LocalDateTime ldt = LocalDateTime.parse((String) n.get("v"));
                Object tz = n.get("tz") == null ? null : value(n.get("tz"));
                return register(id, tz == null ? ldt : OffsetDateTime.of(ldt, (ZoneOffset) tz));
            }
            case "timedelta":
                return register(id, Duration.ofDays((Long) n.get("days")).plusSeconds((Long) n.get("seconds"))
                        .plusNanos((Long) n.get("us") * 1000));
            case "timezone": {
                long seconds = (Long) n.get("offset");
                if (Math.abs(seconds) > MAX_ZONE_OFFSET) {
                    // beyond java.time's +-18:00: Brine keeps the timezone as an inert object
                    Duration d = Duration.ofSeconds(seconds);
                    return register(id, GenericObject.reduced(new Global("datetime", "timezone"), Tuple.of(d)));
                }
                return register(id, ZoneOffset.ofTotalSeconds((int) seconds));
            }
            case "global":
                return new Global((String) n.get("module"), (String) n.get("name"));
            case "list": {
                ArrayList<Object> list = new ArrayList<>();
                register(id, list);
                for (Object item : list(n.get("items"))) {
                    addItem(list, value(item));
                }
                return list;
            }
            case "tuple": {
                if (id != null) {
                    building.add(id);
                }
                List<Object> raw = list(n.get("items"));
                Object[] items = new Object[raw.size()];
                for (int k = 0; k < items.length; k++) {
                    items[k] = value(raw.get(k));
                    if (items[k] instanceof Pending) {
                        throw new IllegalArgumentException("a tuple that contains itself directly cannot exist");
                    }
                }
                if (id != null) {
                    building.remove(id);
                }
                return register(id, Tuple.of(items));
            }
            case "dict":
            case "odict": {
                Map<Object, Object> m = t.equals("dict") ? new LinkedHashMap<>() : new OrderedDict<>();
                register(id, m);
                for (Object pair : list(n.get("items"))) {
                    List<Object> kv = list(pair);
                    putItem(m, value(kv.get(0)), value(kv.get(1)));
                }
                return m;
            }
            case "set": {
                Set<Object> s = new LinkedHashSet<>();
                register(id, s);
                for (Object item : list(n.get("items"))) {
                    s.add(value(item));
                }
                return s;
            }
            case "frozenset": {
                List<Object> items = new ArrayList<>();
                for (Object item : list(n.get("items"))) {
                    items.add(value(item));
                }
                return register(id, FrozenSet.copyOf(items));
            }
            case "object":
                return generic(n, id);
            default:
                throw new IllegalArgumentException("unknown tag " + t);
        }
    }

    private Object generic(Map<String, Object> n, Long id) {
        Object callable = value(n.get("callable"));
        Object args = value(n.get("args"));
        Map<Object, Object> kwargs = new LinkedHashMap<>();
        for (Object pair : list(n.get("kwargs"))) {
            List<Object> kv = list(pair);
            kwargs.put(value(kv.get(0)), value(kv.get(1)));
        }
        GenericObject g = new GenericObject(callable, GenericObject.Creation.valueOf((String) n.get("creation")),
                (Tuple) args, kwargs);
        register(id, g);
        if (n.containsKey("state")) {
            g.setState(value(n.get("state")));
        }
        for (Object item : list(n.get("list"))) {
            addItem(g.listItems(), value(item));
        }
        for (Object pair : list(n.get("dict"))) {
            List<Object> kv = list(pair);
            putItem(g.dictItems(), value(kv.get(0)), value(kv.get(1)));
        }
        return g;
    }

    private void addItem(List<Object> list, Object item) {
        int index = list.size();
        list.add(item);
        if (item instanceof Pending) {
            long pid = ((Pending) item).id;
            fixups.add(() -> list.set(index, byId.get(pid)));
        }
    }

    private void putItem(Map<Object, Object> m, Object key, Object value) {
        m.put(key, value);
        if (value instanceof Pending) {
            long pid = ((Pending) value).id;
            fixups.add(() -> m.put(key, byId.get(pid)));
        }
    }

    private Object register(Long id, Object v) {
        if (id != null) {
            byId.put(id, v);
            if (!(v instanceof java.time.temporal.TemporalAccessor) && !(v instanceof Duration)) {
                tracked.put(v, Boolean.TRUE); // java.time values are value-based: Java itself shares them
            }
        }
        return v;
    }

    private static String text(Map<String, Object> n) {
        if (n.containsKey("v")) {
            return new String(((String) n.get("v")).toCharArray()); // a distinct object per node
        }
        String unit = (String) n.get("pattern");
        int len = ((Long) n.get("len")).intValue();
        return unit.repeat(len / unit.length() + 1).substring(0, len);
    }

    private static byte[] bytes(Map<String, Object> n) {
        if (n.containsKey("hex")) {
            return HEX.parseHex((String) n.get("hex"));
        }
        byte[] unit = HEX.parseHex((String) n.get("pattern"));
        int len = ((Long) n.get("len")).intValue();
        byte[] out = new byte[len];
        for (int k = 0; k < len; k++) {
            out[k] = unit[k % unit.length];
        }
        return out;
    }

    private static double bitsToDouble(String hex) {
        return Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }
}
