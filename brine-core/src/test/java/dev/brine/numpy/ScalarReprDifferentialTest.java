package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.ndarray.DType;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NumpyScalar#toString()} against numpy's own {@code repr} of the scalar with the same bytes: every
 * float16, random float32 and float64 bit patterns, values at the bounds where numpy switches to scientific
 * notation (1e-4 and 1e3, 1e6 or 1e16 by type), complex64/128 with zero, negative zero, nan and inf parts,
 * bools, integers of every width and byte order, and bytes, str and void scalars full of quotes.
 */
class ScalarReprDifferentialTest {
    @Test
    void scalarsReprAsNumpyWritesThem() throws IOException {
        Python.require("numpy");
        SplittableRandom r = new SplittableRandom(0x5CA1A2);
        List<String> lines = new ArrayList<>();
        for (int bits = 0; bits < 0x10000; bits++) {
            lines.add("<f2 " + hex(bits, 2));
        }
        double[] bounds = {1e-4, 1e3, 1e6, 1e16, 0.1, 1.0 / 3, 65504, 123456789, 2.000000015, 0, -0.0, Double.NaN, -Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, 1e-40, 1e300};
        for (double b : bounds) {
            for (int k = -2; k <= 2; k++) {
                float f = Math.nextAfter((float) b, k < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
                lines.add("<f4 " + hex(Float.floatToRawIntBits(k == 0 ? (float) b : Math.abs(k) == 1 ? f : -f), 4));
                double d = Math.nextAfter(b, k < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
                lines.add("<f8 " + hex(Double.doubleToRawLongBits(k == 0 ? b : Math.abs(k) == 1 ? d : -d), 8));
            }
        }
        for (int i = 0; i < 5_000; i++) {
            lines.add((i % 2 == 0 ? "<f4 " : ">f4 ") + hex(r.nextInt(), 4));
            lines.add("<f8 " + hex(r.nextLong(), 8));
            lines.add("<f8 " + hex(Double.doubleToRawLongBits(r.nextInt(100_000) * Math.pow(10, r.nextInt(40) - 20)), 8));
        }
        long[] parts = {0, 0x8000000000000000L, Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(1),
            Double.doubleToRawLongBits(-2.5), Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
            Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), Double.doubleToRawLongBits(0.1), Double.doubleToRawLongBits(1e7),
            Double.doubleToRawLongBits(1e20), Double.doubleToRawLongBits(-1e-5)};
        for (int i = 0; i < 3_000; i++) {
            long re = r.nextBoolean() ? parts[r.nextInt(parts.length)] : r.nextLong();
            long im = r.nextBoolean() ? parts[r.nextInt(parts.length)] : r.nextLong();
            lines.add("<c16 " + hex(re, 8) + hex(im, 8));
            lines.add("<c8 " + hex(Float.floatToRawIntBits((float) Double.longBitsToDouble(re)), 4)
                    + hex(Float.floatToRawIntBits((float) Double.longBitsToDouble(im)), 4));
        }
        lines.add("? 00");
        lines.add("? 01");
        for (String t : new String[] {"i1", "u1", "<i2", ">u2", "<i4", ">i4", "<u4", "<i8", ">u8"}) {
            DType d = DType.parse(t);
            for (int i = 0; i < 20; i++) {
                lines.add(t + " " + hex(r.nextLong(), d.itemsize()));
            }
        }
        // datetime64 and timedelta64 in every unit, with unit counts and both byte orders: NaT, near the
        // epoch, and far from it (a generic datetime64 holds only NaT: numpy prints no other)
        long nat = Long.MIN_VALUE;
        for (String u : new String[] {"Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "3h", "2D", "5s"}) {
            for (String kind : new String[] {"<M8[", ">M8[", "<m8["}) {
                String t = kind + u + "]";
                lines.add(t + " " + hex(nat, 8));
                for (int i = 0; i < 6; i++) {
                    long v = i < 3 ? r.nextInt(2001) - 1000 : r.nextLong() >> (20 + r.nextInt(40));
                    lines.add(t + " " + (kind.startsWith(">") ? hex(Long.reverseBytes(v), 8) : hex(v, 8)));
                }
            }
        }
        // long doubles (x87 80 bits in 16 bytes): random mantissas and exponents, powers of two, zeros,
        // infinities, NaN, denormals, the double 0.1's value; and complex long doubles of them. Only encodings
        // arithmetic makes: the integer bit set exactly when the exponent field is not zero (numpy prints the
        // others, pseudo-denormals and unnormals, by accidents of its code)
        String[] parts80 = {"00000000000000000000", "000000000000008000c0", "0000000000000080ff7f",
            "00000000000000c0ff7f", "00000000000000800100", "01000000000000000000", "cdccccccccccccccfb3f"};
        for (int i = 0; i < 1500; i++) {
            int signExp = r.nextInt(12) == 0 ? r.nextInt(0x7fff) : 0x3fff - 70 + r.nextInt(140);
            long mantissa = signExp == 0 ? r.nextLong() >>> 1 : r.nextLong() | Long.MIN_VALUE;
            String p = i < parts80.length ? parts80[i] : hex(mantissa, 8) + hex(signExp | (r.nextBoolean() ? 0x8000 : 0), 2);
            lines.add("<f16 " + p + "000000000000");
            if (i % 3 == 0) {
                String q = parts80[r.nextInt(parts80.length)];
                lines.add("<c32 " + p + "000000000000" + q + "000000000000");
            }
        }
        lines.add("<M8 " + hex(nat, 8));
        lines.add("<m8 " + hex(nat, 8));
        lines.add("<m8 " + hex(7, 8));
        lines.add("<m8 " + hex(-3, 8));
        byte[] alphabet = {'\'', '"', '\\', 'a', ' ', '\n', 0, 1, (byte) 0x7f, (byte) 0xe9};
        for (int i = 0; i < 300; i++) {
            int n = 1 + r.nextInt(4);
            StringBuilder b = new StringBuilder();
            StringBuilder u = new StringBuilder();
            for (int k = 0; k < n; k++) {
                int c = alphabet[r.nextInt(alphabet.length)] & 0xff;
                b.append(String.format("%02x", c));
                u.append(hex(c, 4)); // UTF-32 little-endian
            }
            lines.add("S" + n + " " + b);
            lines.add("V" + n + " " + b);
            lines.add("<U" + n + " " + u);
        }
        List<String> expected = Python.eachLine("import numpy as np",
                "repr(np.frombuffer(bytes.fromhex(line.split()[1]), line.split()[0])[0])", null, lines);
        for (int k = 0; k < lines.size(); k++) {
            String[] tb = lines.get(k).split(" ");
            NumpyScalar s = new NumpyScalar(DType.parse(tb[0]), HexFormat.of().parseHex(tb[1]));
            assertEquals(expected.get(k), s.toString(), lines.get(k));
        }
    }

    /** {@code value}'s low {@code bytes} bytes in little-endian order, as hex. */
    private static String hex(long value, int bytes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            b.append(String.format("%02x", (value >>> (8 * i)) & 0xff));
        }
        return b.toString();
    }

    /**
     * Structured scalars (numpy's {@code scalar(dtype, bytes)} pickles of a record array's element): 300
     * seeded random record types of ints, floats of each width, bools, complex, bytes, str, void,
     * datetimes and timedeltas, nested records and one-axis subarrays (floats also on two axes), with
     * random values, some aligned and a third of them np.record scalars (np.rec elements), against {@code repr(x)}
     * in numpy 2.
     */
    @Test
    void structuredScalarsReprAsNumpyWritesThem() throws IOException {
        Python.require("numpy");
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            seeds.add(Integer.toString(i));
        }
        List<String> numpy = Python.eachLine(String.join("\n",
                "import numpy as np, pickle, random",
                "LEAVES = ['<i4', '>i2', 'u1', '<u8', '<f8', '<f4', '>f4', '<f2', '?', '<c16', '<c8', 'S3', '<U2', 'V2',",
                "          '<M8[D]', '<M8[s]', '<m8[ms]']",
                "def field_type(r, depth):",
                "    k = r.random()",
                "    if k < 0.12 and depth < 2: return record_type(r, depth + 1)",
                "    if k < 0.24: return (r.choice(['<i2', '<f8', '<f4', 'u1']), (r.randint(1, 3),))",
                "    if k < 0.3: return ('<f8', (2, 2))",
                "    return r.choice(LEAVES)",
                "def record_type(r, depth=0):",
                "    return [('f%d' % i, field_type(r, depth)) for i in range(r.randint(1, 4))]",
                "def value(r, t):",
                "    if t.kind in 'iu': return r.randint(0, 250) if t.kind == 'u' else r.randint(-30000, 30000)",
                "    if t.kind == 'f': return r.choice([0.0, -0.0, 1.0, -2.5, 1e-5, 0.1, 123456.75, 1e20, float('nan'), float('inf'),"
                        + " r.uniform(-1e6, 1e6)])",
                "    if t.kind == 'c': return complex(value(r, np.dtype('f8')), value(r, np.dtype('f8')))",
                "    if t.kind == 'b': return r.random() < 0.5",
                "    if t.kind == 'S': return bytes(r.choice(b\"ab'\\\\\\x00\\x7f\") for _ in range(r.randint(0, t.itemsize)))",
                "    if t.kind == 'U': return r.choice(['', 'a', \"b'\", 'z\\u00e9'])",
                "    if t.kind == 'V': return bytes(r.getrandbits(8) for _ in range(t.itemsize))",
                "    if t.kind in 'Mm': return np.array(r.randint(-10**6, 10**6)).astype(t)",
                "    raise ValueError(t)",
                "def fill(r, rec):",
                "    for name in rec.dtype.names:",
                "        t = rec.dtype.fields[name][0]",
                "        if t.names is not None: fill(r, rec[name])",
                "        elif t.subdtype is not None:",
                "            sub = rec[name]",
                "            for i in np.ndindex(sub.shape): sub[i] = value(r, t.subdtype[0])",
                "        else: rec[name] = value(r, t)",
                "def case(line):",
                "    r = random.Random(int(line))",
                "    dt = np.dtype(record_type(r), align=int(line) % 5 == 1)",
                "    a = np.zeros(1, dt)",
                "    fill(r, a[0])",
                "    x = a[0] if int(line) % 3 else a.view(np.recarray)[0]  # an np.rec element: an np.record",
                "    return pickle.dumps(x, 2).hex() + '\\t' + repr(x)"),
                "case(line)", null, seeds);
        for (int k = 0; k < seeds.size(); k++) {
            String[] c = numpy.get(k).split("\t", 2);
            Object x = dev.brine.pickle.Pickle.loads(HexFormat.of().parseHex(c[0]));
            assertEquals(c[1], x.toString(), "seed " + seeds.get(k));
        }
    }

