package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.npy.Npy;
import dev.brine.py.Complex;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NDArray.toString compared with numpy's repr for the common shapes of output. */
class ReprOracleTest {
    @TempDir
    Path dir;

    private static List<NDArray> cases() throws dev.brine.BrineException {
        List<NDArray> out = new ArrayList<>();
        out.add(NDArray.of(new float[] {1, 2, 3}));
        double[] big = new double[2000];
        for (int i = 0; i < big.length; i++) {
            big[i] = i;
        }
        out.add(NDArray.of(big));
        long[] l = new long[24];
        for (int i = 0; i < l.length; i++) {
            l[i] = i;
        }
        out.add(NDArray.of(l, 2, 3, 4));
        out.add(NDArray.of(new double[] {1.5, Double.NaN, Double.NEGATIVE_INFINITY, 1e-5}));
        out.add(NDArray.of(new double[] {1e10, 1}));
        out.add(NDArray.zeros(DType.FLOAT64, 0, 3));
        out.add(NDArray.zeros(DType.FLOAT64, 0));
        out.add(NDArray.scalar(DType.INT32, 3));
        out.add(NDArray.scalar(DType.FLOAT64, 2.5));
        out.add(NDArray.of(new String[] {"a", "bc"}));
        out.add(NDArray.fromValues(DType.bytes(2), List.of(new byte[] {'a'}, new byte[] {'b', 'c'})));
        out.add(NDArray.of(new Complex[] {new Complex(1, 2), new Complex(3, -1)}));
        // imaginary parts of different widths: numpy pads after the j
        out.add(NDArray.of(new Complex[] {new Complex(1, 2.5), new Complex(3, 1)}));
        out.add(NDArray.of(new Complex[] {new Complex(1e-5, 2.5), new Complex(-3, 1), new Complex(2, -1e10)}));
        out.add(NDArray.of(new Complex[] {new Complex(1, Double.NaN), new Complex(3, 1), new Complex(2.25, -0.5)}));
        out.add(NDArray.of(new Complex[] {new Complex(Double.NaN, Double.NaN), new Complex(Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY), new Complex(1, 1e-8), new Complex(0, Double.POSITIVE_INFINITY)}));
        out.add(NDArray.of(new Complex[] {new Complex(1e20, Double.NaN), new Complex(-1e-20, 3)}));
        out.add(NDArray.of(new boolean[] {true, false}));
        out.add(NDArray.of(new boolean[] {true}));
        out.add(NDArray.of(new boolean[] {true, true, true, true}, 2, 2));
        out.add(NDArray.scalar(DType.BOOL, true));
        DType flag = DType.struct().add("ok", DType.BOOL).add("n", DType.INT32).build();
        out.add(NDArray.fromValues(flag, List.of(Map.of("ok", true, "n", 1), Map.of("ok", true, "n", 2))));
        // an aligned struct's padding: NPY keeps the offsets, not the flag, so numpy prints the dict form without it
        out.add(NDArray.zeros(DType.fromDescr(DType.struct().add("a", DType.INT8).add("b", DType.INT32).aligned(true)
                .build().descr()), 2));
        NDArray t = NDArray.zeros(DType.timedelta64(DateTimeUnit.SECOND, 1), 2);
        t.setLong(1, 0);
        t.setLong(2, 1);
        out.add(t);
        DType rec = DType.struct().add("a", DType.INT32).add("b", DType.FLOAT64).build();
        out.add(NDArray.fromValues(rec, List.of(Map.of("a", 0, "b", 0.0), Map.of("a", 1, "b", 2.5))));
        double[] forty = new double[40];
        for (int i = 0; i < forty.length; i++) {
            forty[i] = i;
        }
        out.add(NDArray.of(forty));
        out.add(NDArray.of(new double[] {1, 2.5, 100.25}));
        out.add(NDArray.of(new int[] {1, -20, 300}).astype(DType.parse(">i4")));
        out.add(NDArray.of(new double[] {0.1, 0.2, 0.30000000000000004}));
        out.add(NDArray.of(new float[] {0.1f, 1.0f / 3}, 1, 2));
        out.add(NDArray.of(new double[] {-1.0, 0.0, 1.0}));
        out.add(NDArray.of(new short[] {1, 2, 3, 4, 5, 6}, 3, 2).toOrder(Order.F));
        return out;
    }

