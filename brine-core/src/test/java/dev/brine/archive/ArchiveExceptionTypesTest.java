package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklingException;
import dev.brine.testing.Python;
import dev.brine.torch.TorchCheckpoint;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure inside an archive keeps the type a caller catches it by, as {@code Pickle.load(Path)}'s
 * does ({@code ExceptionTypeWithContextTest}): {@code catch (UnpicklingException e)} around
 * {@link ModelArchive#load} catches a corrupt or refused pickle in the archive, and a limit stays a
 * {@link LimitExceededException} naming its limit; the message names the archive and the member
 * ({@code "archive stream"} for a stream, never the temporary file it was copied to). The hostile
 * archives are written by Python (zipfile, pickle, numpy), and Python's own pickle refuses the
 * corrupt pickles (the oracle that they are bad), while zipfile and numpy read the ZIPs around them.
 */
class ArchiveExceptionTypesTest {
    @TempDir
    static Path dir;

    /** Writes the archives, the cut pickle alone ({@code cut.pkl}), an NPZ and a torch checkpoint. */
    @BeforeAll
    static void writeHostileFiles() throws Exception {
        Python.require("numpy", "torch");
        String out = Python.checkText("""
                import io, os, pickle, sys, zipfile
                import numpy as np
                d = sys.argv[1]

                class Pid:
                    def __init__(self, pid): self.pid = pid
                class Ids(pickle.Pickler):
                    def persistent_id(self, obj):
                        return obj.pid if isinstance(obj, Pid) else None
                def pkl(obj, protocol=2):
                    b = io.BytesIO(); Ids(b, protocol).dump(obj); return b.getvalue()
                def npy(a):
                    b = io.BytesIO(); np.lib.format.write_array(b, a); return b.getvalue()
                def archive(name, members, compression=zipfile.ZIP_DEFLATED):
                    with zipfile.ZipFile(os.path.join(d, name), 'w', compression) as z:
                        for k, v in members.items():
                            z.writestr(k, v)
                    with zipfile.ZipFile(os.path.join(d, name)) as z:  # a sound ZIP around the bad member
                        assert z.testzip() is None

                W = npy(np.arange(6, dtype='<f4'))
                whole = pkl({'W': Pid('ndarray.W'), 'note': 'b' * 30, 'n': [1, 2]})
                cut = whole[:-12]
                class Loads(pickle.Unpickler):
                    def persistent_load(self, pid): return None
                try:
                    Loads(io.BytesIO(cut)).load()
                    raise SystemExit('the cut pickle loads in Python')
                except (pickle.UnpicklingError, EOFError):
                    pass
                open(os.path.join(d, 'cut.pkl'), 'wb').write(cut)
                archive('cut.zip', {'W': W, 'pkl': cut})
                archive('broken.zip', {'W': b'not an npy file at all', 'pkl': whole})

                # a sound pickle, nested deeper than the test's maxDepth allows
                deep = []
                for _ in range(40):
                    deep = [deep, 0]  # two items: each level inside a MARK
                archive('deep.zip', {'pkl': pkl({'deep': deep})})

                # names os.system: Python would run it on load; Brine refuses the global
                class Evil:
                    def __reduce__(self):
                        return (os.system, ('echo pwned',))
                evil = pkl({'x': Evil()})
                assert b'system' in evil
                archive('evil.zip', {'pkl': evil})

                # a sound member array with more elements than the test's maxArrayElements
                archive('big.zip', {'W': npy(np.arange(1000, dtype='<i8')), 'pkl': pkl({'W': Pid('ndarray.W')})})
                assert np.load(os.path.join(d, 'big.zip'))['W'].size == 1000

                # a pickle that inflates 1000-fold
                archive('bomb.zip', {'pkl': pkl(b'\\0' * 1_000_000)})

                # a gpuarray member whose context-name pickle is cut
                archive('gpu.zip', {'G': pickle.dumps('cuda0', 2)[:-2], 'pkl': pkl({'G': Pid('gpuarray.G')})})

                # an object array in an NPZ whose pickle is cut
                b = io.BytesIO(); np.save(b, np.array([{'a': 1}, 'x' * 40], dtype=object), allow_pickle=True)
                with zipfile.ZipFile(os.path.join(d, 'objects.npz'), 'w') as z:
                    z.writestr('o.npy', b.getvalue()[:-10])

                # a torch checkpoint whose data.pkl is cut
                import torch
                torch.save({'w': torch.arange(4.0)}, os.path.join(d, 'good.pt'))
                with zipfile.ZipFile(os.path.join(d, 'good.pt')) as src, \\
                        zipfile.ZipFile(os.path.join(d, 'cut.pt'), 'w') as dst:
                    for info in src.infolist():
                        data = src.read(info.filename)
                        if info.filename.endswith('data.pkl'):
                            data = data[:-8]
                        dst.writestr(info, data)
                print('ok')
                """, dir);
        assertEquals("ok", out.strip());
    }

    private static ArchiveOptions limits(Limits limits) {
        return ArchiveOptions.builder().limits(limits).build();
    }

    /** Loads the archive as a file and as a stream, each expected to throw {@code type} naming {@code member}. */
    private static <T extends BrineException> T[] loadsThrow(Class<T> type, String file, String member, ArchiveOptions o) {
        Path f = dir.resolve(file);
        T fromFile = assertThrows(type, () -> ModelArchive.load(f, o), file);
        assertTrue(fromFile.getMessage().startsWith(f + ": member " + member + ": "), fromFile.getMessage());
        T fromStream = assertThrows(type, () -> {
            try (InputStream in = Files.newInputStream(f)) {
                ModelArchive.load(in, o);
            }
        }, file + " as a stream");
        assertTrue(fromStream.getMessage().startsWith("archive stream: member " + member + ": "), fromStream.getMessage());
        assertFalse(fromStream.getMessage().contains("brine-archive-"), "no temporary file: " + fromStream.getMessage());
        @SuppressWarnings("unchecked")
        T[] both = (T[]) java.lang.reflect.Array.newInstance(type, 2);
        both[0] = fromFile;
        both[1] = fromStream;
        return both;
    }

    @Test
    void aCorruptPickleInAnArchiveIsCaughtAsAnUnpicklingException() throws Exception {
        Path f = dir.resolve("cut.zip");
        try {
            ModelArchive.load(f);
            fail("a cut pickle loaded");
        } catch (UnpicklingException e) {
            assertTrue(e.getMessage().startsWith(f + ": member pkl: "), e.getMessage());
        }
        // the same words, offset and opcode as the bare pickle gives
        byte[] cut = Files.readAllBytes(dir.resolve("cut.pkl"));
        UnpicklingException bare = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(cut, dev.brine.pickle.UnpicklerOptions.builder().persistentLoader(pid -> null).build()));
        UnpicklingException[] e = loadsThrow(UnpicklingException.class, "cut.zip", "pkl", ArchiveOptions.DEFAULT);
        assertEquals(f + ": member pkl: " + bare.getMessage(), e[0].getMessage());
        assertEquals("archive stream: member pkl: " + bare.getMessage(), e[1].getMessage());
        for (UnpicklingException x : e) {
            assertEquals(bare.offset(), x.offset());
            assertEquals(bare.opcode(), x.opcode());
        }
    }

    @Test
    void aRefusedGlobalInAnArchiveIsAnUnpicklingExceptionNamingIt() {
        for (UnpicklingException e : loadsThrow(UnpicklingException.class, "evil.zip", "pkl", ArchiveOptions.DEFAULT)) {
            assertTrue(e.getMessage().contains("system"), e.getMessage());
        }
    }

    @Test
    void aPickleTooDeepIsALimitExceededException() {
        ArchiveOptions o = limits(Limits.builder().maxDepth(10).build());
        for (LimitExceededException e : loadsThrow(LimitExceededException.class, "deep.zip", "pkl", o)) {
            assertEquals("maxDepth", e.limit());
        }
    }

    @Test
    void aMemberArrayOverALimitIsALimitExceededExceptionNamingTheMember() {
        ArchiveOptions o = limits(Limits.builder().maxArrayElements(100).build());
        for (LimitExceededException e : loadsThrow(LimitExceededException.class, "big.zip", "W", o)) {
            assertEquals("maxArrayElements", e.limit());
            assertFalse(e.getMessage().contains("NPY stream"), e.getMessage());
        }
    }

    @Test
    void anInflationBombIsALimitExceededExceptionOnLoadAndVerify() {
        ArchiveOptions o = limits(Limits.builder().maxInflateRatio(100).build());
        for (LimitExceededException e : loadsThrow(LimitExceededException.class, "bomb.zip", "pkl", o)) {
            assertEquals("maxInflateRatio", e.limit());
        }
        Path f = dir.resolve("bomb.zip");
        LimitExceededException v = assertThrows(LimitExceededException.class, () -> ModelArchive.verify(f, o));
        assertTrue(v.getMessage().startsWith(f + ": member pkl: "), v.getMessage());
        assertEquals("maxInflateRatio", v.limit());
    }

    @Test
    void aCutContextPickleInAGpuarrayMemberNamesThatMember() {
        loadsThrow(UnpicklingException.class, "gpu.zip", "G", ArchiveOptions.DEFAULT);
    }

    /** The other readers of pickles inside ZIPs already keep the type: an NPZ's object array, a torch checkpoint. */
    @Test
    void npzAndTorchKeepTheTypeToo() throws Exception {
        Path npz = dir.resolve("objects.npz");
        try (NpzFile z = Npz.open(npz)) {
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> z.objectArray("o"));
            assertTrue(e.getMessage().startsWith(npz + ": member o.npy: "), e.getMessage());
        }
        Path pt = dir.resolve("cut.pt");
        UnpicklingException t = assertThrows(UnpicklingException.class, () -> TorchCheckpoint.load(pt));
        assertTrue(t.getMessage().startsWith(pt + ": member good/data.pkl: "), t.getMessage());
    }

    @Test
    void aMalformedMemberArrayIsStillAnArchiveExceptionWithItsMember() {
        // neither a pickle failure nor a limit: the archive's own exception, with its accessors
        Path f = dir.resolve("broken.zip");
        ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.load(f));
        assertEquals(f.toString(), e.archive());
        assertEquals("W", e.member());
        assertTrue(e.getMessage().startsWith(f + ": member W: "), e.getMessage());
    }
}
