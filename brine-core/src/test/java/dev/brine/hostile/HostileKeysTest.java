package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brine.ndarray.DType;
import dev.brine.numpy.NumpyScalar;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Dicts and sets whose keys CPython was made to write so that their Java hash codes collide, the way
 * a hostile file would, and the Python keys of the same kinds that collide by nature (itemsets:
 * frozensets of small ints hash by their sums). Java's {@code HashMap} finds a key among many with
 * one hash code in logarithmic time only when they are {@link Comparable} to each other; otherwise it
 * walks them one by one, and 20,000 such keys took 2 to 60 s to load. Each case here loads as CPython
 * wrote it (Brine writes the same bytes back) and its keys are cheap to hash, which is checked on the
 * hash codes themselves rather than timed; the keys no seeded hash can help (classes that cannot be
 * compared, sharing a hash code) are refused with a message instead. CPython loads those.
 */
class HostileKeysTest {
    private static final int N = 20_000;

    /** Writes a pickle for each "kind:n" argument, each after its length (8 bytes, big-endian). */
    private static final String GENERATE = """
            import calendar, datetime, decimal, itertools, pickle, struct, sys, types

            def aabb(i, blocks=15):  # every such string has one String.hashCode
                return ''.join('Aa' if (i >> b) & 1 == 0 else 'BB' for b in range(blocks))

            def zero_hash_longs(n):  # Long.hashCode((a << 32) | a) == 0
                return [(a << 32) | a for a in range(n)]

            def zero_hash_doubles(n):  # Double.hashCode is 0 for these (tiny subnormals)
                return [struct.unpack('>d', struct.pack('>Q', (a << 32) | a))[0] for a in range(1, n + 1)]

            def colliding_datetimes(n):
                # LocalDateTime.hashCode is the date's hash (y << 11 | m << 6 | d for years below 2048) XOR the
                # time's (the two halves of its nanosecond of the day XORed): pick the time, then the date that cancels it
                out = []
                for hi in range(86400 * 10**9 // 2**32 + 1):
                    lo = -(hi << 32) % 1000  # the nanosecond of the day must be a whole microsecond
                    while lo < 1 << 22 and len(out) < n:
                        x, nod = lo ^ hi, (hi << 32) | lo
                        y, m, d = x >> 11, (x >> 6) & 31, x & 63
                        if nod < 86400 * 10**9 and y >= 1 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
                            us = nod // 1000
                            out.append(datetime.datetime(y, m, d, us // 3600_000_000, us // 60_000_000 % 60,
                                                         us // 1_000_000 % 60, us % 1_000_000))
                        lo += 1000
                return out

            def colliding_bigints(n):  # 128-bit ints whose BigInteger.hashCode (a polynomial of 32-bit words) is one
                return [(((1 << 31) + a) << 96) | (((-31 * ((1 << 31) + a)) & 0xFFFFFFFF) << 64) | 12345 for a in range(n)]

            def colliding_decimals(n):  # one BigDecimal.hashCode: 31 * (31 * hi + lo) + scale, hi*31 + lo fixed
                return [decimal.Decimal('%dE-7' % ((a << 32) | ((7 - 31 * a) & 0xFFFFFFFF))) for a in range(1, n + 1)]

            def build(kind, n):
                z = zero_hash_longs(n)
                if kind == 'frozenset_keys':
                    return {frozenset({v}): i for i, v in enumerate(z)}
                if kind == 'frozenset_pairs':
                    return {frozenset({v, -v - 1}): i for i, v in enumerate(z)}
                if kind == 'frozenset_strings':
                    return {frozenset({aabb(i)}): i for i in range(n)}
                if kind == 'set_of_frozensets':
                    return {frozenset({v}) for v in z}
                if kind == 'frozenset_of_frozensets':
                    return frozenset(frozenset({v}) for v in z)
                if kind == 'nested_frozensets':
                    return {frozenset({frozenset({v})}): i for i, v in enumerate(z)}
                if kind == 'frozensets_in_tuples':
                    return {(frozenset({v}), 'x'): i for i, v in enumerate(z)}
                if kind == 'itemsets':  # no attack: frozensets of small ints, whose Set hash codes are their sums
                    return {frozenset(c): i for i, c in enumerate(itertools.combinations(range(50), 3))}
                if kind == 'complex_keys':
                    return {complex(d, 0.0): i for i, d in enumerate(zero_hash_doubles(n))}
                if kind == 'complex_in_tuples':
                    return {(complex(d, 0.0),): i for i, d in enumerate(zero_hash_doubles(n))}
                if kind == 'bigints_in_tuples':
                    return {(b,): i for i, b in enumerate(colliding_bigints(n))}
                if kind == 'decimals_in_tuples':
                    return {(d,): i for i, d in enumerate(colliding_decimals(n))}
                if kind == 'datetimes_in_tuples':
                    return {(t,): i for i, t in enumerate(colliding_datetimes(n))}
                if kind == 'datetimes_in_frozensets':
                    return {frozenset({t}): i for i, t in enumerate(colliding_datetimes(n))}
                if kind == 'timedeltas_in_tuples':  # Duration.hashCode is 0 for seconds (a << 32) | a
                    return {(datetime.timedelta(seconds=v),): i for i, v in enumerate(z)}
                if kind == 'class_keys':  # generic classes whose names share one String.hashCode
                    mod = types.ModuleType('hostile_names')
                    sys.modules['hostile_names'] = mod
                    d = {}
                    for i in range(n):
                        cls = type(aabb(i), (), {'__module__': 'hostile_names'})
                        setattr(mod, cls.__name__, cls)
                        d[cls] = i
                    return d
                if kind == 'dtype_keys':
                    import numpy
                    return {numpy.dtype([(aabb(i, 13), 'i1')]): i for i in range(n)}
                if kind == 'numpy_scalar_keys':  # int64 values whose bytes have one Arrays.hashCode
                    import numpy
                    raws = [bytes(b & 0xFF for x in xs for b in (x, -31 * x)) for xs in itertools.product(range(-4, 5), repeat=4)]
                    return {numpy.frombuffer(r, '<i8')[0]: i for i, r in enumerate(raws[:n])}
                if kind == 'ints_and_floats':  # refused: a Long and a Double with one hash code cannot be ordered
                    d = {}
                    for i, (v, f) in enumerate(zip(z[1:], zero_hash_doubles(n))):
                        d[v] = i
                        d[f] = i
                    return d
                if kind == 'strings_and_ints':
                    c = 0
                    for ch in aabb(0):
                        c = (31 * c + ord(ch)) & 0xFFFFFFFF
                    d = {}
                    for i in range(n // 2):
                        d[aabb(i)] = i
                        d[(i << 32) | (i ^ c)] = i
                    return d
                if kind == 'datetime_keys':
                    return {t: i for i, t in enumerate(colliding_datetimes(n))}
                if kind == 'array_keys':  # numpy arrays: unhashable in Python, written as keys through a stand-in
                    import numpy
                    class Key:
                        def __init__(self, a): self.a = a
                        def __reduce__(self): return self.a.__reduce__()
                    return {Key(numpy.arange(100, dtype='u1') + (i % 7)): i for i in range(n)}
                if kind == 'shared_tuple':  # n keys (t, i) sharing one 60,000-item tuple t (memo references)
                    t = tuple(range(60000))
                    return {(t, i): None for i in range(n)}
                if kind == 'shared_frozenset':  # n dicts keyed by one 60,000-item frozenset
                    f = frozenset(range(60000))
                    return [{f: i} for i in range(n)]
                if kind == 'deep_chain':  # keys nested one level deeper each, each level a key itself
                    t, d = (), {}
                    for i in range(n):
                        t = (t,)
                        d[t] = i
                    return d
                raise ValueError(kind)

            out = sys.stdout.buffer
            for arg in sys.argv[1:]:  # kind:n, each pickle written after its length
                kind, n = arg.split(':')
                data = pickle.dumps(build(kind, int(n)), protocol=4)
                out.write(len(data).to_bytes(8, 'big'))
                out.write(data)
            """;

