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
}
