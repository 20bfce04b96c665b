package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brine extract FILE -o DIR}: every array as an .npy file; nothing is ever written outside DIR. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Write every array of a file as an .npy file into a folder.")
final class ExtractCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file to read.")
    Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder to write into.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Loaded loaded = Loaded.open(file);
        Files.createDirectories(dir);
        Path root = dir.toAbsolutePath().normalize();
        PrintWriter out = spec.commandLine().getOut();
        Set<String> used = new HashSet<>();
        Progress progress = Progress.start(spec.commandLine().getErr(), "extract", loaded.members().size());
        for (Loaded.Member m : loaded.members()) {
            if (!(m.value() instanceof NDArray)) {
                continue;
            }
            String name = safeName(m.name(), used);
            Path target = root.resolve(name + ".npy").normalize();
            if (!target.startsWith(root) || !target.getParent().equals(root)) {
                throw new BrineException(file + ": member " + m.name() + ": refusing to write outside " + dir);
            }
            Npy.write((NDArray) m.value(), target);
            out.println(target);
            progress.step();
        }
        progress.done();
        out.flush();
        return 0;
    }

    /**
     * A file name for a member: archive names are refused when they try to leave the folder
     * ({@code ..}, absolute paths); paths of arrays inside pickles become plain names.
     */
    static String safeName(String name, Set<String> used) throws BrineException {
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")
                || name.equals("..") || name.contains("../") || name.contains("..\\") || name.endsWith("/..")) {
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
