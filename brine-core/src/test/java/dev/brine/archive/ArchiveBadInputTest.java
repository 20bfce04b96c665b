package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.hostile.Bounded;
import dev.brine.hostile.HostileVectors;
import dev.brine.hostile.ZipBuilder;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.py.Tuple;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every malformed archive ends in an exception that names the archive and, where one is at fault, the
 * member: an ArchiveException, but for a pickle that cannot be read (an UnpicklingException) and a
 * limit (a LimitExceededException), which keep their types (ArchiveExceptionTypesTest).
 */
class ArchiveBadInputTest {
    @TempDir
    Path tmp;

    /** A ZIP with the given members in order, written by java.util.zip (not by Brine). */
    private Path zip(Map<String, byte[]> members) throws Exception {
        Path f = tmp.resolve("bad.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                z.putNextEntry(new ZipEntry(m.getKey()));
                z.write(m.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    /** A pickle whose persistent ids are the strings (or other values) given. */
    private static byte[] pickleWithIds(Object obj) throws Exception {
        PicklerOptions po = PicklerOptions.builder().persistentId(o -> o instanceof Pid ? ((Pid) o).id : null).build();
        return Pickle.dumps(obj, po);
    }

    /** Stands for an object pickled as a persistent id. */
    private record Pid(Object id) {
    }

    private ArchiveException loadFails(Path f, ArchiveOptions options) {
        ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.load(f, options));
        assertEquals(f.toString(), e.archive());
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e;
    }

    private ArchiveException loadFails(Path f) {
        return loadFails(f, ArchiveOptions.DEFAULT);
    }

    /** Loading {@code f} throws {@code type}, its message starting with the archive and {@code member}. */
    private <T extends BrineException> T loadFails(Class<T> type, Path f, ArchiveOptions options, String member) {
        T e = assertThrows(type, () -> ModelArchive.load(f, options));
        String front = f + (member == null ? "" : ": member " + member) + ": ";
        assertTrue(e.getMessage().startsWith(front), e.getMessage());
        return e;
    }

    private Path goodArchive(ArchiveOptions.Compression c) throws Exception {
        Path f = tmp.resolve("good-" + c + ".zip");
        ModelArchive.dump(ArchiveFixtures.model(), f, ArchiveOptions.builder().compression(c).build());
        return f;
    }

    @Test
    void notAZip() throws Exception {
        Path f = tmp.resolve("model.zip");
        Files.write(f, "this is not a zip file, just some text that goes on long enough".getBytes());
        ArchiveException e = loadFails(f);
        assertNull(e.member());
        assertTrue(e.getMessage().contains("not a ZIP file"), e.getMessage());
        Files.write(f, new byte[0]);
        loadFails(f);
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void truncatedAnywhere(ArchiveOptions.Compression c) throws Exception {
        byte[] whole = Files.readAllBytes(goodArchive(c));
        Path f = tmp.resolve("truncated.zip");
        for (int len = 0; len < whole.length; len += Math.max(1, whole.length / 97)) {
            Files.write(f, Arrays.copyOf(whole, len));
            ArchiveException e = loadFails(f);
            assertTrue(e.getMessage().length() > f.toString().length() + 5, e.getMessage());
            assertThrows(ArchiveException.class, () -> ModelArchive.verify(f));
        }
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void everyCorruptedByteIsCaught(ArchiveOptions.Compression c) throws Exception {
        // flip each byte in turn: the load must fail cleanly (or, for bytes nobody reads, such as
        // padding and timestamps, succeed with the right object), never crash or return garbage
        byte[] whole = Files.readAllBytes(goodArchive(c));
        Path f = tmp.resolve("corrupt.zip");
        ArchiveOptions read = ArchiveOptions.builder().arrayAccess(ArchiveOptions.ArrayAccess.READ).build();
        int failures = 0;
        int tried = 0;
        for (int i = 0; i < whole.length; i += 2, tried++) {
            byte[] b = whole.clone();
            b[i] ^= 0x5A;
            Files.write(f, b);
            try {
                Object loaded = ModelArchive.load(f, read);
                assertEquals(ArchiveFixtures.model(), loaded, "byte " + i + " changed the content unnoticed");
            } catch (BrineException e) { // ArchiveException, or a limit a changed size field reached
                assertTrue(e instanceof ArchiveException || e instanceof LimitExceededException, e.toString());
                failures++;
                assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
            }
        }
        assertTrue(failures > tried / 2, failures + " of " + tried);
    }

    @Test
    void noPklMember() throws Exception {
        Path f = zip(Map.of("W", Npy.toBytes(ArchiveFixtures.w())));
        ArchiveException e = loadFails(f);
        assertTrue(e.getMessage().contains("no member 'pkl'"), e.getMessage());
        assertThrows(ArchiveException.class, () -> ModelArchive.verify(f));
    }

    @Test
    void aPersistentIdNamingAMissingMember() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("W", Npy.toBytes(ArchiveFixtures.w()));
        m.put("pkl", pickleWithIds(List.of(new Pid("ndarray.W"), new Pid("ndarray.nothere"))));
        ArchiveException e = loadFails(zip(m));
        assertEquals("pkl", e.member());
        assertTrue(e.getMessage().contains("'ndarray.nothere'") && e.getMessage().contains("not in the archive"),
                e.getMessage());
    }

    @Test
    void aMemberThatIsNotNpy() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("W", "hello, not an array".getBytes());
        m.put("pkl", pickleWithIds(List.of(new Pid("ndarray.W"))));
        ArchiveException e = loadFails(zip(m));
        assertEquals("W", e.member());
        assertTrue(e.getMessage().contains("not an NPY file"), e.getMessage());
        // the same for a gpuarray member whose data after the context name is not NPY
        m.put("W", concat(Pickle.dumps("dev0", 2), "junk".getBytes()));
        m.put("pkl", pickleWithIds(List.of(new Pid("gpuarray.W"))));
        e = loadFails(zip(m));
        assertEquals("W", e.member());
        assertTrue(e.getMessage().contains("not an NPY file"), e.getMessage());
    }

    @Test
    void anNpyMemberWhoseHeaderLies() throws Exception {
        byte[] npy = Npy.toBytes(NDArray.of(new double[] {1, 2, 3, 4}));
        byte[] cut = Arrays.copyOf(npy, npy.length - 8); // the header still says 4 elements
        for (ArchiveOptions.Compression c : ArchiveOptions.Compression.values()) {
            Path f = tmp.resolve("lies-" + c + ".zip");
            // write it with Brine's own writer so the stored member can be mapped
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ZipWriter z = new ZipWriter(out);
            writeMember(z, c, "W", cut);
            writeMember(z, c, "pkl", pickleWithIds(List.of(new Pid("ndarray.W"))));
            z.finish();
            Files.write(f, out.toByteArray());
            for (ArchiveOptions.ArrayAccess access : ArchiveOptions.ArrayAccess.values()) {
                ArchiveException e = loadFails(f, ArchiveOptions.builder().arrayAccess(access).minMappedBytes(0).build());
                assertEquals("W", e.member());
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            }
        }
    }

    @Test
    void aDeflatedMemberWhoseDeclaredSizeLies() throws Exception {
        // arrays are inflated into an allocation of the size the member declares: each lie must still be caught
        double[] values = new java.util.Random(3).doubles(100_000).toArray(); // 800 KB that do not deflate much
        byte[] npy = Npy.toBytes(NDArray.of(values));
        byte[] deflated = ZipBuilder.deflate(npy);
        long crc = ZipBuilder.crc(npy);
        Map<Long, String> lies = new LinkedHashMap<>();
        lies.put(npy.length + 1000L, "yields " + npy.length + " bytes but declares " + (npy.length + 1000));
        lies.put(npy.length - 8L, "truncated NPY data");
        lies.put(deflated.length * 2000L, "maxInflateRatio");
        lies.put(1L << 40, "maxInflatedSize");
        for (Map.Entry<Long, String> lie : lies.entrySet()) {
            ZipBuilder z = new ZipBuilder();
            z.rawDeflated("W", deflated, lie.getKey(), crc);
            z.deflated("pkl", pickleWithIds(List.of(new Pid("ndarray.W"))));
            Path f = tmp.resolve("size-lies.zip");
            Files.write(f, z.build());
            boolean limit = lie.getValue().startsWith("max");
            Class<? extends BrineException> type = limit ? LimitExceededException.class : ArchiveException.class;
            BrineException e = loadFails(type, f, ArchiveOptions.DEFAULT, "W");
            assertTrue(e.getMessage().contains(lie.getValue()), e.getMessage());
            if (limit) {
                assertEquals(lie.getValue(), ((LimitExceededException) e).limit());
            }
        }
        // an NPY header asking for twice the data the member holds, and a member declaring that much
        byte[] bigHeader = Npy.header(NDArray.zeros(DType.FLOAT64, 200_000), null);
        int headerLength = Npy.header(NDArray.of(values), null).length;
        byte[] lying = concat(bigHeader, Arrays.copyOfRange(npy, headerLength, npy.length));
        ZipBuilder z = new ZipBuilder();
        z.rawDeflated("W", ZipBuilder.deflate(lying), bigHeader.length + 1_600_000L, ZipBuilder.crc(lying));
        z.deflated("pkl", pickleWithIds(List.of(new Pid("ndarray.W"))));
        Path f = tmp.resolve("header-lies.zip");
        Files.write(f, z.build());
        ArchiveException e = loadFails(f);
        assertEquals("W", e.member(), e.getMessage());
        assertTrue(e.getMessage().contains("yields " + lying.length + " bytes but declares " + (bigHeader.length + 1_600_000)),
                e.getMessage());
    }

    @Test
    void aMemberDeclaring15GiBIn15MBCostsWhatArrived() throws Exception {
        // the array was allocated at the member's declared size before a byte was inflated (OutOfMemoryError at
        // -Xmx256m for 1.5 MB of garbage); now memory follows the bytes inflated, and the lie is named
        Map<String, byte[]> vectors = HostileVectors.archives();
        for (String name : new String[] {"lies-1.5GiB-garbage.zip", "lies-1.5GiB-short.zip"}) {
            Path f = tmp.resolve(name);
            Files.write(f, vectors.get(name));
            for (ArchiveOptions.ArrayAccess access : ArchiveOptions.ArrayAccess.values()) {
                // whatever the heap: half of this one (3 GiB) would refuse the 1.5 GiB before a byte is inflated, and
                // the lie must be found as the bytes arrive
                ArchiveOptions options = ArchiveOptions.builder().arrayAccess(access)
                        .limits(Limits.DEFAULT.toBuilder().maxTotalAllocation(Long.MAX_VALUE).build()).build();
                dev.brine.BrineException e = Bounded.refuses(name + " " + access, () -> ModelArchive.load(f, options));
                assertInstanceOf(ArchiveException.class, e, e.getMessage());
                assertEquals("W", ((ArchiveException) e).member(), e.getMessage());
                assertTrue(e.getMessage().contains(name.contains("garbage") ? "corrupt deflate data" : "yields 8388736 bytes"),
                        e.getMessage());
            }
        }
    }

    @Test
    void aZip64OffsetThatWrapsIsRefusedNamingTheMember() throws Exception {
        Path f = tmp.resolve("wraps.zip");
        Files.write(f, HostileVectors.archives().get("zip64-offset-wraps.zip"));
        ArchiveException e = loadFails(f);
        assertTrue(e.getMessage().contains("member pkl (central directory entry at byte "), e.getMessage());
        assertTrue(e.getMessage().contains("lies outside the file"), e.getMessage());
    }

    @Test
    void memberNamesWithDotDotOrAbsolutePaths() throws Exception {
        for (String name : List.of("../W", "a/../../W", "/etc/W", "C:/W")) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put(name, Npy.toBytes(ArchiveFixtures.w()));
            m.put("pkl", pickleWithIds(List.of(new Pid("ndarray.W"))));
            ArchiveException e = loadFails(zip(m));
            assertTrue(e.getMessage().contains("unsafe member name '" + name + "'"), e.getMessage());
        }
        // and a persistent id that tries one, in an archive that is otherwise fine
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("pkl", pickleWithIds(List.of(new Pid("ndarray.../../etc/passwd"))));
        ArchiveException e = loadFails(zip(m));
        assertEquals("pkl", e.member());
        assertTrue(e.getMessage().contains("unsafe member"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(ArchiveOptions.Compression.class)
    void aCrcMismatch(ArchiveOptions.Compression c) throws Exception {
        Path f = goodArchive(c);
        // change the CRC the central directory declares for W: data and sizes stay consistent
        byte[] b = Files.readAllBytes(f);
        int cen = centralEntryOf(b, "W");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(cen + 16, 0x12345678);
        Files.write(f, b);
        for (ArchiveOptions.ArrayAccess access : List.of(ArchiveOptions.ArrayAccess.READ, ArchiveOptions.ArrayAccess.MAP)) {
            ArchiveException e = loadFails(f, ArchiveOptions.builder().arrayAccess(access).minMappedBytes(0).build());
            assertEquals("W", e.member());
            assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
        }
        ArchiveException e = assertThrows(ArchiveException.class, () -> ModelArchive.verify(f));
        assertEquals("W", e.member());
    }

    @Test
    void changedArrayBytesInAStoredArchive() throws Exception {
        Path f = goodArchive(ArchiveOptions.Compression.STORED);
        byte[] b = Files.readAllBytes(f);
        long dataStart;
        try (ZipReader z = ZipReader.open(f, Limits.DEFAULT)) {
            dataStart = z.dataOffset(z.entry("array_1")) + 128; // the NPY header is 128 bytes
        }
        b[(int) dataStart] ^= 1;
        Files.write(f, b);
        ArchiveOptions mapAll = ArchiveOptions.builder().minMappedBytes(0).build();
        ArchiveException e = loadFails(f, mapAll);
        assertEquals("array_1", e.member());
        assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
        // a lazy mapping does not read the data, so only verify notices
        Object lazy = ModelArchive.load(f, mapAll.toBuilder().arrayAccess(ArchiveOptions.ArrayAccess.MAP_LAZY).build());
        assertTrue(lazy instanceof Map);
        e = assertThrows(ArchiveException.class, () -> ModelArchive.verify(f));
        assertEquals("array_1", e.member());
    }

    @Test
    void aStreamIsCheckedLikeAFile() throws Exception {
        byte[] b = Files.readAllBytes(goodArchive(ArchiveOptions.Compression.DEFLATED));
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> ModelArchive.load(new ByteArrayInputStream(Arrays.copyOf(b, b.length / 2)), ArchiveOptions.DEFAULT));
        assertEquals("archive stream", e.archive());
        assertTrue(e.getMessage().startsWith("archive stream: "), e.getMessage());
    }

    @Test
    void unsupportedPersistentIds() throws Exception {
        for (Object pid : List.of("torch.W", "noseparator", Tuple.of("storage", "x"), 42L)) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("W", Npy.toBytes(ArchiveFixtures.w()));
            m.put("pkl", pickleWithIds(List.of(new Pid(pid))));
            ArchiveException e = loadFails(zip(m));
            assertEquals("pkl", e.member());
            assertTrue(e.getMessage().contains("unsupported persistent id"), e.getMessage());
        }
    }

    @Test
    void aPickleThatIsNotOneOrNamesAnUnknownClass() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("pkl", "not a pickle".getBytes());
        loadFails(UnpicklingException.class, zip(m), ArchiveOptions.DEFAULT, "pkl");
        m.put("pkl", hexPickle());
        UnpicklingException e = loadFails(UnpicklingException.class, zip(m), ArchiveOptions.DEFAULT, "pkl");
        assertTrue(e.getMessage().contains("os.system"), e.getMessage());
    }

    @Test
    void limitsApply() throws Exception {
        Path f = goodArchive(ArchiveOptions.Compression.DEFLATED);
        LimitExceededException e = loadFails(LimitExceededException.class, f,
                ArchiveOptions.builder().limits(Limits.builder().maxZipMembers(3).build()).build(), null);
        assertEquals("maxZipMembers", e.limit());
        e = loadFails(LimitExceededException.class, f,
                ArchiveOptions.builder().limits(Limits.builder().maxArrayElements(5).build()).build(), "W");
        assertEquals("maxArrayElements", e.limit());
    }

    // ---------------------------------------------------------------- helpers

    /** {@code os.system('echo hi')} at protocol 2: a global nothing should resolve. */
    private static byte[] hexPickle() {
        return new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', 'X', 7, 0, 0, 0,
            'e', 'c', 'h', 'o', ' ', 'h', 'i', (byte) 0x85, 'R', '.'};
    }

    private static void writeMember(ZipWriter z, ArchiveOptions.Compression c, String name, byte[] data) throws Exception {
        CRC32 crc = new CRC32();
        crc.update(data);
        try (var out = c == ArchiveOptions.Compression.STORED ? z.beginStored(name, data.length, crc.getValue())
                : z.beginDeflated(name, data.length)) {
            out.write(data);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** Where the central directory entry of {@code name} starts. */
    private static int centralEntryOf(byte[] zip, String name) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = zip.length - 46; i >= 0; i--) {
            if (b.getInt(i) == 0x02014b50) {
                int n = b.getShort(i + 28) & 0xFFFF;
                if (i + 46 + n <= zip.length && new String(zip, i + 46, n).equals(name)) {
                    return i;
                }
            }
        }
        throw new AssertionError("no central entry " + name);
    }
}