    private static Map<String, byte[]> generated;

    /** CPython's pickle of each kind, n keys each (one Python run for all). */
    private static synchronized byte[] pickle(String kind, int n) throws IOException {
        if (generated == null) {
            Python.require();
            generated = new HashMap<>();
            List<String> args = new ArrayList<>();
            for (String k : List.of("frozenset_keys", "frozenset_pairs", "frozenset_strings", "set_of_frozensets",
                    "frozenset_of_frozensets", "nested_frozensets", "frozensets_in_tuples", "complex_keys",
                    "complex_in_tuples", "bigints_in_tuples", "decimals_in_tuples", "datetimes_in_tuples",
                    "datetimes_in_frozensets", "timedeltas_in_tuples", "class_keys", "ints_and_floats",
                    "strings_and_ints", "datetime_keys")) {
                args.add(k + ":" + N);
            }
            args.add("itemsets:0");
            args.add("ints_and_floats:60");
            read(Python.check(GENERATE, new byte[0], args.toArray(new String[0])), args);
        }
        byte[] data = generated.get(kind + ":" + n);
        if (data == null) { // the numpy kinds, made apart so that the others need no numpy
            Python.require("numpy");
            read(Python.check(GENERATE, new byte[0], kind + ":" + n), List.of(kind + ":" + n));
            data = generated.get(kind + ":" + n);
        }
        return data;
    }

