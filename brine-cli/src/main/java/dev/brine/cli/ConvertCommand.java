package dev.brine.cli;

import dev.brine.io.AtomicFiles;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Pickler;
import dev.brine.pickle.PicklerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brine convert IN OUT}: every object of IN written to OUT, the format chosen by OUT's extension. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert between formats (by extension): pickle, .npy, .npz, archive .zip.")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "The file to read.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The file to write (replaced atomically).")
    Path out;

    @Option(names = "--protocol", defaultValue = "5", description = "Pickle protocol to write, 0-5 (default ${DEFAULT-VALUE}).")
    int protocol;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (protocol < 0 || protocol > Pickle.HIGHEST_PROTOCOL) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--protocol must be 0 to 5");
        }
        List<Object> objects = Inputs.loadAll(in);
        PicklerOptions options = PicklerOptions.DEFAULT.withProtocol(protocol);
        AtomicFiles.write(out, stream -> {
            for (Object o : objects) {
                new Pickler(stream, options).dump(o);
            }
        });
        return 0;
    }
}
