package dev.brine.pickle;

import dev.brine.io.InputFiles;
import dev.brine.pickle.PyText.PyError;
import dev.brine.pickle.PyText.PyStr;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A symbolic listing of a pickle, byte for byte what CPython's {@code python3 -m pickletools FILE}
 * prints (and {@code pickletools.dis}): offsets, opcode bytes, names, arguments as Python reprs,
 * MARK indentation, memo notes, {@code highest protocol among opcodes = N}, and optional
 * annotations ({@code -a}).
 *
 * <pre>{@code
 * StringBuilder out = new StringBuilder();
 * Disassembler.disassemble(Files.readAllBytes(path), out);
 * }</pre>
 *
 * <p><b>Which pickles.</b> Like the command line, {@link #disassemble(byte[], Appendable)} lists the
 * first pickle of its input and ignores whatever follows its STOP: {@code python3 -m pickletools}
 * never looks past the first pickle of a file. {@link #disassembleAll} goes on through every pickle
 * in the input, as repeated {@code pickletools.dis} calls on one open file do, and
 * {@link #disassembleFiles} is the command line with several files ({@code ==> name <==} before
 * each, {@code -m} to share the memo).
 *
 * <p><b>Checks and errors.</b> pickletools checks what it can while it lists — a MARK exists where
 * one is needed, pops do not exceed the stack, memo keys are stored before use and once only, the
 * stack is empty after STOP — and raises where a check fails or an argument cannot be read. The
 * disassembler writes the listing up to that point, exactly as far as pickletools prints it (a
 * failed check is reported after the offending line; an unreadable argument before its line), then
 * throws a {@link DisassemblyException} whose message is pickletools' message. Where
 * {@code python3 -m pickletools} would print a traceback, a command line prints that message.
 *
 * <p><b>Resources.</b> Nothing is executed and no object is built: the disassembler keeps only
 * pickletools' model of the stack and memo (a name per entry), so its memory grows with the number
 * of stack and memo entries, as pickletools' does. Arguments are printed as they are read: a huge
 * bytes or str argument is printed in pieces from the input (an array is read in place; a stream
 * argument is held once, as long as it really is). Input depth costs no Java stack. One limit is
 * Java's: an argument or line of 2 GiB or more read from a stream cannot be held in an array and
 * ends the listing with a {@link dev.brine.BrineException} that says so.
 *
 * <p><b>Deliberate differences.</b> CPython's file reader allocates a counted argument before it
 * reads it, so a length field that claims more memory than the machine has fails with
 * {@code MemoryError}, depending on the machine; Brine reports what reading from memory
 * ({@code pickletools.dis(bytes)}) reports: "expected N bytes ..., but only M remain". (The
 * deterministic case, a length within 33 of {@code sys.maxsize}, is CPython's
 * {@code OverflowError}, and so is Brine's.) Error messages that quote a whole line (an invalid
 * float, a missing quote) quote at most a megabyte of it. The integer digit limit is CPython's
 * default, 4300 digits.
 */
public final class Disassembler {

    /** How the listing looks: {@code python3 -m pickletools} options. Immutable. */
    public static final class Options {
        /** pickletools' defaults: indent 4, no annotations, a fresh memo per file, {@code ==> {name} <==}. */
        public static final Options DEFAULT = new Options(4, 0, false, "==> {name} <==");

        private final int indentLevel;
        private final int annotate;
        private final boolean preserveMemo;
        private final String preamble;

        private Options(int indentLevel, int annotate, boolean preserveMemo, String preamble) {
            this.indentLevel = indentLevel;
            this.annotate = annotate;
            this.preserveMemo = preserveMemo;
            this.preamble = Objects.requireNonNull(preamble, "preamble");
        }

        /** The number of blanks by which to indent a new MARK level ({@code -l}); default 4. */
        public int indentLevel() {
            return indentLevel;
        }

        /** The annotation column hint, 0 for no annotations; {@code -a} sets {@link #CLI_ANNOTATE_COLUMN}. */
        public int annotate() {
            return annotate;
        }

        /** Whether several files share one memo ({@code -m}). */
        public boolean preserveMemo() {
            return preserveMemo;
        }

        /** The line printed before each of several files ({@code -p}); {@code {name}} is the file name. */
        public String preamble() {
            return preamble;
        }

        /** These options with another MARK indentation. */
        public Options withIndentLevel(int blanks) {
            return new Options(blanks, annotate, preserveMemo, preamble);
        }

        /** These options with annotations from column hint {@code column} (0: none). */
        public Options withAnnotate(int column) {
            return new Options(indentLevel, column, preserveMemo, preamble);
        }

        /** These options with or without annotations, as {@code -a} gives them. */
        public Options withAnnotate(boolean annotate) {
            return withAnnotate(annotate ? CLI_ANNOTATE_COLUMN : 0);
        }

        /** These options with the memo shared between files or not. */
        public Options withPreserveMemo(boolean preserve) {
            return new Options(indentLevel, annotate, preserve, preamble);
        }

        /** These options with another preamble for several files. */
        public Options withPreamble(String preamble) {
            return new Options(indentLevel, annotate, preserveMemo, preamble);
        }
    }

    /** The annotation column hint {@code python3 -m pickletools -a} uses. */
    public static final int CLI_ANNOTATE_COLUMN = 30;

    private Disassembler() {
    }

    // ------------------------------------------------------------------ the command line

    /** {@code python3 -m pickletools FILE}: lists the first pickle in {@code data}. */
    public static void disassemble(byte[] data, Appendable out) throws IOException {
        disassemble(data, out, Options.DEFAULT);
    }

    /**
     * {@code python3 -m pickletools FILE} on a stream: lists the first pickle. The stream is read
     * through a buffer, so it may be left past the pickle's end; to continue after STOP use
     * {@link #dis(InputStream, long, Appendable, Map, int, int)}.
     */
    public static void disassemble(InputStream in, Appendable out) throws IOException {
        disassemble(in, out, Options.DEFAULT);
    }

    /** {@code python3 -m pickletools [-l N] [-a] FILE}: the first pickle in {@code data}. */
    public static void disassemble(byte[] data, Appendable out, Options options) throws IOException {
        run(new DisInput.ArrayInput(data, 0, data.length), out, null, options);
    }

    /** {@code python3 -m pickletools [-l N] [-a] FILE} on a stream (read through a buffer). */
    public static void disassemble(InputStream in, Appendable out, Options options) throws IOException {
        run(new DisInput.StreamInput(buffered(in), 0), out, null, options);
    }

    /**
     * {@code python3 -m pickletools [options] FILE...}: one file is listed as by
     * {@link #disassemble(byte[], Appendable, Options)}; several are each preceded by the preamble
     * line, and share one memo when {@link Options#preserveMemo()} is set. The file name in the
     * preamble is the path as given. Every file is opened before anything is printed, so a missing
     * file fails the whole command (as the command line's argument parser does); a file that
     * cannot be disassembled stops the listing there, after the files before it.
     */
    public static void disassembleFiles(List<Path> files, Appendable out, Options options) throws IOException {
        List<InputStream> opened = new ArrayList<>(files.size());
        Throwable primary = null;
        try {
            for (Path file : files) {
                opened.add(InputFiles.stream(file));
            }
            if (files.size() == 1) {
                disassemble(opened.get(0), out, options);
                return;
            }
            Map<BigInteger, String> memo = options.preserveMemo() ? new HashMap<>() : null;
            for (int i = 0; i < files.size(); i++) {
                out.append(formatPreamble(options.preamble(), files.get(i).toString())).append('\n');
                run(new DisInput.StreamInput(buffered(opened.get(i)), 0), out, memo, options);
            }
        } catch (Throwable t) {
            primary = t;
            throw t;
        } finally {
            IOException closeFailure = null;
            for (InputStream in : opened) {
                try {
                    in.close();
                } catch (IOException e) {
                    if (primary != null) {
                        primary.addSuppressed(e);
                    } else if (closeFailure == null) {
                        closeFailure = e;
                    }
                }
            }
            if (closeFailure != null) {
                throw closeFailure;
            }
        }
    }

    /** {@code str.format(name=...)} for the preamble: {@code {name}} and the escapes {@code {{ }}}. */
    private static String formatPreamble(String preamble, String name) {
        StringBuilder sb = new StringBuilder(preamble.length() + name.length());
        for (int i = 0; i < preamble.length(); i++) {
            char c = preamble.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < preamble.length() && preamble.charAt(i + 1) == c) {
                sb.append(c);
                i++;
            } else if (preamble.startsWith("{name}", i)) {
                sb.append(name);
                i += 5;
            } else if (c == '{' || c == '}') {
                throw new IllegalArgumentException("the preamble may only use {name}: " + preamble);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ several pickles in one input

    /**
     * Lists every pickle in {@code data}, one after another, as repeated {@code pickletools.dis}
     * calls on one open file do: offsets count from the start of {@code data}, and each listing
     * ends with its own {@code highest protocol} line. Each pickle gets a fresh memo unless
     * {@code memo} is given (non-null), which is then shared, as one pickler's successive dumps
     * share theirs.
     *
     * @return how many pickles were listed
     */
    public static int disassembleAll(byte[] data, Appendable out, Map<BigInteger, String> memo, Options options)
            throws IOException {
        return all(new DisInput.ArrayInput(data, 0, data.length), out, memo, options);
    }

    /** {@link #disassembleAll(byte[], Appendable, Map, Options)} for a stream (read through a buffer). */
    public static int disassembleAll(InputStream in, Appendable out, Map<BigInteger, String> memo, Options options)
            throws IOException {
        return all(new DisInput.StreamInput(buffered(in), 0), out, memo, options);
    }

    private static int all(DisInput input, Appendable out, Map<BigInteger, String> memo, Options options)
            throws IOException {
        int count = 0;
        do {
            run(input, out, memo, options);
            count++;
        } while (!input.atEnd());
        return count;
    }

    // ------------------------------------------------------------------ one pickle: pickletools.dis

    /**
     * {@code pickletools.dis(pickle, out, memo, indentlevel, annotate)} on {@code data} from
     * {@code offset}: lists one pickle, through its STOP. Offsets printed are indexes in
     * {@code data}.
     *
     * @param memo the memo, or null for a fresh one; it maps memo keys to the name of the stack
     *     object pickletools stores there ({@code "list"}, {@code "any"}, ...), and is updated, so
     *     that passing it to the next call continues across pickles written by one pickler
     * @param indentLevel the number of blanks by which to indent a new MARK level
     * @param annotate 0 for no annotations, else the column hint for them
     * @return the offset just after the pickle's STOP
     */
    public static int dis(byte[] data, int offset, Appendable out, Map<BigInteger, String> memo, int indentLevel,
            int annotate) throws IOException {
        Objects.checkFromToIndex(offset, data.length, data.length);
        DisInput input = new DisInput.ArrayInput(data, offset, data.length);
        run(input, out, memo, Options.DEFAULT.withIndentLevel(indentLevel).withAnnotate(annotate));
        return (int) input.position();
    }

    /**
     * {@code pickletools.dis} on a stream: lists one pickle, reading exactly through its STOP and
     * no further, so a following pickle can be listed by another call. Wrap an unbuffered stream in
     * a {@link BufferedInputStream} for speed; the buffered stream stays correctly positioned.
     *
     * @param position the offset to print for the stream's next byte (pickletools prints
     *     {@code file.tell()})
     * @return the offset just after the pickle's STOP
     * @see #dis(byte[], int, Appendable, Map, int, int)
     */
    public static long dis(InputStream in, long position, Appendable out, Map<BigInteger, String> memo,
            int indentLevel, int annotate) throws IOException {
        DisInput input = new DisInput.StreamInput(in, position);
        run(input, out, memo, Options.DEFAULT.withIndentLevel(indentLevel).withAnnotate(annotate));
        return input.position();
    }

    private static InputStream buffered(InputStream in) {
        return in instanceof BufferedInputStream || in instanceof ByteArrayInputStream ? in : new BufferedInputStream(in, 65536);
    }

    // ------------------------------------------------------------------ pickletools' stack model

    /** An entry of pickletools' model stack: only a name (its repr), or the markobject. */
    private static final class StackObj {
        final String name;

        StackObj(String name) {
            this.name = name;
        }
    }

    private static final Map<String, StackObj> STACK_OBJECTS = new HashMap<>();
    private static final StackObj MARK = obj("mark");
    private static final StackObj STACKSLICE = obj("stackslice");
    private static final StackObj ANY = obj("any");
    private static final StackObj[] NOTHING = {};
    private static final StackObj[][] BEFORE = new StackObj[Opcode.values().length][];
    private static final StackObj[][] AFTER = new StackObj[Opcode.values().length][];

    private static StackObj obj(String name) {
        return STACK_OBJECTS.computeIfAbsent(name, StackObj::new);
    }

    /** The stack object a memo entry names; never the markobject, which the memo cannot hold. */
    private static StackObj named(String name) {
        StackObj o = STACK_OBJECTS.get(name); // read-only once the class is initialised
        return o == null || o == MARK ? new StackObj(name) : o;
    }

    private static StackObj[] objs(String... names) {
        StackObj[] out = new StackObj[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = obj(names[i]);
        }
        return out;
    }

    private static void effect(Opcode op, StackObj[] before, StackObj[] after) {
        BEFORE[op.ordinal()] = before;
        AFTER[op.ordinal()] = after;
    }

    static {
        // pickletools' stack_before and stack_after, which its checks and indentation follow
        StackObj[] markSlice = objs("mark", "stackslice");
        for (Opcode op : Opcode.values()) {
            String pushed = switch (op) {
                case INT -> "int_or_bool";
                case BININT, BININT1, BININT2, LONG, LONG1, LONG4 -> "int";
                case STRING, BINSTRING, SHORT_BINSTRING -> "bytes_or_str";
                case BINBYTES, SHORT_BINBYTES, BINBYTES8 -> "bytes";
                case BYTEARRAY8 -> "bytearray";
                case NEXT_BUFFER -> "buffer";
                case NONE -> "None";
                case NEWTRUE, NEWFALSE -> "bool";
                case UNICODE, SHORT_BINUNICODE, BINUNICODE, BINUNICODE8 -> "str";
                case FLOAT, BINFLOAT -> "float";
                case EMPTY_LIST -> "list";
                case EMPTY_TUPLE -> "tuple";
                case EMPTY_DICT -> "dict";
                case EMPTY_SET -> "set";
                case MARK -> "mark";
                case GET, BINGET, LONG_BINGET, EXT1, EXT2, EXT4, GLOBAL, PERSID -> "any";
                default -> null;
            };
            if (pushed != null) {
                effect(op, NOTHING, objs(pushed));
            }
        }
        effect(Opcode.READONLY_BUFFER, objs("buffer"), objs("buffer"));
        effect(Opcode.APPEND, objs("list", "any"), objs("list"));
        effect(Opcode.APPENDS, objs("list", "mark", "stackslice"), objs("list"));
        effect(Opcode.LIST, markSlice, objs("list"));
        effect(Opcode.TUPLE, markSlice, objs("tuple"));
        effect(Opcode.TUPLE1, objs("any"), objs("tuple"));
        effect(Opcode.TUPLE2, objs("any", "any"), objs("tuple"));
        effect(Opcode.TUPLE3, objs("any", "any", "any"), objs("tuple"));
        effect(Opcode.DICT, markSlice, objs("dict"));
        effect(Opcode.SETITEM, objs("dict", "any", "any"), objs("dict"));
        effect(Opcode.SETITEMS, objs("dict", "mark", "stackslice"), objs("dict"));
        effect(Opcode.ADDITEMS, objs("set", "mark", "stackslice"), objs("set"));
        effect(Opcode.FROZENSET, markSlice, objs("frozenset"));
        effect(Opcode.POP, objs("any"), NOTHING);
        effect(Opcode.DUP, objs("any"), objs("any", "any"));
        effect(Opcode.POP_MARK, markSlice, NOTHING);
        effect(Opcode.PUT, NOTHING, NOTHING);
        effect(Opcode.BINPUT, NOTHING, NOTHING);
        effect(Opcode.LONG_BINPUT, NOTHING, NOTHING);
        effect(Opcode.MEMOIZE, objs("any"), objs("any"));
        effect(Opcode.STACK_GLOBAL, objs("str", "str"), objs("any"));
        effect(Opcode.REDUCE, objs("any", "any"), objs("any"));
        effect(Opcode.BUILD, objs("any", "any"), objs("any"));
        effect(Opcode.INST, markSlice, objs("any"));
        effect(Opcode.OBJ, objs("mark", "any", "stackslice"), objs("any"));
        effect(Opcode.NEWOBJ, objs("any", "any"), objs("any"));
        effect(Opcode.NEWOBJ_EX, objs("any", "any", "any"), objs("any"));
        effect(Opcode.PROTO, NOTHING, NOTHING);
        effect(Opcode.STOP, objs("any"), NOTHING);
        effect(Opcode.FRAME, NOTHING, NOTHING);
        effect(Opcode.BINPERSID, objs("any"), objs("any"));
        for (Opcode op : Opcode.values()) {
            if (BEFORE[op.ordinal()] == null) {
                throw new AssertionError("no stack effect for " + op);
            }
        }
    }

    /** An opcode's stack effect as pickletools states it, e.g. {@code "[list, any] -> [list]"} (for tests). */
    static String stackEffect(Opcode op) {
        return names(Arrays.asList(BEFORE[op.ordinal()])) + " -> " + names(Arrays.asList(AFTER[op.ordinal()]));
    }

    private static String names(List<StackObj> objs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < objs.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(objs.get(i).name);
            if (sb.length() > PyNumbers.MESSAGE_QUOTE) {
                // a message as long as a huge stack would help no one: cut it, as noted in the class doc
                return sb.append(", ...]").toString();
            }
        }
        return sb.append(']').toString();
    }

    /** The first line of each opcode's pickletools doc, for annotations (from tools/gen_opcode_docs.py). */
    private static final class Docs {
        static final String[] FIRST_LINES = load();

        private static String[] load() {
            String[] docs = new String[Opcode.values().length];
            try (InputStream in = Disassembler.class.getResourceAsStream("opcode-docs.txt")) {
                if (in == null) {
                    throw new IllegalStateException("resource opcode-docs.txt is missing");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    int tab = line.indexOf('\t');
                    docs[Opcode.valueOf(line.substring(0, tab)).ordinal()] = line.substring(tab + 1);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Opcode op : Opcode.values()) {
                if (docs[op.ordinal()] == null) {
                    throw new IllegalStateException("opcode-docs.txt has no line for " + op);
                }
            }
            return docs;
        }
    }

    /** The annotation pickletools prints for {@code op} (for tests). */
    static String annotation(Opcode op) {
        return Docs.FIRST_LINES[op.ordinal()];
    }

    // ------------------------------------------------------------------ the listing

    /** A bytes or bytearray argument. */
    private static final class Bytes {
        final DisInput.Slice data;
        final boolean bytearray;

        Bytes(DisInput.Slice data, boolean bytearray) {
            this.data = data;
            this.bytearray = bytearray;
        }
    }

    private static void run(DisInput in, Appendable sink, Map<BigInteger, String> memo, Options options)
            throws IOException {
        DisOutput out = new DisOutput(sink);
        Listing listing = new Listing(in, out, memo == null ? new HashMap<>() : memo, options);
        try {
            listing.run();
        } catch (OutOfMemoryError e) {
            // what the input makes the listing hold (a protocol 0 line that does not end, millions of values in one
            // MARK, or a sink that grows with the text) outgrew the heap: Python's MemoryError, as this input's refusal
            throw listing.outOfMemory();
        } finally {
            // whatever was printed before a failure is part of the result, as in pickletools
            out.flush();
        }
    }

    /** One run of {@code pickletools.dis}. */
    private static final class Listing {
        private final DisInput in;
        private final DisOutput out;
        private final Map<BigInteger, String> memo;
        private final String indentChunk;
        private final int annotate;
        private final ArrayList<StackObj> stack = new ArrayList<>();
        private long[] markStack = new long[16];
        private int marks;
        private long annoCol;
        private long pos;
        private Opcode op;

        Listing(DisInput in, DisOutput out, Map<BigInteger, String> memo, Options options) {
            this.in = in;
            this.out = out;
            this.memo = memo;
            this.indentChunk = " ".repeat(Math.max(0, options.indentLevel()));
            this.annotate = options.annotate();
            this.annoCol = annotate;
        }

        /** Drops what the listing holds and names where it was (see {@link Disassembler#run}). */
        DisassemblyException outOfMemory() {
            stack.clear();
            stack.trimToSize();
            markStack = new long[0];
            return new DisassemblyException("MemoryError", "the listing outgrew the Java heap ("
                    + Runtime.getRuntime().maxMemory() + " bytes at most): disassemble it with a bigger heap (-Xmx)",
                    pos, op == null ? null : op.name());
        }

        void run() throws IOException {
            int maxProto = -1;
            while (true) {
                pos = in.position();
                op = null;
                int code = in.read();
                if (code < 0) {
                    throw error(PyError.value("pickle exhausted before seeing STOP"));
                }
                op = Opcode.of(code);
                if (op == null) {
                    throw error(PyError.value("at position " + pos + ", opcode "
                            + PyText.bytesRepr(new byte[] {(byte) code}, 0, 1, 16) + " unknown"));
                }
                Object arg;
                try {
                    arg = readArg(op);
                } catch (PyError e) {
                    throw error(e);
                }
                maxProto = Math.max(maxProto, op.protocol());
                step(arg);
                if (op == Opcode.STOP) {
                    break;
                }
            }
            out.text("highest protocol among opcodes = " + maxProto);
            out.newline();
            if (!stack.isEmpty()) {
                throw error(PyError.value("stack not empty after STOP: " + names(stack)));
            }
        }

        /** One opcode: its line, its checks, its stack effect — in pickletools' order. */
        private void step(Object arg) throws IOException {
            out.text(offsetColumn(pos));
            out.resetColumn(); // the annotation column counts from here, as Python's len(line) does
            StackObj[] before = BEFORE[op.ordinal()];
            StackObj[] after = AFTER[op.ordinal()];
            int indentLevels = marks; // the line is indented before this opcode's MARK is popped
            int numToPop = before.length;
            String markMsg = null;
            String errorMsg = null;

            int markIndex = indexOf(before, MARK);
            if (markIndex >= 0 || (op == Opcode.POP && !stack.isEmpty() && top() == MARK)) {
                if (marks > 0) {
                    long markPos = markStack[--marks];
                    markMsg = "(MARK at " + markPos + ")";
                    // pop everything at and after the topmost markobject; pickletools indexes
                    // stack[-1] and fails with IndexError when an earlier opcode consumed the mark
                    while (true) {
                        if (stack.isEmpty()) {
                            throw error(new PyError("IndexError", "list index out of range"));
                        }
                        if (stack.remove(stack.size() - 1) == MARK) {
                            break;
                        }
                    }
                    numToPop = markIndex >= 0 ? markIndex : 0;
                } else {
                    errorMsg = "no MARK exists on stack";
                    markMsg = errorMsg;
                }
            }

            switch (op) {
                case PUT, BINPUT, LONG_BINPUT, MEMOIZE -> {
                    BigInteger key;
                    if (op == Opcode.MEMOIZE) {
                        key = BigInteger.valueOf(memo.size());
                        markMsg = "(as " + memo.size() + ")";
                    } else {
                        key = memoKey(arg);
                    }
                    if (memo.containsKey(key)) {
                        errorMsg = "memo key " + (arg == null ? "None" : reprOrFail(arg)) + " already defined";
                    } else if (stack.isEmpty()) {
                        errorMsg = "stack is empty -- can't store into memo";
                    } else if (top() == MARK) {
                        errorMsg = "can't store markobject in the memo";
                    } else {
                        memo.put(key, top().name);
                    }
                }
                case GET, BINGET, LONG_BINGET -> {
                    BigInteger key = memoKey(arg);
                    String stored = memo.get(key);
                    if (stored != null || memo.containsKey(key)) {
                        // pickletools pushes what was stored, for a better model of the stack
                        after = new StackObj[] {named(String.valueOf(stored))};
                    } else {
                        errorMsg = "memo key " + reprOrFail(arg) + " has never been stored into";
                    }
                }
                default -> { }
            }

            // a scalar's repr can fail (too many digits) after the offset was printed, as in Python
            String scalar = arg == null || arg instanceof Bytes || arg instanceof PyStr ? null : reprOrFail(arg);
            out.text(CODE_COLUMN[op.ordinal()]);
            if (!indentChunk.isEmpty()) {
                // as long as Python's indentchunk * len(markstack): output-sized work, nothing more
                for (int i = 0; i < indentLevels; i++) {
                    out.text(indentChunk);
                }
            }
            out.text(op.name());
            if (arg != null || markMsg != null) {
                out.spaces(10 - op.name().length());
                if (arg != null) {
                    out.ch(' ');
                    if (scalar != null) {
                        out.text(scalar);
                    } else if (arg instanceof PyStr) {
                        PyText.writeRepr((PyStr) arg, out);
                    } else {
                        Bytes b = (Bytes) arg;
                        if (b.bytearray) {
                            out.text("bytearray(");
                        }
                        PyText.writeBytesRepr(b.data.a, b.data.off, b.data.len, b.bytearray, out);
                        if (b.bytearray) {
                            out.ch(')');
                        }
                    }
                }
                if (markMsg != null) {
                    out.ch(' ');
                    out.text(markMsg);
                }
            }
            if (annotate != 0) {
                out.spaces(annoCol - out.column());
                annoCol = out.column();
                if (annoCol > 50) {
                    annoCol = annotate;
                }
                out.ch(' ');
                out.text(Docs.FIRST_LINES[op.ordinal()]);
            }
            out.newline();

            if (errorMsg != null) {
                throw error(PyError.value(errorMsg));
            }
            if (stack.size() < numToPop) {
                throw error(PyError.value("tries to pop " + numToPop + " items from stack with only "
                        + stack.size() + " items"));
            }
            for (int i = 0; i < numToPop; i++) {
                stack.remove(stack.size() - 1);
            }
            if (indexOf(after, MARK) >= 0) {
                if (marks == markStack.length) {
                    markStack = Arrays.copyOf(markStack, marks * 2);
                }
                markStack[marks++] = pos;
            }
            stack.addAll(Arrays.asList(after));
        }

        private StackObj top() {
            return stack.get(stack.size() - 1);
        }

        private String reprOrFail(Object arg) throws DisassemblyException {
            try {
                return scalarRepr(arg);
            } catch (PyError e) {
                throw error(e);
            }
        }

        private DisassemblyException error(PyError e) {
            return new DisassemblyException(e.type, e.getMessage(), pos, op == null ? null : op.name());
        }

        // -------------------------------------------------------------- arguments

        private Object readArg(Opcode op) throws IOException, PyError {
            switch (op.arg()) {
                case NONE:
                    return null;
                case UINT1: {
                    int v = in.read();
                    if (v < 0) {
                        throw notEnough("uint1");
                    }
                    return (long) v;
                }
                case UINT2:
                    return fixed(2, "uint2");
                case INT4:
                    return (long) (int) fixed(4, "int4");
                case UINT4:
                    return fixed(4, "uint4");
                case UINT8: {
                    long v = fixed(8, "uint8");
                    return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
                }
                case FLOAT8: {
                    DisInput.Slice s = in.read(8);
                    if (s.len != 8) {
                        throw notEnough("float8");
                    }
                    long bits = 0;
                    for (int i = 0; i < 8; i++) {
                        bits = bits << 8 | (s.a[s.off + i] & 0xff);
                    }
                    return Double.longBitsToDouble(bits);
                }
                case DECIMALNL_SHORT: {
                    DisInput.Slice s = line("stringnl");
                    // pickletools' hack for protocol 0 bools
                    if (PyNumbers.equalsAscii(s.a, s.off, s.len, "00")) {
                        return Boolean.FALSE;
                    }
                    if (PyNumbers.equalsAscii(s.a, s.off, s.len, "01")) {
                        return Boolean.TRUE;
                    }
                    return PyNumbers.parseInt(s.a, s.off, s.len);
                }
                case DECIMALNL_LONG: {
                    DisInput.Slice s = line("stringnl");
                    int len = s.len > 0 && s.a[s.off + s.len - 1] == 'L' ? s.len - 1 : s.len;
                    return PyNumbers.parseInt(s.a, s.off, len);
                }
                case FLOATNL: {
                    DisInput.Slice s = line("stringnl");
                    return PyNumbers.parseFloat(s.a, s.off, s.len);
                }
                case STRINGNL:
                    return stringnl(true);
                case STRINGNL_NOESCAPE:
                    return stringnl(false);
                case STRINGNL_NOESCAPE_PAIR: {
                    PyStr module = stringnl(false);
                    PyStr name = stringnl(false);
                    PyStr pair = PyStr.pair(module, name);
                    pair.check();
                    return pair;
                }
                case UNICODESTRINGNL: {
                    DisInput.Slice s = line("unicodestringnl");
                    return checked(PyStr.of(PyText.RAW_UNICODE_ESCAPE, s.a, s.off, s.len));
                }
                case STRING1:
                    return latin1(counted(uint1(), "string1"));
                case STRING4: {
                    long n = (int) fixed(4, "int4");
                    if (n < 0) {
                        throw PyError.value("string4 byte count < 0: " + n);
                    }
                    return latin1(counted(n, "string4"));
                }
                case BYTES1:
                    return new Bytes(counted(uint1(), "bytes1"), false);
                case BYTES4:
                    return new Bytes(counted(fixed(4, "uint4"), "bytes4"), false);
                case BYTES8:
                    return new Bytes(counted(size8("bytes8"), "bytes8"), false);
                case BYTEARRAY8:
                    return new Bytes(counted(size8("bytearray8"), "bytearray8"), true);
                case UNICODESTRING1:
                    return utf8(counted(uint1(), "unicodestring1"));
                case UNICODESTRING4:
                    return utf8(counted(fixed(4, "uint4"), "unicodestring4"));
                case UNICODESTRING8:
                    return utf8(counted(size8("unicodestring8"), "unicodestring8"));
                case LONG1: {
                    int n = uint1();
                    DisInput.Slice s = in.read(n);
                    if (s.count != n) {
                        throw notEnough("long1");
                    }
                    return PyNumbers.fromLittleEndianSigned(s.a, s.off, s.len);
                }
                case LONG4:
                    return long4();
                default:
                    throw new AssertionError(op.arg());
            }
        }

        private static PyError notEnough(String what) {
            return PyError.value("not enough data in stream to read " + what);
        }

        private long fixed(int size, String what) throws IOException, PyError {
            Long v = in.readLittleEndian(size);
            if (v == null) {
                throw notEnough(what);
            }
            return v;
        }

        private int uint1() throws IOException, PyError {
            int n = in.read();
            if (n < 0) {
                throw notEnough("uint1");
            }
            return n;
        }

        /** An eight-byte length, refused above {@code sys.maxsize} as pickletools refuses it. */
        private long size8(String what) throws IOException, PyError {
            long n = fixed(8, "uint8");
            if (n < 0) {
                throw PyError.value(what + " byte count > sys.maxsize: " + Long.toUnsignedString(n));
            }
            if (n > Long.MAX_VALUE - BYTES_OBJECT_HEADER) {
                // CPython's file reader allocates the bytes object before reading, and a size this
                // close to sys.maxsize cannot have the object's header added to it
                throw new PyError("OverflowError", "byte string is too large");
            }
            return n;
        }

        /** {@code n} bytes of a counted argument, or pickletools' complaint about how few remain. */
        private DisInput.Slice counted(long n, String what) throws IOException, PyError {
            DisInput.Slice s = in.read(n);
            if (s.count != n) {
                throw PyError.value("expected " + n + " bytes in a " + what + ", but only " + s.count + " remain");
            }
            return s;
        }

        private DisInput.Slice line(String what) throws IOException, PyError {
            DisInput.Slice s = in.readLine();
            if (!s.terminated) {
                throw PyError.value("no newline found when trying to read " + what);
            }
            return s;
        }

        /** read_stringnl: a line, optionally in quotes, escape-decoded, then ASCII. */
        private PyStr stringnl(boolean stripQuotes) throws IOException, PyError {
            DisInput.Slice s = line("stringnl");
            int off = s.off;
            int len = s.len;
            if (stripQuotes) {
                boolean quoted = false;
                for (byte q : new byte[] {'"', '\''}) {
                    if (len > 0 && s.a[off] == q) {
                        if (s.a[off + len - 1] != q) {
                            throw PyError.value("strinq quote " + PyText.bytesRepr(new byte[] {q}, 0, 1, 16)
                                    + " not found at both ends of "
                                    + PyText.bytesRepr(s.a, off, len, PyNumbers.MESSAGE_QUOTE));
                        }
                        // a lone quote both starts and ends the line: what is inside is empty
                        off++;
                        len = Math.max(0, len - 2);
                        quoted = true;
                        break;
                    }
                }
                if (!quoted) {
                    throw PyError.value("no string quotes around " + PyText.bytesRepr(s.a, off, len, PyNumbers.MESSAGE_QUOTE));
                }
            }
            return checked(PyStr.of(PyText.ESCAPED, s.a, off, len));
        }

        private static PyStr checked(PyStr s) throws PyError {
            s.check();
            return s;
        }

        private static PyStr latin1(DisInput.Slice s) throws PyError {
            return checked(PyStr.of(PyText.LATIN1, s.a, s.off, s.len));
        }

        private static PyStr utf8(DisInput.Slice s) throws PyError {
            return checked(PyStr.of(PyText.UTF8, s.a, s.off, s.len));
        }

        /**
         * LONG4. Only a value of at most 4300 digits can be printed, so beyond a few kilobytes the
         * bytes are scanned rather than kept: what matters is where the sign extension begins.
         */
        private Object long4() throws IOException, PyError {
            long n = (int) fixed(4, "int4");
            if (n < 0) {
                throw PyError.value("long4 byte count < 0: " + n);
            }
            if (n <= LONG4_KEPT) {
                DisInput.Slice s = in.read(n);
                if (s.count != n) {
                    throw notEnough("long4");
                }
                return PyNumbers.fromLittleEndianSigned(s.a, s.off, s.len);
            }
            byte[] kept = new byte[LONG4_KEPT];
            long[] last = {-1, -1, 0}; // last index that is not 0x00, last that is not 0xff, last byte
            long[] index = {0};
            long count = in.scan(n, (a, off, len) -> {
                for (int i = off; i < off + len; i++, index[0]++) {
                    byte b = a[i];
                    if (index[0] < LONG4_KEPT) {
                        kept[(int) index[0]] = b;
                    }
                    if (b != 0) {
                        last[0] = index[0];
                    }
                    if (b != -1) {
                        last[1] = index[0];
                    }
                    last[2] = b;
                }
            });
            if (count != n) {
                throw notEnough("long4");
            }
            long significant = (last[2] < 0 ? last[1] : last[0]) + 1;
            if (significant < LONG4_KEPT) {
                // the kept bytes end in sign extension, so they hold the whole value
                return PyNumbers.fromLittleEndianSigned(kept, 0, LONG4_KEPT);
            }
            return HUGE_INT;
        }
    }

    /** CPython's {@code PyBytesObject_SIZE} on 64-bit builds: a bytes object's header and NUL. */
    private static final long BYTES_OBJECT_HEADER = 33;

    /** LONG4 keeps this many bytes; a value that needs more has far more than 4300 digits. */
    private static final int LONG4_KEPT = 8192;

    /** A LONG4 value too long to print: its repr fails as CPython's does. */
    private static final Object HUGE_INT = new Object();

    /** {@code repr} of an int, bool or float argument. */
    private static String scalarRepr(Object arg) throws PyError {
        if (arg == HUGE_INT) {
            return PyNumbers.intRepr(BigInteger.ONE.shiftLeft(LONG4_KEPT * 8));
        }
        if (arg instanceof Boolean) {
            return (Boolean) arg ? "True" : "False";
        }
        if (arg instanceof Double) {
            return PyNumbers.floatRepr((Double) arg);
        }
        return PyNumbers.intRepr(arg);
    }

    /** {@code "%-4s " % repr(opcode.code)[1:-1]} for each opcode: {@code "(    "}, {@code "\\x80 "}. */
    private static final String[] CODE_COLUMN = new String[Opcode.values().length];

    static {
        for (Opcode op : Opcode.values()) {
            // every opcode below 0x80 is a printable ASCII character; those above are C1 controls
            String repr = op.code() < 0x80 ? String.valueOf((char) op.code())
                    : "\\x" + Integer.toHexString(op.code());
            CODE_COLUMN[op.ordinal()] = repr + " ".repeat(Math.max(0, 4 - repr.length())) + " ";
        }
    }

    /** {@code "%5d: " % pos}, without the cost of a Formatter per line. */
    private static String offsetColumn(long pos) {
        String digits = Long.toString(pos);
        return digits.length() >= 5 ? digits + ": " : "     ".substring(digits.length()) + digits + ": ";
    }

    /** A memo key as Python's dict sees it: True is 1, False is 0. */
    private static BigInteger memoKey(Object arg) {
        if (arg instanceof Boolean) {
            return (Boolean) arg ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (arg instanceof Long) {
            return BigInteger.valueOf((Long) arg);
        }
        return (BigInteger) arg;
    }

    private static int indexOf(StackObj[] objs, StackObj o) {
        for (int i = 0; i < objs.length; i++) {
            if (objs[i] == o) {
                return i;
            }
        }
        return -1;
    }
}