    private static void read(byte[] out, List<String> args) {
        ByteBuffer b = ByteBuffer.wrap(out);
        for (String arg : args) {
            byte[] data = new byte[Math.toIntExact(b.getLong())];
            b.get(data);
            generated.put(arg, data);
        }
        assertEquals(0, b.remaining());
    }

    /** Loads a pickle with the hang guard; it must load. */
    private static Object load(String kind, byte[] data, UnpicklerOptions options) {
        Bounded.Outcome o = Bounded.run(() -> Pickle.loads(data, options));
        if (o.thrown() != null) {
            throw new AssertionError(kind + ": " + o.thrown(), o.thrown());
        }
        return o.value();
    }

    /** The largest number of values that share one Java hash code: what the file chose. */
    private static int mostSharingAHashCode(Collection<?> values) {
        Map<Integer, Integer> byCode = new HashMap<>();
        for (Object v : values) {
            byCode.merge(v == null ? 0 : v.hashCode(), 1, Integer::sum);
        }
        return byCode.values().stream().max(Integer::compare).orElse(0);
    }

    /**
     * Asserts that a HashMap holding {@code keys} finds each without walking many: wherever more than
     * a HashMap's list-bin length (8) share a hash code, they are all of one class that HashMap orders
     * (comparable to itself), and all distinct in that order.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void assertCheapToHash(String kind, Collection<?> keys) {
        Map<Integer, List<Object>> byCode = keys.stream().collect(Collectors.groupingBy(Object::hashCode));
        for (List<Object> same : byCode.values()) {
            if (same.size() <= 8) {
                continue;
            }
            Set<Class<?>> classes = same.stream().map(Object::getClass).collect(Collectors.toSet());
            Class<?> c = same.get(0).getClass();
            if (classes.size() != 1 || !Comparable.class.isAssignableFrom(c)) {
                fail(kind + ": " + same.size() + " keys of " + classes + " share a hash code, and cannot be ordered");
            }
            assertEquals(same.size(), new TreeSet(same).size(), kind + ": keys that share a hash code compare as equal");
        }
    }

    /** The first item of each tuple key. */
    private static List<Object> firstItems(Map<?, ?> d) {
        List<Object> out = new ArrayList<>();
        d.keySet().forEach(k -> out.add(((Tuple) k).get(0)));
        return out;
    }

    /** The items of each frozenset key. */
    private static List<Object> setItems(Collection<?> sets) {
        List<Object> out = new ArrayList<>();
        sets.forEach(s -> out.addAll((FrozenSet) s));
        return out;
    }

    /**
     * One kind that must load: {@code chosen} picks the values whose Java hash codes collide (at least
     * {@code collide} of them on one code), {@code tables} the keys of each hash table built from them.
     */
    private static void loads(String kind, int size, int collide, Function<Object, Collection<?>> chosen,
            Function<Object, List<Collection<?>>> tables) throws IOException {
        byte[] data = pickle(kind, kind.equals("itemsets") ? 0 : N);
        UnpicklerOptions options = kind.equals("class_keys") ? UnpicklerOptions.builder().genericObjects(true).build()
                : UnpicklerOptions.DEFAULT;
        Object v = load(kind, data, options);
        assertEquals(size, ((Collection<?>) (v instanceof Map ? ((Map<?, ?>) v).keySet() : v)).size(), kind);
        assertTrue(mostSharingAHashCode(chosen.apply(v)) >= collide,
                kind + ": the file's values should collide in Java: " + mostSharingAHashCode(chosen.apply(v)));
        for (Collection<?> keys : tables.apply(v)) {
            assertCheapToHash(kind, keys);
        }
        assertArrayEquals(data, Pickle.dumps(v, 4), kind + ": Brine writes back what CPython wrote");
    }

