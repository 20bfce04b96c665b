package dev.brine.io;

import dev.brine.BrineException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Files opened for reading by the loaders, a folder refused by name first: the system's own answer, an
 * {@code IOException} "Is a directory" with no name in it, would break the rule that bad input ends in a
 * {@link BrineException} that says what and where (the CLI and the savers refuse a folder the same way).
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** Refuses {@code file} when it is a folder. */
    public static void refuseFolder(Path file) throws BrineException {
        if (Files.isDirectory(file)) {
            throw new BrineException(file + ": is a folder, not a file");
        }
    }

    /** {@code file} opened for positional reads. */
    public static FileChannel channel(Path file) throws IOException {
        refuseFolder(file);
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * {@code file}'s bytes as a stream. A pipe through {@link FileInputStream}: on JDK 17 the stream of
     * {@code Files.newInputStream} answers {@code available()} by seeking, which fails on a pipe ("Illegal
     * seek"), and BufferedInputStream asks it.
     */
    public static InputStream stream(Path file) throws IOException {
        refuseFolder(file);
        return Pipes.isPipe(file) ? new FileInputStream(file.toFile()) : Files.newInputStream(file);
    }
}
