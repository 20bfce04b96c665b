package dev.brine.io;

import dev.brine.BrineException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files that cannot seek: a pipe or FIFO ({@code /dev/stdin} fed by a pipe, bash's {@code <(...)}), or a
 * character device. The loaders that read front to back (pickles, {@code .npy}) read them as streams, as
 * CPython's {@code pickle.load} and numpy's {@code format.read_array} do; those that need random access (a ZIP
 * archive's directory is at its end; safetensors and memory mapping read at offsets) refuse them up front with
 * {@link #refuse}, where the system's own answer ("Illegal seek", or a size of 0 read as a truncated file)
 * would mislead.
 */
public final class Pipes {
    private Pipes() {
    }

    /** Whether {@code file} is on this machine's file system, exists, and is neither a regular file nor a directory. */
    public static boolean isPipe(Path file) {
        return file.getFileSystem() == FileSystems.getDefault() && Files.exists(file) && !Files.isRegularFile(file)
                && !Files.isDirectory(file);
    }

    /**
     * Throws when {@code file} is a pipe (see {@link #isPipe}): {@code what} ("a ZIP archive") is read at
     * offsets, which a pipe cannot do.
     *
     * @throws BrineException naming the file and what it was to be read as
     */
    public static void refuse(Path file, String what) throws BrineException {
        refuse(file, what, "save it to a regular file first");
    }

    /** {@link #refuse(Path, String)} with the advice the message ends with. */
    public static void refuse(Path file, String what, String advice) throws BrineException {
        if (isPipe(file)) {
            throw new BrineException(file + ": a pipe or FIFO cannot be read as " + what + " (read at offsets, which a"
                    + " pipe cannot seek to): " + advice);
        }
    }
}
