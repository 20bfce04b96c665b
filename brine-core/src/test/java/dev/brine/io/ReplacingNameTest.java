package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AtomicFiles#writeChannelReplacingName}, which the CLI's {@code extract} writes with: whatever appears at the
 * name while the file is written (a link to a file elsewhere, a FIFO) is replaced by the new regular file, never
 * written through or into. The race is made certain: the content itself puts the link or FIFO there mid-write.
 */
class ReplacingNameTest {
    @TempDir
    Path tmp;

    private static void write(java.nio.channels.FileChannel ch, String text) throws java.io.IOException {
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aLinkMadeDuringTheWriteIsReplacedNotFollowed() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep me");
        Path dir = Files.createDirectory(tmp.resolve("out"));
        Path target = dir.resolve("a.npy");
        AtomicFiles.writeChannelReplacingName(target, ch -> {
            Files.createSymbolicLink(target, outside); // made between the caller's check and the rename
            write(ch, "new");
        });
        assertFalse(Files.isSymbolicLink(target));
        assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
        assertEquals("new", Files.readString(target));
        assertEquals("keep me", Files.readString(outside));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void aLinkThereBeforeIsReplacedTooAndAFifoIsNotWrittenInto() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep me");
        Path link = Files.createSymbolicLink(tmp.resolve("link.npy"), outside);
        AtomicFiles.writeChannelReplacingName(link, ch -> write(ch, "new"));
        assertEquals("new", Files.readString(link));
        assertFalse(Files.isSymbolicLink(link));
        assertEquals("keep me", Files.readString(outside));

        Path fifo = tmp.resolve("fifo.npy");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        AtomicFiles.writeChannelReplacingName(fifo, ch -> write(ch, "data")); // would block forever if opened
        assertTrue(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS));
        assertEquals("data", Files.readString(fifo));
    }
}
