package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code U} items holding a UTF-32 unit that is no code point (above 0x10FFFF), against live numpy: numpy's
 * {@code tolist()} gives a Python str holding it ({@code '\U00110000'}), which no Java String can carry, so
 * {@code get} and {@code toObjectArray} refuse that element, naming it and the unit, rather than hand back a
 * U+FFFD that {@code set} would then write over the data; the other items read as numpy's str (lone
 * surrogates kept), and {@code astype} between U types keeps the units as numpy does.
 */
class UnicodeNoCodePointOracleTest {
    private static final String SETUP = String.join("\n",
            "import numpy as np",
            "a = np.frombuffer(np.array([0x110000, 0xd800, 0x41, 0xdc00, 0x42, 0], '<u4').tobytes(), '<U2')",
            "def item(i):",
            "    return repr(a.tolist()[int(i)])",
            "def cast(t):",
            "    return a.tobytes().hex() + ' ' + a.astype(t).tobytes().hex()");

    @Test
    void itemsWithoutACodePointAreRefusedByNameAndCastUnitByUnit() throws IOException {
        Python.require("numpy");
        List<String> items = Python.eachLine(SETUP, "item(line)", null, List.of("0", "1", "2"));
        // numpy's str holds the unit as it is (a str so odd that Python's own ord() of it fails)
        assertEquals(List.of("'\\U00110000\\ud800'", "'A\\udc00'", "'B'"), items);
        List<String> casts = Python.eachLine(SETUP, "cast(line)", null, List.of(">U2", "<U3", "<U1"));
        HexFormat hex = HexFormat.of();
        NDArray a = NDArray.fromBytes(DType.parse("<U2"), Order.C, hex.parseHex(casts.get(0).split(" ")[0]), 3);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.get(0));
        assertTrue(e.getMessage().startsWith("element [0]: ") && e.getMessage().contains("0x110000"), e.getMessage());
        e = assertThrows(IllegalStateException.class, a::toObjectArray);
        assertTrue(e.getMessage().startsWith("element 0 ") && e.getMessage().contains("0x110000"), e.getMessage());
        assertEquals("A\udc00", a.get(1));
        assertEquals("B", a.get(2));
        assertEquals("array(['\\U00110000\\ud800', 'A\\udc00', 'B'], dtype='<U2')", a.toString());

        for (String line : casts) {
            String[] f = line.split(" ");
            String t = List.of(">U2", "<U3", "<U1").get(casts.indexOf(line));
            assertEquals(f[1], hex.formatHex(a.astype(DType.parse(t)).rawBytes()), t);
        }
    }
}
