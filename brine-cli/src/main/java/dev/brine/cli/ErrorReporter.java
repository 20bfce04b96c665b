package dev.brine.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
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
                : ex.getMessage() == null ? ex.toString() : cliWords(ex.getMessage());
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
        } else if (isMappedFileFault(e)) {
            message = input(parsed) + ": the file was changed or cut short while Brine read it (it is memory-mapped,"
                    + " and part of it is gone); read it again once nothing is writing it";
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
     * The JVM's answer when a memory-mapped file's page is no longer there (the file was truncated while mapped):
     * the SIGBUS numpy dies of, given as an InternalError by the next access to the mapping. The CLI maps only the
     * file it reads, so it is the input.
     */
    private static boolean isMappedFileFault(Error e) {
        return e instanceof InternalError && String.valueOf(e.getMessage()).contains("unsafe memory access");
    }

    /** The verb's FILE (or IN) as given, its first positional parameter. */
    private static String input(ParseResult parsed) {
        ParseResult verb = parsed == null ? null : parsed.subcommand();
        Object file = verb == null ? null : verb.matchedPositionalValue(0, null);
        return file == null ? "the input" : file.toString();
    }

    /**
     * Output the verb printed that could not be written (a full disk, {@code > /dev/full}): status 1, as {@code cat}
     * and Python exit, with the reason when {@link StandardOutput} saw it. A closed pipe ({@code brine show x | head})
     * is the reader's choice to stop reading: status 1 as well, but no line, as {@code cat} dies quietly of SIGPIPE.
     */
    int outputFailed(CommandLine cl, java.io.IOException why) {
        String reason = why == null ? null : why.getMessage();
        if (reason != null && reason.contains("Broken pipe")) {
            return 1;
        }
        java.io.PrintWriter err = cl.getErr();
        err.println(Colors.red("brine:") + " " + oneSafeLine("cannot write standard output"
                + (reason == null ? "" : ": " + reason) + "; what was printed is incomplete"));
        err.flush();
        return 1;
    }

    /**
     * {@code e}, a failure while writing {@code file}, naming it: Java says only "No space left on device" or "File
     * too large" of a full disk or a file size limit. A file system's refusal names its file already, and a format's
     * (a {@link dev.brine.BrineException}) says what in the input or the output it concerns: those are kept.
     */
    static IOException writing(Path file, IOException e) {
        if (e instanceof FileSystemException || e instanceof dev.brine.BrineException) {
            return e;
        }
        String name = file.toString().equals("/dev/stdout") ? "standard output" : file.toString();
        FileSystemException named = new FileSystemException(name, null, "cannot write: " + e.getMessage());
        named.initCause(e);
        return named;
    }

    /**
     * {@code message} with the library's advice to Java callers (call {@code astype}, {@code raw(name)}) replaced
     * by what a command-line user can do: the CLI has no such call, and does not cast arrays.
     */
    static String cliWords(String message) {
        return limitAdvice(message)
                .replaceAll("; convert it first, e\\.g\\. array\\.astype\\(DType\\.[A-Z0-9_]+\\)",
                        "; brine does not cast arrays (brine convert to a .pt file keeps the type)")
                .replace(", which has no NDArray type in Brine; read its bytes with raw(name)",
                        ", which brine cannot read as an array (brine ls lists the file's tensors)");
    }

    private static final java.util.regex.Pattern LIMIT_ADVICE =
            java.util.regex.Pattern.compile("\\(limit (\\w+); raise it in the reader's options if the file is trusted\\)");

    /**
     * A limit's advice in the CLI's words: the library's ("raise it in the reader's options") names options no verb
     * has. The verbs read with the default limits but for the memory ones, which follow the JVM's heap: those say how
     * to give it more; a message that says what to do already (a pipe too big to copy: "save it to a file") keeps
     * only the limit's name.
     */
    static String limitAdvice(String message) {
        java.util.regex.Matcher m = LIMIT_ADVICE.matcher(message);
        if (!m.find()) {
            return message;
        }
        String limit = m.group(1);
        String advice = switch (limit) {
            case "maxTotalAllocation" -> "; the verbs allow half the JVM's heap: give it more with BRINE_JAVA_OPTS=-Xmx...";
            case "maxAllocation" -> message.contains("save it to a file") ? ""
                    : "; the verbs allow the JVM's heap: give it more with BRINE_JAVA_OPTS=-Xmx...";
            default -> ", which brine keeps at its default";
        };
        return message.substring(0, m.start()) + "(limit " + limit + advice + ")" + message.substring(m.end());
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

    /**
     * Escapes what Python's {@code repr} of a str escapes: every character {@code str.isprintable} calls unprintable,
     * which takes in the controls and also the format characters that reorder a terminal line (U+202E, the
     * right-to-left override) and the line and paragraph separators; printable text, non-ASCII letters included,
     * stays as it is.
     */
    private static String escape(String message, boolean breaksAsSpaces) {
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); ) {
            int c = message.codePointAt(i);
            i += Character.charCount(c);
            if (breaksAsSpaces && (c == '\n' || c == '\r')) {
                out.append(' ');
            } else if (breaksAsSpaces && c == '\t') {
                out.append('\t'); // a message's tab is harmless
            } else if (c == '\n' || c == '\r' || c == '\t') {
                out.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
            } else if (!dev.brine.py.Printable.isPrintable(c)) {
                out.append(c <= 0xff ? String.format("\\x%02x", c) : c <= 0xffff ? String.format("\\u%04x", c)
                        : String.format("\\U%08x", c));
            } else {
                out.appendCodePoint(c);
            }
        }
        return out.toString();
    }
}
