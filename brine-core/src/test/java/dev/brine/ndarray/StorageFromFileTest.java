package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Storage#isFromFile()}: a file's bytes, mapped or read in place of a mapping, and views of them; nothing else. */
class StorageFromFileTest {
    @TempDir
    Path dir;

    @Test
    void mappingsAndTheirViewsAreFromAFile() throws Exception {
        Path f = dir.resolve("bytes");
        Files.write(f, new byte[3 << 20]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Storage readOnly = Storage.map(ch, 0, 1 << 20, FileChannel.MapMode.READ_ONLY);
            assertTrue(readOnly.isFromFile());
            assertTrue(readOnly.view(10, 100).isFromFile());
            assertTrue(readOnly.view(10, 0).isFromFile());
            assertTrue(Storage.map(ch, 0, 0, FileChannel.MapMode.READ_ONLY).isFromFile());
            assertTrue(Storage.map(ch, 0, 64, FileChannel.MapMode.PRIVATE).isFromFile());
            // several chunks: a view across them
            assertTrue(Storage.map(ch, 0, 3 << 20, FileChannel.MapMode.READ_ONLY, 20).view(1000, 2 << 20).isFromFile());
            assertFalse(readOnly.copy().isFromFile(), "a copy is heap bytes");

            FileMappings mappings = new FileMappings(ch, "bytes");
            Storage small = mappings.readOnly(0, 16); // read, not mapped
            Storage big = mappings.readOnly(0, FileMappings.MIN_MAPPED_BYTES);
            assertTrue(small.isFromFile() && small.isReadOnly());
            assertTrue(big.isFromFile() && big.isReadOnly());
        }
    }

    @Test
    void heapAndWrappedBuffersAreNot() {
        assertFalse(Storage.allocate(8).isFromFile());
        assertFalse(Storage.wrap(new byte[8]).isFromFile());
        // a read-only direct buffer a caller hands in (an out-of-band buffer) looks like a mapping but is not one
        assertFalse(Storage.wrap(ByteBuffer.allocateDirect(8), true).isFromFile());
        assertFalse(Storage.wrap(ByteBuffer.allocateDirect(8), true).view(1, 2).isFromFile());
    }
}
