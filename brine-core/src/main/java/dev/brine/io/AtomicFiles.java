package dev.brine.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe saving: the content goes to a temporary file in the target's folder, is forced to
 * disk, and only then renamed over the target. A save killed at any moment leaves either the old
 * complete file or the new complete file, never a torn one, and a failed save removes its
 * temporary file.
 *
 * <p>What the target is decides where the bytes go, as Python's {@code open(path, 'wb')} decides it:
 * a symbolic link is written through (its target is replaced atomically, the link stays); a
 * character or block device, a FIFO or a socket that exists at the target (or behind its links, as
 * {@code /dev/stdout} is) is written into directly, with no temporary file and no rename, since a
 * rename would put a regular file in place of the device ({@code /dev/null} among them) and no
 * atomic replacement of one exists; a folder is refused, naming the target.
 */
public final class AtomicFiles {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * The files of saves under way: each save's temporary file, and the file it created behind a link, from the moment
     * it exists until the save has renamed or removed it. Process-wide on purpose, as the files are: a shutdown hook
     * ({@link #deleteUnfinished}) must find every save the process was making when it was told to stop. Entries leave
     * when their save ends, so the set holds only what is being written now.
     */
    private static final java.util.Set<Path> UNFINISHED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Deletes the temporary files (and the files created behind links) of the saves under way, for a shutdown hook:
     * a process stopped by SIGTERM while saving then leaves the old file as it was and no temporary file beside it.
     * Brine installs no hook itself; the CLI does ({@code brine convert}, {@code extract}), and so may an application.
     * A save still running when this is called then fails, as its temporary file is gone, and so does every save
     * started after it (the process is stopping): call it from a shutdown hook only.
     */
    public static void deleteUnfinished() {
        synchronized (UNFINISHED) {
            stopping = true;
            for (Path p : UNFINISHED) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // the process is stopping: what cannot be deleted stays
                }
            }
            UNFINISHED.clear();
        }
    }

    /** Set by {@link #deleteUnfinished}, under the set's lock: no save makes or renames a file after it. */
    private static boolean stopping;

    private AtomicFiles() {
    }

