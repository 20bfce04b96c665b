package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.npy.Npy;
import dev.brine.npy.NpyHeader;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.Disassembler;
import dev.brine.pickle.DisassemblyException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code brine dis FILE}: the opcodes of a pickle exactly as {@code python3 -m pickletools FILE}
 * prints them; for model archives and torch checkpoints, of their pickle member. Where pickletools
 * would stop with a traceback, the listing so far is printed and the error is one line on stderr.
 */
@Command(name = "dis", mixinStandardHelpOptions = true, versionProvider = BrineVersion.class,
        description = "Disassemble a pickle as python3 -m pickletools does (archives and torch files: their pickle;"
                + " .npy and .npz: their object arrays' pickles).")
final class DisCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "A pickle, a model archive, a torch checkpoint, or an"
            + " .npy or .npz holding object arrays; - reads standard input.")
    Path file;

    @Option(names = {"-a", "--annotate"}, description = "Annotate each line with a short opcode description.")
    boolean annotate;

    @Option(names = {"-l", "--indentlevel"}, defaultValue = "4", description = "Blanks per MARK level (default 4).")
    int indent;

    @Option(names = "--all", description = "Every pickle in the file, not just the first (pickletools shows the first).")
    boolean all;

    @Option(names = {"-m", "--memo"}, description = "With --all: one memo across the pickles, as one Pickler's"
            + " several dump() calls share it (pickletools -m shares it across files).")
    boolean memo;

    @Spec
    CommandSpec spec;

    /** Where the file is read: {@link #file} itself, or a copy of a pipe's bytes (see InputFile). */
    private Path source;

    @Override
    public Integer call() throws Exception {
        try (InputFile input = InputFile.open(file)) {
            source = input.path();
            return input.read(this::disassemble);
        }
    }

    private Integer disassemble() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Disassembler.Options options = Disassembler.Options.DEFAULT.withIndentLevel(indent).withAnnotate(annotate);
        Formats format = Formats.detect(source);
        if (format == Formats.NPY || format == Formats.NPZ || format == Formats.SAFETENSORS) {
            return arrayPickles(format, out, options);
        }
        // whether a pickle was listed in full (its "highest protocol" line), looked for across the chunks
        String end = "\nhighest protocol among opcodes = ";
        StringBuilder tail = new StringBuilder();
        boolean[] listed = new boolean[1];
        Appendable counting = new Appendable() {
            @Override
            public Appendable append(CharSequence csq) {
                if (!listed[0]) {
                    tail.append(csq);
                    listed[0] = tail.indexOf(end) >= 0;
                    tail.delete(0, Math.max(0, tail.length() - end.length()));
                }
                out.append(csq);
                return this;
            }

            @Override
            public Appendable append(CharSequence csq, int start, int stop) {
                return append(csq.subSequence(start, stop));
            }

            @Override
            public Appendable append(char c) {
                return append(String.valueOf(c));
            }
        };
        try (InputStream in = open(format)) {
            if (all) {
                Disassembler.disassembleAll(in, counting, memo ? new java.util.HashMap<>() : null, options);
            } else {
                Disassembler.disassemble(in, out, options);
            }
        } catch (DisassemblyException e) {
            out.flush();
            // a later pickle that refers to an earlier one's memo: one Pickler's several dumps
            boolean sharedMemo = all && !memo && listed[0] && e.getMessage().endsWith("has never been stored into");
            if (format == Formats.PICKLE && namesJoblibArray(e.offset())) {
                throw PickleFile.joblib(file, new BrineException(e.pythonErrorLine(), e)); // what the listing stopped on
            }
            throw new BrineException(file + ": " + e.pythonErrorLine()
                    + (sharedMemo ? " (pickles written by one Pickler share its memo: try --memo)" : ""), e);
        } finally {
            out.flush();
        }
        return 0;
    }

    /**
     * An .npy, .npz or safetensors file holds arrays, not a pickle (pickletools would take the magic string
     * for opcodes): only an object array's data is one, which numpy writes with {@code pickle.dump} after the
     * header. Those pickles are listed (offsets from each pickle's start), an .npz's each after a
     * {@code # member NAME} line; a file with none is refused, saying so.
     */
    private int arrayPickles(Formats format, PrintWriter out, Disassembler.Options options) throws java.io.IOException {
        if (format == Formats.SAFETENSORS) {
            throw new BrineException(file + ": a safetensors file holds no pickle (only a JSON header and raw tensor data)");
        }
        if (format == Formats.NPY) {
            NpyHeader h = Npy.readHeader(source);
            if (!h.holdsObjects()) {
                throw new BrineException(file + ": an .npy file of " + h.dtype().name() + " holds no pickle (only an object"
                        + " array's data is one)");
            }
            try (InputStream in = new BufferedInputStream(Files.newInputStream(source), 1 << 16)) {
                in.skipNBytes(h.dataOffset());
                disassemble(in, out, options, null);
            }
            return 0;
        }
        boolean any = false;
        try (ZipReader zip = ZipReader.open(source, Limits.DEFAULT)) {
            for (ZipReader.Entry e : zip.entries()) {
                NpyHeader h;
                try (InputStream in = zip.open(e)) {
                    h = e.name().endsWith(".npy") ? Npy.readHeader(in, Limits.DEFAULT) : null;
                }
                if (h == null || !h.holdsObjects()) {
                    continue;
                }
                String member = e.name().substring(0, e.name().length() - ".npy".length());
                out.println((any ? "\n" : "") + "# member " + ErrorReporter.escaped(member)); // a name from the file
                any = true;
                try (InputStream in = new BufferedInputStream(zip.open(e), 1 << 16)) {
                    in.skipNBytes(h.dataOffset());
                    disassemble(in, out, options, member);
                }
            }
        }
        if (!any) {
            throw new BrineException(file + ": an .npz file holds no pickle unless it holds object arrays, and this one"
                    + " holds none");
        }
        return 0;
    }

    private void disassemble(InputStream in, PrintWriter out, Disassembler.Options options, String member)
            throws java.io.IOException {
        try {
            Disassembler.disassemble(in, out, options);
        } catch (DisassemblyException e) {
            out.flush();
            throw new BrineException(file + (member == null ? "" : ": member " + member) + ": " + e.pythonErrorLine(), e);
        } finally {
            out.flush();
        }
    }

    private InputStream open(Formats format) throws java.io.IOException {
        if (format != Formats.ARCHIVE && format != Formats.TORCH || !isZip()) {
            return new BufferedInputStream(Files.newInputStream(source), 1 << 16);
        }
        ZipReader zip = ZipReader.open(source, Limits.DEFAULT,
                format == Formats.TORCH ? ZipReader.CrcCheck.UNLESS_ZERO : ZipReader.CrcCheck.ALL);
        ZipReader.Entry pickle = null;
        for (ZipReader.Entry e : zip.entries()) {
            if (format == Formats.ARCHIVE ? e.name().equals("pkl") : e.name().endsWith("/data.pkl")) {
                pickle = e;
                break;
            }
        }
        if (pickle == null) {
            zip.close();
            throw new BrineException(file + ": no pickle member found");
        }
        InputStream member = zip.open(pickle);
        return new BufferedInputStream(new java.io.FilterInputStream(member) {
            @Override
            public void close() throws java.io.IOException {
                super.close();
                zip.close();
            }
        }, 1 << 16);
    }

    /** The most bytes {@link #namesJoblibArray} looks through: joblib names its wrapper before the first array. */
    private static final int JOBLIB_SCAN = 1 << 24;

    /**
     * Whether the bytes before {@code offset} (where pickletools stopped), at most {@link #JOBLIB_SCAN} of them, name
     * joblib's array wrapper (PickleFile#JOBLIB_ARRAY): then what the listing stopped on is an array's raw bytes.
     */
    private boolean namesJoblibArray(long offset) throws java.io.IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(source)) {
            head = in.readNBytes((int) Math.max(0, Math.min(offset, JOBLIB_SCAN)));
        }
        String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1); // one char per byte
        return text.contains(PickleFile.JOBLIB_ARRAY.module()) && text.contains(PickleFile.JOBLIB_ARRAY.name());
    }

    private boolean isZip() throws java.io.IOException {
        try (InputStream in = Files.newInputStream(source)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 'P' && head[1] == 'K';
        }
    }
}
