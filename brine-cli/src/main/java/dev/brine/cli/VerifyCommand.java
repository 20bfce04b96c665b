package dev.brine.cli;

import dev.brine.Limits;
import dev.brine.npy.ZipReader;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.UnpicklerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code brine verify FILE}: reads everything once — structure, CRCs, limits — keeping nothing,
 * and reports the first problem with exit status 1.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = BrineVersion.class,
        description = "Check a file's structure, checksums and limits without keeping its data.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file to check: a pickle, .npy, .npz, model archive, torch checkpoint (.pt) or .safetensors file, told apart by content; - reads standard input.")
    Path file;

    @Mixin
    StreamMemoOption streams;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (InputFile input = InputFile.open(file)) { // a pipe's bytes are read from a copy
            return input.read(() -> verify(input.path()));
        }
    }

    private Integer verify(Path source) throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        Formats format = Formats.detect(source);
        long count = 0;
        PickleFile.Trailing trailing = null;
        ObjectArrays objects = new ObjectArrays();
        List<String> warnings = new ArrayList<>();
        try {
            switch (format) {
                case PICKLE -> {
                    // as repeated pickle.load reads pickle.dump's pickles, or one Unpickler one Pickler's dumps
                    // each pickle's inert names, kept (not the pickle) with where they are: [i] when there are several
                    Map<String, String> names = new TreeMap<>();
                    java.util.Set<String> called = new java.util.HashSet<>();
                    long[] index = {0};
                    long[] persistentIds = {0};
                    UnpicklerOptions viewing = streams.memo ? Loaded.VIEWING_ONE_MEMO : Loaded.VIEWING;
                    UnpicklerOptions counting = viewing.toBuilder().persistentLoader(pid -> {
                        persistentIds[0]++;
                        return viewing.persistentLoader().load(pid);
                    }).build();
                    PickleFile.Result read = PickleFile.readMarkingInert(source, counting, (value, namesInert) -> {
                                String at = "[" + index[0]++ + "]";
                                if (namesInert) { // else walking it finds nothing: a file of millions of objects need not
                                    InertNames.in(value, called).forEach((name, where) -> names.putIfAbsent(name, at + where));
                                }
                            });
                    count = read.count();
                    trailing = read.trailing();
                    if (count == 0) {
                        throw Loaded.emptyPickle(source); // as show says: an empty file is not a valid pickle
                    }
                    if (count == 1) {
                        names.replaceAll((name, where) -> where.substring("[0]".length()));
                    }
                    String warning = InertNames.warning("its pickle", names, called, read.inertGlobals(), Formats.PICKLE);
                    if (warning != null) {
                        warnings.add(warning);
                    }
                    if (persistentIds[0] > 0) {
                        warnings.add(persistentIdWarning(persistentIds[0]));
                    }
                }
                case NPY -> {
                    if (Npy.readHeader(source).holdsObjects()) {
                        objects.check(name(file), Npy.readObjectArray(source, Loaded.VIEWING));
                    } else {
                        Npy.map(source, false, Limits.DEFAULT); // the header and the size: all an NPY file can be checked for
                    }
                    count = 1;
                }
                case NPZ -> {
                    try (NpzFile z = Npz.open(source, Loaded.LIMITS)) {
                        Progress progress = Progress.start(spec.commandLine().getErr(), "verify", z.names().size());
                        for (String key : z.memberKeys()) { // each member once, a.npy and a alike
                            // inflates, checks the CRC and the NPY header, then drops the data; an object array's
                            // pickle is read as the CLI reads every pickle, inert
                            objects.check(key, z.get(key, Loaded.VIEWING));
                            count++;
                            progress.step();
                        }
                        progress.done();
                    }
                }
                default -> { // archives, torch, safetensors: every member read
                    Loaded loaded = Loaded.open(source, false);
                    if (format == Formats.TORCH) {
                        checkRecordCrcs(source);
                    }
                    count = loaded.members().size();
                    warnings.addAll(loaded.readWarnings());
                }
            }
        } catch (dev.brine.BrineException e) {
            throw e.getMessage().contains(source.toString()) ? e : e.withContext(source.toString());
        }
        out.println(file + ": ok (" + format.name().toLowerCase() + ", " + count + (count == 1 ? " item" : " items")
                + objects.summary() + ")");
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        if (trailing != null) {
            trailing.warn(file, err); // CPython reads the file: a warning, not a failure
        }
        warnings.addAll(objects.warnings);
        for (String warning : warnings) {
            ErrorReporter.warn(err, file + ": " + warning); // Brine ran nothing: a warning, and status 0
        }
        err.flush();
        return 0;
    }

    /**
     * Persistent ids (PERSID, BINPERSID: what a Pickler's {@code persistent_id} wrote) are read here as themselves, but
     * {@code pickle.load} refuses the file ("no persistent_load function was specified"): only an Unpickler whose
     * {@code persistent_load} resolves them reads it, so an unqualified "ok" would promise too much.
     */
    static String persistentIdWarning(long count) {
        return "its pickle holds " + count + (count == 1 ? " persistent id" : " persistent ids") + " (shown as"
                + " persistent_load(...)); pickle.load refuses it: Python reads it only with an Unpickler whose"
                + " persistent_load resolves them";
    }

    private static String name(Path npy) {
        return npy.getFileName().toString().replaceFirst("\\.npy$", "");
    }

    /**
     * The object arrays met (an .npy or .npz holds them as pickles, which numpy runs only with
     * {@code allow_pickle=True}): verify says which they are, and warns of those whose pickle names
     * classes or functions Brine kept inert, which numpy would import and call on loading them.
     */
    private static final class ObjectArrays {
        final List<String> names = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        void check(String member, Object value) {
            if (!(value instanceof ObjectArray)) {
                return;
            }
            names.add(ErrorReporter.escaped(member)); // a name from the file: it must not drive the terminal
            java.util.Set<String> called = new java.util.HashSet<>();
            String warning = InertNames.warning("member " + member + ": its pickle", InertNames.in(value, called), called,
                    null, Formats.NPY);
            if (warning != null) {
                warnings.add(warning);
            }
        }

        String summary() {
            return names.isEmpty() ? "" : "; object arrays, their pickles read without running anything: " + String.join(", ", names);
        }
    }

    /**
     * The other verbs map a ZIP checkpoint's storage records, which reads no CRC; verify reads every member through
     * once to check them (torch's rule: a member recording CRC 0 is unchecked, see ZipReader.CrcCheck), in constant
     * memory, so a checkpoint of any size verifies. A legacy (pre-ZIP) checkpoint has no CRCs.
     */
    private static void checkRecordCrcs(Path file) throws java.io.IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4 || head[0] != 'P' || head[1] != 'K') {
                return;
            }
        }
        try (ZipReader zip = ZipReader.open(file, Limits.DEFAULT, ZipReader.CrcCheck.UNLESS_ZERO)) {
            for (ZipReader.Entry e : zip.entries()) {
                try (InputStream in = zip.open(e)) {
                    in.transferTo(OutputStream.nullOutputStream()); // the member stream checks size and CRC at its end
                }
            }
        }
    }
}
