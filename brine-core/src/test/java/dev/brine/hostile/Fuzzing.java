package dev.brine.hostile;

import dev.brine.BrineException;
import dev.brine.archive.SharedVariable;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Storage;
import dev.brine.py.GenericObject;
import dev.brine.py.Tuple;
import dev.brine.torch.TorchStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

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

    /**
     * Walks what a reader returned (maps, collections, tuples, shared variables, generic objects;
     * at most 10,000 values, iteratively) and touches every array and storage met: its repr, and its
     * first and last byte, so that lazily mapped or lazily read data is really accessed. Fails when
     * it meets one of the unpickler's own stand-ins (a name strict reading kept for getattr, the
     * memo's None), which must never reach a result.
     */
    static void touchAll(Object loaded) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(loaded == null ? "" : loaded);
        int budget = 10_000;
        while (!todo.isEmpty() && budget-- > 0) {
            Object v = todo.pop();
            if (!seen.add(v)) {
                continue;
            }
            if (v.getClass().getName().startsWith("dev.brine.pickle.Unpickler$")) {
                throw new AssertionError("the unpickler's " + v.getClass().getSimpleName() + " escaped into a result");
            }
            if (v instanceof NDArray) {
                NDArray a = (NDArray) v;
                a.toString();
                touch(a.storage());
            } else if (v instanceof TorchStorage) {
                touch(((TorchStorage) v).bytes());
            } else if (v instanceof Map) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    push(todo, e.getKey());
                    push(todo, e.getValue());
                }
            } else if (v instanceof Collection) {
                for (Object o : (Collection<?>) v) {
                    push(todo, o);
                }
            } else if (v instanceof Tuple) {
                for (Object o : (Tuple) v) {
                    push(todo, o);
                }
            } else if (v instanceof SharedVariable) {
                push(todo, ((SharedVariable) v).getValue());
            } else if (v instanceof GenericObject) {
                GenericObject g = (GenericObject) v;
                push(todo, g.args());
                push(todo, g.state());
                push(todo, g.listItems());
                push(todo, g.dictItems());
            }
        }
    }

    private static void push(Deque<Object> todo, Object o) {
        if (o != null) {
            todo.push(o);
        }
    }

    /** Reads the first and last byte of {@code s}. */
    static void touch(Storage s) {
        if (s.size() > 0) {
            s.getByte(0);
            s.getByte(s.size() - 1);
        }
    }
}
