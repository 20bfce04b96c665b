package dev.brine.archive;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.PersistentLoader;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads one model archive, as Aesara's {@code pkl_utils.load} does: the {@code pkl} member is
 * unpickled, and each persistent id {@code "ndarray.<member>"} (or an old {@code
 * "gpuarray.<member>"}) becomes the array in that member, read once however often it is named.
 * Arrays remember their member name.
 */
final class ArchiveReader implements PersistentLoader {
    private final ZipReader zip;
    private final String archive;
    private final String where;
    private final ArchiveOptions options;
    private final MemberArrays arrays;
    private final Map<String, NDArray> cache = new HashMap<>();
    /**
     * The last failure the persistent loader threw, already naming the member it is about (an
     * ArchiveException, or an UnpicklingException or LimitExceededException with the archive and
     * member in front): the unpickler hands it on, or wraps it, and {@link #load()} throws it itself.
     */
    private BrineException memberFailure;

    private ArchiveReader(ZipReader zip, String archive, String where, ArchiveOptions options, MemberArrays arrays) {
        this.zip = zip;
        this.archive = archive;
        this.where = where;
        this.options = options;
        this.arrays = arrays;
    }

    /**
     * Loads the object in the archive {@code file}, called {@code archive} in messages. Stored
     * arrays may be mapped when {@code mappable} (the file outlives the arrays).
     */
    static Object load(Path file, String archive, boolean mappable, ArchiveOptions options) throws IOException {
        String where = file.toString();
        ZipReader zip = open(file, archive, options);
        try (zip; MemberArrays arrays = new MemberArrays(zip, mappable ? file : null, options.limits(),
                options.arrayAccess(), options.minMappedBytes())) {
            return new ArchiveReader(zip, archive, where, options, arrays).load();
        }
    }

    /** Opens the ZIP, turning a malformed one into an ArchiveException about the archive. */
    static ZipReader open(Path file, String archive, ArchiveOptions options) throws IOException {
        try {
            return ZipReader.open(file, options.limits());
        } catch (BrineException e) {
            throw ArchiveException.wrap(archive, file.toString(), null, e);
        }
    }

    private Object load() throws IOException {
        ZipReader.Entry pkl = zip.entry(MemberNames.PICKLE_MEMBER);
        if (pkl == null) {
            throw new ArchiveException(archive, null, "no member 'pkl': not a model archive (numpy.load still lists"
                    + " its arrays)");
        }
        byte[] pickle = readWhole(pkl);
        UnpicklerOptions uo = options.unpicklerOptions().toBuilder().registry(options.readRegistry())
                .persistentLoader(this).build();
        try {
            return new Unpickler(pickle, uo).load();
        } catch (BrineException e) {
            if (memberFailure != null && causedBy(e, memberFailure)) {
                throw memberFailure; // already names its member; the unpickler may have wrapped it
            }
            throw ArchiveException.wrap(archive, where, MemberNames.PICKLE_MEMBER, e);
        }
    }

    /** The pickle, read whole before unpickling so that a bad CRC is reported as such. */
    private byte[] readWhole(ZipReader.Entry e) throws IOException {
        if (e.size() > options.limits().maxAllocation() || e.size() > Integer.MAX_VALUE - 8) {
            throw ArchiveException.wrap(archive, where, e.name(), new LimitExceededException("maxAllocation",
                    e.size() + " bytes of pickle are too many to read into memory"));
        }
        try (InputStream in = zip.open(e)) {
            if (e.inflates()) {
                // weighed by the objects it may make, not its bytes: a 586 KB archive whose pickle inflated to
                // 600 MB of empty dicts ran the heap out (HeapBudget.PICKLE_OBJECTS_PER_BYTE)
                arrays.budget().chargePickle(e.size(), where + ": member " + e.name());
            }
            // the member stream yields no more than the declared size and checks the CRC at its end
            return in.readAllBytes();
        } catch (BrineException ex) {
            throw ArchiveException.wrap(archive, where, e.name(), ex);
        }
    }

    /** Whether {@code failure} is {@code e} or among its causes. */
    private static boolean causedBy(Throwable e, BrineException failure) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t == failure) {
                return true;
            }
        }
        return false;
    }

    /** Records what {@link #load(Object)} throws from inside the unpickler, to be thrown as it is. */
    private BrineException memberFailure(BrineException e) {
        memberFailure = e;
        return e;
    }

    /** The bytes of the member arrays loaded so far, each once: input for maxBytesRatio. */
    @Override
    public long bytesRead() {
        return arrayBytesRead;
    }

    private long arrayBytesRead;

    /** Python's {@code persistent_load}: the array of the member a persistent id names. */
    @Override
    public Object load(Object pid) throws BrineException {
        if (!(pid instanceof String) || ((String) pid).indexOf('.') < 0) {
            throw memberFailure(new ArchiveException(archive, MemberNames.PICKLE_MEMBER, "unsupported persistent id "
                    + repr(pid) + ": archives refer to arrays as 'ndarray.<member>'"));
        }
        String id = (String) pid;
        String kind = id.substring(0, id.indexOf('.'));
        String name = id.substring(id.indexOf('.') + 1);
        if (!kind.equals("ndarray") && !kind.equals("gpuarray")) {
            throw memberFailure(new ArchiveException(archive, MemberNames.PICKLE_MEMBER, "unsupported persistent id "
                    + repr(pid) + ": archives refer to arrays as 'ndarray.<member>'"));
        }
        NDArray cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        String unsafe = MemberNames.unsafe(name);
        if (unsafe != null) {
            throw memberFailure(new ArchiveException(archive, MemberNames.PICKLE_MEMBER, "persistent id " + repr(pid)
                    + " names an unsafe member: " + unsafe));
        }
        ZipReader.Entry e = zip.entry(name);
        if (e == null) {
            throw memberFailure(new ArchiveException(archive, MemberNames.PICKLE_MEMBER, "persistent id " + repr(pid)
                    + " names member '" + name + "', which is not in the archive"));
        }
        NDArray a;
        try {
            a = kind.equals("ndarray") ? arrays.ndarray(e) : arrays.gpuarray(e);
        } catch (IOException | RuntimeException ex) {
            throw memberFailure(ArchiveException.wrap(archive, where, name, ex));
        }
        a = a.withMemberName(name);
        cache.put(name, a);
        arrayBytesRead += a.nbytes();
        return a;
    }

    private static String repr(Object pid) {
        return pid instanceof String ? "'" + pid + "'" : String.valueOf(pid);
    }
}
