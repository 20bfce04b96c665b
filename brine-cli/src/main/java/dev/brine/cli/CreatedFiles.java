package dev.brine.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The files and folders one run of a verb created, so that a run that fails can take them away again
 * and leave the disk as it found it. Only what did not exist before is ever recorded, so nothing that
 * was there before the run is deleted.
 */
final class CreatedFiles {
    private final Deque<Path> created = new ArrayDeque<>(); // newest first: files before their folders

    /** The runs under way in this process, for {@link #undoUnfinished} (the CLI's shutdown hook). */
    private static final java.util.Set<CreatedFiles> UNFINISHED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    CreatedFiles() {
        UNFINISHED.add(this);
    }

    /** The run succeeded: what it created stays, and a shutdown hook no longer undoes it. */
    void keep() {
        UNFINISHED.remove(this);
    }

    /** Undoes every run that neither succeeded nor was undone yet: the process is stopping in the middle of it. */
    static void undoUnfinished() {
        for (CreatedFiles run : UNFINISHED) {
            synchronized (run) {
                run.undo(new Exception("stopped"));
            }
            UNFINISHED.remove(run);
        }
    }

    /** Creates {@code dir} and any missing parents, recording the ones that were missing. */
    /** Set by {@link #undo}: the run records and creates nothing more (the shutdown hook has undone it). */
    private boolean undone;

    private void refuseIfUndone(Path file) throws IOException {
        if (undone) {
            throw new IOException(file + ": not written: the run was stopped");
        }
    }

    synchronized void createDirectories(Path dir) throws IOException {
        refuseIfUndone(dir);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            // Files.createDirectories would say only the name (a FileAlreadyExistsException)
            throw new FileSystemException(dir.toString(), null, "exists and is not a folder; give a folder to write into");
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p); // outermost first
        }
        Files.createDirectories(dir);
        for (Path p : missing) {
            created.push(p);
        }
    }

    /**
     * Records {@code file} as about to be written, unless it exists already (then it is not ours to delete).
     * Something there that is not a regular file is refused: saving writes through a link and into a device
     * or a FIFO, as Python's open does, and a link in the folder could lead out of it.
     */
    synchronized void willWrite(Path file) throws IOException {
        refuseIfUndone(file);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            created.push(file);
        } else {
            checkWritable(file);
        }
    }

    /**
     * Refuses {@code file} if something is there that is not a regular file, as {@link #willWrite} does. A verb that
     * writes several files asks this of every one before writing any: a refusal halfway would leave the files before
     * it replaced (a run that fails deletes only what it created, so the user's own files it replaced stay replaced).
     */
    static void checkWritable(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(file.toString(), null, "exists and is not a regular file ("
                    + (Files.isSymbolicLink(file) ? "a symbolic link" : Files.isDirectory(file) ? "a folder"
                    : "a device, FIFO or socket") + "); only new or regular files are written, nothing through links");
        }
    }

    /**
     * Deletes what was recorded, newest first; a folder only when empty (something else may have been
     * put there meanwhile). Problems are added to {@code failure} rather than hiding it.
     */
    synchronized void undo(Throwable failure) {
        UNFINISHED.remove(this);
        undone = true;
        while (!created.isEmpty()) {
            Path p = created.pop();
            try {
                if (!Files.isDirectory(p) || isEmpty(p)) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