    private static Collection<?> keys(Object v) {
        return v instanceof Map ? ((Map<?, ?>) v).keySet() : (Collection<?>) v;
    }

    @Test
    void frozenSetKeysOfCollidingItemsLoad() throws IOException {
        // {frozenset({(a << 32) | a}): i}: every key's Set.hashCode is 0; 10 s to load before
        loads("frozenset_keys", N, N, HostileKeysTest::keys, v -> List.of(keys(v)));
        loads("frozenset_pairs", N, N, HostileKeysTest::keys, v -> List.of(keys(v)));
        loads("frozenset_strings", N, N, HostileKeysTest::keys, v -> List.of(keys(v)));
        loads("set_of_frozensets", N, N, HostileKeysTest::keys, v -> List.of(keys(v)));
        loads("frozenset_of_frozensets", N, N, HostileKeysTest::keys, v -> List.of(keys(v)));
        loads("nested_frozensets", N, N, HostileKeysTest::keys, v -> List.of(keys(v), setItems(keys(v))));
    }

    @Test
    void frozenSetsInsideTuplesLoad() throws IOException {
        loads("frozensets_in_tuples", N, N, v -> firstItems((Map<?, ?>) v), v -> List.of(keys(v)));
    }

    @Test
    void itemsetsThatCollideByNatureLoad() throws IOException {
        // frozenset(c) for c in combinations(range(50), 3): 19,600 keys on 142 Set hash codes
        loads("itemsets", 19_600, 200, HostileKeysTest::keys, v -> List.of(keys(v)));
    }

    @Test
    void complexKeysLoad() throws IOException {
        // complex(x, 0.0) with Double.hashCode(x) == 0: a record's hash would be 0 for all
        loads("complex_keys", N, N, v -> keys(v).stream().map(c -> ((Complex) c).real()).collect(Collectors.toList()),
                v -> List.of(keys(v)));
        loads("complex_in_tuples", N, N,
                v -> firstItems((Map<?, ?>) v).stream().map(c -> ((Complex) c).real()).collect(Collectors.toList()),
                v -> List.of(keys(v)));
    }

    @Test
    void tuplesOfValuesWhoseJavaHashesCollideLoad() throws IOException {
        loads("bigints_in_tuples", N, N, v -> firstItems((Map<?, ?>) v), v -> List.of(keys(v)));
        loads("decimals_in_tuples", N, N, v -> firstItems((Map<?, ?>) v), v -> List.of(keys(v)));
        loads("datetimes_in_tuples", N, N, v -> firstItems((Map<?, ?>) v), v -> List.of(keys(v)));
        loads("timedeltas_in_tuples", N, N, v -> firstItems((Map<?, ?>) v), v -> List.of(keys(v)));
        loads("datetimes_in_frozensets", N, N, v -> setItems(keys(v)), v -> List.of(keys(v)));
    }

    @Test
    void classKeysWithCollidingNamesLoad() throws IOException {
        // generic classes named by blocks of "Aa" and "BB", one String.hashCode: ordered by name now
        loads("class_keys", N, N, HostileKeysTest::keys, v -> List.of(keys(v)));
    }

    @Test
    void numpyKeysWithCollidingHashesLoad() throws IOException {
        // structured dtypes whose field names share a String.hashCode
        byte[] dtypes = pickle("dtype_keys", 8_192);
        Map<?, ?> d = (Map<?, ?>) load("dtype_keys", dtypes, UnpicklerOptions.DEFAULT);
        assertEquals(8_192, d.size());
        assertEquals(8_192, mostSharingAHashCode(d.keySet().stream().map(t -> ((DType) t).names().get(0))
                .collect(Collectors.toList())));
        assertCheapToHash("dtype_keys", d.keySet());
        assertArrayEquals(dtypes, Pickle.dumps(d, 4));
        // int64 scalars whose bytes share an Arrays.hashCode (Brine writes numpy 1's module name back)
        byte[] scalars = pickle("numpy_scalar_keys", 6_561);
        Map<?, ?> s = (Map<?, ?>) load("numpy_scalar_keys", scalars, UnpicklerOptions.DEFAULT);
        assertEquals(6_561, s.size());
        assertEquals(6_561, mostSharingAHashCode(s.keySet().stream().map(k -> Arrays.hashCode(((NumpyScalar) k).raw()))
                .collect(Collectors.toList())));
        assertCheapToHash("numpy_scalar_keys", s.keySet());
        String cpython = new String(Python.check("import pickle, sys\nd = pickle.loads(sys.stdin.buffer.read())\n"
                + "print(sum(int(k) * v for k, v in d.items()) % 1000003, len(d))", scalars)).strip();
        long sum = 0;
        for (Map.Entry<?, ?> e : s.entrySet()) {
            sum = Math.floorMod(sum + Math.floorMod((Long) ((NumpyScalar) e.getKey()).value(), 1_000_003L)
                    * (Long) e.getValue(), 1_000_003L);
        }
        assertEquals(cpython, sum + " " + s.size());
    }

