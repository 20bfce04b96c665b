package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.DateTimeUnit;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.Tuple;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever Brine writes, Brine reads back equal: random graphs of the Python-Java type contract
 * (including arrays of random dtypes, byte orders, shapes and memory orders) at every protocol,
 * through byte arrays and streams; arrays through NPY too.
 */
class RoundTripPropertiesTest {
    @Property(tries = 300)
    void picklesReadBackEqual(@ForAll("values") Object value, @ForAll("protocols") int protocol) throws Exception {
        byte[] data = Pickle.dumps(value, protocol);
        SWAPPED_ON_LOAD.set(protocol < 5); // _reconstruct swaps other byte orders; protocol 5's _frombuffer does not
        PROTOCOL_5.set(protocol == 5);
        assertSame(value, Pickle.loads(data), "");
        // the same bytes through a stream, twice in a row
        ByteArrayOutputStream twice = new ByteArrayOutputStream();
        Pickle.dump(value, twice, protocol);
        Pickle.dump(value, twice, protocol);
        Unpickler u = new Unpickler(PickleDenialOfServiceTest.trickle(twice.toByteArray()), UnpicklerOptions.DEFAULT);
        assertSame(value, u.load(), "");
        assertSame(value, u.load(), "");
    }

    @Property(tries = 200)
    void arraysReadBackEqualThroughNpy(@ForAll("arrays") NDArray a) throws Exception {
        byte[] npy = Npy.toBytes(a);
        SWAPPED_ON_LOAD.set(false); // .npy keeps the byte order
        PROTOCOL_5.set(false);
        assertSame(a, Npy.read(new ByteArrayInputStream(npy), dev.brine.Limits.DEFAULT), "");
    }

    @Provide
    Arbitrary<Integer> protocols() {
        return Arbitraries.integers().between(0, 5);
    }

    @Provide
    Arbitrary<Object> values() {
        return value(3);
    }

