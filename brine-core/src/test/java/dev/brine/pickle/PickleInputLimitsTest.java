package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.LimitExceededException;
import dev.brine.Limits;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The text-line limit and the buffer's growth of the unpickler's stream input, checked without
 * gigabytes: at the default maxAllocation (2^31) an int count of a line's bytes could never reach
 * the limit, and past 1 GiB the doubling overflowed, so that the buffer grew a byte per read and
 * at 2^31 - 1 bytes {@code fill(consumed + 1)} overflowed and looped for ever.
 */
class PickleInputLimitsTest {
    @Test
    void theBufferGrowsByDoublingWithoutOverflow() {
        assertEquals(2 << 20, PickleInput.grownLength(1 << 20, 10));
        assertEquals(5_000_000, PickleInput.grownLength(1 << 20, 5_000_000));
        // past 1 GiB, int doubling was negative and the buffer grew by one byte: now it is capped at the largest array
        int gib = (1 << 30) + 5;
        assertEquals(PickleInput.MAX_BUFFER, PickleInput.grownLength(gib, gib + 1));
        assertEquals(PickleInput.MAX_BUFFER, PickleInput.grownLength(PickleInput.MAX_BUFFER - 1, PickleInput.MAX_BUFFER));
        for (int len = 1; len > 0 && len <= PickleInput.MAX_BUFFER; len = len * 3 / 2 + 1) {
            int next = PickleInput.grownLength(len, Math.min(PickleInput.MAX_BUFFER, len + 1));
            assertTrue(next > len || len == PickleInput.MAX_BUFFER, len + " -> " + next);
            assertTrue(next <= PickleInput.MAX_BUFFER, len + " -> " + next);
        }
    }

    @Test
    void theDefaultLineLimitCanFire() {
        PickleInput in = new PickleInput(new ByteArrayInputStream(new byte[0]));
        in.maxLine = Limits.DEFAULT.maxAllocation(); // 2^31: more than an int count of bytes can reach
        assertEquals(1L << 31, in.maxLine);
        assertEquals(PickleInput.MAX_BUFFER, in.lineLimit());
        in.maxLine = 1000;
        assertEquals(1000, in.lineLimit());
    }

    @Test
    void aLineOverTheLimitIsRefusedWithWhereItStarts() throws Exception {
        // after a first line, an endless protocol-0 argument: the limit names the offset where the argument starts
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'a');
                return len;
            }
        };
        byte[] head = "(Vfirst\nV".getBytes(StandardCharsets.US_ASCII);
        UnpicklerOptions small = UnpicklerOptions.builder().limits(Limits.builder().maxAllocation(100_000).build()).build();
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> Pickle.load(new SequenceInputStream(new ByteArrayInputStream(head), endless), small));
        assertEquals("maxAllocation", e.limit());
        assertTrue(e.getMessage().contains("the text argument at offset 9 has no newline in its first"), e.getMessage());
        assertTrue(e.getMessage().contains("a line is limited to 100000 bytes"), e.getMessage());
        // a line under the limit loads
        byte[] ok = ("V" + "b".repeat(99_000) + "\n.").getBytes(StandardCharsets.US_ASCII);
        assertEquals("b".repeat(99_000), Pickle.load(new ByteArrayInputStream(ok), small));
    }
}
