package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Npz.write} hands the caller's stream (a file's channel, for {@code Npz.write(map, path, ...)}) whole
 * pieces, not the single bytes ZipOutputStream writes its headers' fields in: 1,000 small members took 80,000
 * writes (most of one byte), each a system call on a file (20,000 members: 1.7 s, where np.savez takes 0.5 s).
 * The bytes are the same either way (what numpy reads of them is NumpyDifferentialTest's).
 */
class NpzWriteCallsTest {
    /** Counts the calls it gets and keeps the bytes. */
    private static final class CountingStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int calls;

        @Override
        public void write(int b) {
            calls++;
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            calls++;
            bytes.write(b, off, len);
        }
    }

    @Test
    void manySmallMembersReachTheStreamInFewWrites() throws Exception {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (int i = 0; i < 1_000; i++) {
            arrays.put("arr_" + i, NDArray.of(new double[] {i, i + 1}, 2));
        }
        for (boolean compressed : new boolean[] {false, true}) {
            CountingStream out = new CountingStream();
            Npz.write(arrays, out, compressed);
            assertTrue(out.calls < 50, out.calls + " writes for " + out.bytes.size() + " bytes");
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            Npz.write(arrays, plain, compressed);
            assertArrayEquals(plain.toByteArray(), out.bytes.toByteArray());
        }
    }
}