    Arbitrary<Object> value(int depth) {
        if (depth == 0) {
            return leaf();
        }
        Arbitrary<Object> inner = Arbitraries.lazy(() -> value(depth - 1));
        Arbitrary<Object> list = inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> tuple = inner.list().ofMaxSize(4).map(l -> (Object) Tuple.copyOf(l));
        Arbitrary<Object> dict = Arbitraries.maps(key(), inner).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m));
        Arbitrary<Object> set = key().set().ofMaxSize(4).map(s -> (Object) new LinkedHashSet<>(s));
        Arbitrary<Object> frozen = key().set().ofMaxSize(4).map(s -> (Object) FrozenSet.copyOf(s));
        Arbitrary<Object> arrays = arrays().map(a -> (Object) a);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, leaf()), net.jqwik.api.Tuple.of(2, list), net.jqwik.api.Tuple.of(2, tuple),
                net.jqwik.api.Tuple.of(2, dict), net.jqwik.api.Tuple.of(1, set), net.jqwik.api.Tuple.of(1, frozen),
                net.jqwik.api.Tuple.of(1, arrays));
    }

    /** Values that may be dict keys and set items (hashable, and of stable equality in Java). */
    Arbitrary<Object> key() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(6).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Combinators.combine(Arbitraries.longs(), Arbitraries.strings().ofMaxLength(3))
                        .as((l, s) -> (Object) Tuple.of(l, s)));
    }

    Arbitrary<Object> leaf() {
        Arbitrary<Object> doubles = Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
                        Double.MAX_VALUE)).map(d -> (Object) d);
        Arbitrary<Object> bigs = Arbitraries.bigIntegers().between(BigInteger.ONE, BigInteger.TWO.pow(200))
                .flatMap(b -> Arbitraries.of(b, b.negate())).map(b -> b.bitLength() < 64 ? (Object) b.longValue()
                        : (Object) b);
        return Arbitraries.oneOf(
                Arbitraries.just(null), Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.longs().map(l -> (Object) l), bigs, doubles,
                Arbitraries.strings().all().ofMaxLength(12).map(s -> (Object) s), // lone surrogates included
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(b -> (Object) b),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(b -> (Object) ByteArray.wrap(b)),
                Combinators.combine(doubles, doubles).as((r, i) -> (Object) new Complex((Double) r, (Double) i)),
                Arbitraries.bigDecimals().ofScale(3).map(d -> (Object) d),
                Arbitraries.integers().between(-700_000, 2_900_000).map(d -> (Object) LocalDate.ofEpochDay(d)),
                Arbitraries.longs().between(0, 86_399_999_999L).map(us -> (Object) LocalTime.ofNanoOfDay(us * 1000)),
                Arbitraries.longs().between(-60_000_000_000L, 250_000_000_000L)
                        .map(s -> (Object) LocalDateTime.of(2000, 1, 1, 0, 0).plusNanos(s * 1000L)),
                Arbitraries.longs().between(-86_399_999_999_999_999L / 1000, 86_399_999_999_999_999L / 1000)
                        .map(us -> (Object) Duration.ofNanos(us * 1000)));
    }

    @Provide
    Arbitrary<NDArray> arrays() {
        Arbitrary<DType> dtypes = Arbitraries.of(DType.BOOL, DType.INT8, DType.INT16, DType.INT32, DType.INT64, DType.UINT8,
                DType.UINT16, DType.UINT32, DType.UINT64, DType.FLOAT16, DType.FLOAT32, DType.FLOAT64, DType.COMPLEX64,
                DType.COMPLEX128, DType.bytes(3), DType.unicode(2), DType.datetime64(DateTimeUnit.DAY, 1),
                DType.timedelta64(DateTimeUnit.SECOND, 1))
                .flatMap(t -> t.itemsize() > 1 ? Arbitraries.of(t, t.withByteOrder('>')) : Arbitraries.just(t));
        Arbitrary<long[]> shapes = Arbitraries.longs().between(0, 4).array(long[].class).ofMaxSize(3);
        return Combinators.combine(dtypes, shapes, Arbitraries.of(Order.C, Order.F), Arbitraries.randoms())
                .as((t, shape, order, random) -> {
                    byte[] raw = new byte[(int) (NDArray.elementCount(shape) * t.itemsize())];
                    random.nextBytes(raw);
                    return NDArray.fromBytes(t, order, raw, shape);
                });
    }

    /** Whether the pickle under test was written below protocol 5, where arrays of the other byte order load native. */
    private static final ThreadLocal<Boolean> SWAPPED_ON_LOAD = ThreadLocal.withInitial(() -> false);

    /**
     * Whether an array of {@code t} goes through {@code _reconstruct} in the pickle under test, which loads the other
     * byte order as native: below protocol 5 always; at 5 only the types numpy writes that way (datetime64,
     * timedelta64, long double, zero-size items), the rest by {@code _frombuffer}, which keeps the order.
     */
    private static boolean swapsOnLoad(DType t) {
        return SWAPPED_ON_LOAD.get() || PROTOCOL_5.get() && (t.kind() == DType.Kind.DATETIME
                || t.kind() == DType.Kind.TIMEDELTA || t.numpyKind() == 'f' && t.itemsize() == 16 || t.itemsize() == 0);
    }

    private static final ThreadLocal<Boolean> PROTOCOL_5 = ThreadLocal.withInitial(() -> false);

    /** {@code big} in {@code little}, each value's bytes reversed (a complex number's parts each, a str's code points each). */
    private static NDArray swapped(NDArray big, DType little) {
        byte[] raw = big.copy().rawBytes();
        int unit = little.kind() == DType.Kind.COMPLEX ? little.itemsize() / 2
                : little.kind() == DType.Kind.UNICODE ? 4 : little.itemsize();
        for (int at = 0; at + unit <= raw.length; at += unit) {
            for (int i = at, j = at + unit - 1; i < j; i++, j--) {
                byte t = raw[i];
                raw[i] = raw[j];
                raw[j] = t;
            }
        }
        return NDArray.fromBytes(little, dev.brine.ndarray.Order.C, raw, big.shape());
    }

    /** Equality as the contract means it: byte arrays and arrays by content, NaN equal to NaN, order kept. */
    static void assertSame(Object expected, Object actual, String path) {
        String at = path.isEmpty() ? "value" : path;
        if (expected instanceof byte[]) {
            assertArrayEquals((byte[]) expected, (byte[]) actual, at);
        } else if (expected instanceof NDArray) {
            NDArray e = (NDArray) expected;
            NDArray a = (NDArray) actual;
            if (swapsOnLoad(e.dtype()) && e.dtype().byteOrderChar() == '>' && a.dtype().equals(e.dtype().withByteOrder('<'))) {
                // _reconstruct (protocols 0-4) loads the other byte order as native, bytes swapped, as numpy does
                e = swapped(e, a.dtype());
            }
            assertEquals(e.dtype(), a.dtype(), at + " dtype");
            assertArrayEquals(e.shape(), a.shape(), at + " shape");
            assertTrue(Arrays.equals(e.rawBytes(), a.rawBytes()) && e.isCContiguous() == a.isCContiguous()
                    || Arrays.equals(e.copy().rawBytes(), a.copy().rawBytes()), at + " data");
        } else if (expected instanceof List || expected instanceof Tuple) {
            assertEquals(expected.getClass(), actual.getClass(), at);
            Iterator<?> a = actual instanceof Tuple ? ((Tuple) actual).iterator() : ((List<?>) actual).iterator();
            int i = 0;
            for (Object e : expected instanceof Tuple ? ((Tuple) expected).asList() : (List<?>) expected) {
                assertTrue(a.hasNext(), at + " is shorter");
                assertSame(e, a.next(), at + "[" + i++ + "]");
            }
            assertTrue(!a.hasNext(), at + " is longer");
        } else if (expected instanceof Map) {
            assertEquals(expected.getClass(), actual.getClass(), at);
            assertEquals(new ArrayList<>(((Map<?, ?>) expected).keySet()), new ArrayList<>(((Map<?, ?>) actual).keySet()), at);
            for (Map.Entry<?, ?> e : ((Map<?, ?>) expected).entrySet()) {
                assertSame(e.getValue(), ((Map<?, ?>) actual).get(e.getKey()), at + "[" + e.getKey() + "]");
            }
        } else if (expected instanceof Set) {
            assertEquals(expected.getClass(), actual.getClass(), at);
            assertEquals(new ArrayList<>((Set<?>) expected), new ArrayList<>((Set<?>) actual), at);
        } else if (expected instanceof BigDecimal) {
            assertEquals(expected, actual, at); // scale included: Decimal('1.500') stays 1.500
        } else {
            assertEquals(expected, actual, at);
        }
    }
}
