package dev.brine.cli;

import dev.brine.py.PythonRepr;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brine show FILE}: every object in the file in a Python-like form, bounded like reprlib. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print every object in a pickle (or archive, npy, npz) in a Python-like form.")
final class ShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file to show.")
    Path file;

    @Mixin
    StreamMemoOption streams;

    @Option(names = "--depth", defaultValue = "8", description = "Nesting levels shown (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--items", defaultValue = "20", description = "Items shown per container (default ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--width", defaultValue = "200", description = "Characters shown per string (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--stats", description = "Add min, max, mean, std and NaN/Inf counts to arrays.")
    boolean stats;

    @Option(names = "--json", description = "Print JSON (one document per object) for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Object> objects = Loaded.open(file, streams.memo).warn(spec.commandLine().getErr()).shown();
        Values values = new Values(stats, 6);
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
}
