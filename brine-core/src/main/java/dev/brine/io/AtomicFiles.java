package dev.brine.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe saving: the content goes to a temporary file in the target's folder, is forced to
 * disk, and only then renamed over the target. A save killed at any moment leaves either the old
 * complete file or the new complete file, never a torn one, and a failed save removes its
 * temporary file.
 */
public final class AtomicFiles {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFiles() {
    }

    private static void keepPermissions(Path target, Path tmp) {
        try {
            if (Files.exists(target)) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system, or not ours to read: the new file keeps the default permissions
        }
    }

    /** What writes the content to a stream. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole file to {@code out} (buffered; do not close it). */
        void writeTo(OutputStream out) throws IOException;
    }

    /** What writes the content to a channel (for bulk data such as arrays, without copying through a stream). */
    @FunctionalInterface
    public interface ChannelContent {
        /** Writes the whole file to {@code out} (do not close it). */
        void writeTo(FileChannel out) throws IOException;
    }

    /** Writes {@code target} atomically through a buffered stream. */
    public static void write(Path target, Content content) throws IOException {
        writeChannel(target, ch -> {
            BufferedOutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            content.writeTo(out);
            out.flush();
        });
    }

    /** Writes {@code target} atomically through its file channel. */
    public static void writeChannel(Path target, ChannelContent content) throws IOException {
        writeChannel(target, content, true);
    }

    /**
     * Writes {@code target} atomically through its file channel, forcing the content to disk before
     * the rename only when {@code force}: without it the save is still atomic for a process that
     * dies, but not for a power loss or a crash of the operating system.
     */
    public static void writeChannel(Path target, ChannelContent content, boolean force) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (absolute.getParent() != null && !Files.isDirectory(absolute.getParent())) {
            // say so of the target: the temporary file's name would only puzzle
            throw new java.nio.file.NoSuchFileException(target.toString(), null, "cannot write it: "
                    + (Files.exists(absolute.getParent()) ? absolute.getParent() + " is a file, not a folder"
                    : "the folder " + absolute.getParent() + " does not exist"));
        }
        // CREATE_NEW with a random name (not Files.createTempFile, which makes files owner-only):
        // the new file gets the permissions of an ordinary new file (the umask), or the old file's
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                if (force) {
                    ch.force(true);
                }
            }
            keepPermissions(absolute, tmp);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
