package dev.brine.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brine ls FILE}: one line per array or member: name, dtype, shape, size, storage. */
@Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = BrineVersion.class,
        description = "List the arrays or members of a file: name, dtype, shape, size, compression.")
final class LsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file to list: a pickle, .npy, .npz, model archive, torch checkpoint (.pt) or .safetensors file, told apart by content; - reads standard input.")
    Path file;

    @Mixin
    StreamMemoOption streams;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Loaded loaded = Loaded.open(file, streams.memo).warn(spec.commandLine().getErr());
        loaded.warnOutsideStateDict(spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        // the name column is as wide as the longest name, from 24 up to 60 characters, so that the columns stay
        // in line for a file of long dotted names (a pandas frame's blocks); a longer name pushes its own row only
        int width = 24;
        for (Loaded.Member m : loaded.members()) {
            width = Math.max(width, Math.min(60, ErrorReporter.escaped(m.name()).length()));
        }
        String row = "%-" + width + "s %-15s %-16s %10s  %s%n";
        for (Loaded.Member m : loaded.members()) {
            String dtype = m.dtype() == null ? "-" : m.dtype().name();
            String shape = m.shape() == null ? "-" : Values.shape(m.shape());
            // 15 columns hold the longest dtype names (float8_e4m3fnuz, datetime64[ns]) so the columns stay aligned
            // a member's or key's name comes from the file: escaped, so it cannot drive the terminal
            out.printf(row, ErrorReporter.escaped(m.name()), dtype, shape,
                    Sizes.human(m.bytes()), m.storage());
        }
        if (loaded.members().isEmpty()) {
            out.println("(no arrays)");
        }
        out.flush();
        return 0;
    }
}
