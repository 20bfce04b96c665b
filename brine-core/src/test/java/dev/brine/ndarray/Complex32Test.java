package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.py.Complex;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torch's complex32 (two float16) as an NDArray type numpy lacks. */
class Complex32Test {
    @TempDir
    Path dir;

    @Test
    void namesAndSpellings() {
        DType t = DType.COMPLEX32;
        assertEquals("complex32", t.name());
        assertEquals("<complex32", t.str());
        assertEquals(">complex32", t.withByteOrder('>').str());
        assertEquals("dtype('complex32')", t.toString());
        assertEquals(4, t.itemsize());
        assertEquals(2, t.alignment());
        assertEquals('c', t.numpyKind());
        assertTrue(t.isNumeric() && t.isBrineOnly());
        assertFalse(t.hasNumpyDescr());
        assertEquals(DType.COMPLEX64, t.exactNumpyType());
        assertEquals(DType.FLOAT32, DType.FLOAT8_E5M2.exactNumpyType());
        assertEquals(DType.INT8, DType.INT8.exactNumpyType());
        assertEquals(t, DType.parse("complex32"));
        assertEquals(t.withByteOrder('>'), DType.parse(">complex32"));
        assertEquals(t, DType.numeric(DType.Kind.COMPLEX, 4));
        assertThrows(IllegalArgumentException.class, () -> DType.parse("<c4"), "numpy has no c4");
        IllegalStateException e = assertThrows(IllegalStateException.class, t::descr);
        assertTrue(e.getMessage().contains("complex32") && e.getMessage().contains("complex64"), e.getMessage());
    }

    @Test
    void valuesAreTwoHalves() {
        NDArray c = NDArray.fromValues(DType.COMPLEX32, java.util.List.of(new Complex(1.5, -0.1), new Complex(70000, 0)), 2);
        assertEquals(new Complex(1.5, -0.0999755859375), c.get(0)); // float16's nearest to -0.1
        assertEquals(new Complex(Double.POSITIVE_INFINITY, 0), c.get(1));
        assertArrayEquals(new byte[] {0, 0x3E, 0x66, (byte) 0xAE}, java.util.Arrays.copyOf(c.rawBytes(), 4));
        NDArray be = c.astype(DType.COMPLEX32.withByteOrder('>'));
        assertEquals(c.get(0), be.get(0));
        assertEquals(c, be.astype(DType.COMPLEX32));
        assertEquals(new Complex(1.5, -0.0999755859375), c.astype(DType.COMPLEX64).get(0));
        assertEquals("array([1.5-0.1j, inf+0.j ], dtype=complex32)", c.toString()); // as numpy prints complex64
    }

    @Test
    void numpyFormatsRefuseItNamingComplex64() {
        NDArray a = NDArray.zeros(DType.COMPLEX32, 2);
        BrineException e = assertThrows(BrineException.class, () -> Npy.write(a, dir.resolve("a.npy")));
        assertTrue(e.getMessage().contains("complex32") && e.getMessage().contains("COMPLEX64"), e.getMessage());
        e = assertThrows(BrineException.class, () -> Pickle.dumps(a, 5));
        assertTrue(e.getMessage().contains("numpy has no complex32 dtype: convert the array (astype complex64)"),
                e.getMessage());
    }
}
