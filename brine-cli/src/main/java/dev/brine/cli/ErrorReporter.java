package dev.brine.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns any failure of a verb into one line on stderr ({@code brine: model.zip: member W: ...})
 * and exit status 1; the stack trace only with {@code --debug}.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        boolean debug = parsed.hasMatchedOption("--debug")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"));
        String message = ex instanceof FileSystemException ? fileSystem((FileSystemException) ex)
                : ex.getMessage() == null ? ex.toString() : ex.getMessage();
        if (message.contains("(limit maxTotalAllocation;")) {
            // the verbs read with the default limits, whose total follows the heap: the one thing a CLI user can raise
            message += "; the verbs allow half the JVM's heap: give it more with BRINE_JAVA_OPTS=-Xmx...";
        }
        cmd.getErr().println(Colors.red("brine:") + " " + oneSafeLine(message));
        if (debug) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return 1;
    }

    /**
     * An {@link Error} that escaped a verb, as one line and status 1, its stack trace only with {@code --debug}. The
     * verb's stack is unwound by now, so what it held is garbage: after an OutOfMemoryError the line (and the hint to
     * give the JVM more heap) can be printed; the process then exits, as it would have without the handler.
     */
    int handleError(Error e, CommandLine cl) {
        ParseResult parsed = cl.getParseResult();
        boolean debug = parsed != null && (parsed.hasMatchedOption("--debug")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug")));
        String message;
        if (e instanceof OutOfMemoryError) {
            message = "out of memory (" + e.getMessage() + "): the file needs more heap than the JVM has;"
                    + " if you trust it, raise the heap with BRINE_JAVA_OPTS=-Xmx... (a small compressed file that"
                    + " needs this much may be built to exhaust memory)";
        } else if (e instanceof StackOverflowError) {
            message = "internal error: the stack overflowed (a bug in Brine: please report it with the file)";
        } else {
            message = "internal error: " + (e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        java.io.PrintWriter err = cl.getErr();
        err.println(Colors.red("brine:") + " " + oneSafeLine(message));
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /**
     * A file system's refusal as one line naming the file: Java gives some (a file that already exists, a
     * missing one) with no reason, so that the message is the file's name alone ("brine: afile").
     */
    static String fileSystem(FileSystemException e) {
        if (e.getReason() != null) {
            return e.getMessage();
        }
        String why = e instanceof NoSuchFileException ? "no such file"
                : e instanceof FileAlreadyExistsException ? "already exists"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NotDirectoryException ? "not a folder"
                : e instanceof DirectoryNotEmptyException ? "the folder is not empty"
                : e.getClass().getSimpleName();
        return e.getMessage() + ": " + why;
    }

    /** A warning on stderr, {@code brine: warning: } and {@code text} made safe as {@link #oneSafeLine} makes it. */
    static void warn(java.io.PrintWriter err, String text) {
        err.println("brine: warning: " + oneSafeLine(text));
    }

    /**
     * {@code message} on one line that cannot drive the terminal: a message may quote a file's text (a name, a
     * key), so control characters other than line breaks (which become spaces) are written as a backslash, x and two
     * hex digits (u and four past U+00FF), as Python's repr writes them.
     */
    static String oneSafeLine(String message) {
        return escape(message, true);
    }

    /** {@code text} with every control character escaped as Python's repr escapes it, line breaks and tabs too. */
    static String escaped(String text) {
        return escape(text, false);
    }

    private static String escape(String message, boolean breaksAsSpaces) {
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (breaksAsSpaces && (c == '\n' || c == '\r')) {
                out.append(' ');
            } else if (breaksAsSpaces && c == '\t') {
                out.append(c); // a message's tab is harmless
            } else if (c == '\n' || c == '\r' || c == '\t') {
                out.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
