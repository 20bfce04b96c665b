package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arrays of records of no bytes, which numpy saves in a file of some 128 bytes however many there are:
 * comparing them costs what numpy's {@code array_equal} costs (nothing per item), and boxing more of them than
 * the heap holds ends in the IllegalStateException {@link NDArray#toObjectArray} documents.
 */
class ItemsWithoutBytesTest {
    @TempDir
    Path dir;

    /**
     * numpy's {@code array_equal} on 10^8 of them (it builds a bool array of one byte per item, 10 GB for 10^10),
     * and Brine's equals on those and on 10^10, which used to walk every item for minutes.
     */
    @Test
    void equalityOfTenBillionItemsWithoutBytesIsNumpysAndImmediate() throws IOException {
        Python.require("numpy");
        String out = Python.checkText("import sys, numpy as np\n"
                + "d = sys.argv[1]\n"
                + "for n, shape in (('e8', 10**8), ('e8b', (10**4, 10**4)), ('e10', 10**10), ('e10b', (10**5, 10**5))):\n"
                + "    np.save(d + '/' + n + '.npy', np.zeros(shape, dtype=[]))\n"
                + "a, b, c = (np.load(d + '/' + n + '.npy') for n in ('e8', 'e8', 'e8b'))\n"
                + "print(np.array_equal(a, b), np.array_equal(a, c))\n", dir).strip();
        String expected = out.replace("True", "true").replace("False", "false");
        for (String n : new String[] {"e8", "e10"}) {
            String mine = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                NDArray a = Npy.read(dir.resolve(n + ".npy"));
                NDArray b = Npy.map(dir.resolve(n + ".npy"), false);
                NDArray c = Npy.read(dir.resolve(n + "b.npy"));
                return a.equals(b) + " " + a.equals(c);
            });
            assertEquals(expected, mine, n);
        }
    }

    @Test
    void boxingMoreItemsThanTheHeapHoldsIsTheDocumentedException() throws IOException {
        Python.require("numpy");
        Python.checkText("import sys, numpy as np\nnp.save(sys.argv[1] + '/e9.npy', np.zeros(10**9, dtype=[]))\n", dir);
        NDArray a = Npy.read(dir.resolve("e9.npy"));
        assertEquals(1_000_000_000L, a.size());
        IllegalStateException e = assertThrows(IllegalStateException.class, a::toObjectArray);
        assertTrue(e.getMessage().contains("more than the Java heap holds"), e.getMessage());
    }
}
