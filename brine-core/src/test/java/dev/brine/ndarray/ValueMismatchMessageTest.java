package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A value of the wrong kind for an element is named as the caller wrote it ("a List", not the JDK's
 * internal {@code List12}), and a nested list is told how to give its values: flat, with the shape,
 * which builds what numpy's {@code np.array} builds from the nested list (checked live).
 */
class ValueMismatchMessageTest {
    @Test
    void nestedListIsNamedInTheCallersTermsWithTheWayToGiveIt() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NDArray.fromValues(DType.FLOAT64, List.of(List.of(1, 2), List.of(3, 4))));
        assertEquals("cannot store a List in a float64 element (one element takes one value: give nested lists'"
                + " values flat, in C order, with the shape)", e.getMessage());
        assertFalse(e.getMessage().contains("List12"));

        // the way the message gives is numpy's np.array of the nested list
        Python.require("numpy");
        String want = new String(Python.check("import numpy as np\n"
                + "print(np.array([[1, 2], [3, 4]], dtype=np.float64).tobytes().hex())", new byte[0])).strip();
        NDArray a = NDArray.fromValues(DType.FLOAT64, List.of(1, 2, 3, 4), 2, 2);
        assertEquals(want, HexFormat.of().formatHex(a.rawBytes()));
    }

    @Test
    void otherValuesAreNamedByTheirPublicType() {
        NDArray a = NDArray.zeros(DType.INT32, 1);
        assertEquals("cannot store a Set in an int32 element", message(() -> a.set(Set.of(1), 0)));
        assertEquals("cannot store a Map in an int32 element", message(() -> a.set(Map.of("a", 1), 0)));
        assertEquals("cannot store a String in an int32 element", message(() -> a.set("1", 0)));
        assertEquals("cannot store an Object in an int32 element", message(() -> a.set(new Object() { }, 0)));
        assertEquals("cannot store a double[] in an int32 element", message(() -> a.set(new double[] {1}, 0)));
        NDArray u = NDArray.zeros(DType.unicode(3), 1);
        assertTrue(message(() -> u.set(List.of("a"), 0)).startsWith("cannot store a List in a str96 element"));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
