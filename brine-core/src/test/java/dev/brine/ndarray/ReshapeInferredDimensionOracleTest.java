package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code reshape} with numpy's inferred dimension ({@code -1}) against live numpy: the shape it
 * works out, the elements in C index order from either memory order, and numpy's refusals (two
 * unknowns, an element count the known dimensions do not divide, a zero-length known dimension).
 * Any negative length is the unknown one, as numpy takes it ({@code reshape(-2)}, {@code reshape(2, -3)}).
 */
class ReshapeInferredDimensionOracleTest {
    /** For "size order newshape": the shape and C-order elements numpy gives, or "ValueError: message". */
    private static final String RESHAPE = String.join("\n",
            "import numpy as np",
            "def case(line):",
            "    n, o, s = line.split(' ')",
            "    a = np.asarray(np.arange(int(n), dtype='<i4').reshape(-1), order=o)",
            "    a = np.asfortranarray(a.reshape(2, -1)) if o == 'F' and int(n) % 2 == 0 and int(n) > 0 else a",
            "    try:",
            "        b = a.reshape(tuple(int(x) for x in s.split(',') if x))",
            "    except ValueError as e:",
            "        return 'ValueError: ' + str(e)",
            "    return ','.join(map(str, b.shape)) + ' ' + ','.join(map(str, b.ravel().tolist()))");

    private static final long[] SIZES = {0, 1, 6, 12, 24};
    private static final String[] SHAPES = {"-1", "-1,1", "1,-1", "3,-1", "-1,3", "2,-1,2", "2,2,-1", "-1,5", "5,-1",
        "4,-1", "-1,-1", "2,-1,-1", "0,-1", "2,-1,0", "-1,0", "3,-1,1,1", "1,1,1,-1", "-1,24", "24,-1", "6", "7",
        // numpy takes any negative length as the unknown one
        "-2", "-7", "2,-3", "-3,2", "-2,-3", "-1,-5", "4,-5", "-5,4", "-3,0", "0,-3", "3,-2,1", "-9223372036854775808",
        "2,-9223372036854775808", "-9223372036854775808,-1"};

    @Test
    void inferredDimensionAsNumpyWorksItOut() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (long n : SIZES) {
            for (String o : new String[] {"C", "F"}) {
                for (String s : SHAPES) {
                    lines.add(n + " " + o + " " + s);
                }
            }
        }
        List<String> want = Python.eachLine(RESHAPE, "case(line)", null, lines);
        int inferred = 0;
        int refused = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            NDArray a = source(Long.parseLong(f[0]), f[1]);
            long[] s = Arrays.stream(f[2].split(",")).mapToLong(Long::parseLong).toArray();
            String w = want.get(i);
            if (w.startsWith("ValueError: ")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.reshape(s), lines.get(i));
                // numpy leaves out an unknown first dimension when it prints the shape ("into shape (5)"): a slip
                // of its message, so there the refusal alone is compared
                if (s[0] >= 0) {
                    assertEquals(w.substring("ValueError: ".length()), e.getMessage(), lines.get(i));
                }
                refused++;
            } else {
                NDArray b = a.reshape(s);
                String got = join(b.shape()) + " " + Arrays.stream(b.toLongArray()).mapToObj(Long::toString).collect(Collectors.joining(","));
                assertEquals(w, got, lines.get(i));
                inferred++;
            }
        }
        assertTrue(inferred > 50 && refused > 50, inferred + " inferred, " + refused + " refused");
    }

    @Test
    void reshapeMinusOneFlattensAsInTheHuntsRepro() {
        NDArray w = NDArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(NDArray.of(new float[] {1, 2, 3, 4, 5, 6}), w.reshape(-1));
        assertEquals("[3, 2]", Arrays.toString(w.reshape(3, -1).shape()));
        assertEquals("[2, 3]", Arrays.toString(w.reshape(-2, 3).shape())); // numpy 2.4: any negative length is the unknown
        assertEquals("can only specify one unknown dimension",
                assertThrows(IllegalArgumentException.class, () -> w.reshape(-2, -3)).getMessage());
    }

    /** numpy's arange(n) as int32, held in Fortran order as a (2, n/2) array when {@code order} is F and n is even. */
    private static NDArray source(long n, String order) {
        int[] v = new int[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        NDArray a = NDArray.of(v);
        return order.equals("F") && n % 2 == 0 && n > 0 ? a.reshape(2, -1).toOrder(Order.F) : a;
    }

    private static String join(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
    }
}
