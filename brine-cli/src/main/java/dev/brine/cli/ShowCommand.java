package dev.brine.cli;

import dev.brine.py.PythonRepr;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = "--depth", defaultValue = "8", description = "Nesting levels shown (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--items", defaultValue = "20", description = "Items shown per container (default ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--width", defaultValue = "200", description = "Characters shown per string (default ${DEFAULT-VALUE}).")
    int width;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Object> objects = Inputs.loadAll(file);
        PythonRepr repr = new PythonRepr(depth, items, width);
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < objects.size(); i++) {
            if (objects.size() > 1) {
                out.println("# object " + (i + 1) + " of " + objects.size());
            }
            out.println(repr.format(objects.get(i)));
        }
        out.flush();
        return 0;
    }
}
