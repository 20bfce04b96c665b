package dev.brine.pickle;

import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple.Tuple2;

/**
 * jqwik arbitraries for random object graphs of the contract's types, with shared references and
 * cycles. jqwik generates (and shrinks) a plain tree of {@link Node}s; {@link Graph#build()} turns
 * it into Java objects, where {@link Share} nodes refer back to objects built earlier, including
 * containers still being filled (which makes cycles).
 *
 * <p>The graphs stay within what makes CPython's output a function of the object graph, so that
 * bytes can be compared: sets hold distinct ints 0–7 in ascending order (CPython iterates small
 * sets of small ints in that order); dict keys are distinct ints, strings and tuples of those; the
 * empty str and bytes of length 0 or 1, which CPython caches as singletons, are one object per graph;
 * other one-char strings are outside Latin-1 (CPython caches Latin-1 ones, and pickles 1-byte bytes
 * through them below protocol 3); bytearrays are never one byte long (CPython pickles them through
 * the cached 1-byte bytes); Decimals print with at least two characters (CPython pickles them
 * through str(), which caches one-char strings); attribute names of generic objects are one
 * object per name, as CPython interns them when it loads an instance.
 */
final class RandomGraphs {
    static final Global THING = new Global("__main__", "Thing");
    private static final List<String> ATTRIBUTE_NAMES = List.of("alpha_attr", "beta_attr", "gamma_attr", "delta_attr");

    private RandomGraphs() {
    }

    /** A tree the graph is built from. */
    interface Node {
    }

    /** An atom: null, Boolean, Long, BigInteger, Double, String, byte[] (copied), Complex, ... */
    record Leaf(Object value) implements Node {
    }

    /** A list (tuple when {@code tuple}) of items. */
    record Seq(boolean tuple, List<Node> items) implements Node {
    }

    /** A dict (OrderedDict when {@code ordered}) with distinct keys. */
    record Dict(boolean ordered, List<Object> keys, List<Node> values) implements Node {
    }

    /** A set or frozenset of distinct ints 0–7. */
    record SmallSet(boolean frozen, List<Integer> items) implements Node {
    }

    /** A bytearray of these bytes. */
    record Bytes(byte[] data) implements Node {
    }

    /** A {@code __main__.Thing} instance with some attributes (a generic object). */
    record Thing(List<Integer> names, List<Node> values) implements Node {
    }

    /** A reference to an object built earlier (index modulo the objects built so far). */
    record Share(int pick) implements Node {
    }

    /** A list of ints 0..n-1 (batches of APPENDS, frames). */
    record BigList(int size) implements Node {
    }

    /** One random graph: builds a fresh Java object graph each time it is asked. */
    static final class Graph {
        private final Node root;

        Graph(Node root) {
            this.root = root;
        }

        Object build() {
            return new Builder().build(root);
        }

        @Override
        public String toString() {
            return new PythonRepr(6, 12, 40).format(build());
        }
    }

    private static final class Builder {
        private final List<Object> pool = new ArrayList<>();
        private final Map<Object, Object> canonical = new HashMap<>();
        private final String[] names = new String[ATTRIBUTE_NAMES.size()];

        Object build(Node n) {
            if (n instanceof Leaf) {
                Object v = fresh(((Leaf) n).value());
                if (shareable(v)) {
                    pool.add(v);
                }
                return v;
            }
            if (n instanceof Share) {
                return pool.isEmpty() ? null : pool.get(((Share) n).pick() % pool.size());
            }
            if (n instanceof BigList) {
                List<Object> list = new ArrayList<>();
                for (long i = 0; i < ((BigList) n).size(); i++) {
                    list.add(i);
                }
                pool.add(list);
                return list;
            }
            if (n instanceof Bytes) {
                ByteArray b = ByteArray.wrap(((Bytes) n).data().clone());
                pool.add(b);
                return b;
            }
            if (n instanceof SmallSet) {
                SmallSet s = (SmallSet) n;
                List<Object> items = new ArrayList<>();
                for (int i : new TreeSet<>(s.items())) {
                    items.add((long) i);
                }
                Object set = s.frozen() ? FrozenSet.copyOf(items) : new LinkedHashSet<>(items);
                pool.add(set);
                return set;
            }
            if (n instanceof Seq && ((Seq) n).tuple()) {
                List<Node> items = ((Seq) n).items();
                Object[] built = new Object[items.size()];
                for (int i = 0; i < built.length; i++) {
                    built[i] = build(items.get(i));
                }
                Tuple t = Tuple.of(built);
                if (built.length > 0) {
                    pool.add(t);
                }
                return t;
            }
            if (n instanceof Seq) {
                List<Object> list = new ArrayList<>();
                pool.add(list);
                for (Node item : ((Seq) n).items()) {
                    list.add(build(item));
                }
                return list;
            }
            if (n instanceof Dict) {
                Dict d = (Dict) n;
                Map<Object, Object> map = d.ordered() ? new OrderedDict<>() : new LinkedHashMap<>();
                pool.add(map);
                for (int i = 0; i < d.keys().size(); i++) {
                    map.put(key(d.keys().get(i)), build(d.values().get(i)));
                }
                return map;
            }
            Thing t = (Thing) n;
            GenericObject g = GenericObject.newObject(THING, Tuple.empty());
            pool.add(g);
            Map<Object, Object> state = new LinkedHashMap<>();
            for (int i = 0; i < t.names().size(); i++) {
                int k = t.names().get(i);
                if (names[k] == null) {
                    names[k] = new String(ATTRIBUTE_NAMES.get(k).toCharArray());
                }
                state.put(names[k], build(t.values().get(i)));
            }
            g.setState(state);
            return g;
        }

