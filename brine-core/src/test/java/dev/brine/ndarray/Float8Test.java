package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.pickle.Pickle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 8-bit float dtypes as NDArray types: names, conversions, and the numpy formats that refuse them. */
class Float8Test {
    static final List<DType> FLOAT8 = List.of(DType.FLOAT8_E4M3FN, DType.FLOAT8_E5M2, DType.FLOAT8_E4M3FNUZ,
            DType.FLOAT8_E5M2FNUZ, DType.FLOAT8_E8M0FNU);

    @TempDir
    Path dir;

    @Test
    void namesAndSpellings() {
        assertEquals(List.of("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"),
                FLOAT8.stream().map(DType::name).toList());
        assertEquals("4", String.valueOf(DType.FLOAT8_E4M3FN.charCode())); // ml_dtypes' letters
        assertEquals('W', DType.FLOAT8_E8M0FNU.charCode());
        for (DType t : FLOAT8) {
            assertEquals(1, t.itemsize());
            assertEquals(1, t.alignment());
            assertEquals('|', t.byteOrderChar());
            assertEquals('f', t.numpyKind());
            assertEquals("|" + t.name(), t.str());
            assertEquals("dtype('" + t.name() + "')", t.toString());
            assertTrue(t.isNumeric() && t.kind().isFloat() && t.isBrineOnly(), t.name());
            assertFalse(t.hasNumpyDescr());
            assertEquals(t, DType.parse(t.name()));
            assertEquals(t, DType.parse(t.str()));
            assertEquals(t, DType.parse("<" + t.name()));
            assertEquals(t, DType.numeric(t.kind(), 1));
            assertEquals(t, t.withByteOrder('>'));
            IllegalStateException e = assertThrows(IllegalStateException.class, t::descr);
            assertTrue(e.getMessage().contains(t.name()) && e.getMessage().contains("float32"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DType.numeric(DType.Kind.FLOAT8_E5M2, 2));
        assertThrows(IllegalArgumentException.class, () -> DType.parse("float8"));
        assertFalse(DType.FLOAT32.isBrineOnly());
        assertTrue(DType.BFLOAT16.isBrineOnly());
    }

    @Test
    void valuesConvertAsTorchConvertsThem() {
        NDArray in = NDArray.of(new double[] {1, -2.5, 0.3, 500, Double.POSITIVE_INFINITY, Double.NaN, -0.0, 1e-9});
        assertArrayEquals(new double[] {1, -2.5, 0.3125, 448, 448, Double.NaN, -0.0, 0},
                in.astype(DType.FLOAT8_E4M3FN).toDoubleArray());
        assertArrayEquals(new double[] {1, -2.5, 0.3125, 512, Double.POSITIVE_INFINITY, Double.NaN, -0.0, 0},
                in.astype(DType.FLOAT8_E5M2).toDoubleArray());
        assertArrayEquals(new double[] {1, -2.5, 0.3125, Double.NaN, Double.NaN, Double.NaN, 0, 0},
                in.astype(DType.FLOAT8_E4M3FNUZ).toDoubleArray());
        // e8m0fnu: powers of two only, sign dropped, nothing below 2^-127
        assertArrayEquals(new double[] {1, 2, 0.25, 512, Double.NaN, Double.NaN, 0x1p-127, 0x1p-30},
                in.astype(DType.FLOAT8_E8M0FNU).toDoubleArray());
        NDArray f8 = in.astype(DType.FLOAT8_E5M2);
        assertEquals(-2.5, f8.get(1));
        assertEquals(-2, f8.getLong(1));
        assertTrue(f8.getBoolean(0));
        assertArrayEquals(new float[] {1, -2.5f}, java.util.Arrays.copyOf(f8.astype(DType.FLOAT32).toFloatArray(), 2));
        assertArrayEquals(new long[] {1, -2}, java.util.Arrays.copyOf(f8.astype(DType.INT64).toLongArray(), 2));
        f8.set(3.0, 0);
        assertEquals(3.0, f8.getDouble(0));
        assertEquals((byte) 0x42, f8.rawBytes()[0]);
        assertEquals(448.0, Float8Format.E4M3FN.largest());
        assertEquals(240.0, Float8Format.E4M3FNUZ.largest());
        assertEquals(57344.0, Float8Format.E5M2FNUZ.largest());
        assertEquals(0x1p127, Float8Format.E8M0FNU.largest());
    }

    @Test
    void equalityIsByValueWithNaNEqualToItself() {
        // e5m2 has several NaN patterns; they compare equal, as float NaNs do in NDArray.equals
        NDArray a = NDArray.fromBytes(DType.FLOAT8_E5M2, Order.C, new byte[] {0x7D, 0x3C}, 2);
        NDArray b = NDArray.fromBytes(DType.FLOAT8_E5M2, Order.C, new byte[] {0x7F, 0x3C}, 2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, NDArray.fromBytes(DType.FLOAT8_E4M3FN, Order.C, new byte[] {0x7F, 0x38}, 2));
        assertNotEquals(NDArray.fromBytes(DType.FLOAT8_E4M3FN, Order.C, new byte[] {0}, 1),
                NDArray.fromBytes(DType.FLOAT8_E4M3FN, Order.C, new byte[] {(byte) 0x80}, 1), "0.0 and -0.0 differ");
    }

    @Test
    void reprShowsShortestDigitsAndTheDtype() {
        // 448 shows as 450, the shortest decimal that converts back to it (numpy prints float16's largest as 65500)
        NDArray a = NDArray.of(new double[] {1, 2.5, 448, -0.5}).astype(DType.FLOAT8_E4M3FN);
        assertEquals("array([  1. ,   2.5, 450. ,  -0.5], dtype=float8_e4m3fn)", a.toString());
    }

    @Test
    void numpyFormatsRefuseThemByName() {
        for (DType t : FLOAT8) {
            NDArray a = NDArray.zeros(t, 2);
            BrineException e = assertThrows(BrineException.class, () -> Npy.write(a, dir.resolve("a.npy")));
            assertTrue(e.getMessage().contains(t.name()) && e.getMessage().contains("FLOAT32"), e.getMessage());
            e = assertThrows(BrineException.class, () -> Npz.write(Map.of("a", a), dir.resolve("a.npz"), false));
            assertTrue(e.getMessage().contains(t.name()), e.getMessage());
            e = assertThrows(BrineException.class, () -> Pickle.dumps(a, 2));
            assertTrue(e.getMessage().contains("numpy has no " + t.name() + " dtype"), e.getMessage());
        }
    }
}
