package dev.brine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional reads that fill a buffer: {@link FileChannel#read(ByteBuffer, long)} may return fewer bytes than asked
 * for, so every reader at offsets (ZIP members, safetensors headers, torch storages, small storages read instead of
 * mapped) needs the same loop. The callers word their own "truncated" message, as each knows what was being read.
 */
public final class ChannelReads {
    private ChannelReads() {
    }

    /**
     * Reads from {@code channel} at {@code position} until {@code dst} has no room left, leaving the channel's own
     * position alone.
     *
     * @return true when {@code dst} was filled; false when the file ended first ({@code dst.position()} then says
     *     how many bytes were read)
     */
    public static boolean fill(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        int start = dst.position();
        while (dst.hasRemaining()) {
            if (channel.read(dst, position + dst.position() - start) < 0) {
                return false;
            }
        }
        return true;
    }
}
