package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ModelArchive;
import dev.brine.io.AtomicFiles;
import dev.brine.mapping.ClassRegistry;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.safetensors.SafeTensors;
import dev.brine.torch.TorchCheckpoint;
import dev.brine.torch.TorchOptions;
import java.io.PrintWriter;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Pickler;
import dev.brine.pickle.PicklerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brine convert IN OUT}: every object of IN written to OUT, the format chosen by OUT's extension. */
@Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = BrineVersion.class,
        description = "Convert between formats (by extension): pickle, .npy, .npz, archive .zip, .pt/.pth, .safetensors.")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "The file to read: a pickle, .npy, .npz, model archive,"
            + " torch checkpoint or .safetensors file, told apart by content; - reads standard input.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The file to write (replaced atomically); - writes a"
            + " pickle to standard output (./- for a file of that name).")
    Path out;

    @Mixin
    StreamMemoOption streams;

    @Option(names = "--protocol", defaultValue = "5", description = "Pickle protocol to write, 0-5 (default ${DEFAULT-VALUE}).")
    int protocol;

    @Option(names = "--compressed", description = "Deflate the members of an .npz output (savez_compressed); .npz only.")
    boolean compressed;

    @Option(names = "--stored", description = "Store (not deflate) an archive's members, 64-byte aligned for mapping;"
            + " archive (.zip) only.")
    boolean stored;

    @Mixin
    NumpyNamesOption numpyNames;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try {
            return convert();
        } catch (BrineException e) {
            // a writer's refusal ("cannot write safetensors: tensor 'c16' is complex128 ...") knows no file
            String m = String.valueOf(e.getMessage());
            // (a message that names a file begins with it: a short name such as 'x' may occur in any message)
            throw m.startsWith(in + ":") || m.startsWith(out + ":") ? e : e.withContext(in.toString());
        }
    }

    /**
     * An output named as a compressed file ({@code x.pkl.gz}, {@code x.npz.zst}) is a usage error: Brine writes no
     * compression, and a plain pickle under that name fails in {@code gunzip} and in {@code pandas.read_pickle}, which
     * go by the suffix.
     */
    private void refuseCompressedName(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        for (dev.brine.io.CompressedFormat f : dev.brine.io.CompressedFormat.values()) {
            if (f.suffix() != null && name.endsWith(f.suffix())) {
                String plain = file.getFileName().toString().substring(0, name.length() - f.suffix().length());
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), file + ": brine writes no "
                        + f.formatName() + " compression; write " + plain + " and compress it afterwards");
            }
        }
    }

    /**
     * An OUT written with a trailing slash names a folder, and Python's {@code open('x.npz/', 'wb')} refuses it (Is a
     * directory); a Path drops the slash, so the argument as typed is looked at.
     */
    private void refuseFolderName() throws java.nio.file.FileSystemException {
        String typed = spec.commandLine().getParseResult().matchedPositional(1).stringValues().get(0);
        if (typed.length() > 1 && typed.endsWith("/")) {
            throw new java.nio.file.FileSystemException(typed, null, "names a folder (it ends with /), not a file to write");
        }
    }

    private Integer convert() throws Exception {
        if (protocol < 0 || protocol > Pickle.HIGHEST_PROTOCOL) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--protocol must be 0 to 5");
        }
        if (out.toString().equals("-")) {
            // as IN's '-' reads standard input; written into the device as into /dev/stdout (AtomicFiles: no rename)
            out = Path.of("/dev/stdout");
        }
        refuseFolderName();
        refuseCompressedName(out);
        Formats target = Formats.forOutput(out);
        checkOptionsFit(target);
        // a checkpoint's Parameters stay Parameters in a checkpoint; every other output takes their arrays
        Loaded loaded = Loaded.open(in, streams.memo, target == Formats.TORCH).warn(spec.commandLine().getErr());
        List<Object> objects = loaded.objects;
        PrintWriter err = spec.commandLine().getErr();
        ClassRegistry writing = numpyNames.registry();
        if (target != Formats.SAFETENSORS) {
            Conversions.dropMetadata(loaded.metadata, in, err, target.label());
        }
        // naming every array walks a pickle's whole object graph, a path for each value: 1.1 of the 2.3 s of a
        // 500,000-record pickle's convert to a pickle. A pickle's or archive's writer refuses an array numpy has no
        // type for itself, atomically (no output), so for those the names are looked for only when it has refused
        boolean checkFirst = target != Formats.PICKLE && target != Formats.ARCHIVE;
        if (checkFirst) {
            Conversions.typesFit(loaded.members(), target, in);
        }
        try {
            switch (target) {
                case NPY -> {
                    dev.brine.numpy.ObjectArray objectArray = Conversions.singleObjectArray(objects);
                    if (objectArray != null) { // as np.save writes one: a pickle after the header
                        AtomicFiles.write(out, stream -> Npy.write(objectArray, stream, numpyNames.objectArrays()));
                    } else {
                        Npy.write(Conversions.singleArray(objects, in), out);
                    }
                }
                case NPZ -> Npz.write(Conversions.members(objects, naming(loaded), in, err, ".npz", true),
                        out, compressed, numpyNames.objectArrays());
                case ARCHIVE -> ModelArchive.dump(Conversions.single(objects, in, err), out, ArchiveOptions.builder()
                        .registry(writing).protocol(protocol)
                        .compression(stored ? ArchiveOptions.Compression.STORED : ArchiveOptions.Compression.DEFLATED)
                        .build());
                case TORCH -> {
                    Object checkpoint = Conversions.single(objects, in, err);
                    warnIfWeightsOnlyRefuses(checkpoint, err);
                    TorchCheckpoint.save(checkpoint, out, TORCH_WRITING);
                }
                case SAFETENSORS -> SafeTensors.write(Conversions.arrays(objects, naming(loaded), in, err, ".safetensors"), loaded.metadata, out);
                default -> {
                    PicklerOptions options = PicklerOptions.builder().registry(writing).protocol(protocol).build();
                    if (loaded.memoSpansPickles && protocol >= 4 && objects.size() > 1) {
                        // from protocol 4 a memo reference back into an earlier pickle can also be read as one
                        // to the pickle's own entry: say so, since brine (without --memo) and repeated
                        // pickle.load would then read something else than one Unpickler does
                        ErrorReporter.warn(err, in + " holds several dumps of one Pickler, sharing its memo,"
                                + " written so again at protocol " + protocol + "; read the output with one Unpickler"
                                + " (Python) or with --memo (`brine show --memo " + out + "`): read one pickle at a time,"
                                + " a later pickle may refer to"
                                + " the wrong object (write protocol 3 or lower to avoid it)");
                    }
                    AtomicFiles.write(out, stream -> {
                        // pickles one Pickler wrote with one memo are written so again (a reader may read them
                        // with one Unpickler), the others each with a memo of its own (pickle.dump in a loop)
                        Pickler shared = loaded.memoSpansPickles ? new Pickler(stream, options) : null;
                        for (Object o : objects) {
                            (shared != null ? shared : new Pickler(stream, options)).dump(o);
                        }
                    });
                }
            }
        } catch (BrineException e) {
            if (!checkFirst) {
                Conversions.typesFit(loaded.members(), target, in); // the refusal that names the array as ls does
            }
            throw e;
        } catch (java.io.IOException e) {
            throw ErrorReporter.writing(out, e); // everything was read above: this is the output failing
        }
        err.flush();
        return 0;
    }

    /**
     * A usage error (exit status 2) for an option the output does not use, said before anything is read: silently
     * ignoring {@code --compressed} for a .pt, say, would leave the user believing it was applied.
     */
    private void checkOptionsFit(Formats target) {
        if (compressed && stored) {
            throw usage("--compressed (an .npz's members deflated) and --stored (an archive's members not deflated)"
                    + " cannot be given together");
        }
        if (compressed && target != Formats.NPZ) {
            throw usage("--compressed applies to an .npz output only, not to " + out);
        }
        if (stored && target != Formats.ARCHIVE) {
            throw usage("--stored applies to a model archive (.zip) output only, not to " + out);
        }
        if (numpyNames.invalid() != null) {
            throw usage(numpyNames.invalid());
        }
        if (numpyNames.given() && target != Formats.PICKLE && target != Formats.ARCHIVE && target != Formats.NPZ
                && target != Formats.NPY) {
            throw usage("--numpy-names applies to a pickle, model archive, .npz or .npy (their object arrays) output only, not to "
                    + out
                    + (target == Formats.TORCH ? " (a checkpoint's numpy values are written with numpy 1's names)" : ""));
        }
        if (protocolGiven() && target != Formats.PICKLE && target != Formats.ARCHIVE) {
            throw usage("--protocol applies to a pickle or model archive output only, not to " + out);
        }
    }

    private boolean protocolGiven() {
        return spec.commandLine().getParseResult() != null && spec.commandLine().getParseResult().hasMatchedOption("--protocol");
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** How the arrays of the input are named, as {@code ls} names them: a checkpoint's tensors by torch's names. */
    private static ArrayNames.Style naming(Loaded loaded) {
        return loaded.format == Formats.TORCH ? ArrayNames.Style.TORCH : ArrayNames.Style.SAVEZ;
    }

    /**
     * A conversion writes whatever it read, as before the library's default save refused values
     * {@code torch.load(weights_only=True)} refuses: builtin values (dates, Decimals, frozensets) as the
     * builtins write them, numpy's as numpy does, inert objects back as they were read.
     */
    private static final TorchOptions TORCH_WRITING = TorchOptions.builder().registry(ClassRegistry.builtins())
            .genericObjects(true).build();

    /**
     * Says so when torch's default load, {@code weights_only=True}, will refuse the checkpoint about to be written:
     * the conversion keeps what it read (a date, an inert object), which only {@code weights_only=False} loads.
     */
    private void warnIfWeightsOnlyRefuses(Object checkpoint, PrintWriter err) throws BrineException {
        TorchCheckpoint.weightsOnlyRefusal(checkpoint, TORCH_WRITING).ifPresent(g -> ErrorReporter.warn(err, out
                + " names " + g + ", which torch.load refuses with weights_only=True (torch's default since 2.6):"
                + " load it with weights_only=False, or with " + g + " in torch.serialization.safe_globals,"
                + " if you trust it"));
    }
}