    @Test
    void keysThatNoHashCanTellApartAreRefused() throws IOException {
        // a Long and a Double (or a String) with one hash code cannot be compared; nor can LocalDateTimes.
        // CPython loads these (its int, float and datetime hashes are its own); Brine refuses them
        for (String kind : List.of("ints_and_floats", "strings_and_ints", "datetime_keys")) {
            byte[] data = pickle(kind, N);
            String msg = Bounded.refuses(kind, () -> Pickle.loads(data)).getMessage();
            assertTrue(msg.contains("dict keys chosen to collide") && msg.contains("share the Java hash code"), msg);
        }
        // and a few such keys are no attack (fewer than KeyGuard.MIN_KEYS): Brine loads them as CPython wrote them
        byte[] few = pickle("ints_and_floats", 60);
        Object v = load("ints_and_floats", few, UnpicklerOptions.DEFAULT);
        assertEquals(118, ((Map<?, ?>) v).size());
        assertArrayEquals(few, Pickle.dumps(v, 4));
    }

    /**
     * A big key shared by many keys is verified and hashed once: 3,000 keys (t, i) sharing one
     * 60,000-item tuple, or 3,000 dicts keyed by one 60,000-item frozenset (200 KB each), took 8.7 and
     * 9.9 s to load when every insert walked the shared key again; 5,000 here, under the 5 s guard.
     */
    @Test
    void bigKeysSharedByManyKeysAreWalkedOnce() throws IOException {
        byte[] tuples = pickle("shared_tuple", 5_000);
        Map<?, ?> d = (Map<?, ?>) load("shared_tuple", tuples, UnpicklerOptions.DEFAULT);
        assertEquals(5_000, d.size());
        assertArrayEquals(tuples, Pickle.dumps(d, 4), "Brine writes back what CPython wrote");
        byte[] sets = pickle("shared_frozenset", 5_000);
        List<?> l = (List<?>) load("shared_frozenset", sets, UnpicklerOptions.DEFAULT);
        assertEquals(5_000, l.size());
        assertArrayEquals(sets, Pickle.dumps(l, 4), "Brine writes back what CPython wrote");
    }

    /**
     * A key nested deeper than {@link dev.brine.py.Hashing#MAX_KEY_DEPTH} is refused even when every
     * level was a key before it (so no single check walks deep): Java's equals recurses through nested
     * tuples. CPython loads this one; the limit is Brine's.
     */
    @Test
    void keysNestedOneLevelAtATimeStillMeetTheDepthLimit() throws IOException {
        byte[] within = pickle("deep_chain", 1_000);
        assertEquals(1_000, ((Map<?, ?>) load("deep_chain", within, UnpicklerOptions.DEFAULT)).size());
        byte[] beyond = pickle("deep_chain", 3_000);
        String msg = Bounded.refuses("deep_chain", () -> Pickle.loads(beyond)).getMessage();
        assertTrue(msg.contains("nested too deeply to hash"), msg);
    }

    @Test
    void numpyArraysAreUnhashableKeysAsInPython() throws IOException {
        Python.require("numpy");
        byte[] data = pickle("array_keys", 300);
        // NDArray hashes its first 64 elements only: 3,000 arrays that differ after them took 15 s
        String msg = Bounded.refuses("ndarray keys", () -> Pickle.loads(data)).getMessage();
        assertTrue(msg.contains("unhashable type: 'numpy.ndarray'"), msg);
        Python.Result r = Python.run("import pickle, sys\npickle.loads(sys.stdin.buffer.read())", data);
        assertNotEquals(0, r.exitCode);
        assertTrue(r.stderr.contains("unhashable type: 'numpy.ndarray'"), r.stderr);
    }
}
