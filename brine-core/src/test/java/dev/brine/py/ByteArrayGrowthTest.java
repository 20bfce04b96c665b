package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Appends leave spare room after a bytearray's bytes (amortized growth), but never more than
 * {@link ByteArray#MAX_SPARE}: a big bytearray read in one opcode and appended to once grows by
 * that much, not two-fold (a 1 GiB one would have asked for 2 GiB).
 */
class ByteArrayGrowthTest {
    @Test
    void aBigBytearrayGrowsByAtMostTheSpareLimit() {
        int mib = 1 << 20;
        ByteArray big = ByteArray.wrap(new byte[256 * mib]);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        ByteArrayAccess.append(big, new byte[] {7}, 0, 1);
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 256L * mib + ByteArray.MAX_SPARE + mib, "allocated " + allocated / mib + " MiB");
        assertEquals(256 * mib + 1, big.size());
        assertEquals(7, big.array()[256 * mib]);
    }

    @Test
    void manySmallAppendsKeepTheirBytes() {
        ByteArray b = ByteArray.wrap(new byte[0]);
        byte[] expected = new byte[100_000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) i;
            ByteArrayAccess.append(b, expected, i, 1);
        }
        assertArrayEquals(expected, b.array());
    }
}
