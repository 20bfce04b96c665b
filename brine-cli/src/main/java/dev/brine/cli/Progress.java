package dev.brine.cli;

import java.io.PrintWriter;

/**
 * A progress bar on stderr for work that takes more than a moment, drawn only when stderr is a
 * terminal (never in pipes, files or tests) and only after half a second has passed.
 */
final class Progress {
    private static final long DELAY_NANOS = 500_000_000L;
    private final PrintWriter err;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private final boolean enabled;
    private long done;
    private boolean drawn;

    private Progress(PrintWriter err, String label, long total, boolean enabled) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.enabled = enabled;
    }

    static Progress start(PrintWriter err, String label, long total) {
        return new Progress(err, label, total, System.console() != null && System.getenv("TERM") != null);
    }

    void step() {
        done++;
        if (enabled && System.nanoTime() - start > DELAY_NANOS) {
            int width = 30;
            int filled = total == 0 ? width : (int) (width * Math.min(done, total) / total);
            err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
            err.flush();
            drawn = true;
        }
    }

    void done() {
        if (drawn) {
            err.print("\r" + " ".repeat(label.length() + 50) + "\r");
            err.flush();
        }
    }
}
