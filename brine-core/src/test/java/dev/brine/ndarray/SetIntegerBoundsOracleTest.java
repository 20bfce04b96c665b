package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Storing one number in an integer element against live numpy 2's {@code a[0] = value}: a Python
 * int the element cannot hold is refused (OverflowError there, not wrapped: 300 in an int8 is not
 * 44), a Python float is truncated towards zero, and NaN, infinities and out-of-range floats are
 * refused. Brine's {@code set} (Long, BigInteger, Double), {@code setLong} and {@code setDouble} are
 * each compared; {@code setLong} on uint64 differs where documented (it takes the long as a bit pattern).
 */
class SetIntegerBoundsOracleTest {
    private static final String[] TYPES = {"|b1", "|i1", "|u1", "<i2", ">u2", "<i4", "<u4", ">i8", "<u8"};
    private static final String[] INTS = {"-9223372036854775809", "-9223372036854775808", "-2147483649", "-2147483648",
        "-32769", "-129", "-128", "-1", "0", "1", "127", "128", "255", "256", "300", "32767", "32768", "65535", "65536",
        "2147483647", "2147483648", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "18446744073709551616"};
    private static final double[] FLOATS = {3.7, -3.7, -0.5, 127.9, 128.0, -128.9, -129.0, 255.5, 256.0, 300.0, 1e10,
        0x1p31, 4294967295.5, 0x1p63, -0x1p63, 0x1p64, 1e20, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    /** For "dtype int|float value": the stored value as an int, or "!" and numpy's message. */
    private static final String STORE = String.join("\n",
            "import numpy as np",
            "def case(line):",
            "    d, k, v = line.split(' ')",
            "    a = np.zeros(1, d)",
            "    try:",
            "        a[0] = int(v) if k == 'int' else float(v)",
            "    except (OverflowError, ValueError) as e:",
            "        return '!' + str(e)",
            "    return str(int(a[0]))");

    @Test
    void oneValueIsStoredOrRefusedAsNumpy2Does() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (String t : TYPES) {
            for (String v : INTS) {
                lines.add(t + " int " + v);
            }
            for (double v : FLOATS) {
                lines.add(t + " float " + v);
            }
        }
        List<String> want = Python.eachLine(STORE, "case(line)", null, lines);
        int refusals = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            DType t = DType.parse(f[0]);
            String w = want.get(i);
            String line = lines.get(i);
            if (f[1].equals("int")) {
                BigInteger v = new BigInteger(f[2]);
                check(w, t, a -> a.set(v, 0), line + " set(BigInteger)");
                if (v.bitLength() <= 63) {
                    check(w, t, a -> a.set(v.longValue(), 0), line + " set(Long)");
                    boolean bitPattern = t.kind() == DType.Kind.UINT && t.itemsize() == 8 && v.signum() < 0;
                    check(bitPattern ? v.add(BigInteger.ONE.shiftLeft(64)).toString() : w, t,
                            a -> a.setLong(v.longValue(), 0), line + " setLong");
                }
            } else {
                double v = Double.parseDouble(f[2]);
                check(w, t, a -> a.set(v, 0), line + " set(Double)");
                check(w, t, a -> a.setDouble(v, 0), line + " setDouble");
            }
            refusals += w.startsWith("!") ? 1 : 0;
        }
        assertTrue(refusals > 100 && refusals < lines.size() - 100, refusals + " refusals of " + lines.size());
    }

    @Test
    void int8RefusesThreeHundredAsInTheHuntsRepro() {
        NDArray b = NDArray.of(new byte[] {1});
        assertEquals("Python integer 300 out of bounds for int8",
                assertThrows(IllegalArgumentException.class, () -> b.set(300L, 0)).getMessage());
        assertEquals("Python integer 300 out of bounds for int8",
                assertThrows(IllegalArgumentException.class, () -> b.setLong(300, 0)).getMessage());
        assertEquals(1L, b.get(0), "a refused value leaves the element as it was");
        assertThrows(IllegalArgumentException.class, () -> NDArray.fromValues(DType.UINT8, List.of(1, 256)));
        // an array cast still wraps, as numpy's astype does
        assertEquals(44L, NDArray.of(new short[] {300}).astype(DType.INT8).get(0));
    }

    private interface Store {
        void into(NDArray a);
    }

    private static void check(String want, DType t, Store store, String line) {
        NDArray a = NDArray.zeros(t, 1);
        if (want.startsWith("!")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.into(a), line);
            String numpy = want.substring(1);
            // numpy's words, where they are about the value (not CPython's "too large to convert to C long")
            if (!numpy.contains("C long")) {
                assertTrue(e.getMessage().startsWith(numpy), line + ": " + e.getMessage() + " vs numpy's " + numpy);
            }
        } else {
            store.into(a);
            String got = t.kind() == DType.Kind.BOOL ? Long.toString(a.getLong(0)) : String.valueOf(a.get(0));
            assertEquals(want, got, line);
        }
    }
}
