package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The 8-bit float conversions compared with torch's, exhaustively one way and on many doubles the other. */
class Float8OracleTest {
    /** Doubles converted per format. */
    private static final int SAMPLES = 6000;

    /** Every bit pattern of every format, decoded by torch to float64 (through float32, which holds them all). */
    @Test
    void everyBitPatternDecodesAsTorchDecodes() throws IOException {
        Python.require("torch");
        byte[] out = Python.check("import sys, torch\n"
                + "for name in sys.argv[1:]:\n"
                + "    t = torch.arange(256, dtype=torch.int32).to(torch.uint8).view(getattr(torch, name))\n"
                + "    sys.stdout.buffer.write(t.float().double().numpy().tobytes())", new byte[0], torchNames());
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (Float8Format f : Float8Format.values()) {
            for (int bits = 0; bits < 256; bits++) {
                double expected = b.getDouble(8 * (256 * f.ordinal() + bits));
                double got = f.toDouble((byte) bits);
                String where = f + " 0x" + Integer.toHexString(bits);
                if (Double.isNaN(expected)) {
                    assertTrue(Double.isNaN(got), where + ": torch gives NaN, Brine " + got);
                } else {
                    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(got),
                            where + ": torch gives " + expected + ", Brine " + got);
                    // and every non-NaN value encodes back to its own pattern, as in torch
                    assertEquals((byte) bits, f.fromDouble(got), where + " back");
                }
            }
        }
    }

    /** Doubles of every scale, halfway cases and beyond-range values, converted by torch's {@code .to(float8)}. */
    @Test
    void doublesRoundAsTorchRounds() throws IOException {
        Python.require("torch", "numpy");
        Float8Format[] formats = Float8Format.values();
        double[][] in = new double[formats.length][];
        ByteBuffer raw = ByteBuffer.allocate(8 * SAMPLES * formats.length).order(ByteOrder.LITTLE_ENDIAN);
        for (Float8Format f : formats) {
            in[f.ordinal()] = samples(f, new Random(f.ordinal() + 8));
            for (double d : in[f.ordinal()]) {
                raw.putDouble(d);
            }
        }
        // sample set k is converted to format k
        byte[] out = Python.check("import sys, torch, numpy as np\n"
                + "a = torch.from_numpy(np.frombuffer(sys.stdin.buffer.read(), dtype='<f8').copy())\n"
                + "for k, name in enumerate(sys.argv[1:]):\n"
                + "    part = a[k * " + SAMPLES + ":(k + 1) * " + SAMPLES + "]\n"
                + "    sys.stdout.buffer.write(part.to(getattr(torch, name)).view(torch.uint8).numpy().tobytes())",
                raw.array(), torchNames());
        assertEquals(SAMPLES * formats.length, out.length);
        for (Float8Format f : formats) {
            for (int i = 0; i < SAMPLES; i++) {
                double d = in[f.ordinal()][i];
                byte expected = out[SAMPLES * f.ordinal() + i];
                byte got = f.fromDouble(d);
                String where = String.format(Locale.ROOT, "%s of %s (%a)", f, d, d);
                if (Double.isNaN(d)) {
                    assertTrue(Double.isNaN(f.toDouble(got)), where + " stays NaN");
                } else {
                    assertEquals(expected, got, where + ": torch 0x" + Integer.toHexString(expected & 0xFF)
                            + ", Brine 0x" + Integer.toHexString(got & 0xFF));
                }
            }
        }
    }

    /** The values that tell roundings apart: each pattern's value, the midpoints and their neighbours. */
    private static double[] samples(Float8Format f, Random r) {
        double[] out = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            double a = f.toDouble((byte) r.nextInt(256));
            double c = f.toDouble((byte) r.nextInt(256));
            switch (i % 6) {
                case 0:
                    out[i] = a;
                    break;
                case 1:
                    out[i] = (a + c) / 2; // midpoints, many of them between neighbours after the nudges below
                    break;
                case 2: {
                    double mid = midpointAbove(f, r.nextInt(256));
                    // ties, and one float ulp (and one double ulp, which torch's float rounding erases) either side
                    int k = r.nextInt(5) - 2;
                    out[i] = Math.abs(k) == 2 ? mid + Math.signum(k) * Math.ulp(mid) : mid + k * Math.ulp((float) mid);
                    break;
                }
                case 3:
                    out[i] = r.nextGaussian() * Math.scalb(1.0, r.nextInt(40) - 20);
                    break;
                case 4:
                    out[i] = Double.longBitsToDouble(r.nextLong());
                    break;
                default:
                    out[i] = (r.nextBoolean() ? 1 : -1) * f.largest() * (1 + r.nextDouble() * 0.2);
            }
        }
        out[0] = Double.POSITIVE_INFINITY;
        out[1] = Double.NEGATIVE_INFINITY;
        out[2] = Double.NaN;
        out[3] = -0.0;
        out[4] = Double.MIN_VALUE;
        out[5] = Float.MIN_VALUE;
        return out;
    }

    /** Halfway between pattern {@code bits}'s value and the next value up in magnitude, or the value itself. */
    private static double midpointAbove(Float8Format f, int bits) {
        double a = f.toDouble((byte) bits);
        double b = f.toDouble((byte) (bits + 1));
        if (Double.isNaN(a) || Double.isNaN(b) || Double.isInfinite(b) || Math.signum(a) * Math.signum(b) < 0) {
            return Double.isNaN(a) ? 1.0 : a;
        }
        return (a + b) / 2;
    }

    /** torch's names of the formats, in {@link Float8Format} order. */
    private static String[] torchNames() {
        String[] out = new String[Float8Format.values().length];
        for (Float8Format f : Float8Format.values()) {
            out[f.ordinal()] = "float8_" + f.name().toLowerCase(Locale.ROOT);
        }
        return out;
    }
}
