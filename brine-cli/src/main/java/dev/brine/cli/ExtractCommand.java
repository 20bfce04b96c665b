package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.numpy.ObjectArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code brine extract FILE -o DIR}: every array of numbers as an .npy file (object arrays are named
 * on stderr and skipped); nothing is ever written outside DIR.
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Write every array of a file as an .npy file into a folder.")
final class ExtractCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file to read.")
    Path file;

    @Mixin
    StreamMemoOption streams;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder to write into.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Loaded loaded = Loaded.open(file, streams.memo).warn(spec.commandLine().getErr());
        Path root = dir.toAbsolutePath().normalize();
        Map<Path, NDArray> plan = plan(loaded, root);
        warnObjectArrays(loaded);
        // everything that can be refused was refused above; what fails now (the disk) is undone
        CreatedFiles created = new CreatedFiles();
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.start(spec.commandLine().getErr(), "extract", plan.size());
        try {
            created.createDirectories(dir);
            for (Map.Entry<Path, NDArray> e : plan.entrySet()) {
                created.willWrite(e.getKey());
                Npy.write(e.getValue(), e.getKey());
                out.println(e.getKey());
                progress.step();
            }
        } catch (IOException | RuntimeException e) {
            created.undo(e);
            throw e;
        }
        progress.done();
        out.flush();
        return 0;
    }

    /**
     * Where each array goes, checked before anything is written: a name that would leave the folder,
     * or an array NPY cannot hold (bfloat16, the 8-bit floats, complex32), stops the run with nothing written.
     */
    private Map<Path, NDArray> plan(Loaded loaded, Path root) throws BrineException {
        Map<Path, NDArray> plan = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Loaded.Member m : loaded.members()) {
            if (!(m.value() instanceof NDArray)) {
                continue;
            }
            // an .npz member reached by its full name (a.npy, beside a raw member a) is still the file a.npy
            String name = safeName(m.name().endsWith(".npy") ? m.name().substring(0, m.name().length() - 4) : m.name(), used);
            Path target = root.resolve(name + ".npy").normalize();
            if (!target.startsWith(root) || !target.getParent().equals(root)) {
                throw new BrineException(file + ": member " + m.name() + ": refusing to write outside " + dir);
            }
            try {
                Npy.header((NDArray) m.value(), null);
            } catch (BrineException e) {
                throw new BrineException(file + ": member " + m.name() + ": " + e.getMessage()
                        + "; nothing was extracted", e);
            }
            plan.put(target, (NDArray) m.value());
        }
        return plan;
    }

    /**
     * Object arrays are not extracted, as nothing but numbers is (raw bytes in an .npz, the values
     * around a pickle's arrays): an .npy holds them only as a pickle, which Brine does not write and a
     * reader of arrays would refuse. Unlike those, an object array is listed by {@code ls} as an array,
     * so its absence is said.
     */
    private void warnObjectArrays(Loaded loaded) {
        List<String> skipped = new ArrayList<>();
        for (Loaded.Member m : loaded.members()) {
            if (m.value() instanceof ObjectArray) {
                skipped.add(m.name());
            }
        }
        if (!skipped.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            ErrorReporter.warn(err, file + ": not extracted: " + String.join(", ", skipped) + " (object arrays:"
                    + " their items are Python objects, not numbers; brine show prints them)");
            err.flush();
        }
    }

    /**
     * A file name for a member: archive names are refused when they try to leave the folder
     * ({@code ../x}, absolute paths); paths of arrays inside pickles become plain names. A name that is
     * just {@code ..} (numpy saves the key {@code '..'} as the member {@code ...npy}) leaves nothing:
     * it becomes a plain file name like any other.
     */
    static String safeName(String name, Set<String> used) throws BrineException {
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")
                || name.contains("../") || name.contains("..\\") || name.endsWith("/..")) {
            throw new BrineException("member " + name + ": unsafe name (absolute or with '..'), refused");
        }
        String base = name.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        if (base.isEmpty() || base.startsWith(".")) {
            base = "array" + base;
        }
        String candidate = base;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = base + "_" + i;
        }
        return candidate;
    }
}
