package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.Complex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NDArray API: creation from and to Java arrays, element access for every dtype, equality. */
class NDArrayTest {
    @Test
    void primitiveArraysRoundTrip() {
        assertArrayEquals(new boolean[] {true, false, true}, NDArray.of(new boolean[] {true, false, true}).toBooleanArray());
        assertArrayEquals(new byte[] {1, -2, 3, 4}, NDArray.of(new byte[] {1, -2, 3, 4}, 2, 2).toByteArray());
        assertArrayEquals(new short[] {1, -2, 300}, NDArray.of(new short[] {1, -2, 300}).toShortArray());
        assertArrayEquals(new char[] {1, 65535}, NDArray.of(new char[] {1, 65535}).toCharArray());
        assertArrayEquals(new int[] {1, -2, 1 << 30, 4, 5, 6}, NDArray.of(new int[] {1, -2, 1 << 30, 4, 5, 6}, 3, 2).toIntArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, NDArray.of(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}).toLongArray());
        assertArrayEquals(new float[] {1.5f, Float.NaN, -0.0f}, NDArray.of(new float[] {1.5f, Float.NaN, -0.0f}).toFloatArray());
        assertArrayEquals(new double[] {1e300, -1, 0.1}, NDArray.of(new double[] {1e300, -1, 0.1}).toDoubleArray());
        NDArray a = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertEquals(DType.FLOAT32, a.dtype());
        assertEquals(6.0f, a.getDouble(1, 2));
        assertEquals(4.0f, a.getDouble(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> NDArray.of(new float[] {1, 2, 3}, 2, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> a.getDouble(2, 0));
        assertThrows(IllegalArgumentException.class, () -> a.getDouble(1));
    }

    @Test
    void conversionsBetweenKindsCastLikeNumpy() {
        NDArray d = NDArray.of(new double[] {1.9, -1.9, 300.5});
        assertArrayEquals(new int[] {1, -1, 300}, d.toIntArray());
        assertArrayEquals(new byte[] {1, -1, 44}, d.toByteArray());
        assertArrayEquals(new double[] {1, 0, 255}, NDArray.of(new long[] {1, 0, 255}).astype(DType.UINT8).toDoubleArray());
        NDArray u64 = NDArray.zeros(DType.UINT64, 1);
        u64.set(new BigInteger("18446744073709551615"), 0);
        assertEquals(new BigInteger("18446744073709551615"), u64.get(0));
        assertEquals(-1L, u64.getLong(0));
        assertEquals(1.8446744073709552E19, u64.getDouble(0));
        NDArray bf = NDArray.of(new float[] {1f, 3.14159f}).astype(DType.BFLOAT16);
        assertArrayEquals(new float[] {1f, 3.140625f}, bf.toFloatArray());
        NDArray be = NDArray.of(new int[] {1, -2}).astype(DType.parse(">i4"));
        assertArrayEquals(new byte[] {0, 0, 0, 1, -1, -1, -1, -2}, be.rawBytes());
        assertArrayEquals(new int[] {1, -2}, be.toIntArray());
        assertThrows(IllegalArgumentException.class, () -> NDArray.of(new String[] {"a"}).astype(DType.FLOAT64));
    }

    @Test
    void fortranOrderKeepsLogicalIndexing() {
        NDArray f = NDArray.zeros(DType.INT32, Order.F, 2, 3);
        int k = 0;
        for (long i = 0; i < 2; i++) {
            for (long j = 0; j < 3; j++) {
                f.setLong(k++, i, j);
            }
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, f.toIntArray(), "C order out");
        assertArrayEquals(new byte[] {0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0}, java.util.Arrays.copyOf(f.rawBytes(), 12), "F in memory");
        NDArray c = NDArray.of(new int[] {0, 1, 2, 3, 4, 5}, 2, 3);
        assertEquals(c, f);
        assertEquals(c.hashCode(), f.hashCode());
        assertEquals(Order.C, f.toOrder(Order.C).order());
        assertEquals(c, f.toOrder(Order.C));
        assertEquals(f, c.toOrder(Order.F));
        assertTrue(NDArray.zeros(DType.INT32, Order.F, 3, 1).isCContiguous());
        assertTrue(!f.isCContiguous());
    }

    @Test
    void boxedValuesForEveryKind() {
        assertEquals(Boolean.TRUE, NDArray.of(new boolean[] {true}).get(0));
        assertEquals(-1L, NDArray.of(new byte[] {-1}).get(0));
        assertEquals(255L, NDArray.fromBytes(DType.UINT8, Order.C, new byte[] {-1}, 1).get(0));
        assertEquals(1.5, NDArray.of(new float[] {1.5f}).get(0));
        NDArray half = NDArray.zeros(DType.FLOAT16, 2);
        half.setDouble(0.1, 0);
        assertEquals(0.0999755859375, half.get(0));
        NDArray c = NDArray.of(new Complex[] {new Complex(1, -2)});
        assertEquals(new Complex(1, -2), c.get(0));
        NDArray c8 = NDArray.zeros(DType.parse(">c8"), 1);
        c8.set(new Complex(0.5, 2), 0);
        assertEquals(new Complex(0.5, 2), c8.getComplex(0));
        NDArray s = NDArray.zeros(DType.bytes(4), 2);
        s.set("ab", 0);
        s.set(new byte[] {1, 0, 2, 3, 4, 5}, 1);
        assertArrayEquals(new byte[] {'a', 'b'}, (byte[]) s.get(0), "trailing NULs dropped");
        assertArrayEquals(new byte[] {1, 0, 2, 3}, (byte[]) s.get(1), "inner NUL kept, truncated");
        NDArray u = NDArray.of(new String[] {"héllo", "日本", "😀"});
        assertEquals(DType.unicode(5), u.dtype());
        assertEquals("日本", u.get(1));
        assertEquals("😀", u.get(2));
        NDArray ube = NDArray.zeros(DType.parse(">U2"), 1);
        ube.set("xyz", 0);
        assertEquals("xy", ube.get(0), "truncated as numpy does");
        assertArrayEquals(new byte[] {0, 0, 0, 'x', 0, 0, 0, 'y'}, ube.rawBytes());
        NDArray v = NDArray.fromBytes(DType.voidType(3), Order.C, new byte[] {1, 0, 0}, 1);
        assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) v.get(0));
        NDArray t = NDArray.zeros(DType.datetime64(DateTimeUnit.SECOND, 1), 2);
        t.setLong(86_400, 0);
        t.set(new TimeValue(TimeValue.NAT, DateTimeUnit.SECOND, 1, false), 1);
        assertEquals(new TimeValue(86_400, DateTimeUnit.SECOND, 1, false), t.get(0));
        assertEquals("1970-01-02T00:00:00", t.get(0).toString());
        assertTrue(((TimeValue) t.get(1)).isNaT());
        DType rec = DType.struct().add("a", DType.INT16).add("b", DType.FLOAT64, 2).add("c", DType.unicode(2)).build();
        NDArray r = NDArray.zeros(rec, 1);
        r.set(Map.of("a", 7, "b", List.of(1.5, 2.5), "c", "hi"), 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r.get(0);
        assertEquals(List.of("a", "b", "c"), List.copyOf(m.keySet()));
        assertEquals(7L, m.get("a"));
        assertEquals(NDArray.of(new double[] {1.5, 2.5}), m.get("b"));
        assertEquals("hi", m.get("c"));
        assertThrows(IllegalArgumentException.class, () -> r.set(Map.of("nope", 1), 0));
        assertThrows(IllegalStateException.class, () -> u.getDouble(0));
    }

