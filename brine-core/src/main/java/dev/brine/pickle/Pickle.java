package dev.brine.pickle;

import dev.brine.io.InputFiles;
import dev.brine.BrineException;
import dev.brine.io.AtomicFiles;
import dev.brine.io.FileKind;
import dev.brine.io.Pipes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code pickle} module functions: {@code dump}/{@code dumps}/{@code load}/{@code loads}.
 *
 * <pre>{@code
 * Pickle.dump(model, Path.of("obj.save"), Pickle.HIGHEST_PROTOCOL);
 * Object loaded = Pickle.load(Path.of("obj.save"));
 * }</pre>
 *
 * Loading uses {@link UnpicklerOptions#DEFAULT} unless options are given: it trusts Python's builtins and
 * numpy arrays, dtypes and scalars, and refuses any other global, naming it.
 */
public final class Pickle {
    /** Python's {@code pickle.HIGHEST_PROTOCOL}: 5. */
    public static final int HIGHEST_PROTOCOL = Opcode.HIGHEST_PROTOCOL;
    /** Python 3.8+'s {@code pickle.DEFAULT_PROTOCOL}: 4. Brine's own default is the highest, 5. */
    public static final int DEFAULT_PROTOCOL = 4;

    private Pickle() {
    }

    /** The pickle of {@code obj} at the highest protocol. */
    public static byte[] dumps(Object obj) throws BrineException {
        return Pickler.dumps(obj, PicklerOptions.DEFAULT);
    }

    /** The pickle of {@code obj} at {@code protocol}. */
    public static byte[] dumps(Object obj, int protocol) throws BrineException {
        return Pickler.dumps(obj, PicklerOptions.DEFAULT.withProtocol(protocol));
    }

    /** The pickle of {@code obj} with {@code options}. */
    public static byte[] dumps(Object obj, PicklerOptions options) throws BrineException {
        return Pickler.dumps(obj, options);
    }

    /** Writes one pickle of {@code obj} to {@code out} (a fresh memo, like {@code pickle.dump}). */
    public static void dump(Object obj, OutputStream out, int protocol) throws IOException {
        new Pickler(out, PicklerOptions.DEFAULT.withProtocol(protocol)).dump(obj);
    }

    /** Writes one pickle of {@code obj} to {@code out} with {@code options}. */
    public static void dump(Object obj, OutputStream out, PicklerOptions options) throws IOException {
        new Pickler(out, options).dump(obj);
    }

    /**
     * Saves {@code obj} to {@code file} atomically (a temporary file renamed into place) with the
     * builtins registry: Java classes are written through their {@link dev.brine.mapping.PythonName};
     * for classes registered in a registry, pass it with {@link #dump(Object, Path, PicklerOptions)}.
     */
    public static void dump(Object obj, Path file, int protocol) throws IOException {
        dump(obj, file, PicklerOptions.DEFAULT.withProtocol(protocol));
    }

    /**
     * Saves {@code obj} to {@code file} atomically with {@code options}: their registry decides how
     * Java classes are written (the name a class was registered under, its state versions).
     */
    public static void dump(Object obj, Path file, PicklerOptions options) throws IOException {
        AtomicFiles.write(file, out -> new Pickler(out, options).dump(obj));
    }

    /** The object in {@code data}, read with {@link UnpicklerOptions#DEFAULT}. */
    public static Object loads(byte[] data) throws IOException {
        return new Unpickler(data, UnpicklerOptions.DEFAULT).load();
    }

    /** The object in {@code data}, read with {@code options}. */
    public static Object loads(byte[] data, UnpicklerOptions options) throws IOException {
        return new Unpickler(data, options).load();
    }

    /**
     * Reads one pickle from {@code in} and leaves the stream exactly after it, so calling this again
     * reads the next one, as {@code pickle.load(f)} in a loop does; at the end of the stream it throws
     * an {@link EndOfPicklesException} (CPython's EOFError), which a loop stops at, and a damaged pickle
     * another {@link UnpicklingException}, whose offsets count from the pickle's first byte. A stream with
     * mark/reset or a {@link java.io.FileInputStream} is read ahead and taken back; any other stream
     * is read no further than the pickle needs, an opcode at a time outside frames (slower: wrap it
     * in a {@link BufferedInputStream} when that matters).
     */
    public static Object load(InputStream in) throws IOException {
        return new Unpickler(in, UnpicklerOptions.DEFAULT).load();
    }

    /** Reads one pickle from {@code in} with {@code options}. */
    public static Object load(InputStream in, UnpicklerOptions options) throws IOException {
        return new Unpickler(in, options).load();
    }

    /** The first pickle in {@code file}. */
    public static Object load(Path file) throws IOException {
        return load(file, UnpicklerOptions.DEFAULT);
    }

    /** The first pickle in {@code file}, read with {@code options}. */
    public static Object load(Path file, UnpicklerOptions options) throws IOException {
        InputFiles.refuseFolder(file); // named once, not again as the context of a pickle's error
        if (Pipes.isPipe(file)) {
            try (InputStream in = new BufferedInputStream(open(file))) {
                return new Unpickler(in, options).load();
            } catch (BrineException e) {
                throw e.withContext(FileKind.context(file, FileKind.PICKLE)); // an .npz or .npy says so
            }
        }
        // a channel knows how much of the file is left: a big bytes argument the file holds is read into one array
        // of its size, where a stream's claimed length is only trusted as the bytes arrive (a doubling array)
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return new Unpickler(channel, options).load();
        } catch (BrineException e) {
            throw e.withContext(FileKind.context(file, FileKind.PICKLE));
        }
    }

    /**
     * Every pickle in {@code file}, in order (several {@code dump} calls to one file), each read as
     * {@link Unpickler#loadNext()} reads it: with an empty memo, as repeated {@code pickle.load} calls
     * read pickles that {@code pickle.dump} wrote one at a time; a pickle that refers to a memo entry
     * it never defined is read again with the memo the earlier ones left, as one CPython
     * {@code Unpickler} reads what one {@code Pickler} wrote with several {@code dump} calls (see
     * {@code loadNext} for the one case the two cannot be told apart, and
     * {@link UnpicklerOptions.Builder#streamMemo} to say which it is).
     */
    public static List<Object> loadAll(Path file, UnpicklerOptions options) throws IOException {
        InputFiles.refuseFolder(file);
        if (Pipes.isPipe(file)) { // read once, front to back, as a stream is (see Unpickler.loadNext on streams)
            try (InputStream in = new BufferedInputStream(open(file))) {
                return loadAll(new Unpickler(in, options));
            } catch (BrineException e) {
                throw e.withContext(FileKind.context(file, FileKind.PICKLE));
            }
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return loadAll(new Unpickler(channel, options));
        } catch (BrineException e) {
            throw e.withContext(FileKind.context(file, FileKind.PICKLE));
        }
    }

    /** {@code file}'s bytes as a stream ({@link InputFiles#stream}: a folder refused, a pipe read as one). */
    private static InputStream open(Path file) throws IOException {
        return InputFiles.stream(file);
    }

    /** Every pickle in {@code data}, in order, read as {@link #loadAll(Path, UnpicklerOptions)} reads a file's. */
    public static List<Object> loadAll(byte[] data, UnpicklerOptions options) throws IOException {
        return loadAll(new Unpickler(data, options));
    }

    private static List<Object> loadAll(Unpickler u) throws IOException {
        List<Object> all = new ArrayList<>();
        while (u.hasNext()) {
            all.add(u.loadNext());
        }
        return all;
    }
}
