package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile NPZ files: lying sizes, zip bombs, unsafe names, too many members, corrupt data. */
class NpzBadInputTest {
    @TempDir
    Path dir;

    private Path zip(String name, Map<String, byte[]> members, int method) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                ZipEntry e = new ZipEntry(m.getKey());
                e.setMethod(method);
                if (method == ZipEntry.STORED) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(m.getValue());
                    e.setSize(m.getValue().length);
                    e.setCompressedSize(m.getValue().length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(m.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    /** The position of the central directory entry of the first member. */
    private static int centralEntry(byte[] b) {
        for (int i = b.length - 46; i >= 0; i--) {
            if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 1 && b[i + 3] == 2) {
                int j = i;
                // walk back to the first one
                for (int k = i - 1; k >= 0; k--) {
                    if (b[k] == 'P' && b[k + 1] == 'K' && b[k + 2] == 1 && b[k + 3] == 2) {
                        j = k;
                    }
                }
                return j;
            }
        }
        throw new AssertionError("no central directory");
    }

    private static byte[] npyBytes(NDArray a) throws IOException {
        return Npy.toBytes(a);
    }

    @Test
    void memberClaimingMoreThanTheZipHolds() throws IOException {
        Path f = zip("claims.npz", Map.of("a.npy", npyBytes(NDArray.of(new double[] {1, 2, 3}))), ZipEntry.STORED);
        byte[] b = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int cen = centralEntry(b);
        bb.putInt(cen + 20, 1_000_000_000);
        bb.putInt(cen + 24, 1_000_000_000);
        Files.write(f, b);
        try (NpzFile npz = Npz.open(f, Limits.DEFAULT)) {
            BrineException e = assertThrows(BrineException.class, () -> npz.get("a"));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("member a.npy"), e.getMessage());
            assertTrue(e.getMessage().contains("claims 1000000000 bytes"), e.getMessage());
        }
    }

    @Test
    void npyInsideMemberClaimingMoreThanTheMemberHolds() throws IOException {
        byte[] npy = NpyBadInputTest.npy(1, NpyBadInputTest.dict("'<f8'", "False", "(100000000,)"), new byte[16]);
        Path f = zip("inner.npz", Map.of("x.npy", npy), ZipEntry.DEFLATED);
        try (NpzFile npz = Npz.open(f, Limits.TRUSTED)) {
            BrineException e = assertThrows(BrineException.class, () -> npz.get("x"));
            assertTrue(e.getMessage().contains("member x.npy") && e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void zipBombEndsInLimitExceededQuickly() throws IOException {
        byte[] zeros = new byte[16 << 20];
        Path f = zip("bomb.npz", Map.of("bomb.npy", zeros), ZipEntry.DEFLATED);
        assertTrue(Files.size(f) < 100_000, "compresses well");
        Limits small = Limits.DEFAULT.toBuilder().maxInflatedSize(1 << 20).build();
        try (NpzFile npz = Npz.open(f, small)) {
            assertEquals("maxInflatedSize", assertThrows(LimitExceededException.class, () -> npz.get("bomb")).limit());
        }
        Limits ratio = Limits.DEFAULT.toBuilder().maxInflateRatio(100).build();
        try (NpzFile npz = Npz.open(f, ratio)) {
            assertEquals("maxInflateRatio", assertThrows(LimitExceededException.class, () -> npz.get("bomb")).limit());
        }
        // a member that lies about its size is stopped as soon as it yields more than it declared
        byte[] b = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int cen = centralEntry(b);
        int compressed = bb.getInt(cen + 20);
        bb.putInt(cen + 24, compressed * 2);
        Files.write(f, b);
        try (NpzFile npz = Npz.open(f, Limits.DEFAULT)) {
            BrineException e = assertThrows(BrineException.class, () -> npz.get("bomb"));
            assertTrue(e.getMessage().contains("more than"), e.getMessage());
        }
    }

    @Test
    void unsafeMemberNamesAreRefused() throws IOException {
        for (String bad : new String[] {"../evil.npy", "/etc/passwd", "a/../../b.npy", "C:\\x.npy", "..\\x.npy"}) {
            Path f = zip("names.npz", Map.of(bad, new byte[] {1}), ZipEntry.STORED);
            BrineException e = assertThrows(BrineException.class, () -> Npz.open(f).close());
            assertTrue(e.getMessage().contains("unsafe member name"), e.getMessage());
        }
        assertThrows(BrineException.class, () -> Npz.write(Map.of("../x", NDArray.of(new int[] {1})), dir.resolve("w.npz"), false));
    }

    @Test
    void tooManyMembers() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            m.put("m" + i, new byte[] {(byte) i});
        }
        Path f = zip("many.npz", m, ZipEntry.STORED);
        Limits ten = Limits.DEFAULT.toBuilder().maxZipMembers(10).build();
        assertEquals("maxZipMembers", assertThrows(LimitExceededException.class, () -> Npz.open(f, ten)).limit());
        try (NpzFile npz = Npz.open(f)) {
            assertEquals(20, npz.names().size());
        }
    }

    @Test
    void corruptDataFailsTheCrc() throws IOException {
        Path f = zip("crc.npz", Map.of("a.npy", npyBytes(NDArray.of(new int[] {1, 2, 3, 4}))), ZipEntry.STORED);
        byte[] b = Files.readAllBytes(f);
        int cen = centralEntry(b);
        // flip a byte of the array data (last bytes before the central directory)
        b[cen - 3] ^= 0x55;
        Files.write(f, b);
        try (NpzFile npz = Npz.open(f)) {
            BrineException e = assertThrows(BrineException.class, () -> npz.get("a"));
            assertTrue(e.getMessage().contains("member a.npy"), e.getMessage());
        }
    }

    @Test
    void notAZip() throws IOException {
        Path f = dir.resolve("no.npz");
        Files.write(f, "this is not a zip file, not even close".getBytes());
        BrineException e = assertThrows(BrineException.class, () -> Npz.open(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        Files.write(f, new byte[3]);
        assertThrows(BrineException.class, () -> Npz.open(f));
        try (NpzFile npz = Npz.open(zip("ok.npz", Map.of("a.npy", new byte[] {1}), ZipEntry.STORED))) {
            BrineException missing = assertThrows(BrineException.class, () -> npz.get("nope"));
            assertTrue(missing.getMessage().contains("nope is not a file in the archive"));
            // a one-byte member is not NPY: numpy returns its bytes
            assertEquals(1, ((byte[]) npz.get("a")).length);
            assertThrows(BrineException.class, () -> npz.array("a"));
        }
    }

    @Test
    void badNpyInsideAMemberNamesTheMember() throws IOException {
        byte[] bad = NpyBadInputTest.npy(1, NpyBadInputTest.dict("__import__('os')", "False", "(1,)"), new byte[8]);
        try (NpzFile npz = Npz.open(zip("badmember.npz", Map.of("w.npy", bad), ZipEntry.DEFLATED))) {
            BrineException e = assertThrows(BrineException.class, () -> npz.get("w"));
            assertTrue(e.getMessage().contains("badmember.npz: member w.npy"), e.getMessage());
        }
    }
}
