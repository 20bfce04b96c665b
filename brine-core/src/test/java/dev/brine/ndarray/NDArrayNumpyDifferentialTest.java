package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.py.Complex;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * reshape, astype and zeros compared with live numpy over many generated cases: random arrays of
 * every numeric dtype in C and Fortran order, datetime64/timedelta64 casts across every pair of
 * units, and number casts of edge values (including the platform's out-of-range float to integer
 * results, which numpy gives on x86-64).
 */
class NDArrayNumpyDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String[] NUMERIC = {"|b1", "|i1", "|u1", "<i2", ">i2", "<u2", "<i4", ">u4", "<u4", "<i8", ">i8",
        "<u8", "<f2", "<f4", ">f4", "<f8", ">f8", "<f16", "<c8", "<c16"};
    private static final String[] UNITS = {"Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"};

    /**
     * For "dtype order shape newshape hex": the reshaped array's shape, C-order bytes and whether it
     * is a view. numpy keeps views of layouts Brine does not hold (strided ones), so only a Brine
     * view is checked against numpy's: it must be one there too.
     */
    private static final String RESHAPE = String.join("\n",
            "import numpy as np",
            "def case(line):",
            "    d, o, s, n, h = line.split(' ')",
            "    shape = tuple(int(x) for x in s.split(',') if x)",
            "    a = np.ndarray(shape, d, buffer=bytearray(bytes.fromhex(h)), order=o)",
            "    b = a.reshape(tuple(int(x) for x in n.split(',') if x))",
            "    return ','.join(map(str, b.shape)) + ' ' + np.ascontiguousarray(b).tobytes().hex() + ' ' + str(np.shares_memory(a, b))");

    /** For "src dst hex": numpy's astype bytes, or "-" when numpy refuses (OverflowError, ValueError). */
    private static final String ASTYPE = String.join("\n",
            "import numpy as np, warnings",
            "warnings.simplefilter('ignore')",
            "def case(line):",
            "    s, d, h = line.split(' ')",
            "    with np.errstate(all='ignore'):",
            "        b = np.frombuffer(bytes.fromhex(h), s).astype(d)",
            "    if b.dtype.char in 'gG':  # numpy leaves a long double's 6 padding bytes as they were in memory",
            "        b = b.view('u1').reshape(-1, 16)",
            "        b[:, 10:] = 0",
            "    return b.tobytes().hex()");

    @Test
    void reshapeFollowsCIndexOrderInEveryLayout() throws IOException {
        Python.require("numpy");
        Random r = new Random(11);
        List<String> lines = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        List<long[]> newShapes = new ArrayList<>();
        for (int c = 0; c < 600; c++) {
            DType t = DType.parse(NUMERIC[r.nextInt(NUMERIC.length)]);
            long[] shape = randomShape(r, 1 + r.nextInt(4), 1 + r.nextInt(3));
            Order o = r.nextBoolean() ? Order.F : Order.C;
            NDArray a = NDArray.fromBytes(t, o, randomElements(t, NDArray.elementCount(shape), r), shape);
            long[] n = reshapeOf(shape, r);
            arrays.add(a);
            newShapes.add(n);
            lines.add(t.str() + " " + o + " " + join(shape) + " " + join(n) + " " + HEX.formatHex(a.rawBytes()));
        }
        List<String> want = Python.eachLine(RESHAPE, "case(line)", null, lines);
        for (int i = 0; i < lines.size(); i++) {
            NDArray b = arrays.get(i).reshape(newShapes.get(i));
            String[] w = want.get(i).split(" ");
            assertEquals(w[0] + " " + w[1], join(b.shape()) + " " + HEX.formatHex(b.toOrder(Order.C).rawBytes()), lines.get(i));
            if (b.storage() == arrays.get(i).storage()) {
                assertEquals("True", w[2], "numpy copies here too: " + lines.get(i));
            }
        }
    }

    @Test
    void reshapeOfAFortranArrayIsNumpys() {
        NDArray f = NDArray.of(new int[] {0, 1, 2, 3, 4, 5}, 2, 3).toOrder(Order.F);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, f.reshape(6).toIntArray());
        assertEquals(NDArray.of(new int[] {0, 1, 2, 3, 4, 5}, 3, 2), f.reshape(3, 2));
        // a view when only length-1 dimensions come or go, as numpy keeps one
        assertEquals(f.storage(), f.reshape(2, 1, 3).storage());
        assertEquals(f, f.reshape(1, 2, 3).reshape(2, 3));
    }

    @Test
    void datetimeCastsBetweenEveryPairOfUnits() throws IOException {
        Python.require("numpy");
        Random r = new Random(12);
        List<String> lines = new ArrayList<>();
        List<DType[]> pairs = new ArrayList<>();
        List<NDArray> inputs = new ArrayList<>();
        for (String kind : new String[] {"M8", "m8"}) {
            for (String from : UNITS) {
                for (String to : UNITS) {
                    for (int rep = 0; rep < 3; rep++) {
                        int n1 = rep == 0 ? 1 : 1 + r.nextInt(3);
                        int n2 = rep == 1 ? 1 : 1 + r.nextInt(3);
                        DType s = DType.parse("<" + kind + "[" + (n1 == 1 ? "" : n1) + from + "]");
                        // across datetime and timedelta too: numpy keeps the counts there
                        String toKind = rep == 2 && r.nextBoolean() ? (kind.equals("M8") ? "m8" : "M8") : kind;
                        DType d = DType.parse("<" + toKind + "[" + (n2 == 1 ? "" : n2) + to + "]");
                        boolean calendar = kind.equals("M8") && (from.equals("Y") || from.equals("M"));
                        NDArray a = NDArray.zeros(s, 32);
                        for (int i = 0; i < 32; i++) {
                            a.setLong(timeCount(r, calendar), i);
                        }
                        pairs.add(new DType[] {s, d});
                        inputs.add(a);
                        lines.add(s.str() + " " + d.str() + " " + HEX.formatHex(a.rawBytes()));
                    }
                }
            }
        }
        List<String> want = Python.eachLine(ASTYPE, "case(line)", "(OverflowError, ValueError)", lines);
        for (int i = 0; i < lines.size(); i++) {
            DType d = pairs.get(i)[1];
            NDArray a = inputs.get(i);
            if (want.get(i).equals("-")) {
                assertThrows(IllegalArgumentException.class, () -> a.astype(d), lines.get(i));
            } else {
                assertEquals(want.get(i), HEX.formatHex(a.astype(d).rawBytes()), lines.get(i));
            }
        }
    }

    @Test
    void numberCastsOfEdgeValuesAreNumpys() throws IOException {
        Python.require("numpy");
        Random r = new Random(13);
        String[] targets = new String[NUMERIC.length + 2];
        System.arraycopy(NUMERIC, 0, targets, 0, NUMERIC.length);
        targets[NUMERIC.length] = "<M8[s]";
        targets[NUMERIC.length + 1] = "<m8[ms]";
        List<String> lines = new ArrayList<>();
        List<NDArray> inputs = new ArrayList<>();
        List<DType> dsts = new ArrayList<>();
        for (String src : List.of(NUMERIC[0], NUMERIC[1], NUMERIC[2], NUMERIC[3], NUMERIC[4], NUMERIC[5], NUMERIC[6],
                NUMERIC[7], NUMERIC[9], NUMERIC[10], NUMERIC[11], NUMERIC[12], NUMERIC[13], NUMERIC[14], NUMERIC[15],
                NUMERIC[16], NUMERIC[17], NUMERIC[18], NUMERIC[19], "<M8[s]", "<m8[us]")) {
            DType s = DType.parse(src);
            for (String dst : targets) {
                for (int rep = 0; rep < 4; rep++) {
                    // 64 elements: numpy's vectorised loops cover them all (their scalar tails differ)
                    DType d = DType.parse(dst);
                    NDArray a = castInput(s, r);
                    if (s.kind() == DType.Kind.COMPLEX && d.kind() == DType.Kind.UINT && d.itemsize() == 4) {
                        // numpy's complex to uint32 loop ends in a scalar tail whose out-of-range results
                        // differ from its vectorised body's: compare in-range values only
                        a = NDArray.of(new Complex[] {new Complex(3e9, 1), new Complex(-300.7, 0), new Complex(70000.5, 2)}).astype(s);
                    }
                    inputs.add(a);
                    dsts.add(d);
                    lines.add(s.str() + " " + d.str() + " " + HEX.formatHex(a.rawBytes()));
                }
            }
        }
        List<String> want = Python.eachLine(ASTYPE, "case(line)", null, lines);
        for (int i = 0; i < lines.size(); i++) {
            NDArray a = inputs.get(i);
            String got = HEX.formatHex(a.astype(dsts.get(i)).rawBytes());
            if (!want.get(i).equals(got)) {
                int k = firstDifference(want.get(i), got) / (2 * dsts.get(i).itemsize());
                int w = 2 * dsts.get(i).itemsize();
                assertEquals(want.get(i).substring(k * w, k * w + w), got.substring(k * w, k * w + w),
                        "element " + k + " = " + a.get(k) + " of " + lines.get(i));
            }
        }
    }

    @Test
    void complexIsTrueWhenEitherPartIs() {
        NDArray c = NDArray.of(new Complex[] {new Complex(0, 3), new Complex(0, 0), new Complex(-0.0, 0), new Complex(2, 0)});
        assertArrayEquals(new boolean[] {true, false, false, true}, c.toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, false, true}, c.astype(DType.BOOL).toBooleanArray());
        NDArray b = NDArray.zeros(DType.BOOL, 1);
        b.set(new Complex(0, 3), 0);
        assertEquals(true, b.get(0));
    }

    @Test
    void longDoublesHoldInt64Exactly() {
        long[] v = {(1L << 60) + (1L << 36) + 1, (1L << 62) + 1, Long.MIN_VALUE, Long.MAX_VALUE, -3};
        NDArray ld = NDArray.of(v).astype(DType.parse("<f16"));
        assertArrayEquals(v, ld.astype(DType.INT64).toLongArray());
        assertEquals((1L << 62) + 1, ld.getLong(1));
    }

    @Test
    void subarrayShapeComesLastInEitherOrder() throws IOException {
        Python.require("numpy");
        NDArray z = NDArray.zeros(DType.subarray(DType.INT32, 4), Order.F, 2, 3);
        String want = new String(Python.check("import numpy as np\n"
                + "print(np.zeros((2, 3), dtype=('<i4', (4,)), order='F').shape)", new byte[0])).trim();
        assertEquals(want, "(" + join(z.shape()).replace(",", ", ") + ")");
        // the buffer is read as numpy's np.ndarray((2, 3), dtype=('<i4', (4,)), buffer=..., order='F')
        byte[] raw = NDArray.of(java.util.stream.IntStream.range(0, 24).toArray()).rawBytes();
        NDArray w = NDArray.wrap(DType.subarray(DType.INT32, 4), Order.F, new long[] {2, 3}, Storage.wrap(raw));
        String wantF = new String(Python.check("import numpy as np\n"
                + "a = np.ndarray((2, 3), dtype=('<i4', (4,)), buffer=np.arange(24, dtype='<i4').tobytes(), order='F')\n"
                + "print(a[1, 0].tolist())", new byte[0])).trim();
        assertEquals(wantF, "[" + w.get(1, 0, 0) + ", " + w.get(1, 0, 1) + ", " + w.get(1, 0, 2) + ", " + w.get(1, 0, 3) + "]");
    }

    // ---------------------------------------------------------------- generators

    private static long[] randomShape(Random r, int ndim, int max) {
        long[] s = new long[ndim];
        for (int i = 0; i < ndim; i++) {
            s[i] = 1 + r.nextInt(max + 1);
        }
        return s;
    }

    /** A random shape with the same element count: the prime factors of the size dealt out at random. */
    private static long[] reshapeOf(long[] shape, Random r) {
        List<Long> factors = new ArrayList<>();
        for (long d : shape) {
            long n = d;
            for (long p = 2; n > 1; p++) {
                while (n % p == 0) {
                    factors.add(p);
                    n /= p;
                }
            }
        }
        long[] out = new long[1 + r.nextInt(4)];
        java.util.Arrays.fill(out, 1);
        for (long f : factors) {
            out[r.nextInt(out.length)] *= f;
        }
        return out;
    }

    private static byte[] randomElements(DType t, long n, Random r) {
        NDArray a = NDArray.zeros(t, n);
        for (int i = 0; i < n; i++) {
            if (t.kind() == DType.Kind.COMPLEX) {
                a.set(new Complex(r.nextInt(1000) - 500, r.nextInt(100)), i);
            } else if (t.kind() == DType.Kind.BOOL) {
                a.setBoolean(r.nextBoolean(), i);
            } else {
                a.setLong(r.nextInt(120), i);
            }
        }
        return a.rawBytes();
    }

    /** A count: NaT, small, medium, or anywhere (calendar sources stay where years fit numpy's day arithmetic). */
    private static long timeCount(Random r, boolean calendar) {
        switch (r.nextInt(6)) {
            case 0:
                return TimeValue.NAT;
            case 1:
                return r.nextInt(2001) - 1000;
            case 2:
                return r.nextLong() % 10_000_000_000L;
            case 3:
                return r.nextLong() % 1_000_000_000_000L;
            case 4:
                return calendar ? r.nextLong() % 100_000_000_000L : r.nextLong() >> 2;
            default:
                return -(r.nextInt(100_000) + 1);
        }
    }

    private static final double[] EDGES = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, -1.5, 127.9, 128.0, -128.5, -129.0, 255.9, 256.0,
        32767.5, 32768.0, -32769.0, 65535.9, 65536.0, 70000.5, -70000.5, 2147483647.0, 2147483648.0, -2147483649.0,
        3e9, -3e9, 4294967295.0, 4294967296.0, 4294967301.0, 5e9, 0x1p53 + 2, 0x1p62, 0x1p63, -0x1p63, 1.8e19, 0x1p64,
        1e20, -1e20, 1e300, Double.MAX_VALUE, Double.MIN_VALUE, 65504, 65520, 1e-8, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    private static final long[] INT_EDGES = {0, 1, -1, 127, 128, 255, 256, 32767, 32768, 65535, 65536, Integer.MAX_VALUE,
        Integer.MIN_VALUE, 0xFFFFFFFFL, 1L << 32, (1L << 53) + 1, (1L << 60) + (1L << 36) + 1, (1L << 62) + 1,
        Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, (1L << 24) + 1, (1L << 25) + 3, 1L << 63 | 1L << 39 | 1};

    /** 64 elements of {@code t}: edge values and random ones (integers set by bits, floats by value). */
    private static NDArray castInput(DType t, Random r) {
        NDArray a = NDArray.zeros(t, 64);
        boolean floating = t.kind().isFloat() || t.kind() == DType.Kind.COMPLEX;
        for (int i = 0; i < 64; i++) {
            if (floating) {
                double v = r.nextInt(3) == 0 ? EDGES[r.nextInt(EDGES.length)]
                        : r.nextBoolean() ? r.nextGaussian() * Math.pow(2, r.nextInt(70))
                        : (double) (INT_EDGES[r.nextInt(INT_EDGES.length)] + r.nextInt(3) - 1);
                if (Elements.isExtended(t) && r.nextBoolean()) {
                    // every int64 exactly, as numpy's long double holds them
                    a.setLong(r.nextBoolean() ? r.nextLong() : INT_EDGES[r.nextInt(INT_EDGES.length)], i);
                } else if (t.kind() == DType.Kind.COMPLEX) {
                    a.set(new Complex(v, r.nextInt(4) == 0 ? 0.0 : r.nextGaussian()), i);
                } else {
                    a.setDouble(v, i);
                }
            } else if (t.kind() == DType.Kind.BOOL) {
                a.setBoolean(r.nextBoolean(), i);
            } else {
                // any bit pattern of the type: the long wraps into it as a cast would (setLong refuses, as numpy's a[i] = v)
                Elements.setLong(t, a.storage(), a.offsetOf(i),
                        r.nextInt(3) == 0 ? INT_EDGES[r.nextInt(INT_EDGES.length)] : r.nextLong() >> r.nextInt(64));
            }
        }
        return a;
    }

    private static int firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static String join(long[] shape) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return b.toString();
    }
}
