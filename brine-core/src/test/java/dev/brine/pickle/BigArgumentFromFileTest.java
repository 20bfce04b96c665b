package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.Limits;
import dev.brine.testing.Python;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big bytes arguments read from a file. The file says how many bytes are left, so an argument it holds whole is
 * read into one array of its size (reading it as from a stream, whose length is a claim until the bytes arrive,
 * doubled an array as they came: twice the argument at peak, found loading a 1.2 GB array pickle). And an argument
 * longer than a Java byte[] holds, in a file that holds it (CPython writes and reads such pickles), is refused as too
 * big for Brine, not reported as truncated; one the file does not hold is truncated.
 */
class BigArgumentFromFileTest {
    private static final Limits ROOMY = Limits.DEFAULT.toBuilder().maxAllocation(8L << 30).build();
    private static final UnpicklerOptions READ = UnpicklerOptions.builder().limits(ROOMY).build();

    @TempDir
    Path tmp;

    @Test
    void anArgumentTheFileHoldsIsReadIntoOneArrayOfItsSize() throws IOException {
        Python.require();
        Path file = tmp.resolve("big.pkl");
        int size = 64 << 20;
        Python.check("import pickle, sys\npickle.dump(bytes(range(256)) * (" + size + " // 256), open(sys.argv[1], 'wb'), 4)\n",
                new byte[0], file.toString());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        byte[] got = (byte[]) Pickle.load(file, READ);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(size, got.length);
        byte[] expected = new byte[256];
        for (int i = 0; i < 256; i++) {
            expected[i] = (byte) i;
        }
        assertArrayEquals(expected, Arrays.copyOfRange(got, size - 256, size));
        // the array itself and buffers; growing by doubling allocated about twice the size
        assertTrue(allocated < size + (size >> 2), "allocated " + allocated + " bytes for " + size);
    }

    @Test
    void anArgumentLongerThanAByteArrayIsTooBigNotTruncated() throws IOException {
        long n = (1L << 31) + 17;
        byte[] head = {(byte) 0x80, 4, (byte) 0x8e, 0, 0, 0, 0, 0, 0, 0, 0}; // PROTO 4, BINBYTES8 n
        for (int i = 0; i < 8; i++) {
            head[3 + i] = (byte) (n >>> (8 * i));
        }
        Path whole = tmp.resolve("whole.pkl");
        try (RandomAccessFile f = new RandomAccessFile(whole.toFile(), "rw")) {
            f.write(head);
            f.seek(head.length + n); // a sparse file: the argument's bytes cost no disk
            f.write('.');
        }
        UnpicklingException big = assertThrows(UnpicklingException.class, () -> Pickle.load(whole, READ));
        assertTrue(big.getMessage().contains("more than a Java byte[] holds"), big.getMessage());
        assertEquals(2, big.offset()); // the BINBYTES8 opcode

        Path cut = tmp.resolve("cut.pkl");
        Files.write(cut, Arrays.copyOf(head, head.length + 100));
        UnpicklingException truncated = assertThrows(UnpicklingException.class, () -> Pickle.load(cut, READ));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    }
}