    /**
     * Structured scalars with subarray fields of every kind: one axis or several, of records (whose floats numpy prints
     * with str, unpadded), of long bytes, str, complex numbers and datetimes (which numpy does not wrap at 75 columns,
     * as an array's lines), of ints and bools (padded to the widest item of the field), of long doubles, and of more
     * than 1000 items (three at each end of the longer axes). Brine printed a subarray of records with an array's
     * padding ({@code (3430.  ,)}), wrapped long ones, and wrote no repr for several axes that are not floats.
     */
    @Test
    void structuredScalarsWithSubarrayFieldsReprAsNumpyWritesThem() throws IOException {
        Python.require("numpy");
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seeds.add(Integer.toString(i));
        }
        List<String> numpy = Python.eachLine(String.join("\n",
                "import numpy as np, pickle, random",
                "LEAVES = ['<i4', '>i2', 'u1', '<f8', '<f4', '<f2', '<g', '?', '<c16', '<c8', 'S5', '<U4', 'V2', '<M8[s]',"
                        + " '<M8[D]', '<m8[ms]']",
                "def shape(r, large): return r.choice([(2,), (3,), (1,), (2, 2), (3, 1, 2)] + [(1001,), (2, 600)] * large)",
                "def field_type(r, depth):",
                "    k = r.random()",
                "    base = record_type(r, depth + 1) if k < 0.25 and depth < 2 else r.choice(LEAVES)",
                // more than 1000 items only of leaves outside subarrays of records, which would multiply them
                "    return (base, shape(r, depth == 0 and k >= 0.25)) if k < 0.8 else base",
                "def record_type(r, depth=0):",
                "    return [('f%d' % i, field_type(r, depth)) for i in range(r.randint(1, 3))]",
                "def value(r, t):",
                "    if t.kind in 'iu': return r.randint(0, 250) if t.kind == 'u' else r.randint(-30000, 30000)",
                "    if t.kind == 'f': return r.choice([0.0, -0.0, 1.0, 3430.0, 17.02, -2.5, 1e-5, 0.1, 123456.75, 1e20,"
                        + " float('nan'), float('inf'), r.uniform(-1e6, 1e6)])",
                "    if t.kind == 'c': return complex(value(r, np.dtype('f8')), value(r, np.dtype('f8')))",
                "    if t.kind == 'b': return r.random() < 0.5",
                "    if t.kind == 'S': return bytes(r.getrandbits(8) for _ in range(r.randint(0, t.itemsize)))",
                "    if t.kind == 'U': return r.choice(['', 'a', \"b'\", 'z\\u00e9xy'])",
                "    if t.kind == 'V': return np.void(bytes(r.getrandbits(8) for _ in range(t.itemsize)))",
                "    if t.kind in 'Mm': return np.array(r.randint(-10**9, 10**9)).astype(t)",
                "    raise ValueError(t)",
                "def fill(r, a):",  // a: an array of records; fills a few of its items, leaves the rest zero
                "    for name in a.dtype.names:",
                "        sub = a[name]",
                "        if sub.dtype.names is not None: fill(r, sub)",
                "        elif sub.size:",
                "            for _ in range(12): sub[tuple(r.randrange(d) for d in sub.shape)] = value(r, sub.dtype)",
                "def case(line):",
                "    r = random.Random(int(line))",
                "    dt = np.dtype(record_type(r), align=int(line) % 5 == 1)",
                "    a = np.zeros(1, dt)",
                "    fill(r, a)",
                "    x = a[0] if int(line) % 3 else a.view(np.recarray)[0]  # an np.rec element: an np.record",
                "    return pickle.dumps(x, 2).hex() + '\\t' + repr(x).replace('\\n', '\\\\n')"),
                "case(line)", null, seeds);
        for (int k = 0; k < seeds.size(); k++) {
            String[] c = numpy.get(k).split("\t", 2);
            Object x = dev.brine.pickle.Pickle.loads(HexFormat.of().parseHex(c[0]));
            assertEquals(c[1], x.toString().replace("\n", "\\n"), "seed " + seeds.get(k));
        }
    }
}