        /** Keys are fresh objects: distinct strings stay distinct, as after CPython loads them. */
        private Object key(Object k) {
            if (k instanceof String) {
                return fresh(k);
            }
            if (k instanceof Tuple) {
                Object[] items = ((Tuple) k).toArray();
                for (int i = 0; i < items.length; i++) {
                    items[i] = key(items[i]);
                }
                return Tuple.of(items);
            }
            return k;
        }

        /** A new object for each node (jqwik may hand out one value twice), singletons where CPython has them. */
        private Object fresh(Object v) {
            if (v instanceof String) {
                String s = (String) v;
                return s.isEmpty() ? canonical.computeIfAbsent("", x -> new String()) : new String(s.toCharArray());
            }
            if (v instanceof byte[]) {
                byte[] b = (byte[]) v;
                if (b.length <= 1) {
                    return canonical.computeIfAbsent(Arrays.toString(b), x -> b.clone());
                }
                return b.clone();
            }
            if (v instanceof BigDecimal) {
                return new BigDecimal(((BigDecimal) v).unscaledValue(), ((BigDecimal) v).scale());
            }
            if (v instanceof Complex) {
                return new Complex(((Complex) v).real(), ((Complex) v).imag());
            }
            return v; // immutable values; java.time types are shared by Java's own caches anyway
        }

        private static boolean shareable(Object v) {
            return v instanceof String || v instanceof byte[] || v instanceof BigDecimal || v instanceof Complex
                    || v instanceof java.time.temporal.TemporalAccessor || v instanceof Duration;
        }
    }

    // ---- arbitraries ------------------------------------------------------------------------------

    static Arbitrary<Graph> graphs() {
        return node(3).map(Graph::new);
    }

    private static Arbitrary<Node> node(int depth) {
        if (depth == 0) {
            return Arbitraries.frequencyOf(List.of(weighted(12, leaf()), weighted(2, share()), weighted(1, smallSet()),
                    weighted(1, byteArray())));
        }
        Arbitrary<Node> child = node(depth - 1);
        List<Tuple2<Integer, Arbitrary<Node>>> choices = new ArrayList<>(List.of(
                weighted(6, leaf()),
                weighted(2, share()),
                weighted(3, child.list().ofMaxSize(6).map(items -> new Seq(false, items))),
                weighted(2, child.list().ofMaxSize(5).map(items -> new Seq(true, items))),
                weighted(2, dict(child, false)),
                weighted(1, dict(child, true)),
                weighted(1, smallSet()),
                weighted(1, byteArray()),
                weighted(1, thing(child))));
        if (depth >= 2) {
            choices.add(weighted(1, bigItem())); // near the top only: a few per batch
        }
        return Arbitraries.frequencyOf(choices);
    }

    private static Tuple2<Integer, Arbitrary<Node>> weighted(int weight, Arbitrary<? extends Node> a) {
        return net.jqwik.api.Tuple.of(weight, a.map(n -> (Node) n));
    }

    private static Arbitrary<Node> share() {
        return Arbitraries.integers().between(0, 10_000).map(Share::new);
    }

