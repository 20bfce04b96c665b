package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.io.Pipes;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file a verb reads, as its readers need it: a file they can open more than once and seek in. A
 * regular file is read where it is. A pipe, a FIFO or a device ({@code cat f | brine show /dev/stdin},
 * {@code brine ls <(curl ...)}) gives its bytes only once, from the start, while a verb reads the start to
 * tell the format and then reads the file again, seeking: so its bytes are copied, once, into a private
 * temporary file that the readers use and that {@link #close} deletes. The copy is bounded by
 * {@link Limits#maxAllocation()}, as holding the bytes in memory would be. Messages name the file as given.
 */
final class InputFile implements Closeable {
    /** A reading of the file, which may fail with messages that name the copy. */
    @FunctionalInterface
    interface Reading<T> {
        T read() throws IOException;
    }

    private final Path given;
    private final Path copy; // null for a regular file

    private InputFile(Path given, Path copy) {
        this.given = given;
        this.copy = copy;
    }

    /** {@code given} ready to be read; a folder is refused, naming it. */
    static InputFile open(Path given) throws IOException {
        return open(given, Limits.DEFAULT.maxAllocation());
    }

    /**
     * {@link #open(Path)}, copying at most {@code limit} bytes of a pipe. {@code -} is standard input, as for many
     * tools ({@code curl ... | brine show -}); a file named {@code -} is given as {@code ./-}.
     */
    static InputFile open(Path given, long limit) throws IOException {
        if (isStandardInput(given)) {
            return new InputFile(given, copyOf(System.in, "input", limit, "standard input"));
        }
        if (Files.isDirectory(given)) {
            // reading one fails with the system's bare "Is a directory", which names nothing
            throw new FileSystemException(given.toString(), null, "is a folder, not a file");
        }
        if (!Pipes.isPipe(given)) {
            return new InputFile(given, null); // a missing file is said to be missing by whoever opens it
        }
        Path name = given.getFileName();
        try (InputStream in = Files.newInputStream(given)) {
            return new InputFile(given, copyOf(in, name == null ? "input" : name.toString(), limit, given.toString()));
        }
    }

    /** True for {@code -}, which names standard input. */
    static boolean isStandardInput(Path given) {
        return given.toString().equals("-");
    }

    /** The file as the verb was given it. */
    Path given() {
        return given;
    }

    /** Where the readers read the file: the file itself, or the copy of a pipe's bytes. */
    Path path() {
        return copy != null ? copy : given;
    }

    /** Runs {@code reading}; a refusal that names the copy names the file as given instead. */
    <T> T read(Reading<T> reading) throws IOException {
        try {
            return reading.read();
        } catch (BrineException e) {
            if (copy == null || e.getMessage() == null || !e.getMessage().contains(copy.toString())) {
                throw e;
            }
            throw new BrineException(e.getMessage().replace(copy.toString(), given.toString()), e);
        }
    }

    /** Deletes the copy, if one was made (arrays mapped from it stay readable: the system keeps its pages). */
    @Override
    public void close() throws IOException {
        if (copy != null) {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(copy.getParent());
        }
    }

    /**
     * Copies what {@code in} gives (left open: standard input is not this class's to close), at most {@code limit}
     * bytes, into a new file {@code name} in a folder only this user can enter, removed when the JVM exits if the
     * verb could not remove it; {@code source} names the input in messages.
     */
    private static Path copyOf(InputStream in, String name, long limit, String source) throws IOException {
        Path folder = Files.createTempDirectory("brine-input");
        Path copy = folder.resolve(name);
        folder.toFile().deleteOnExit();
        copy.toFile().deleteOnExit(); // registered after the folder, so deleted before it
        boolean done = false;
        try (OutputStream out = Files.newOutputStream(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > limit) {
                    throw new LimitExceededException("maxAllocation", source + ": not a regular file (a pipe or a"
                            + " device), and it holds more than " + limit + " bytes, more than Brine copies to read"
                            + " it; save it to a file and give that");
                }
                out.write(buffer, 0, n);
            }
            done = true;
            return copy;
        } finally {
            if (!done) {
                Files.deleteIfExists(copy);
                Files.deleteIfExists(folder);
            }
        }
    }
}
