package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.LimitExceededException;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An NPY file beyond 2 GiB, made sparse so the test is fast and uses no disk. */
class NpyLargeFileTest {
    @TempDir
    Path dir;

    @Test
    void mapsASparseFileBeyondTwoGibAndReadsItsLastElement() throws IOException {
        long n = (1L << 28) + 1000; // float64: 2 GiB + 8000 bytes
        byte[] header = NpyFormat.header(DType.FLOAT64, false, new long[] {n}, null);
        Path f = dir.resolve("big.npy");
        try {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.write(header);
                raf.setLength(header.length + n * 8);
                raf.seek(header.length + (n - 1) * 8);
                raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(42.5).array());
                raf.seek(header.length + (1L << 27) * 8);
                raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(-1.25).array());
            }
            assertTrue(Files.size(f) > (2L << 30));
            NDArray a = Npy.map(f, false);
            assertEquals(n, a.size());
            assertEquals(42.5, a.getDouble(n - 1));
            assertEquals(42.5, a.getDouble(-1));
            assertEquals(-1.25, a.getDouble(1L << 27), "first element of the second 1 GiB chunk");
            assertEquals(0.0, a.getDouble(0));
            assertTrue(a.isReadOnly());
            assertThrows(IllegalStateException.class, () -> a.setDouble(1.0, 0));
            // reading it into memory is refused by the default allocation limit, before allocating
            assertEquals("maxAllocation", assertThrows(LimitExceededException.class, () -> Npy.read(f)).limit());
            NDArray cow = Npy.map(f, true);
            cow.setDouble(7.0, n - 1);
            assertEquals(7.0, cow.getDouble(n - 1));
            assertEquals(42.5, Npy.map(f, false).getDouble(n - 1), "copy-on-write leaves the file alone");
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
