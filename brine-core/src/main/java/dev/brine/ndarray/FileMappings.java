package dev.brine.ndarray;

import dev.brine.BrineException;
import dev.brine.io.ChannelReads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The read-only storages of one file opened for memory mapping (a torch checkpoint's storage records, a
 * safetensors file's tensors), few enough mappings that the process keeps working. Linux gives a process about
 * 65,530 mappings ({@code vm.max_map_count}), the JVM's own threads and heap among them: a checkpoint of 65,400
 * one-element tensors, mapped one by one, left the JVM unable to start a thread, spinning, deaf to SIGTERM. So
 * storages under {@link #MIN_MAPPED_BYTES} are read into read-only direct buffers (a mapping costs at least a
 * page and a kernel area anyway; direct, as a mapping is, so they take no heap; {@link Storage#isFromFile()} as a
 * mapping's), and one file maps at most {@link #MAX_MAPPINGS}; beyond that it is refused with a
 * message, where the process would otherwise fail somewhere else. Not thread-safe: one per file being opened.
 */
public final class FileMappings {
    /**
     * Storages smaller than this (16 pages) are read, not mapped: the memory they take is at most this much per
     * storage, and a file's big storages keep being mapped, as they were before this limit.
     */
    public static final long MIN_MAPPED_BYTES = 64 << 10;
    /**
     * The most mappings one file may take (a storage over 1 GiB takes one per GiB): half of what a process holds,
     * so the JVM keeps the rest.
     */
    public static final int MAX_MAPPINGS = 32_768;

    private final FileChannel channel;
    private final String where;
    private int mappings;
    private long copied;
    /**
     * The most bytes one file's small storages are copied into: a quarter of the JVM's heap limit, which is also
     * the default limit of direct memory, so a file of very many small tensors maps the rest (up to
     * {@link #MAX_MAPPINGS}) instead of ending in the JVM's "Direct buffer memory" OutOfMemoryError.
     */
    private final long maxCopied = Runtime.getRuntime().maxMemory() / 4;

    /** Storages of {@code channel}'s file, {@code where} naming it in messages. */
    public FileMappings(FileChannel channel, String where) {
        this.channel = channel;
        this.where = where;
    }

    /**
     * The {@code size} bytes at {@code position}, read-only: mapped, or read when smaller than
     * {@link #MIN_MAPPED_BYTES} (while the copies stay within a quarter of the heap limit). The caller has checked
     * that they lie inside the file.
     */
    public Storage readOnly(long position, long size) throws IOException {
        if (size < MIN_MAPPED_BYTES && copied + size <= maxCopied) {
            copied += size;
            ByteBuffer b;
            try {
                b = ByteBuffer.allocateDirect((int) size);
            } catch (OutOfMemoryError e) { // direct memory held elsewhere in the process: nothing was allocated
                throw new BrineException(where + ": no direct memory left for a " + size + "-byte storage at byte "
                        + position + " (-XX:MaxDirectMemorySize); open the file without memory mapping");
            }
            if (!ChannelReads.fill(channel, b, position)) {
                throw new BrineException(where + ": truncated at byte " + (position + b.position()));
            }
            b.flip();
            return Storage.readFromFile(b);
        }
        mappings += (int) ((size + (1L << Storage.DEFAULT_CHUNK_SHIFT) - 1) >>> Storage.DEFAULT_CHUNK_SHIFT);
        if (mappings > MAX_MAPPINGS) {
            throw new BrineException(where + ": more than " + MAX_MAPPINGS + " storages of " + MIN_MAPPED_BYTES
                    + " bytes or more to map: a process holds only about 65,000 mappings (vm.max_map_count); open the"
                    + " file without memory mapping");
        }
        return Storage.map(channel, position, size, FileChannel.MapMode.READ_ONLY);
    }
}
