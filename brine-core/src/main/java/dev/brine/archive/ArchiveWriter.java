package dev.brine.archive;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.pickle.PersistentIdHook;
import dev.brine.pickle.Pickler;
import dev.brine.pickle.PicklingException;
import dev.brine.pickle.PicklerOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Writes one model archive, as Aesara's {@code pkl_utils.dump} lays it out: while the object is
 * pickled, each distinct array met is written at once as an NPY member and the pickle refers to
 * it by the persistent id {@code "ndarray.<member>"}; the pickle itself becomes the last member,
 * {@code pkl}.
 */
final class ArchiveWriter implements PersistentIdHook {
    private static final String NDARRAY_PREFIX = "ndarray.";

    private final ZipWriter zip;
    private final ArchiveOptions options;
    private final MemberNames names;
    private final Map<NDArray, String> written = new IdentityHashMap<>();

    private ArchiveWriter(ZipWriter zip, Object obj, ArchiveOptions options) {
        this.zip = zip;
        this.options = options;
        this.names = new MemberNames(options.allowUnnamed(), options.allowDuplicates(),
                () -> variableMembers(obj, options));
    }

    /**
     * The member names Aesara's rules give the arrays of named variables anywhere in {@code obj}:
     * the pickler runs over the object once more, writing nothing and no array, only to meet the
     * variables in the order it meets them. Needed only when an array remembers the member it was
     * loaded from, to keep that name from a variable met after it: pkl_utils and python/brine.py
     * name {@code {'initial_W': <an array loaded as W>, 'W': SharedVariable('W', ...)}} as
     * {@code array_0, W}, never {@code W, W_2}. Classes' {@code getState} run a second time then.
     */
    private static Set<String> variableMembers(Object obj, ArchiveOptions options) throws BrineException {
        MemberNames names = new MemberNames(true, true, null);
        Map<NDArray, Boolean> seen = new IdentityHashMap<>();
        PersistentIdHook hook = o -> {
            if (o instanceof SharedVariable) {
                names.noteVariable((SharedVariable) o);
            } else if (o instanceof NDArray) {
                if (seen.put((NDArray) o, Boolean.TRUE) == null) {
                    names.nameFor((NDArray) o);
                }
                return NDARRAY_PREFIX; // any id: the array itself is not pickled
            }
            return null;
        };
        PicklerOptions po = PicklerOptions.builder().protocol(options.protocol()).registry(options.writeRegistry())
                .persistentId(hook).build();
        try {
            new Pickler(OutputStream.nullOutputStream(), po).dump(obj);
        } catch (BrineException e) {
            throw e;
        } catch (IOException e) {
            throw new BrineException("finding the variables' member names: " + e.getMessage(), e);
        }
        return names.variableMembers();
    }

    /** Writes {@code obj} as an archive to {@code out}, which is flushed but left open. */
    static void write(Object obj, OutputStream out, ArchiveOptions options) throws IOException {
        write(obj, new ZipWriter(out), options);
    }

    /** Like {@link #write(Object, OutputStream, ArchiveOptions)} through a given ZIP writer (tests force ZIP64 so). */
    static void write(Object obj, ZipWriter zip, ArchiveOptions options) throws IOException {
        ArchiveWriter w = new ArchiveWriter(zip, obj, options);
        PicklerOptions po = PicklerOptions.builder().protocol(options.protocol()).registry(options.writeRegistry())
                .persistentId(w).build();
        byte[] pickle;
        try {
            pickle = Pickler.dumps(obj, po);
        } catch (UncheckedIOException e) {
            // the hook cannot throw a plain IOException (a full disk, say): it travels unchecked
            throw e.getCause();
        } catch (PicklingException e) {
            if (e.getCause() instanceof UncheckedIOException) {
                // the pickler reports what a persistent_id hook throws as the hook's failure; this hook is the
                // archive's own, and what failed is writing its member: the caller is told so, as for the other members
                throw ((UncheckedIOException) e.getCause()).getCause();
            }
            throw e;
        }
        w.writeMember(MemberNames.PICKLE_MEMBER, null, pickle);
        zip.finish();
    }

    /**
     * Python's {@code persistent_id}, called for every object before it is pickled: notes
     * variables' names, and turns arrays into members.
     */
    @Override
    public Object persistentId(Object obj) throws BrineException {
        if (obj instanceof SharedVariable) {
            names.noteVariable((SharedVariable) obj);
            return null;
        }
        if (!(obj instanceof NDArray)) {
            return null;
        }
        NDArray array = (NDArray) obj;
        String pid = written.get(array);
        if (pid == null) {
            String name = names.nameFor(array);
            try {
                writeMember(name, array, Npy.header(array, null));
            } catch (BrineException e) {
                throw e.withContext("array member " + name); // keeps the subclass (LimitExceeded, Pickling)
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // one String per member: the pickler memoizes it, as Python's does with its seen dict
            pid = NDARRAY_PREFIX + name;
            written.put(array, pid);
        }
        return pid;
    }

    /** Writes a member holding {@code head} followed by the bytes of {@code array} (when given). */
    private void writeMember(String name, NDArray array, byte[] head) throws IOException {
        long size = head.length + (array == null ? 0 : array.nbytes());
        OutputStream member;
        if (options.compression() == ArchiveOptions.Compression.STORED) {
            member = zip.beginStored(name, size, crc(head, array));
        } else {
            member = zip.beginDeflated(name, size);
        }
        member.write(head);
        if (array != null) {
            array.storage().writeTo(member);
        }
        member.close();
    }

    /**
     * The CRC-32 a stored member must announce before its data: one extra pass over the array, through heap copies
     * ({@code Storage.writeTo}): {@code CRC32.update(ByteBuffer)} reads a mapped buffer in a JVM stub that a file
     * truncated under the mapping kills with SIGBUS, where a copy gives the JVM's InternalError.
     */
    private static long crc(byte[] head, NDArray array) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(head);
        if (array != null) {
            array.storage().writeTo(new CheckedOutputStream(OutputStream.nullOutputStream(), crc));
        }
        return crc.getValue();
    }
}
