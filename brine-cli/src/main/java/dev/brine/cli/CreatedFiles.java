package dev.brine.cli;

import java.io.IOException;
import java.nio.file.Files;
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

    /** Creates {@code dir} and any missing parents, recording the ones that were missing. */
    void createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p); // outermost first
        }
        Files.createDirectories(dir);
        for (Path p : missing) {
            created.push(p);
        }
    }

    /** Records {@code file} as about to be written, unless it exists already (then it is not ours to delete). */
    void willWrite(Path file) {
        if (!Files.exists(file)) {
            created.push(file);
        }
    }

    /**
     * Deletes what was recorded, newest first; a folder only when empty (something else may have been
     * put there meanwhile). Problems are added to {@code failure} rather than hiding it.
     */
    void undo(Throwable failure) {
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
