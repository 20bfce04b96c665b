package dev.brine.hostile;

import dev.brine.BrineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one property every fuzz target checks: whatever the bytes, the reader either returns or
 * throws a {@link BrineException}. Any other exception, an {@link OutOfMemoryError} or a
 * {@link StackOverflowError} escapes the target, and Jazzer reports it (in regression runs, JUnit
 * fails the input).
 *
 * <p>To add a target for a new reader: one class {@code XFuzzTest} in this package with one
 * {@code @FuzzTest void fuzzX(byte[] data)} that calls {@link #loadsOrRefuses}, and seeds in
 * {@code src/test/resources/dev/brine/hostile/XFuzzTestInputs/fuzzX/}; then add it to
 * {@code tools/fuzz.sh}.
 */
final class Fuzzing {
    /** What a target runs on one input. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    private Fuzzing() {
    }

    /** Runs {@code action}; a BrineException is an accepted outcome, anything else escapes. */
    static void loadsOrRefuses(Action action) throws IOException {
        try {
            action.run();
        } catch (BrineException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError("a BrineException without a message", expected);
            }
        }
    }

    /** {@code data} written to a fresh file in the JVM's temp folder (the caller deletes it). */
    static Path tempFile(byte[] data, String suffix) throws IOException {
        Path f = Files.createTempFile("brine-fuzz-", suffix);
        Files.write(f, data);
        return f;
    }
}
