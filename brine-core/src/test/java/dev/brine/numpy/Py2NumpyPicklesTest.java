package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklerOptions.Py2Strings;
import dev.brine.pickle.UnpicklingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Python 2 pickles of numpy arrays, built byte by byte as Python 2's cPickle writes them (no Python
 * needed): the CIFAR-10 batch layout, read as its users read it ({@code pickle.load(f,
 * encoding='bytes')}), and a protocol 0 array. {@link Py2NumpyPicklesDifferentialTest} checks many
 * more against CPython.
 */
class Py2NumpyPicklesTest {
    /**
     * {'batch_label': 'training batch 1 of 5', 'labels': [6, 9, 9], 'data': uint8 array (2, 6) of 0..11,
     * 'filenames': [...]}, protocol 2, every str a Python 2 str (SHORT_BINSTRING), dtype('u1', 0, 1).
     */
    private static final byte[] CIFAR = HexFormat.of().parseHex("80027d710028550b62617463685f6c6162656c5515747261696e696e67"
            + "2062617463682031206f66203555066c6162656c735d7106284b064b094b0965550464617461636e756d70792e636f72652e6d756c"
            + "746961727261790a5f7265636f6e7374727563740a7101636e756d70790a6e6461727261790a71024b00855501628752710328"
            + "4b014b024b0686636e756d70790a64747970650a7104550275314b004b0187527105284b0355017c4e4e4e4affffffff4affffff"
            + "ff4b00746289550c000102030405060708090a0b7462550966696c656e616d65735d71072855286c6570746f64616374796c7573"
            + "5f70656e746164616374796c75735f735f3030303030342e706e67551363616d696f6e5f735f3030303134382e706e6765752e");

    /** A float32 array (2, 3) of 0..5 at protocol 0: STRING opcodes with Python 2's escapes. */
    private static final byte[] ARRAY_P0 = ("cnumpy.core.multiarray\n_reconstruct\np0\n(cnumpy\nndarray\np1\n(I0\ntp2\n"
            + "S'b'\np3\ntp4\nRp5\n(I1\n(I2\nI3\ntp6\ncnumpy\ndtype\np7\n(S'f4'\np8\nI0\nI1\ntp9\nRp10\n(I3\nS'<'\np11\n"
            + "NNNI-1\nI-1\nI0\ntp12\nbI00\n"
            + "S'\\x00\\x00\\x00\\x00\\x00\\x00\\x80?\\x00\\x00\\x00@\\x00\\x00@@\\x00\\x00\\x80@\\x00\\x00\\xa0@'\n"
            + "p13\ntp14\nb.").getBytes(StandardCharsets.US_ASCII);

    private static Object load(byte[] pickle, Py2Strings mode) throws Exception {
        return Pickle.loads(pickle, UnpicklerOptions.builder().py2Strings(mode).build());
    }

    @Test
    void cifarBatchesLoadWithEncodingBytesAsPythonLoadsThem() throws Exception {
        Map<?, ?> batch = (Map<?, ?>) load(CIFAR, Py2Strings.BYTES);
        List<String> keys = new ArrayList<>();
        for (Object k : batch.keySet()) {
            keys.add(new String((byte[]) k, StandardCharsets.ISO_8859_1)); // bytes keys, as Python's b'data'
        }
        assertEquals(List.of("batch_label", "labels", "data", "filenames"), keys);
        List<Object> values = new ArrayList<>(batch.values());
        assertArrayEquals("training batch 1 of 5".getBytes(StandardCharsets.US_ASCII), (byte[]) values.get(0));
        assertEquals(List.of(6L, 9L, 9L), values.get(1));
        NDArray data = assertInstanceOf(NDArray.class, values.get(2));
        assertEquals(DType.UINT8, data.dtype());
        assertArrayEquals(new long[] {2, 6}, data.shape());
        assertEquals(11L, ((Number) data.get(1, 5)).longValue());
        assertInstanceOf(byte[].class, ((List<?>) values.get(3)).get(0));
    }

    @Test
    void cifarBatchesLoadWithLatin1AndAsciiWithStrKeys() throws Exception {
        for (Py2Strings mode : new Py2Strings[] {Py2Strings.LATIN1, Py2Strings.ASCII}) {
            Map<?, ?> batch = (Map<?, ?>) load(CIFAR, mode);
            assertEquals(List.of("batch_label", "labels", "data", "filenames"), new ArrayList<>(batch.keySet()));
            NDArray data = (NDArray) batch.get("data");
            assertEquals(DType.UINT8, data.dtype());
            assertEquals(6L, ((Number) data.get(1, 0)).longValue());
        }
    }

    @Test
    void protocol0ArraysLoadWithBytesAndLatin1AndFailWithAsciiAsPythonDoes() throws Exception {
        for (Py2Strings mode : new Py2Strings[] {Py2Strings.BYTES, Py2Strings.LATIN1}) {
            NDArray a = (NDArray) load(ARRAY_P0, mode);
            assertEquals(DType.FLOAT32, a.dtype());
            assertArrayEquals(new long[] {2, 3}, a.shape());
            assertEquals(5.0, ((Number) a.get(1, 2)).doubleValue());
        }
        // Python: UnicodeDecodeError, 'ascii' codec can't decode byte 0x80
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> load(ARRAY_P0, Py2Strings.ASCII));
        assertTrue(e.getMessage().contains("LATIN1"), e.getMessage());
    }
}
