package dev.brine.archive;

import dev.brine.BrineException;
import dev.brine.io.AtomicFiles;
import dev.brine.npy.ZipReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Model archives, the seed's robust serialization: Aesara's {@code pkl_utils.dump} and
 * {@code load} on the JVM, file for file.
 *
 * <p>An archive is a ZIP (ZIP64 when needed) holding one NPY member per distinct array reachable
 * from the object, without suffix, written as the pickler meets them, and last a member
 * {@code pkl} with the pickle of the object, which refers to each array by the persistent id
 * {@code "ndarray.<member>"}. An array held by a named {@link SharedVariable} is named after it
 * ({@code W}, duplicates {@code W_2}, {@code W_3}, ...), an array loaded from an archive keeps its
 * member name, and any other is {@code array_0}, {@code array_1}, ... So:
 *
 * <ul>
 *   <li>{@code numpy.load('model.zip')} lists the arrays and {@code pkl}, and returns the arrays,
 *       without Brine;
 *   <li>Python's {@code pickle.Unpickler} with a {@code persistent_load} that reads the named member
 *       (as {@code pkl_utils.load} does, or {@code python/brine.py}) loads the whole object;
 *   <li>Brine loads archives written that way by Python, old {@code gpuarray.<member>} ids included.
 * </ul>
 *
 * <pre>{@code
 * Map<String, Object> model = Map.of("W", new SharedVariable("W", w), "b", new SharedVariable("b", b));
 * ModelArchive.dump(model, Path.of("model.zip"));               // atomic
 * Object loaded = ModelArchive.load(Path.of("model.zip"));
 * }</pre>
 *
 * Saving to a file is atomic: a crash leaves the old archive or the new one, never a torn one.
 * Loading checks member sizes and CRCs and every length against {@link dev.brine.Limits}, and
 * ends in an {@link ArchiveException} naming the archive and the member for a malformed archive;
 * a pickle that cannot be read and a limit that is hit keep their own types
 * ({@link dev.brine.pickle.UnpicklingException}, {@link dev.brine.LimitExceededException}), the
 * archive and member in front of their messages, as {@code Pickle.load(Path)} puts the file there.
 */
public final class ModelArchive {
    private static final String STREAM = "archive stream";

    private ModelArchive() {
    }

    /** Saves {@code obj} to {@code file} atomically with {@link ArchiveOptions#DEFAULT}. */
    public static void dump(Object obj, Path file) throws IOException {
        dump(obj, file, ArchiveOptions.DEFAULT);
    }

    /**
     * Saves {@code obj} to {@code file} atomically: the archive goes to a temporary file in the same
     * folder, is forced to disk and renamed over {@code file}; on failure {@code file} is unchanged
     * and the temporary file is removed.
     *
     * @throws BrineException (naming {@code file}) if the object cannot be pickled or a variable
     *     name is refused
     */
    public static void dump(Object obj, Path file, ArchiveOptions options) throws IOException {
        try {
            AtomicFiles.write(file, out -> ArchiveWriter.write(obj, out, options));
        } catch (BrineException e) {
            throw e.withContext("cannot save " + file); // keeps the subclass: a PicklingException stays one
        }
    }

    /** Writes {@code obj} as an archive to {@code out}, which is flushed and left open. */
    public static void dump(Object obj, OutputStream out, ArchiveOptions options) throws IOException {
        Objects.requireNonNull(out, "out"); // before the object is pickled
        ArchiveWriter.write(obj, out, options);
    }

    /** Loads the object in the archive {@code file} with {@link ArchiveOptions#DEFAULT}. */
    public static Object load(Path file) throws IOException {
        return load(file, ArchiveOptions.DEFAULT);
    }

    /**
     * Loads the object in the archive {@code file}. Arrays of stored members are memory-mapped as
     * {@link ArchiveOptions#arrayAccess()} says (read-only; they stay valid when the file is later
     * replaced by a new save), the others read into memory.
     *
     * @throws ArchiveException naming the archive and member when it is malformed: not a ZIP,
     *     truncated, no {@code pkl}, a persistent id naming a missing member, a member that is not
     *     NPY, an unsafe member name, a CRC mismatch
     * @throws dev.brine.pickle.UnpicklingException when the {@code pkl} member (or a {@code gpuarray}
     *     member's context name) is not a pickle that can be read, or names a global the registry
     *     refuses: {@code "model.zip: member pkl: "} in front of the message, its offset and opcode kept
     * @throws dev.brine.LimitExceededException when a limit is hit, naming the archive and member
     */
    public static Object load(Path file, ArchiveOptions options) throws IOException {
        return ArchiveReader.load(file, file.toString(), true, options);
    }

    /**
     * Loads the archive read from {@code in} (to its end; not closed). A ZIP is read from its end,
     * so the stream is first copied to a temporary file, deleted before this returns; arrays are
     * read into memory.
     */
    public static Object load(InputStream in, ArchiveOptions options) throws IOException {
        Path tmp = Files.createTempFile("brine-archive-", ".zip");
        try {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return ArchiveReader.load(tmp, STREAM, false, options);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@link #verify(Path, ArchiveOptions)} with the default limits. */
    public static List<String> verify(Path file) throws IOException {
        return verify(file, ArchiveOptions.DEFAULT);
    }

    /**
     * Checks every member of the archive {@code file} against its size and CRC (what
     * {@link ArchiveOptions.ArrayAccess#MAP_LAZY} leaves out) and that it has a {@code pkl} member,
     * without unpickling anything.
     *
     * @return the member names in archive order, as {@code numpy.load(file).files} lists them
     * @throws ArchiveException naming the archive and the first bad member
     * @throws dev.brine.LimitExceededException naming the archive and member, when one inflates past a limit
     */
    public static List<String> verify(Path file, ArchiveOptions options) throws IOException {
        String archive = file.toString();
        List<String> names = new ArrayList<>();
        try (ZipReader zip = ArchiveReader.open(file, archive, options)) {
            for (ZipReader.Entry e : zip.entries()) {
                try (InputStream in = zip.open(e)) {
                    MemberArrays.drain(in, e);
                } catch (IOException | RuntimeException ex) {
                    throw ArchiveException.wrap(archive, archive, e.name(), ex);
                }
                names.add(e.name());
            }
            if (zip.entry(MemberNames.PICKLE_MEMBER) == null) {
                throw new ArchiveException(archive, null, "no member 'pkl': not a model archive");
            }
        }
        return names;
    }
}
