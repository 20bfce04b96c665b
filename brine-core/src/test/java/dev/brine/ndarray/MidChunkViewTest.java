package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Views that start inside a chunk and span several (what a tensor across a 1 GiB mark of a file
 * is), over 16-byte chunks. The oracle is a plain byte[] that mirrors the storage: every read
 * through a view must give what a ByteBuffer over the mirror gives at the view's offset, and
 * every write through it must land there.
 */
class MidChunkViewTest {
    private static final int SHIFT = 4; // 16-byte chunks
    private static final int SIZE = 100;

    @TempDir
    Path dir;

    /** A storage of 16-byte chunks filled with random bytes, and its mirror. */
    private static Storage filled(byte[] mirror) {
        new Random(7).nextBytes(mirror);
        Storage s = Storage.allocate(mirror.length, SHIFT);
        s.put(0, mirror, 0, mirror.length);
        return s;
    }

    private static ByteBuffer at(byte[] mirror, boolean bigEndian) {
        return ByteBuffer.wrap(mirror).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void everyWidthReadsAndWritesThroughViewsStartingAnywhere() {
        byte[] mirror = new byte[SIZE];
        Storage s = filled(mirror);
        Random r = new Random(3);
        for (int start = 0; start < 40; start++) {
            for (int length : new int[] {17, 33, 50, SIZE - start}) {
                Storage v = s.view(start, length);
                assertEquals(length, v.size());
                if (length == SIZE) {
                    assertSame(s, v, "the whole range is the storage itself");
                } else {
                    assertSame(s, v.base(), "start " + start + " length " + length + " is shared");
                    assertEquals(start, v.baseOffset());
                }
                for (boolean be : new boolean[] {false, true}) {
                    for (int pos = 0; pos < length; pos++) {
                        int abs = start + pos;
                        assertEquals(mirror[abs], v.getByte(pos));
                        if (pos + 2 <= length) {
                            assertEquals(at(mirror, be).getShort(abs), v.getShort(pos, be), "short at " + abs);
                        }
                        if (pos + 4 <= length) {
                            assertEquals(at(mirror, be).getInt(abs), v.getInt(pos, be), "int at " + abs);
                        }
                        if (pos + 8 <= length) {
                            assertEquals(at(mirror, be).getLong(abs), v.getLong(pos, be), "long at " + abs);
                        }
                    }
                    // writes of every width, at every position, land in the parent at the view's offset
                    for (int pos = 0; pos + 8 <= length; pos++) {
                        int abs = start + pos;
                        int width = 1 << r.nextInt(4);
                        long x = r.nextLong();
                        switch (width) {
                            case 1 -> {
                                v.putByte(pos, (byte) x);
                                mirror[abs] = (byte) x;
                            }
                            case 2 -> {
                                v.putShort(pos, (short) x, be);
                                at(mirror, be).putShort(abs, (short) x);
                            }
                            case 4 -> {
                                v.putInt(pos, (int) x, be);
                                at(mirror, be).putInt(abs, (int) x);
                            }
                            default -> {
                                v.putLong(pos, x, be);
                                at(mirror, be).putLong(abs, x);
                            }
                        }
                    }
                    assertArrayEquals(mirror, bytes(s), "writes through view [" + start + ", +" + length + ")");
                }
                assertThrows(IndexOutOfBoundsException.class, () -> v.getByte(length));
                assertThrows(IndexOutOfBoundsException.class, () -> v.getLong(length - 7, false));
                assertThrows(IndexOutOfBoundsException.class, () -> v.getByte(-1));
                assertThrows(IndexOutOfBoundsException.class, () -> v.view(1, length));
            }
        }
    }

    @Test
    void bulkPathsSeeExactlyTheViewsBytes() throws IOException {
        byte[] mirror = new byte[SIZE];
        Storage s = filled(mirror);
        for (int start = 1; start < 40; start += 3) {
            int length = SIZE - start - (start % 7);
            Storage v = s.view(start, length);
            byte[] expected = java.util.Arrays.copyOfRange(mirror, start, start + length);
            assertArrayEquals(expected, bytes(v), "get");
            // copyTo out of the view, into storages of other chunk sizes and at other offsets
            for (int shift : new int[] {3, 5, 7}) {
                Storage dst = Storage.allocate(length + 11, shift);
                v.copyTo(0, dst, 11, length);
                byte[] back = new byte[length];
                dst.get(11, back, 0, length);
                assertArrayEquals(expected, back, "copyTo shift " + shift);
            }
            assertArrayEquals(expected, bytes(v.copy()), "copy");
            assertNull(v.copy().base());
            // both writeTo paths
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            v.writeTo(out);
            assertArrayEquals(expected, out.toByteArray(), "writeTo(OutputStream)");
            ByteArrayOutputStream ch = new ByteArrayOutputStream();
            v.writeTo(Channels.newChannel(ch));
            assertArrayEquals(expected, ch.toByteArray(), "writeTo(channel)");
            // buffers() cover the view's bytes, in order, and nothing else
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (ByteBuffer b : v.buffers()) {
                assertTrue(b.isReadOnly());
                byte[] piece = new byte[b.remaining()];
                b.get(piece);
                joined.write(piece);
            }
            assertArrayEquals(expected, joined.toByteArray(), "buffers");
            assertNull(v.sharedBuffer(), "several chunks: no single shared buffer");
        }
    }

    @Test
    void bulkWritesIntoAViewStayInsideIt() {
        byte[] mirror = new byte[SIZE];
        Storage s = filled(mirror);
        Storage v = s.view(13, 60);
        byte[] src = new byte[60];
        new Random(11).nextBytes(src);
        v.put(0, src, 0, 50);
        System.arraycopy(src, 0, mirror, 13, 50);
        assertArrayEquals(mirror, bytes(s), "put");
        Storage other = Storage.allocate(60, 3);
        other.put(0, src, 0, 60);
        other.copyTo(5, v, 7, 53);
        System.arraycopy(src, 5, mirror, 20, 53);
        assertArrayEquals(mirror, bytes(s), "copyTo into a view");
        s.view(75, 25).copyTo(0, v, 30, 25); // between disjoint views of one storage
        System.arraycopy(mirror.clone(), 75, mirror, 43, 25);
        assertArrayEquals(mirror, bytes(s), "copyTo between views of one storage");
    }

    @Test
    void viewsOfViewsKeepTheOutermostBaseAndShareItsBytes() {
        byte[] mirror = new byte[SIZE];
        Storage s = filled(mirror);
        Storage v = s.view(5, 90);
        for (int a = 0; a < 40; a++) {
            for (int len : new int[] {0, 1, 3, 16, 31, 50}) {
                Storage vv = v.view(a, len);
                assertEquals(len, vv.size());
                assertSame(s, vv.base());
                assertEquals(5 + a, vv.baseOffset());
                assertArrayEquals(java.util.Arrays.copyOfRange(mirror, 5 + a, 5 + a + len), bytes(vv));
                Storage vvv = vv.view(len / 2, len - len / 2);
                assertSame(s, vvv.base());
                assertEquals(5 + a + len / 2, vvv.baseOffset());
                assertArrayEquals(java.util.Arrays.copyOfRange(mirror, 5 + a + len / 2, 5 + a + len), bytes(vvv));
                if (len > 0) {
                    vvv.putByte(0, (byte) (a + len));
                    mirror[5 + a + len / 2] = (byte) (a + len);
                    assertEquals((byte) (a + len), s.getByte(5 + a + len / 2));
                    assertEquals((byte) (a + len), v.getByte(a + len / 2));
                }
            }
        }
        // a view inside one chunk of a mid-chunk view is one buffer, handed on whole
        Storage inOne = v.view(12, 10); // bytes 17..27 of s: inside s's second chunk
        ByteBuffer shared = inOne.sharedBuffer();
        assertNotNull(shared);
        assertEquals(10, shared.remaining());
        assertEquals(mirror[17], shared.get(0));
        assertSame(v, v.view(0, 90));
    }

    @Test
    void arraysOverMidChunkViewsMatchTheirElements() {
        byte[] mirror = new byte[SIZE];
        Storage s = filled(mirror);
        DType[] types = {DType.INT8, DType.INT16, DType.UINT16, DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT64,
                DType.INT32.withByteOrder('>'), DType.FLOAT64.withByteOrder('>')};
        for (DType t : types) {
            int item = t.itemsize();
            for (int start = 1; start < 20; start++) {
                int n = (SIZE - start) / item;
                NDArray a = NDArray.wrap(t, Order.C, new long[] {n}, s.view(start, (long) n * item));
                NDArray copy = NDArray.wrap(t, Order.C, new long[] {n}, s.view(start, (long) n * item).copy());
                assertEquals(copy, a, t.name() + " at " + start);
                assertEquals(copy.hashCode(), a.hashCode());
                boolean be = t.byteOrder() == ByteOrder.BIG_ENDIAN;
                for (int i = 0; i < n; i++) {
                    int abs = start + i * item;
                    long expected = switch (item) {
                        case 1 -> mirror[abs];
                        case 2 -> t.kind() == DType.Kind.UINT ? at(mirror, be).getChar(abs) : at(mirror, be).getShort(abs);
                        case 4 -> at(mirror, be).getInt(abs);
                        default -> at(mirror, be).getLong(abs);
                    };
                    if (t.kind() == DType.Kind.FLOAT) {
                        double d = item == 4 ? Float.intBitsToFloat((int) expected) : Double.longBitsToDouble(expected);
                        assertEquals(d, a.getDouble(i));
                    } else {
                        assertEquals(expected, a.getLong(i));
                    }
                }
                // the bulk to...Array paths against the element path, elements across chunk edges included
                switch (t.kind()) {
                    case FLOAT -> {
                        double[] d = a.toDoubleArray();
                        float[] f = a.toFloatArray();
                        for (int i = 0; i < n; i++) {
                            assertEquals(a.getDouble(i), d[i], t.name() + " toDoubleArray " + i);
                            assertEquals((float) a.getDouble(i), f[i], t.name() + " toFloatArray " + i);
                        }
                    }
                    default -> {
                        long[] l = a.toLongArray();
                        int[] in = a.toIntArray();
                        short[] sh = a.toShortArray();
                        char[] ch = a.toCharArray();
                        byte[] by = a.toByteArray();
                        for (int i = 0; i < n; i++) {
                            long x = a.getLong(i);
                            assertEquals(x, l[i], t.name() + " toLongArray " + i);
                            assertEquals((int) x, in[i], t.name() + " toIntArray " + i);
                            assertEquals((short) x, sh[i], t.name() + " toShortArray " + i);
                            assertEquals((char) x, ch[i], t.name() + " toCharArray " + i);
                            assertEquals((byte) x, by[i], t.name() + " toByteArray " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void mappedViewsKeepTheMappingsMode() throws IOException {
        byte[] mirror = new byte[SIZE];
        new Random(5).nextBytes(mirror);
        Path f = dir.resolve("bytes.bin");
        Files.write(f, mirror);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Storage ro = Storage.map(ch, 0, SIZE, FileChannel.MapMode.READ_ONLY, SHIFT);
            Storage v = ro.view(5, 60);
            assertTrue(v.isReadOnly());
            assertSame(ro, v.base());
            assertEquals(at(mirror, false).getLong(14), v.getLong(9, false), "a long across a chunk edge of the mapping");
            assertThrows(IllegalStateException.class, () -> v.putByte(0, (byte) 1));
            assertThrows(IllegalStateException.class, () -> v.putLong(9, 1, false));
            assertThrows(IllegalStateException.class, () -> v.put(0, new byte[4], 0, 4));
            assertThrows(IllegalStateException.class, () -> Storage.allocate(8).copyTo(0, v, 0, 8));
            assertTrue(v.view(20, 30).isReadOnly());
            assertFalse(v.copy().isReadOnly());
            NDArray a = NDArray.wrap(DType.INT32, Order.C, new long[] {15}, v);
            assertTrue(a.isReadOnly());
            assertThrows(IllegalStateException.class, () -> a.setLong(1, 2));

            Storage cow = Storage.map(ch, 0, SIZE, FileChannel.MapMode.PRIVATE, SHIFT);
            Storage w = cow.view(5, 60);
            assertFalse(w.isReadOnly());
            w.putLong(9, -1L, false); // across the chunk edge at byte 16 of the mapping
            assertEquals(-1L, cow.getLong(14, false));
        }
        assertArrayEquals(mirror, Files.readAllBytes(f), "copy-on-write leaves the file alone");
    }

    private static byte[] bytes(Storage s) {
        byte[] b = new byte[(int) s.size()];
        s.get(0, b, 0, b.length);
        return b;
    }
}