    private static void keepPermissions(Path target, Path tmp) {
        try {
            if (Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) { // a link's target is not ours
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
     * dies, but not for a power loss or a crash of the operating system. A device, FIFO or socket at
     * the target is written into directly (see the class comment), never forced.
     */
    public static void writeChannel(Path target, ChannelContent content, boolean force) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new FileSystemException(target.toString(), null, "is a folder, not a file");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            writeInPlace(absolute, content);
            return;
        }
        if (!Files.isSymbolicLink(absolute)) {
            replace(target, absolute, content, force);
            return;
        }
        // the kernel follows the link first, as open(path, 'wb') would: a link it forbids following
        // (protected_symlinks in a shared folder) is refused here as there, and a missing target is
        // created as open creates it (and removed again if the save fails)
        boolean created;
        Path linked;
        synchronized (UNFINISHED) { // the file behind the link is made and tracked in one step
            refuseIfStopping(target);
            created = !Files.exists(absolute);
            FileChannel.open(absolute, StandardOpenOption.WRITE, StandardOpenOption.CREATE).close();
            linked = absolute.toRealPath();
            if (created) {
                UNFINISHED.add(linked);
            }
        }
        boolean done = false;
        try {
            replace(target, linked, content, force, created ? linked : null);
            done = true;
        } finally {
            if (created && !done) {
                UNFINISHED.remove(linked);
                Files.deleteIfExists(linked);
            }
        }
    }

    /**
     * Writes {@code target} atomically as a new regular file whatever is at its name when the rename happens: a
     * symbolic link or a FIFO there is replaced, never written through or into (a folder makes the rename fail).
     * For a verb that writes many files into a folder it checked (the CLI's {@code extract}): a link made in the folder
     * between that check and the write cannot lead the bytes elsewhere.
     */
    public static void writeChannelReplacingName(Path target, ChannelContent content) throws IOException {
        replace(target, target.toAbsolutePath(), content, true);
    }

    /**
     * Creates the temporary file; when the folder refuses it (no permission to write there, a folder that does not
     * take files such as /proc), the failure names {@code target}, as Python's {@code open(target, 'wb')} would, not
     * the temporary name the user never gave.
     */
    private static FileChannel openTemporary(Path tmp, Path target) throws IOException {
        try {
            synchronized (UNFINISHED) { // made and tracked in one step, none made once the process is stopping
                refuseIfStopping(target);
                FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                UNFINISHED.add(tmp);
                return ch;
            }
        } catch (java.nio.file.AccessDeniedException e) {
            throw named(new java.nio.file.AccessDeniedException(target.toString()), e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw named(new java.nio.file.NoSuchFileException(target.toString()), e);
        } catch (FileSystemException e) {
            throw named(new FileSystemException(target.toString(), null, e.getReason()), e);
        }
    }

    private static FileSystemException named(FileSystemException named, FileSystemException cause) {
        named.initCause(cause);
        return named;
    }

    /** Replaces the regular file (or nothing) at {@code file} atomically; messages name {@code target}, as given. */
    private static void replace(Path target, Path file, ChannelContent content, boolean force) throws IOException {
        replace(target, file, content, force, null);
    }

    /**
     * {@link #replace(Path, Path, ChannelContent, boolean)}; {@code finishedAlso}: a tracked file (one made behind a
     * link) that the rename finishes, so it stops being tracked in the same step.
     */
    private static void replace(Path target, Path file, ChannelContent content, boolean force, Path finishedAlso)
            throws IOException {
        if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
            // say so of the target: the temporary file's name would only puzzle
            throw new java.nio.file.NoSuchFileException(target.toString(), null, "cannot write it: "
                    + (Files.exists(file.getParent()) ? file.getParent() + " is a file, not a folder"
                    : "the folder " + file.getParent() + " does not exist"));
        }
        if (Files.isRegularFile(file) && !Files.isWritable(file)) {
            // open(target, 'wb') refuses a file the process may not write (another user's, or mode 444 for a user
            // without the right to override it); the rename would replace it all the same, as the folder allows
            throw new java.nio.file.AccessDeniedException(target.toString());
        }
        refuseUnusableName(target, file);
        // CREATE_NEW with a random name (not Files.createTempFile, which makes files owner-only):
        // the new file gets the permissions of an ordinary new file (the umask), or the old file's
        Path tmp = file.resolveSibling(temporaryName(file.getFileName().toString()));
        boolean done = false;
        try {
            try (FileChannel ch = openTemporary(tmp, target)) {
                content.writeTo(ch);
                if (force) {
                    ch.force(true);
                }
            }
            keepPermissions(file, tmp);
            synchronized (UNFINISHED) { // the rename and the end of tracking are one step for deleteUnfinished
                refuseIfStopping(target);
                try {
                    try {
                        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (FileSystemException e) { // "tmp -> target: reason" names a file the user never gave
                    throw named(new FileSystemException(target.toString(), null, e.getReason()), e);
                }
                UNFINISHED.remove(tmp);
                if (finishedAlso != null) {
                    UNFINISHED.remove(finishedAlso);
                }
            }
            done = true;
        } finally {
            if (!done) {
                UNFINISHED.remove(tmp);
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // the failure being thrown says what went wrong (a name too long fails here again)
                }
            }
        }
    }

    /**
     * Refuses, before anything is written, a target the file system will not take by its name (one longer than its
     * names may be: "File name too long"), as Python's {@code open(target, 'wb')} fails at once; the rename at the
     * end would refuse it only after the whole file had been written and forced to disk. Asking the file system
     * about the name (a {@code stat}) makes nothing.
     */
    private static void refuseUnusableName(Path target, Path file) throws IOException {
        try {
            Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            // a new file: its name was looked up, so the file system takes it
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().toLowerCase(java.util.Locale.ROOT).contains("name too long")) {
                throw named(new FileSystemException(target.toString(), null, e.getReason()), e);
            }
        }
    }

    /**
     * The temporary file's name: hidden, after the target's, with a random part. A file system's names hold 255 bytes,
     * so a long target name is cut (by characters, its UTF-8 kept whole) to leave room for the rest: a target of 240
     * bytes is still written, as numpy and Python write it.
     */
    private static String temporaryName(String name) {
        String random = "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp";
        int room = 255 - 1 - random.length();
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            int n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (bytes + n > room) {
                break;
            }
            kept.appendCodePoint(c);
            bytes += n;
            i += Character.charCount(c);
        }
        return "." + kept + random;
    }

    /** After {@link #deleteUnfinished} the process is stopping: a save does not start a new file. Hold the lock. */
    private static void refuseIfStopping(Path target) throws IOException {
        if (stopping) {
            throw new IOException(target + ": not written: the process is stopping");
        }
    }

    /**
     * Writes into the device, FIFO or socket at {@code file} (through its links) as {@code open(path, 'wb')}
     * does: nothing is created or renamed, and a save that fails has sent what it wrote so far, as
     * Python's would. Not forced: a device or a pipe has no disk copy to force.
     */
    private static void writeInPlace(Path file, ChannelContent content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            content.writeTo(ch);
        }
    }
}
