package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.Limits;
import dev.brine.npy.Npy;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Java {@code Character} stored in an array element: in a str or bytes element it is the one-character
 * string it stands for (as the pickler writes it), in a number element its code, as Java widens a char to an
 * int and {@code NDArray.of(char[])} makes a uint16 array. Oracle: numpy's arrays of the same strings and codes.
 */
class CharacterElementsOracleTest {
    private static final String SCRIPT = String.join("\n",
            "import io, struct, sys, numpy as np",
            "out = sys.stdout.buffer",
            "for a in (np.array(['x', '\\xe9', '\\u4e2d', 'zz'], 'U2'), np.array([b'a', b'bc'], 'S2'),",
            "          np.array([97, 0x4e2d, 0xffff], 'u2'), np.array([97.0, 233.0], 'f8')):",
            "    f = io.BytesIO(); np.save(f, a); blob = f.getvalue()",
            "    out.write(struct.pack('<i', len(blob)) + blob)",
            "");

    @Test
    void aCharacterIsAOneCharacterStringInTextElementsAndItsCodeInNumbers() throws IOException {
        Python.require("numpy");
        ByteBuffer all = ByteBuffer.wrap(Python.check(SCRIPT, new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(next(all), NDArray.fromValues(DType.unicode(2), List.of('x', '\u00e9', '\u4e2d', "zz")));
        assertEquals(next(all), NDArray.fromValues(DType.bytes(2), List.of('a', "bc")));
        assertEquals(next(all), NDArray.fromValues(DType.UINT16, List.of('a', '\u4e2d', '\uffff')));
        assertEquals(next(all), NDArray.fromValues(DType.FLOAT64, List.of('a', '\u00e9')));
        // a bytes element takes ASCII only, a Character as a String alike; a code beyond the element is refused
        assertThrows(IllegalArgumentException.class, () -> NDArray.fromValues(DType.bytes(1), List.of('\u00e9')));
        assertThrows(IllegalArgumentException.class, () -> NDArray.fromValues(DType.INT8, List.of('\u00e9')));
    }

    private static NDArray next(ByteBuffer all) throws IOException {
        byte[] blob = new byte[all.getInt()];
        all.get(blob);
        return Npy.read(new ByteArrayInputStream(blob), Limits.DEFAULT);
    }
}