    @Test
    void subarrayDtypesExtendTheShape() {
        NDArray a = NDArray.zeros(DType.subarray(DType.INT32, 2, 3), 4);
        assertArrayEquals(new long[] {4, 2, 3}, a.shape());
        assertEquals(DType.INT32, a.dtype());
    }

    @Test
    void zeroDimensionalAndEmpty() {
        NDArray s = NDArray.scalar(DType.FLOAT64, 2.5);
        assertEquals(0, s.ndim());
        assertEquals(1, s.size());
        assertEquals(2.5, s.get());
        NDArray e = NDArray.zeros(DType.INT16, 2, 0, 3);
        assertEquals(0, e.size());
        assertEquals(0, e.nbytes());
        assertEquals(0, e.toShortArray().length);
        assertEquals(e, NDArray.zeros(DType.INT16, Order.F, 2, 0, 3));
        assertNotEquals(e, NDArray.zeros(DType.INT16, 2, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> NDArray.zeros(DType.INT8, new long[33]));
        assertThrows(IllegalArgumentException.class, () -> NDArray.zeros(DType.INT8, 0, 1L << 40, 1L << 40));
    }

    @Test
    void equalityIsNanAwareAndIgnoresMemberNames() {
        double otherNaN = Double.longBitsToDouble(0x7FF8000000000123L);
        NDArray a = NDArray.of(new double[] {1, Double.NaN});
        NDArray b = NDArray.of(new double[] {1, otherNaN}).withMemberName("W");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("W", b.memberName());
        assertNull(a.memberName());
        assertNotEquals(NDArray.of(new double[] {0.0}), NDArray.of(new double[] {-0.0}));
        assertNotEquals(NDArray.of(new float[] {1}), NDArray.of(new double[] {1}), "dtype counts");
        assertNotEquals(NDArray.of(new int[] {1}), NDArray.of(new int[] {1}).astype(DType.parse(">i4")), "byte order counts");
        assertNotEquals(NDArray.of(new int[] {1, 2}), NDArray.of(new int[] {1, 2}, 1, 2), "shape counts");
        DType padded = DType.structured(List.of(new DType.Field("x", DType.UINT8, 0)), 4);
        NDArray p = NDArray.fromBytes(padded, Order.C, new byte[] {5, 1, 2, 3}, 1);
        NDArray q = NDArray.fromBytes(padded, Order.C, new byte[] {5, 9, 9, 9}, 1);
        assertEquals(p, q, "padding bytes do not count");
    }

    @Test
    void bigEndianElementsReadInTheirOrder() {
        NDArray a = NDArray.fromBytes(DType.parse(">i4"), Order.C, new byte[] {0, 0, 1, 2}, 1);
        assertEquals(258, a.getLong(0));
        NDArray f = NDArray.fromBytes(DType.parse(">f8"), Order.C, new byte[] {0x3F, (byte) 0xF8, 0, 0, 0, 0, 0, 0}, 1);
        assertEquals(1.5, f.getDouble(0));
        assertArrayEquals(new double[] {1.5}, f.toDoubleArray());
        NDArray t = NDArray.fromBytes(DType.parse(">m8[s]"), Order.C, new byte[] {0, 0, 0, 0, 0, 0, 0, 9}, 1);
        assertEquals(9, t.getLong(0));
    }

    @Test
    void readOnlyStorageRefusesWrites() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("ro", ".bin");
        try {
            java.nio.file.Files.write(f, new byte[16]);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
                Storage s = Storage.map(ch, 0, 16, java.nio.channels.FileChannel.MapMode.READ_ONLY);
                NDArray a = NDArray.wrap(DType.FLOAT64, Order.C, new long[] {2}, s);
                assertTrue(a.isReadOnly());
                assertThrows(IllegalStateException.class, () -> a.setDouble(1, 0));
                assertEquals(0.0, a.getDouble(1));
            }
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void stringsFromJava() {
        NDArray s = NDArray.fromValues(DType.bytes(3), List.of("ab".getBytes(StandardCharsets.US_ASCII), "xyz"));
        assertArrayEquals("xyz".getBytes(StandardCharsets.US_ASCII), (byte[]) s.get(1));
        assertThrows(IllegalArgumentException.class, () -> s.set("é", 0));
    }
}
