package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.ndarray.DType;
import dev.brine.safetensors.SafeTensors;
import dev.brine.safetensors.SafeTensorsFile;
import dev.brine.safetensors.SafeTensorsOptions;
import dev.brine.safetensors.TensorInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** One line of the listing. */
    private record Row(String name, String dtype, String shape, long bytes, String storage) {
    }

    @Override
    public Integer call() throws Exception {
        Loaded loaded;
        // opened here, not by Loaded: a pipe's bytes (its copy) are read a second time below for a header listing
        try (InputFile input = InputFile.open(file)) {
            try {
                loaded = Loaded.open(input, streams.memo, false).warn(spec.commandLine().getErr());
            } catch (BrineException e) {
                if (!isUnreadableTensor(e, input.path())) {
                    throw e;
                }
                // a safetensors file with a tensor of a type Brine has no array for (the 4- and 6-bit floats): its
                // header still says what every tensor is, so the listing is made from it
                print(input.read(() -> safetensorsHeader(input.path())));
                return 0;
            }
        }
        loaded.warnOutsideStateDict(spec.commandLine().getErr());
        List<Row> rows = new ArrayList<>();
        for (Loaded.Member m : loaded.members()) {
            rows.add(new Row(m.name(), m.dtype() == null ? "-" : m.dtype().name(),
                    m.shape() == null ? "-" : Values.shape(m.shape()), m.bytes(), m.storage()));
        }
        print(rows);
        return 0;
    }

    private void print(List<Row> rows) {
        PrintWriter out = spec.commandLine().getOut();
        // the name column is as wide as the longest name, from 24 up to 60 characters, so that the columns stay
        // in line for a file of long dotted names (a pandas frame's blocks); a longer name pushes its own row only
        int width = 24;
        for (Row r : rows) {
            width = Math.max(width, Math.min(60, ErrorReporter.escaped(r.name()).length()));
        }
        String format = "%-" + width + "s %-15s %-16s %10s  %s%n";
        for (Row r : rows) {
            // 15 columns hold the longest dtype names (float8_e4m3fnuz, datetime64[ns]) so the columns stay aligned
            // a member's or key's name comes from the file (the storage column names an archive's member too):
            // escaped, so it cannot drive the terminal nor split a row
            out.printf(format, ErrorReporter.escaped(r.name()), r.dtype(), r.shape(), Sizes.human(r.bytes()),
                    ErrorReporter.escaped(r.storage()));
        }
        if (rows.isEmpty()) {
            out.println("(no arrays)");
        }
        out.flush();
    }

    /**
     * Whether reading the file failed only because a safetensors tensor has no array type; {@code readable} is the
     * file, or the copy of a pipe's bytes.
     */
    private static boolean isUnreadableTensor(BrineException e, Path readable) throws IOException {
        return String.valueOf(e.getMessage()).contains(", which has no NDArray type in Brine")
                && Formats.detect(readable) == Formats.SAFETENSORS;
    }

    /**
     * Every tensor of the safetensors file, as its header gives it: a type with an array form by the array's
     * dtype name, as the other listings, one without by its safetensors name ({@code F4}), with a warning that
     * the verbs that read arrays refuse it.
     */
    private List<Row> safetensorsHeader(Path readable) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (SafeTensorsFile f = SafeTensors.open(readable, SafeTensorsOptions.builder().mmap(true).build())) {
            for (String name : f.names()) {
                TensorInfo t = f.info(name);
                DType type = t.dtype().arrayType();
                if (type == null) {
                    ErrorReporter.warn(spec.commandLine().getErr(), file + ": tensor '" + name + "' is " + t.dtype()
                            + ", which brine cannot read as an array: show, extract, verify and convert refuse the file");
                }
                rows.add(new Row(name, type == null ? t.dtype().toString() : type.name(), Values.shape(t.shape()),
                        t.byteLength(), "safetensors"));
            }
        }
        spec.commandLine().getErr().flush();
        return rows;
    }
}
