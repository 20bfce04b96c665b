package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelReadsTest {
    @TempDir
    Path dir;

    private FileChannel tenBytes() throws Exception {
        Path f = dir.resolve("ten");
        Files.write(f, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        return FileChannel.open(f);
    }

    @Test
    void fillsFromThePositionIntoTheBuffersRemainingRoom() throws Exception {
        try (FileChannel ch = tenBytes()) {
            ByteBuffer b = ByteBuffer.allocate(6);
            b.position(2); // the first two bytes are the caller's: the file's bytes go after them
            assertTrue(ChannelReads.fill(ch, b, 3));
            assertArrayEquals(new byte[] {0, 0, 3, 4, 5, 6}, b.array());
            assertEquals(0, ch.position(), "the channel's own position is left alone");
        }
    }

    @Test
    void saysFalseWhenTheFileEndsFirstAndKeepsWhatItRead() throws Exception {
        try (FileChannel ch = tenBytes()) {
            ByteBuffer b = ByteBuffer.allocate(5);
            assertFalse(ChannelReads.fill(ch, b, 7));
            assertEquals(3, b.position());
            assertArrayEquals(new byte[] {7, 8, 9}, Arrays.copyOf(b.array(), 3));
            assertFalse(ChannelReads.fill(ch, ByteBuffer.allocate(1), 10));
            assertTrue(ChannelReads.fill(ch, ByteBuffer.allocate(0), 10), "nothing to read is a full buffer");
        }
    }
}
