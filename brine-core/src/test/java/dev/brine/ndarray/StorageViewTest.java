package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StorageViewTest {
    @Test
    void sliceSharesBytesAndRemembersItsBase() {
        Storage s = Storage.allocate(64);
        Storage v = s.view(16, 32);
        assertEquals(32, v.size());
        assertSame(s, v.base());
        assertEquals(16, v.baseOffset());
        v.putInt(0, 42, false);
        assertEquals(42, s.getInt(16, false));
        s.putByte(47, (byte) 7);
        assertEquals(7, v.getByte(31));
        Storage vv = v.view(8, 8);
        assertSame(s, vv.base());
        assertEquals(24, vv.baseOffset());
        assertSame(s, s.view(0, 64));
        assertNull(s.base());
        assertEquals(0, s.view(64, 0).size());
        assertThrows(IndexOutOfBoundsException.class, () -> s.view(60, 8));
    }

    @Test
    void sliceAcrossChunks() {
        Storage s = Storage.allocate(100, 4); // 16-byte chunks
        for (int i = 0; i < 100; i++) {
            s.putByte(i, (byte) i);
        }
        Storage aligned = s.view(32, 50); // starts on a chunk boundary: shared
        assertSame(s, aligned.base());
        assertEquals(81, aligned.getByte(49));
        aligned.putByte(0, (byte) -1);
        assertEquals(-1, s.getByte(32));
        assertEquals(s.getLong(40, false), aligned.getLong(8, false));
        Storage unaligned = s.view(5, 40); // crosses boundaries off a boundary: shared all the same
        assertSame(s, unaligned.base());
        assertEquals(5, unaligned.baseOffset());
        assertEquals(44, unaligned.getByte(39));
        unaligned.putByte(39, (byte) -2);
        assertEquals(-2, s.getByte(44));
        Storage inOne = s.view(17, 10);
        assertSame(s, inOne.base());
        assertEquals(26, inOne.getByte(9));
    }

    @Test
    void readOnlyStaysReadOnly() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("slice", ".bin");
        try {
            java.nio.file.Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
                Storage m = Storage.map(ch, 0, 8, java.nio.channels.FileChannel.MapMode.READ_ONLY);
                Storage v = m.view(2, 4);
                assertEquals(true, v.isReadOnly());
                assertEquals(3, v.getByte(0));
                assertThrows(IllegalStateException.class, () -> v.putByte(0, (byte) 0));
            }
        } finally {
            java.nio.file.Files.delete(f);
        }
    }
}
