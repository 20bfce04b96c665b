package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.pickle.InertGlobals;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.py.Global;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads the pickles of a file one after another, as repeated {@code pickle.load} does, up to bytes
 * that do not start a readable pickle. Python's {@code pickle.load} and {@code python3 -m pickle} read
 * one pickle and ignore what follows it (a trailing newline, zero padding, pickletester's
 * {@code b'((Kdtp0\nh\x00l.))'}); Brine reads on, since a file may hold several pickles, and so ignores,
 * with a warning naming their offset and count, bytes after the last complete pickle that it cannot
 * read as one. A file whose first pickle cannot be read still fails: then there is nothing Python reads.
 * A pickle refused for a limit is not stray bytes: that refusal stands. A file {@code joblib.dump} wrote (a pickle
 * with numpy arrays' raw bytes between its opcodes) is refused as one, naming joblib.
 */
final class PickleFile {
    private PickleFile() {
    }

    /** Bytes after the last complete pickle that were not read: where they start, how many, and why. */
    record Trailing(long offset, long count, String why) {
        /** The warning every verb prints on stderr. */
        void warn(Path file, PrintWriter err) {
            ErrorReporter.warn(err, file + ": ignored " + count + (count == 1 ? " byte" : " bytes")
                    + " at offset " + offset + ", after the last complete pickle: not a pickle (" + why
                    + "); Python's pickle.load reads only the first pickle too");
            err.flush();
        }
    }

    /**
     * What was read: how many pickles, whether their memo spanned them, the bytes ignored after them (or null), and
     * the globals they name that were kept inert ({@link Unpickler#inertGlobals}: what Python would import and run;
     * none tells that walking the objects for them finds nothing).
     */
    record Result(long count, boolean memoSpanned, Trailing trailing, InertGlobals inertGlobals) {
    }

    /** Reads {@code path}'s pickles with {@code options}, handing each object to {@code each}. */
    static Result read(Path path, UnpicklerOptions options, Consumer<Object> each) throws IOException {
        return readMarkingInert(path, options, (value, namesInert) -> each.accept(value));
    }

    /**
     * Reads {@code path}'s pickles with {@code options}, handing each object to {@code each} with whether reading it
     * met a global kept inert (a pickle may also refer to an earlier one's: met there, that name was handed on then).
     */
    static Result readMarkingInert(Path path, UnpicklerOptions options, java.util.function.BiConsumer<Object, Boolean> each)
            throws IOException {
        long count = 0;
        try (SeekableByteChannel channel = Files.newByteChannel(path)) {
            Unpickler u = new Unpickler(channel, options);
            long size = channel.size();
            long inertBefore = 0;
            // the names met by the pickles read, not by stray bytes after them that a failed read ends in (Python
            // reads no further than a pickle either); copied only after a pickle that met one
            InertGlobals met = InertGlobals.NONE;
            while (u.hasNext()) {
                long start = u.offset();
                Object value;
                try {
                    value = u.loadNext();
                } catch (LimitExceededException e) {
                    throw joblibOr(e, path, u);
                } catch (UnpicklingException e) {
                    if (count == 0 || startsWithProto(channel, start)) {
                        // the first pickle, or a damaged later one that PROTO says is a pickle: a bad file
                        throw joblibOr(e, path, u);
                    }
                    return new Result(count, u.memoSpannedPickles(), new Trailing(start, size - start, brief(e)), met);
                }
                boolean metNames = u.inertNamesMet() > inertBefore;
                if (metNames) {
                    met = u.inertGlobals();
                    if (met.names().contains(JOBLIB_ARRAY)) {
                        // read in full all the same: its arrays were pickles of objects, which joblib puts in their place
                        throw joblib(path, null);
                    }
                }
                each.accept(value, metNames);
                inertBefore = u.inertNamesMet();
                count++;
            }
            return new Result(count, u.memoSpannedPickles(), null, met);
        }
    }

    /** What joblib.dump pickles in each numpy array's place, with the array's raw bytes after it in the file. */
    static final Global JOBLIB_ARRAY = new Global("joblib.numpy_pickle", "NumpyArrayWrapper");

    /** Whether reading met {@link #JOBLIB_ARRAY}: only joblib's own unpickler reads what follows it. */
    private static boolean isJoblib(Unpickler u) {
        return u.inertGlobals().names().contains(JOBLIB_ARRAY);
    }

    /** The refusal of a joblib file when reading {@code path} met {@link #JOBLIB_ARRAY} before {@code e}, else {@code e}. */
    private static BrineException joblibOr(BrineException e, Path path, Unpickler u) {
        return isJoblib(u) ? joblib(path, e) : e;
    }

    /**
     * The refusal of a file {@code joblib.dump} wrote (with no compression; compressed ones are refused as such by
     * Formats): it is not a pickle, but a pickle with each numpy array's raw bytes written between its opcodes.
     */
    static BrineException joblib(Path path, BrineException cause) {
        // what reading it as a pickle stopped on, unless a limit (its advice, to raise the heap, would not help)
        boolean why = cause != null && !(cause instanceof LimitExceededException);
        return new BrineException(path + ": a joblib file (joblib.dump writes each numpy array's raw bytes between the"
                + " pickle's opcodes, which only joblib reads): load it in Python with joblib.load and save what it holds"
                + " with pickle.dump (or numpy.save for arrays)" + (why ? " (read as a pickle: " + brief(cause) + ")" : ""),
                cause);
    }

    /**
     * Whether the bytes at {@code start} begin with PROTO (0x80), as every pickle of protocol 2 or later does: those
     * are a pickle, damaged, not stray bytes after the last one.
     */
    private static boolean startsWithProto(SeekableByteChannel channel, long start) throws IOException {
        java.nio.ByteBuffer first = java.nio.ByteBuffer.allocate(1);
        channel.position(start);
        return channel.read(first) == 1 && (first.get(0) & 0xff) == 0x80;
    }

    private static String brief(BrineException e) {
        String m = String.valueOf(e.getMessage());
        return m.length() <= 200 ? m : m.substring(0, 200) + "...";
    }
}
