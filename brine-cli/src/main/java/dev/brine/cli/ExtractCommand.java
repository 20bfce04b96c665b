package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.io.AtomicFiles;
import dev.brine.npy.Npy;
import dev.brine.numpy.ObjectArray;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
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
 * {@code brine extract FILE -o DIR}: every array as an .npy file, as {@code np.save} writes it (an object
 * array's items as a pickle after the header, which {@code np.load(..., allow_pickle=True)} reads); nothing is
 * ever written outside DIR.
 */
@Command(name = "extract", mixinStandardHelpOptions = true, versionProvider = BrineVersion.class,
        description = "Write every array of a file as an .npy file into a folder.")
final class ExtractCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file to read: a pickle, .npy, .npz, model archive, torch checkpoint (.pt) or .safetensors file, told apart by content; - reads standard input.")
    Path file;

    @Mixin
    StreamMemoOption streams;

    @Mixin
    NumpyNamesOption numpyNames;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder to write into.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (numpyNames.invalid() != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), numpyNames.invalid());
        }
        Loaded loaded = Loaded.open(file, streams.memo).warn(spec.commandLine().getErr());
        Path root = resolvedFolder(dir);
        Map<Path, Object> plan = plan(loaded, root);
        loaded.warnOutsideStateDict(spec.commandLine().getErr());
        if (plan.isEmpty()) {
            // an exit status of 0 with no file and no word would read as success
            ErrorReporter.warn(spec.commandLine().getErr(), file + ": nothing extracted: it holds no array"
                    + " (brine show prints what it holds)");
            spec.commandLine().getErr().flush();
        }
        // everything that can be refused was refused above; what fails now (the disk) is undone
        CreatedFiles created = new CreatedFiles();
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.start(spec.commandLine().getErr(), "extract", plan.size());
        List<Path> written = new ArrayList<>();
        try {
            created.createDirectories(root);
            for (Map.Entry<Path, Object> e : plan.entrySet()) {
                created.willWrite(e.getKey()); // checked when planned; checked again, as something may have come since
                write(e.getKey(), e.getValue());
                written.add(e.getKey());
                progress.step();
            }
        } catch (IOException | RuntimeException e) {
            created.undo(e);
            // the files listed are those on disk as written: not the new ones the undo took away, but the user's
            // own ones replaced before the failure, which stay replaced
            written.stream().filter(Files::exists).forEach(out::println);
            out.flush();
            throw e;
        }
        created.keep();
        progress.done();
        written.forEach(out::println);
        out.flush();
        return 0;
    }

    /**
     * {@code dir} as the system resolves it, its links before its {@code ..} ({@code mkdir -p LINK/..} and Python's
     * {@code open('LINK/../a.npy')} reach the folder above LINK's target): the part that exists by its real path, the
     * rest (folders to create, which hold no links) normalized as text. Normalizing the whole text took {@code LINK/..}
     * to the folder holding LINK.
     */
    private static Path resolvedFolder(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? absolute.normalize() : existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
    }

    /**
     * Writes {@code value} to {@code target} as np.save does; a failure (a full disk) names the file. The file is
     * renamed into place over whatever has its name by then, never written through it: a link made in the folder
     * since {@link #plan} checked it is replaced, not followed.
     */
    private void write(Path target, Object value) throws IOException {
        try {
            AtomicFiles.writeChannelReplacingName(target, ch -> {
                if (value instanceof ObjectArray) {
                    OutputStream stream = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                    Npy.write((ObjectArray) value, stream, numpyNames.objectArrays());
                    stream.flush();
                } else {
                    Npy.write((NDArray) value, ch);
                }
            });
        } catch (IOException e) {
            throw ErrorReporter.writing(target, e);
        }
    }

    /**
     * Where each array goes, checked before anything is written: an array NPY cannot hold (bfloat16, the
     * 8-bit floats, complex32) stops the run with nothing written, and so would a target outside the folder,
     * which {@link #fileStem} never makes (checked all the same, as the last guard before writing), and a link,
     * FIFO or folder at a target (a refusal halfway would leave the user's files before it replaced).
     */
    private Map<Path, Object> plan(Loaded loaded, Path root) throws IOException {
        Map<Path, Object> plan = new LinkedHashMap<>();
        List<Loaded.Member> arrays = new ArrayList<>();
        List<String> stems = new ArrayList<>();
        for (Loaded.Member m : loaded.members()) {
            if (m.value() instanceof NDArray || m.value() instanceof ObjectArray) {
                arrays.add(m);
                // an .npz member reached by its full name (a.npy, beside a raw member a) is still the file a.npy
                stems.add(fileStem(m.name().endsWith(".npy") ? m.name().substring(0, m.name().length() - 4) : m.name()));
            }
        }
        List<String> names = fileNames(stems);
        for (int i = 0; i < arrays.size(); i++) {
            Loaded.Member m = arrays.get(i);
            Path target = root.resolve(names.get(i) + ".npy").normalize();
            if (!target.startsWith(root) || !target.getParent().equals(root)) {
                throw new BrineException(file + ": member " + m.name() + ": refusing to write outside " + dir);
            }
            CreatedFiles.checkWritable(target); // before anything is written: see there
            if (m.value() instanceof NDArray && m.dtype().isBrineOnly()) { // said as convert says it
                throw new BrineException(Conversions.cannotHold(file, m.name(), m.dtype(), Formats.NPY).getMessage()
                        + "; nothing was extracted");
            }
            try {
                if (m.value() instanceof NDArray) { // an object array's dtype is numpy's own: NPY says any
                    Npy.header((NDArray) m.value(), null);
                }
            } catch (BrineException e) {
                throw new BrineException(file + ": " + kind(loaded) + " " + m.name() + ": " + e.getMessage()
                        + "; nothing was extracted", e);
            }
            plan.put(target, m.value());
        }
        return plan;
    }

    /** What the file calls an array: an .npz's member, a checkpoint's tensor, a pickle's array (a dict's value). */
    private static String kind(Loaded loaded) {
        return loaded.format == Formats.NPZ ? "member"
                : loaded.format == Formats.TORCH || loaded.format == Formats.SAFETENSORS ? "tensor" : "array";
    }

    /**
     * The longest file name stem written: with {@code _NNN} for a repeat, {@code .npy} and the atomic
     * save's temporary {@code .<name>.npy.<random>.tmp}, it stays under the 255 bytes file systems allow.
     */
    static final int MAX_STEM = 200;

    /**
     * A flat file name stem inside DIR for an array, whatever its name: every run of characters but letters,
     * digits, '.', '_' and '-' becomes one '_', or nothing at either end (the tensor {@code enc/layer_0/kernel} is
     * {@code enc_layer_0_kernel}, {@code w:0} is {@code w_0}, {@code /w} is {@code w}, {@code coef_} stays {@code coef_}, a pickle's
     * {@code enc.layers.0} stays {@code enc.layers.0}: ArrayNames' names), so no name holds a separator or a drive letter, and one that is
     * empty or begins with '.' ({@code ''}, {@code .}, {@code ..}, {@code .hidden}) gets {@code array} before it: no name
     * can leave the folder. (ZIP members whose names try to were refused when the file was read.) Long names
     * are cut at {@link #MAX_STEM} characters.
     */
    static String fileStem(String name) {
        // separators at either end go (/w is w), a name's own underscores stay (sklearn's coef_ is coef_)
        String base = name.replaceAll("^[^A-Za-z0-9._-]+|[^A-Za-z0-9._-]+$", "").replaceAll("[^A-Za-z0-9._-]+", "_");
        if (base.isEmpty() || base.startsWith(".")) {
            base = "array" + base;
        }
        return base.length() > MAX_STEM ? base.substring(0, MAX_STEM) : base;
    }

    /**
     * The file names of arrays whose {@link #fileStem}s are {@code stems}, in file order. Two stems that are one file
     * name ignoring case ({@code w:0} and {@code w_0}; {@code W} and {@code w}, one file on macOS and Windows) are both
     * written: the first keeps it, the later ones get {@code _2}, {@code _3}, ..., skipping every stem an array has
     * as its own, so that a suffixed name never takes another array's file ({@code W}, {@code w}, {@code w_2} are
     * {@code W}, {@code w_3}, {@code w_2}: {@code w_2.npy} holds the array {@code w_2}). Nothing is overwritten, and
     * the names are the same on every system.
     */
    static List<String> fileNames(List<String> stems) {
        Set<String> own = new HashSet<>();
        for (String stem : stems) {
            own.add(stem.toLowerCase(Locale.ROOT));
        }
        Set<String> used = new HashSet<>();
        List<String> names = new ArrayList<>(stems.size());
        for (String stem : stems) {
            String candidate = stem;
            int i = 2;
            while (!used.add(candidate.toLowerCase(Locale.ROOT))) {
                do { // taken: the next suffix that is no array's own stem
                    candidate = stem + "_" + i++;
                } while (own.contains(candidate.toLowerCase(Locale.ROOT)));
            }
            names.add(candidate);
        }
        return names;
    }
}
