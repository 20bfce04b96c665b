package dev.brine.cli;

import dev.brine.py.PythonRepr;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brine show FILE}: every object in the file in a Python-like form, bounded like reprlib. */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = BrineVersion.class,
        description = "Print every object in a file (pickle, .npy, .npz, model archive, .pt, .safetensors) in a Python-like"
                + " form.")
final class ShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file to show: a pickle, .npy, .npz, model archive, torch checkpoint (.pt) or .safetensors file, told apart by content; - reads standard input.")
    Path file;

    @Mixin
    StreamMemoOption streams;

    @Option(names = "--depth", defaultValue = "8", description = "Nesting levels shown, 0 or more (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--items", defaultValue = "20", description = "Items shown per container and values per array, 0 or"
            + " more (default ${DEFAULT-VALUE}; arrays show at most 6 in text).")
    int items;

    @Option(names = "--width", defaultValue = "200", description = "Characters shown per string, 0 or more (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--stats", description = "Add min, max, mean, std and NaN/Inf counts to arrays.")
    boolean stats;

    @Option(names = "--json", description = "Print JSON (one document per object) for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // bounds, not limits to lift: a negative one would mean nothing (and --width=-1 failed inside the repr)
        nonNegative("--depth", depth);
        nonNegative("--items", items);
        nonNegative("--width", width);
        List<Object> objects = Loaded.open(file, streams.memo).warn(spec.commandLine().getErr()).shown();
        Values values = new Values(stats, Math.min(6, items)); // a one-line summary: at most 6 values, --items if fewer
        PythonRepr repr = values.repr(depth, items, width);
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < objects.size(); i++) {
            if (json) {
                out.println(new Json(depth, items, stats).write(objects.get(i)));
                continue;
            }
            if (objects.size() > 1) {
                out.println("# object " + (i + 1) + " of " + objects.size());
            }
            out.println(repr.format(objects.get(i)));
        }
        out.flush();
        return 0;
    }

    /** A usage error (exit status 2) for an option below 0. */
    private void nonNegative(String option, int value) {
        if (value < 0) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + value
                    + " is below 0 (it counts what is shown: 0 shows none)");
        }
    }
}
