package dev.brine.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Named by hostile pickles as the global {@code dev.brine.hostile.Canary}. If a reader ever loaded
 * or initialised a class because a file named it, this static initialiser would leave a trace.
 * No test refers to this class except by name.
 */
public final class Canary {
    /** The file the initialiser creates. */
    public static final String MARKER = System.getProperty("java.io.tmpdir") + "/brine-canary-initialised";

    static {
        System.setProperty("brine.canary", "initialised");
        try {
            Files.writeString(Path.of(MARKER), "Canary's static initialiser ran");
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private Canary() {
    }

    /** What a pickle would call. */
    public static void sing() {
        System.setProperty("brine.canary", "called");
    }
}