    private static Arbitrary<Node> smallSet() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 7).set().ofMaxSize(4))
                .as((frozen, items) -> new SmallSet(frozen, new ArrayList<>(items)));
    }

    private static Arbitrary<Node> byteArray() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40).filter(b -> b.length != 1).map(Bytes::new);
    }

    private static Arbitrary<Node> dict(Arbitrary<Node> child, boolean ordered) {
        Arbitrary<Object> key = Arbitraries.oneOf(
                Arbitraries.longs().between(-300, 70_000).map(v -> (Object) v),
                text(2, 8).map(s -> (Object) s),
                Combinators.combine(Arbitraries.longs().between(0, 9), text(2, 4)).as((a, b) -> (Object) Tuple.of(a, b)),
                Arbitraries.just(null));
        return Combinators.combine(key.list().uniqueElements().ofMaxSize(5), child.list().ofSize(5))
                .as((keys, values) -> new Dict(ordered, keys, values.subList(0, keys.size())));
    }

    private static Arbitrary<Node> thing(Arbitrary<Node> child) {
        return Combinators.combine(Arbitraries.integers().between(0, ATTRIBUTE_NAMES.size() - 1).list().uniqueElements()
                        .ofMinSize(1).ofMaxSize(3), child.list().ofSize(3))
                .as((names, values) -> new Thing(names, values.subList(0, names.size())));
    }

    /** Rarely: something big enough for batching (1000-item APPENDS) or framing (64 KiB payloads). */
    private static Arbitrary<Node> bigItem() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(990, 2010).map(BigList::new),
                Arbitraries.integers().between(65_530, 66_000).map(n -> (Node) new Leaf("\u00e9x".repeat(n / 2))),
                Arbitraries.integers().between(65_530, 66_000).map(n -> (Node) new Leaf(new byte[n])));
    }

    private static Arbitrary<String> text(int min, int max) {
        return Arbitraries.strings().all().ofMinLength(min).ofMaxLength(max);
    }

    static Arbitrary<Node> leaf() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 2).map(i -> new Leaf(i == 0 ? null : (Object) (i == 1))),
                ints().map(Leaf::new),
                doubles().map(Leaf::new),
                strings().map(Leaf::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(30).map(Leaf::new),
                Combinators.combine(doubles(), doubles()).as(Complex::new).map(Leaf::new),
                decimals().map(Leaf::new),
                times().map(Leaf::new));
    }

    /** Longs, with every width boundary of the pickle encodings, and ints beyond 64 bits as BigInteger. */
    static Arbitrary<Object> ints() {
        Arbitrary<Object> boundaries = Arbitraries.of(0L, 1L, -1L, 255L, 256L, 65535L, 65536L, 2147483647L, -2147483648L,
                2147483648L, -2147483649L, Long.MAX_VALUE, Long.MIN_VALUE);
        Arbitrary<Object> big = Arbitraries.bigIntegers().between(BigInteger.ONE.shiftLeft(300).negate(),
                BigInteger.ONE.shiftLeft(300)).map(Unpickler::narrow);
        Arbitrary<Object> beyond = Arbitraries.of(BigInteger.ONE.shiftLeft(63), BigInteger.ONE.shiftLeft(64),
                BigInteger.ONE.shiftLeft(63).add(BigInteger.ONE).negate(), BigInteger.TEN.pow(300)).map(v -> v);
        return Arbitraries.oneOf(Arbitraries.longs().map(v -> (Object) v), boundaries, big, beyond);
    }

    static Arbitrary<Double> doubles() {
        // any bit pattern, but one NaN: protocol 0 writes every NaN as 'nan', as CPython does
        Arbitrary<Double> bits = Arbitraries.longs().map(Double::longBitsToDouble).map(d -> d.isNaN() ? Double.NaN : d);
        return Arbitraries.oneOf(bits,
                Arbitraries.doubles().between(-1e6, 1e6).ofScale(3),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE,
                        Double.MAX_VALUE, 1e16, 1e-5, 2e23, 0.1, 1e22, 5e-324, 123456789.0));
    }

    static Arbitrary<String> strings() {
        Arbitrary<String> astral = Arbitraries.integers().between(0x10000, 0x10ffff).list().ofMinSize(1).ofMaxSize(3)
                .map(cps -> {
                    StringBuilder b = new StringBuilder();
                    cps.forEach(b::appendCodePoint);
                    return b.toString();
                });
        return Arbitraries.oneOf(
                text(2, 16),
                Arbitraries.strings().alpha().numeric().withChars(" \\\n\r\u0000\u001a'\"").ofMinLength(2).ofMaxLength(12),
                Arbitraries.strings().withCharRange('\u0100', '\uffff').ofLength(1),
                astral,
                Arbitraries.just(""));
    }

    static Arbitrary<BigDecimal> decimals() {
        return Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
                        Arbitraries.integers().between(-20, 30))
                .as(BigDecimal::new).filter(d -> d.toString().length() >= 2);
    }

    static Arbitrary<Object> times() {
        Arbitrary<LocalDate> dates = Arbitraries.longs().between(LocalDate.of(1, 1, 1).toEpochDay(),
                LocalDate.of(9999, 12, 31).toEpochDay()).map(LocalDate::ofEpochDay);
        Arbitrary<LocalTime> clock = Arbitraries.longs().between(0, 86_400_000_000L - 1).map(us -> LocalTime.ofNanoOfDay(us * 1000));
        Arbitrary<ZoneOffset> offsets = Arbitraries.oneOf(
                Arbitraries.integers().between(-18 * 60, 18 * 60).map(m -> ZoneOffset.ofTotalSeconds(m * 60)),
                Arbitraries.integers().between(-18 * 3600, 18 * 3600).map(ZoneOffset::ofTotalSeconds),
                Arbitraries.just(ZoneOffset.UTC));
        Arbitrary<Duration> durations = Combinators.combine(Arbitraries.longs().between(-1_000_000, 1_000_000),
                        Arbitraries.longs().between(0, 86_399), Arbitraries.longs().between(0, 999_999))
                .as((d, s, us) -> Duration.ofDays(d).plusSeconds(s).plusNanos(us * 1000));
        return Arbitraries.oneOf(
                dates.map(v -> v),
                clock.map(v -> v),
                Combinators.combine(clock, offsets).as(OffsetTime::of),
                Combinators.combine(dates, clock).as(LocalDateTime::of),
                Combinators.combine(dates, clock, offsets).as((d, t, z) -> OffsetDateTime.of(LocalDateTime.of(d, t), z)),
                durations.map(v -> v),
                offsets.map(v -> v));
    }
}
