package dev.brine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Reading from a named pipe (a FIFO) that another thread writes: a file that cannot seek, as bash's {@code <(...)}. */
public final class Fifos {
    private Fifos() {
    }

    /** What a test reads from the FIFO. */
    public interface Reader<T> {
        T read(Path fifo) throws IOException;
    }

    /**
     * Makes a FIFO in {@code dir}, writes {@code data} into it from another thread, and reads it with {@code reader};
     * when the reader {@code readsAll}, the writer must have written every byte.
     */
    public static <T> T through(Path dir, byte[] data, boolean readsAll, Reader<T> reader) throws Exception {
        Path fifo = dir.resolve("pickles-" + System.nanoTime() + ".fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor(), "mkfifo");
        ExecutorService writer = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "fifo-writer");
            t.setDaemon(true); // a writer still blocked in open or write must not keep the JVM alive
            return t;
        });
        try {
            Future<Path> written = writer.submit(() -> Files.write(fifo, data)); // blocks until the reader opens the FIFO
            T value = reader.read(fifo);
            if (readsAll) {
                written.get(1, TimeUnit.MINUTES);
            }
            return value;
        } finally {
            writer.shutdownNow(); // a reader that stops early (Pickle.load reads one pickle) may leave the writer blocked
        }
    }
}
