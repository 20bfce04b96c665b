package dev.brine.cli;

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
        String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        if (ex instanceof java.nio.file.NoSuchFileException) {
            message = ex.getMessage() + ": no such file";
        }
        cmd.getErr().println(Colors.red("brine:") + " " + message.replace('\n', ' '));
        if (debug) {
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return 1;
    }
}