    @Test
    void reprMatchesNumpy() throws IOException {
        List<NDArray> cases = cases();
        assertEquals("", mismatches(cases, "r", cases.size()));
    }

    /**
     * Brine's repr of each case against numpy's repr of the same array read back from an NPY file;
     * at most {@code shown} mismatches are described.
     */
    private String mismatches(List<NDArray> cases, String prefix, int shown) throws IOException {
        Python.require("numpy");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Path f = dir.resolve(prefix + i + ".npy");
            Npy.write(cases.get(i), f);
            files.add(f);
        }
        String out = Python.checkText("import sys, warnings, numpy as np\n"
                + "warnings.filterwarnings('ignore')\n"
                + "for f in sys.argv[1:]:\n"
                + "    print(repr(np.load(f)))\n"
                + "    print('\\x00')\n", files.toArray(new Path[0]));
        String[] reprs = out.split("\n\u0000\n");
        StringBuilder mismatches = new StringBuilder();
        int differ = 0;
        for (int i = 0; i < cases.size(); i++) {
            String mine = cases.get(i).toString();
            if (!reprs[i].equals(mine) && differ++ < shown) {
                mismatches.append("case ").append(i).append(":\nnumpy: ").append(reprs[i]).append("\nbrine: ").append(mine).append('\n');
            }
        }
        return differ == 0 ? "" : differ + " of " + cases.size() + " differ\n" + mismatches;
    }

    /**
     * Seeded random float64/32/16 and complex128/64 arrays of 1 to 6 values drawn from a pool that mixes nan, ±inf,
     * ±0, tiny, huge and ordinary values, so that every padding rule of numpy's FloatingFormat meets
     * the others (positional and scientific, exponents of 2 and 3 digits, the sign of imaginary parts).
     */
    @Test
    void reprOfRandomFloatAndComplexArraysMatchesNumpy() throws IOException {
        Python.require("numpy");
        double[] pool = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1, -1, 2.5, -0.125,
            1e-5, -3e-7, 1e8, 1.5e20, -2e-120, 1e300, 123456.789, 0.1, 1.0 / 3, 7, 1e-4, 999.5, -42, 2103834.8, 999.9,
            1000, 65504, 1e6, 999_999.9};
        java.util.Random random = new java.util.Random(20261129);
        List<NDArray> cases = new ArrayList<>();
        for (int c = 0; c < 300; c++) {
            int n = 1 + random.nextInt(6);
            double[] re = new double[n];
            double[] im = new double[n];
            for (int i = 0; i < n; i++) {
                re[i] = pool[random.nextInt(pool.length)];
                im[i] = pool[random.nextInt(pool.length)];
            }
            switch (c % 5) {
                case 0 -> cases.add(NDArray.of(re));
                case 1 -> cases.add(NDArray.of(re).astype(DType.FLOAT32));
                case 4 -> cases.add(NDArray.of(re).astype(DType.FLOAT16));
                default -> {
                    Complex[] z = new Complex[n];
                    for (int i = 0; i < n; i++) {
                        z[i] = new Complex(re[i], im[i]);
                    }
                    NDArray a = NDArray.of(z);
                    cases.add(c % 5 == 2 ? a : a.astype(DType.COMPLEX64));
                }
            }
        }
        assertEquals("", mismatches(cases, "random", 12));
    }

    /**
     * Values a hair either side of a rounding tie at numpy's 8 digits, in float64, float32 and float16 arrays
     * that print positionally (ties in the 9th decimal) and in scientific notation (ties in the 10th significant
     * digit), plus random bit patterns of each width: numpy's dragon4 rounds the exact binary value, so 2.000000015
     * (2.0000000149999999...) prints as 2.00000001 where rounding its shortest digits would give 2.00000002.
     */
    @Test
    void reprOfValuesNearRoundingTiesMatchesNumpy() throws IOException {
        Python.require("numpy");
        java.util.SplittableRandom random = new java.util.SplittableRandom(0x71E5);
        List<NDArray> cases = new ArrayList<>();
        for (int c = 0; c < 1500; c++) {
            boolean scientific = c % 2 == 1;
            double[] v = new double[1 + random.nextInt(5)];
            for (int i = 0; i < v.length; i++) {
                v[i] = scientific ? nearScientificTie(random) : nearPositionalTie(random);
            }
            DType type = new DType[] {DType.FLOAT64, DType.FLOAT32, DType.FLOAT16}[(c / 2) % 3];
            if (c % 10 >= 8) { // random bits of the type, all finite values of every magnitude
                v[0] = randomBits(type, random);
            }
            cases.add(NDArray.of(v).astype(type));
        }
        assertEquals("", mismatches(cases, "tie", 12));
    }

    /**
     * Seeded random S, V and record arrays (1-d and 0-d) whose bytes are mostly quotes, backslashes and
     * unprintable bytes: numpy prints bytes items as Python's bytes repr ({@code b"it's"}) and void items as
     * hex throughout ({@code b'\x27\x78'}); then the dtype suffix of every scalar kind and time unit, where
     * numpy leaves plain names bare ({@code dtype=datetime64}) and quotes the rest ({@code 'datetime64[D]'}).
     */
    @Test
    void reprOfBytesVoidRecordAndTimeArraysMatchesNumpy() throws IOException {
        Python.require("numpy");
        java.util.SplittableRandom random = new java.util.SplittableRandom(0xB17E5);
        DType record = DType.struct().add("a", DType.bytes(4)).add("v", DType.parse("V2")).add("n", DType.INT8).build();
        DType[] flexible = {DType.bytes(1), DType.bytes(4), DType.parse("V1"), DType.parse("V3"), record};
        List<NDArray> cases = new ArrayList<>();
        for (int c = 0; c < 400; c++) {
            DType t = flexible[c % flexible.length];
            long[] shape = c % 7 == 0 ? new long[0] : new long[] {1 + random.nextInt(4)};
            long n = shape.length == 0 ? 1 : shape[0];
            byte[] raw = new byte[(int) (n * t.itemsize())];
            byte[] alphabet = {'\'', '"', '\\', 'a', ' ', '\n', 0, 1, (byte) 0x7f, (byte) 0xe9};
            for (int i = 0; i < raw.length; i++) {
                raw[i] = alphabet[random.nextInt(alphabet.length)];
            }
            cases.add(NDArray.fromBytes(t, Order.C, raw, shape));
        }
        String[] types = {"M8", ">M8", "m8", ">m8", "M8[D]", ">M8[7s]", "m8[ns]", "<m8[25us]", "f2", ">f4", "<f8", ">f8",
            "<f16", "c8", ">c16", "<c32", "?", "i1", ">i2", "<u4", ">u8", "<i8"};
        for (String type : types) {
            DType t = DType.parse(type);
            byte[] raw = new byte[2 * t.itemsize()];
            if (t.kind() == DType.Kind.DATETIME) { // NaT: numpy cannot print other values of a generic datetime
                for (int k = 0; k < raw.length; k += 8) {
                    raw[k + (t.byteOrderChar() == '>' ? 0 : 7)] = (byte) 0x80;
                }
            }
            cases.add(NDArray.fromBytes(t, Order.C, raw, 2));
        }
        assertEquals("", mismatches(cases, "flex", 12));
    }

    /**
     * Seeded random float128 and complex256 arrays: x87 long doubles over their whole exponent range (1e+4000 and
     * 1e-4940 lie beyond a double's), near 1, denormal, zero, nan and inf; numpy prints them with their own
     * shortest digits, in scientific notation with exponents of up to 4 digits, where Brine printed inf and 0.
     */
    @Test
    void reprOfLongDoublesOverTheirWholeRangeMatchesNumpy() throws IOException {
        Python.require("numpy");
        java.util.SplittableRandom random = new java.util.SplittableRandom(0x80B175);
        List<NDArray> cases = new ArrayList<>();
        for (int c = 0; c < 600; c++) {
            boolean complex = c % 3 == 2;
            DType t = DType.parse(complex ? "<c32" : c % 7 == 0 ? ">f16" : "<f16");
            int n = 1 + random.nextInt(5);
            int parts = complex ? 2 : 1;
            byte[] raw = new byte[n * t.itemsize()];
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw);
            for (int i = 0; i < n * parts; i++) {
                int at = i * 16;
                long mantissa = random.nextLong() | Long.MIN_VALUE; // the explicit integer bit of a normal value
                int exp;
                switch (random.nextInt(8)) {
                    case 0 -> { // anywhere, a third of them powers of two (the long double below is half as far)
                        exp = 1 + random.nextInt(0x7FFE);
                        mantissa = random.nextInt(3) == 0 ? Long.MIN_VALUE : mantissa;
                    }
                    case 1 -> { // denormal or zero
                        exp = 0;
                        mantissa = random.nextBoolean() ? 0 : mantissa >>> (1 + random.nextInt(63));
                    }
                    case 2 -> { // inf or nan
                        exp = 0x7FFF;
                        mantissa = random.nextBoolean() ? Long.MIN_VALUE : mantissa | 0x4000000000000000L;
                    }
                    case 3 -> exp = random.nextBoolean() ? 1 + random.nextInt(40) : 0x7FFE - random.nextInt(40); // the ends
                    default -> exp = 16383 - 40 + random.nextInt(80); // near 1
                }
                int signExp = exp | (random.nextInt(4) == 0 ? 0x8000 : 0);
                if (t.byteOrderChar() == '>') {
                    b.order(java.nio.ByteOrder.BIG_ENDIAN).putShort(at + 6, (short) signExp).putLong(at + 8, mantissa);
                } else {
                    b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(at, mantissa).putShort(at + 8, (short) signExp);
                }
            }
            cases.add(NDArray.fromBytes(t, Order.C, raw, n));
        }
        assertEquals("", mismatches(cases, "ld", 12));
    }

    /**
     * 1000 long doubles near the ends of their range, whose exact decimals run to thousands of digits: numpy prints
     * them in a fraction of a second, and Brine, finding their digits without writing those decimals out, within
     * seconds (it took 11 s).
     */
    @Test
    void reprOfAThousandLongDoublesAtTheEndsOfTheirRangeMatchesNumpyInSeconds() throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(0xE4D5);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16_000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1000; i++) {
            int exp = i % 2 == 0 ? 1 + random.nextInt(40) : 0x7FFE - random.nextInt(40);
            b.putLong(16 * i, random.nextLong() | Long.MIN_VALUE).putShort(16 * i + 8, (short) exp);
        }
        NDArray a = NDArray.fromBytes(DType.parse("<f16"), Order.C, b.array(), 1000);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), a::toString);
        assertEquals("", mismatches(List.of(a), "ldends", 1));
    }

    /**
     * Seeded random {@code U} arrays whose UTF-32 units are often no code point (above U+10FFFF, as np.frombuffer
     * and other writers store them), among quotes, backslashes, surrogates and unprintable characters: numpy escapes
     * those as {@code \U6f2664ec}, in the array's repr and in each np.str_ item's, where Brine printed U+FFFD.
     */
    @Test
    void reprOfUnicodeItemsThatAreNoCodePointsMatchesNumpy() throws IOException {
        Python.require("numpy");
        java.util.SplittableRandom random = new java.util.SplittableRandom(0x110000);
        int[] pool = {0x110000, 0x6f2664ec, 0xffffffff, 0x80000000, 0x7fffffff, '\'', '"', '\\', 'a', ' ', '\n', 0x7f, 0xa0,
            0xd800, 0xdfff, 0x10ffff, 0xe9, 0x2028, 0x1f600, 0};
        List<NDArray> cases = new ArrayList<>();
        for (int c = 0; c < 200; c++) {
            DType t = DType.parse((c % 5 == 0 ? ">U" : "<U") + (1 + random.nextInt(4)));
            long[] shape = c % 9 == 0 ? new long[0] : new long[] {1 + random.nextInt(4)};
            long n = shape.length == 0 ? 1 : shape[0];
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) n * t.itemsize())
                    .order(t.byteOrderChar() == '>' ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
            int units = t.itemsize() / 4;
            for (long k = 0; k < n; k++) {
                int[] item = new int[units];
                int length = 0;
                for (int u = 0; u < units; u++) {
                    item[u] = pool[random.nextInt(pool.length)];
                    length = item[u] != 0 ? u + 1 : length;
                }
                if (length == 1 && !Character.isValidCodePoint(item[0])) {
                    item[0] = 'a'; // numpy's repr of one such unit alone fails (CPython's SystemError from PyUnicode_New)
                }
                for (int unit : item) {
                    b.putInt(unit);
                }
            }
            cases.add(NDArray.fromBytes(t, Order.C, b.array(), shape));
        }
        assertEquals("", mismatches(cases, "u", 12));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            files.add(dir.resolve("u" + i + ".npy"));
        }
        String[] numpy = Python.checkText("import sys, numpy as np\n"
                + "for f in sys.argv[1:]:\n"
                + "    a = np.load(f)\n"
                + "    print(' | '.join(repr(x) for x in a.reshape(-1)))\n", files.toArray(new Path[0])).split("\n");
        for (int i = 0; i < cases.size(); i++) {
            NDArray a = cases.get(i).reshape(cases.get(i).size());
            List<String> mine = new ArrayList<>();
            for (long k = 0; k < a.size(); k++) {
                byte[] raw = java.util.Arrays.copyOfRange(a.rawBytes(), (int) k * a.dtype().itemsize(),
                        (int) (k + 1) * a.dtype().itemsize());
                mine.add(ScalarFormat.repr(NDArray.fromBytes(a.dtype(), Order.C, raw)));
            }
            assertEquals(numpy[i], String.join(" | ", mine), "case " + i);
        }
    }

    /** k * 1e-8 + 5e-9 (a tie at the 8th decimal), nudged by a few units in the last place of a double, or not. */
    private static double nearPositionalTie(java.util.SplittableRandom r) {
        double scale = new double[] {1, 1e-1, 1e-2, 1e-3}[r.nextInt(4)];
        double tie = (r.nextInt(1_000_000_000) * 10L + 5) * 1e-9 * scale;
        return tie + Math.ulp(tie) * (r.nextInt(7) - 3);
    }

    /** A 10-digit mantissa ending in 5 (a tie at numpy's 9 significant digits) times a power of ten, nudged or not. */
    private static double nearScientificTie(java.util.SplittableRandom r) {
        double tie = Double.parseDouble((100_000_000 + r.nextInt(900_000_000)) + "5e" + (r.nextInt(61) - 40));
        return tie + Math.ulp(tie) * (r.nextInt(7) - 3);
    }

    private static double randomBits(DType type, java.util.SplittableRandom r) {
        double d;
        do {
            d = switch (type.itemsize()) {
                case 2 -> Floats.halfToDouble((short) r.nextInt(0x10000));
                case 4 -> Float.intBitsToFloat(r.nextInt());
                default -> Double.longBitsToDouble(r.nextLong());
            };
        } while (!Double.isFinite(d));
        return d;
    }

    /**
     * Records with subarray fields, written by numpy: numpy's SubArrayFormat summarizes a subarray of more than
     * 1000 items (3 at each end of its longer axes) and measures the field's width on every item of the records
     * shown, hidden ones too; a bool inside a subarray pads True even in a 0-d array. Among them, 2 records of
     * 40000 x 40000 items of no bytes (a 136-byte file), which Brine used to walk to an OutOfMemoryError.
     */
    @Test
    void reprOfSubarrayFieldsMatchesNumpy() throws IOException {
        Python.require("numpy");
        String script = "import sys, numpy as np\n"
                + "d = sys.argv[1]\n"
                + "cases = [np.zeros(2, dtype=[('a', np.dtype([]), (40000, 40000)), ('b', '<i4')]),\n"
                + "    np.zeros(2, dtype=[('a', 'u1', (1000, 1000))]),\n"
                + "    np.zeros(2, dtype=[('a', 'u1', (4, 300))]), np.zeros(2, dtype=[('a', '<i2', (1001,))]),\n"
                + "    np.zeros((), dtype=[('a', 'f8', (1001,))]), np.zeros(3, dtype=[('a', '<f4', (7, 2, 80))]),\n"
                + "    np.ones((), dtype=[('a', '?', (2,))]), np.ones((), dtype=[('a', '?', (2,)), ('b', '?')]),\n"
                + "    np.ones((), dtype=[('a', [('x', '?')], (2,))]), np.ones(2, dtype=[('a', '?', (3, 400))]),\n"
                + "    np.zeros(1, dtype=[('a', [('x', 'u1'), ('y', '<f8')], (20, 60))]),\n"
                + "    np.zeros(1200, dtype=[('a', '<i4', (2,))]), np.zeros(4, dtype=[('a', 'u1', (0, 2000))])]\n"
                + "cases[2]['a'][1, 2, 200] = 123\n"
                + "cases[3]['a'][1, 500] = -7\n"
                + "cases[4]['a'][500] = 1.5\n"
                + "cases[5]['a'][2, 3, 1, 40] = 1e-7\n"
                + "cases[9]['a'][1, 1, 200] = False\n"
                + "cases[10]['a'][0, 10, 30] = (255, 2.5)\n"
                + "cases[11]['a'][600] = (12345, -1)\n"
                + "for i, a in enumerate(cases):\n"
                + "    np.save(d + '/sub%d.npy' % i, a)\n"
                + "    print(repr(np.load(d + '/sub%d.npy' % i)))\n"
                + "    print('\\x00')\n";
        String[] reprs = Python.checkText(script, dir).split("\n\u0000\n");
        StringBuilder mismatches = new StringBuilder();
        for (int i = 0; i < reprs.length; i++) {
            String mine = Npy.read(dir.resolve("sub" + i + ".npy")).toString();
            if (!reprs[i].equals(mine)) {
                mismatches.append("case ").append(i).append(":\nnumpy: ").append(reprs[i]).append("\nbrine: ").append(mine)
                        .append('\n');
            }
        }
        assertEquals(13, reprs.length);
        assertEquals("", mismatches.toString());
    }

    /**
     * Items of no bytes stand for as many items as their shape says, more than any text can hold (numpy itself
     * does not finish printing these): the repr stays within its budget of a million characters, and quickly.
     */
    @Test
    void reprOfItemsWithoutBytesIsBounded() {
        DType empty = DType.struct().build();
        long[] six = new long[13];
        java.util.Arrays.fill(six, 6);
        String top = NDArray.zeros(empty, six).toString();
        assertEquals(true, top.length() < 1_100_000, "length " + top.length());
        assertEquals(true, top.startsWith("array([[[[[[[[[[[[[(), (), (), (), (), ()],"), top.substring(0, 60));
        DType deep = DType.struct().add("a", DType.subarray(empty, six)).build();
        String rec = NDArray.zeros(deep, 3).toString();
        assertEquals(true, rec.length() < 1_100_000, "length " + rec.length());
        assertEquals(true, rec.endsWith("dtype=[('a', [], (6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6))])"), rec.substring(rec.length() - 200));
    }

    @Test
    void largeArraysSummariseWithoutWalkingEveryElement() {
        NDArray big = NDArray.zeros(DType.FLOAT32, 1000, 1000, 10);
        String s = big.toString();
        assertEquals(true, s.contains("..."));
        assertEquals(true, s.length() < 2000, s);
    }

}
