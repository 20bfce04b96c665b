package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked storage: values that straddle chunks, copies across chunk sizes, bounded stream reads. */
class StorageTest {
    @Property(tries = 200)
    void valuesStraddlingChunksReadBack(@ForAll @IntRange(min = 0, max = 90) int pos, @ForAll long value,
            @ForAll boolean bigEndian, @ForAll @IntRange(min = 3, max = 6) int shift) {
        Storage s = Storage.allocate(100, shift);
        s.putLong(pos, value, bigEndian);
        assertEquals(value, s.getLong(pos, bigEndian));
        s.putInt(pos + 1, (int) value, bigEndian);
        assertEquals((int) value, s.getInt(pos + 1, bigEndian));
        s.putShort(pos + 3, (short) value, bigEndian);
        assertEquals((short) value, s.getShort(pos + 3, bigEndian));
        ByteBuffer expected = ByteBuffer.allocate(2).order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        expected.putShort((short) value);
        assertEquals(expected.get(0), s.getByte(pos + 3));
    }

    @Test
    void bulkCopiesAcrossChunkSizes() throws IOException {
        byte[] data = new byte[1000];
        new Random(1).nextBytes(data);
        Storage small = Storage.allocate(1000, 5);
        small.put(0, data, 0, 1000);
        Storage copy = Storage.allocate(1000, 7);
        small.copyTo(0, copy, 0, 1000);
        byte[] back = new byte[1000];
        copy.get(0, back, 0, 1000);
        assertArrayEquals(data, back);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        small.writeTo(out);
        assertArrayEquals(data, out.toByteArray());
        Storage read = Storage.read(new ByteArrayInputStream(data), 1000);
        byte[] again = new byte[1000];
        read.get(0, again, 0, 1000);
        assertArrayEquals(data, again);
        assertThrows(IndexOutOfBoundsException.class, () -> small.getLong(995, false));
    }

    @Test
    void streamsShorterThanClaimedEndInEof() {
        EOFException e = assertThrows(EOFException.class, () -> Storage.read(new ByteArrayInputStream(new byte[10]), 1L << 40));
        assertEquals("expected 1099511627776 bytes of data, found only 10", e.getMessage());
    }

    @Test
    void filesOfKnownSizeReadWhole(@TempDir Path dir) throws IOException {
        // 3 MiB: above the size from which a file is mapped and copied rather than read
        byte[] data = new byte[3 << 20];
        new Random(2).nextBytes(data);
        Path file = dir.resolve("data");
        Files.write(file, data);
        for (int size : new int[] {100, data.length - 7}) {
            try (FileChannel ch = FileChannel.open(file)) {
                ch.position(7);
                Storage s = Storage.readKnownSize(ch, size);
                byte[] back = new byte[size];
                s.get(0, back, 0, size);
                assertArrayEquals(Arrays.copyOfRange(data, 7, 7 + size), back);
                assertEquals(7 + size, ch.position(), "the channel is left after the bytes read");
            }
        }
        try (FileChannel ch = FileChannel.open(file)) {
            ch.position(7);
            EOFException e = assertThrows(EOFException.class, () -> Storage.readKnownSize(ch, data.length));
            assertEquals("expected 3145728 bytes of data, found only 3145721", e.getMessage());
        }
    }

    @Test
    void streamsOfKnownSizeReadWholeInSlices() throws IOException {
        byte[] data = new byte[(9 << 20) + 5]; // more than two 4 MiB slices
        new Random(4).nextBytes(data);
        Storage s = Storage.readKnownSize(new ByteArrayInputStream(data), data.length);
        byte[] back = new byte[data.length];
        s.get(0, back, 0, back.length);
        assertArrayEquals(data, back);
        EOFException e = assertThrows(EOFException.class,
                () -> Storage.readKnownSize(new ByteArrayInputStream(data), data.length + 1L));
        assertEquals("expected " + (data.length + 1L) + " bytes of data, found only " + data.length, e.getMessage());
    }

    @Test
    void streamsOfUnprovenSizeAllocateAsTheBytesArrive() throws IOException {
        // claims 1.5 GiB, holds 5 MiB: what is allocated follows the 5 MiB, not the claim
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        byte[] five = new byte[5 << 20];
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        EOFException e = assertThrows(EOFException.class, () -> Storage.readKnownSize(new ByteArrayInputStream(five), 3L << 29));
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertEquals("expected 1610612736 bytes of data, found only 5242880", e.getMessage());
        assertTrue(allocated < 32L << 20, "allocated " + (allocated >> 20) + " MiB");
        // up to 4 MiB at once; above, a chunk is allocated whole after its first sixteenth arrived; later chunks at once
        assertEquals(4 << 20, Storage.headBytes(4 << 20, 0));
        assertEquals(4 << 20, Storage.headBytes((4 << 20) + 1, 0));
        assertEquals(4 << 20, Storage.headBytes(64 << 20, 0));
        assertEquals(1 << 26, Storage.headBytes(1 << 30, 0));
        assertEquals(1 << 30, Storage.headBytes(1 << 30, 1L << 30));
        assertEquals(12345, Storage.headBytes(12345, 1L << 30));
    }

    @Test
    void streamsOfUnprovenSizeReadBackWhole() throws IOException {
        // 80 MiB + 37: the first 5 MiB + 2 arrive in segments (the last of 2 bytes), the rest straight into the chunk
        byte[] data = new byte[(80 << 20) + 37];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >>> 20));
        }
        java.io.InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 100_003));
            }
        };
        Storage s = Storage.readKnownSize(trickle, data.length);
        assertEquals(data.length, s.size());
        assertEquals(1, s.buffers().size(), "one chunk, as allocated up front");
        byte[] back = new byte[data.length];
        s.get(0, back, 0, back.length);
        assertArrayEquals(data, back);
        EOFException e = assertThrows(EOFException.class,
                () -> Storage.readKnownSize(new ByteArrayInputStream(data, 0, 3 << 20), data.length));
        assertEquals("expected " + data.length + " bytes of data, found only " + (3 << 20), e.getMessage());
    }

    @Test
    void arraysOverSmallChunksBehave() {
        // a 12-byte record type over 16-byte chunks: every other element straddles a boundary
        DType rec = DType.struct().add("a", DType.INT32).add("b", DType.FLOAT64).build();
        Storage s = Storage.allocate(12 * 10, 4);
        NDArray a = NDArray.wrap(rec, Order.C, new long[] {10}, s);
        for (int i = 0; i < 10; i++) {
            a.set(java.util.Map.of("a", i, "b", i * 1.5), i);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(java.util.Map.of("a", (long) i, "b", i * 1.5), a.get(i));
        }
        assertEquals(a, a.copy());
    }
}
