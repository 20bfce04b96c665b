package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** float16 and long double conversions compared with numpy's, exhaustively where that is cheap. */
class FloatsOracleTest {
    @Test
    void everyHalfConvertsAsNumpyDoes() throws IOException {
        Python.require("numpy");
        byte[] out = Python.check("import sys, numpy as np\n"
                + "sys.stdout.buffer.write(np.arange(65536, dtype='<u2').view('<f2').astype('<f8').tobytes())", new byte[0]);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int h = 0; h < 65536; h++) {
            double expected = b.getDouble(8 * h);
            double got = Floats.halfToDouble((short) h);
            if (Double.isNaN(expected)) { // payload and signalling bit kept, as numpy keeps them
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(got), "half NaN " + h);
            } else {
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(got), "half " + h);
                // and back, exactly
                assertEquals((short) h, Floats.doubleToHalf(got), "half " + h + " back");
            }
        }
    }

    @Test
    void doublesRoundToHalfAsNumpyRounds() throws IOException {
        Python.require("numpy");
        Random r = new Random(5);
        int n = 200_000;
        ByteBuffer in = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double d;
            switch (i % 4) {
                case 0:
                    d = r.nextGaussian() * Math.pow(2, r.nextInt(40) - 28);
                    break;
                case 1:
                    // halfway cases and near-halfway between adjacent halves
                    double a = Floats.halfToDouble((short) r.nextInt(0x7C00));
                    double c = Floats.halfToDouble((short) (Floats.doubleToHalf(a) + 1));
                    d = (a + c) / 2 + (r.nextInt(3) - 1) * Math.ulp(a);
                    break;
                case 2:
                    // now and then a NaN whose payload lies below the bits float16 keeps (numpy: 0x7c01, not 0x7e00)
                    d = Double.longBitsToDouble(i % 40 == 2 ? r.nextLong() & 0x80000000000003FFL | 0x7FF0000000000001L : r.nextLong());
                    break;
                default:
                    d = (r.nextDouble() - 0.5) * 1e-7;
            }
            in.putDouble(d);
        }
        byte[] out = Python.check("import sys, numpy as np\n"
                + "a = np.frombuffer(sys.stdin.buffer.read(), dtype='<f8')\n"
                + "with np.errstate(all='ignore'): sys.stdout.buffer.write(a.astype('<f2').tobytes())", in.array());
        ByteBuffer halves = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double d = in.getDouble(8 * i);
            short expected = halves.getShort(2 * i);
            short got = Floats.doubleToHalf(d);
            // NaNs too: the payload's top bits, 0x7c01 where they are all zero (numpy's npy_doublebits_to_halfbits)
            assertEquals(expected, got, "double " + d + " (" + Long.toHexString(Double.doubleToRawLongBits(d)) + ")");
        }
    }

    /**
     * float16 to float32 and back as numpy's astype converts them, bit for bit: every half, and float NaNs of every
     * kind. numpy converts these bits itself (a NaN keeps its payload and stays signalling); Brine went through a
     * double, whose hardware conversion made a signalling NaN quiet (half 0x7c01 became 0x7fc02000, not 0x7f802000).
     */
    @Test
    void halvesAndFloatsConvertToEachOtherBitForBitAsNumpy() throws IOException {
        Python.require("numpy");
        NDArray halves = NDArray.wrap(DType.parse("<f2"), Order.C, new long[] {65536},
                NDArray.of(allShorts(), 65536).storage());
        Random r = new Random(7);
        int[] floatBits = new int[4096];
        for (int i = 0; i < floatBits.length; i++) {
            int payload = i < 64 ? 1 << (i % 23) : r.nextInt(1 << 23); // single bits, the low ones too, then any
            floatBits[i] = (i % 2 == 0 ? 0 : 0x80000000) | 0x7F800000 | Math.max(1, payload);
        }
        NDArray floats = NDArray.wrap(DType.parse("<f4"), Order.C, new long[] {floatBits.length},
                NDArray.of(floatBits, floatBits.length).storage());
        byte[] want = Python.check("import sys, numpy as np\n"
                + "with np.errstate(all='ignore'):\n"
                + "    sys.stdout.buffer.write(np.arange(65536, dtype='<u2').view('<f2').astype('<f4').tobytes())\n"
                + "    sys.stdout.buffer.write(np.frombuffer(sys.stdin.buffer.read(), '<f4').astype('<f2').tobytes())",
                floats.rawBytes());
        byte[] got = new byte[want.length];
        byte[] a = halves.astype(DType.parse("<f4")).rawBytes();
        byte[] b = floats.astype(DType.parse("<f2")).rawBytes();
        System.arraycopy(a, 0, got, 0, a.length);
        System.arraycopy(b, 0, got, a.length, b.length);
        for (int i = 0; i < want.length; i += 2) {
            assertEquals(want[i] << 8 | want[i + 1] & 0xff, got[i] << 8 | got[i + 1] & 0xff,
                    i < a.length ? "half " + (i / 4) + " to float32" : "float bits "
                            + Integer.toHexString(floatBits[(i - a.length) / 2]) + " to float16");
        }
    }

    private static short[] allShorts() {
        short[] s = new short[65536];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) i;
        }
        return s;
    }

    @Test
    void longDoublesRoundTripThroughNumpy() throws IOException {
        Python.require("numpy");
        double[] values = {0.0, -0.0, 1.0, -1.5, Math.PI, 1e-310, Double.MIN_VALUE, Double.MAX_VALUE, 1e300, 2.5e-5,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        NDArray a = NDArray.zeros(DType.parse("<f16"), values.length);
        for (int i = 0; i < values.length; i++) {
            a.setDouble(values[i], i);
        }
        byte[] out = Python.check("import sys, numpy as np\n"
                + "a = np.frombuffer(sys.stdin.buffer.read(), dtype='<f16')\n"
                + "sys.stdout.buffer.write(a.astype('<f8').tobytes())", a.rawBytes());
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], b.getDouble(8 * i), "value " + values[i]);
            assertEquals(values[i], a.getDouble(i));
        }
    }

    @Test
    void bfloat16KnownValues() {
        assertEquals(1.0, Floats.bfloat16ToFloat(Floats.floatToBfloat16(1.0f)));
        assertEquals((short) 0x3F80, Floats.floatToBfloat16(1.0f));
        assertEquals((short) 0x4049, Floats.floatToBfloat16((float) Math.PI)); // torch.tensor(pi, dtype=bfloat16) = 3.140625
        assertEquals(3.140625f, Floats.bfloat16ToFloat((short) 0x4049));
        // ties to even: 1 + 2^-8 is halfway between 1 and 1 + 2^-7
        assertEquals((short) 0x3F80, Floats.floatToBfloat16(1.00390625f));
        assertEquals((short) 0x3F82, Floats.floatToBfloat16(1.01171875f));
        assertEquals(true, Float.isNaN(Floats.bfloat16ToFloat(Floats.floatToBfloat16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, Floats.bfloat16ToFloat(Floats.floatToBfloat16(Float.MAX_VALUE)));
    }
}
