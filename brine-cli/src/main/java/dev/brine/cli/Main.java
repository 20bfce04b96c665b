package dev.brine.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code brine} command: look inside pickles, arrays, archives and checkpoints without running
 * anything they name, and convert between formats. Exit status: 0 ok, 1 bad input or failure,
 * 2 usage error.
 */
@Command(name = "brine", mixinStandardHelpOptions = true, versionProvider = BrineVersion.class,
        description = "Python's pickle, NumPy, model archives, torch and safetensors on the JVM.")
public final class Main implements Runnable {
    /** The verbs, in the order {@code --help} lists them. */
    private static final List<Class<?>> VERBS = List.of(DemoCommand.class, ShowCommand.class, DisCommand.class,
            LsCommand.class, ConvertCommand.class, ExtractCommand.class, VerifyCommand.class);

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces for errors.")
    boolean debug;

    @Spec
    CommandSpec spec;

    /**
     * {@code brine} with no verb: a usage error (status 2, the usage on stderr), as an unknown verb is; only
     * {@code --help} and {@code --version}, which picocli answers before this runs, end with status 0.
     */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a verb (brine --help lists them)");
    }

    /**
     * The command line for {@code args}: with only the verb they name when they name one, else with all of them
     * (for {@code --help}, a missing or mistyped verb). picocli reads every verb's annotations when it is added,
     * ~60 ms of a small convert's ~0.47 s (BENCHMARKS.md, "Twenty-eighth session").
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        String verb = firstWord(args);
        boolean named = VERBS.stream().anyMatch(v -> verbName(v).equals(verb));
        for (Class<?> v : VERBS) {
            if (!named || verbName(v).equals(verb)) {
                cl.addSubcommand(v);
            }
        }
        return cl;
    }

    /**
     * The first argument that is not an option ({@code brine --debug show f}: show): the verb, if any. None when an
     * option other than {@code --debug} comes first: {@code brine --help convert} prints the help that lists every verb.
     */
    private static String firstWord(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
            if (!a.equals("--debug")) {
                return null;
            }
        }
        return null;
    }

    private static String verbName(Class<?> verb) {
        return verb.getAnnotation(Command.class).name();
    }

    /** Runs the command line and returns its exit status. */
    public static int execute(String... args) {
        CommandLine cl = commandLine(args);
        ErrorReporter reporter = new ErrorReporter();
        cl.setExecutionExceptionHandler(reporter);
        StandardOutput.reset();
        cl.setOut(StandardOutput.writer()); // one writer for every verb, checked below
        try {
            int status = cl.execute(args);
            // the writer swallowed any failure to write the output: exit 0 would claim it was written
            boolean lost = StandardOutput.lost(cl.getOut());
            return lost && status == 0 ? reporter.outputFailed(cl, StandardOutput.failure()) : status;
        } catch (Error e) {
            // picocli hands a verb's Exceptions to the reporter and lets Errors through (a StackOverflowError of a
            // bug, an OutOfMemoryError of a file too big for the heap): they end as one line and status 1 too
            return reporter.handleError(e, cl);
        }
    }

    /** Entry point. */
    public static void main(String[] args) {
        StandardOutput.install();
        // a process told to stop (SIGTERM: kill, timeout, a service stopping) while it writes leaves no temporary
        // file and none of the files a failed run would have removed (extract's new folders and arrays)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dev.brine.io.AtomicFiles.deleteUnfinished();
            CreatedFiles.undoUnfinished();
        }, "brine cleanup"));
        System.exit(execute(args));
    }
}
