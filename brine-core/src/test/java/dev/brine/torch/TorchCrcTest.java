package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npz;
import dev.brine.npy.ZipReader;
import dev.brine.py.OrderedDict;
import dev.brine.testing.Python;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints saved after {@code torch.serialization.set_crc32_options(False)} record a CRC of 0 for
 * every member: torch loads them, so Brine does not check a torch member whose recorded CRC is 0.
 * Every other CRC is still checked, and NPZ files and archives check them all.
 */
class TorchCrcTest {
    @TempDir
    Path dir;

    @Test
    void checkpointSavedWithoutCrcsLoadsAsTheSameWithThem() throws Exception {
        Python.require("torch");
        Python.checkText(String.join("\n",
                "import sys, torch, zipfile",
                "torch.manual_seed(3)",
                "d = {'model': torch.nn.Linear(4, 3).state_dict(), 'step': 7, 'h': torch.randn(5).half()}",
                "torch.save(d, sys.argv[1] + '/crc.pt')",
                "torch.serialization.set_crc32_options(False)",
                "torch.save(d, sys.argv[1] + '/nocrc.pt')",
                "assert all(i.CRC == 0 for i in zipfile.ZipFile(sys.argv[1] + '/nocrc.pt').infolist())",
                "print('ok')"), dir);
        Object want = TorchCheckpoint.load(dir.resolve("crc.pt"));
        for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
            assertEquals(want, TorchCheckpoint.load(dir.resolve("nocrc.pt"), o));
        }
    }

    /** What the README may claim: torch.load checks no CRC, even one that is recorded and wrong. */
    @Test
    void torchItselfChecksNoCrcOnLoad() throws Exception {
        Python.require("torch");
        Path f = dir.resolve("m.pt");
        TorchCheckpoint.save(state(), f);
        setCrcs(f, "m/data/0", 0x12345678L);
        assertThrows(BrineException.class, () -> TorchCheckpoint.load(f));
        String out = Python.checkText(String.join("\n",
                "import sys, torch",
                "print(torch.load(sys.argv[1], weights_only=True)['w'].tolist())"), f);
        assertEquals("[1.0, 2.0, 3.0]", out.strip());
    }

    @Test
    void zeroCrcIsUncheckedInCheckpointsOnly() throws Exception {
        Path f = dir.resolve("m.pt");
        TorchCheckpoint.save(state(), f);
        Object want = TorchCheckpoint.load(f);
        setCrcs(f, null, 0);
        assertEquals(want, TorchCheckpoint.load(f));
        assertEquals(want, TorchCheckpoint.load(f, TorchOptions.builder().mmap(true).build()));

        // a CRC that is recorded and wrong is still refused
        TorchCheckpoint.save(state(), f);
        setCrcs(f, "m/data.pkl", 1);
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(f));
        assertTrue(e.getMessage().contains("m/data.pkl: CRC mismatch"), e.getMessage());

        // an NPZ recording CRC 0 for bytes whose CRC is not 0 is refused, as numpy (zipfile) refuses it
        Path npz = dir.resolve("a.npz");
        Npz.write(Map.of("a", NDArray.of(new float[] {1, 2, 3}, 3)), npz, false);
        setCrcs(npz, null, 0);
        e = assertThrows(BrineException.class, () -> Npz.readAll(npz, Limits.DEFAULT));
        assertTrue(e.getMessage().contains("CRC mismatch") && e.getMessage().contains("instead of 0)"), e.getMessage());
        try (ZipReader zip = ZipReader.open(npz, Limits.DEFAULT, ZipReader.CrcCheck.UNLESS_ZERO);
                InputStream in = zip.open(zip.entries().get(0))) {
            assertTrue(in.readAllBytes().length > 0);
        }
    }

    private static OrderedDict<String, Object> state() {
        OrderedDict<String, Object> sd = new OrderedDict<>();
        sd.put("w", NDArray.of(new float[] {1, 2, 3}, 3));
        return sd;
    }

    /**
     * Writes {@code crc} into the local header and the central directory entry of member {@code name}
     * (every member when null) of a ZIP without data descriptors (a local ZIP64 field: as numpy writes it).
     */
    static void setCrcs(Path zip, String name, long crc) throws Exception {
        byte[] b = Files.readAllBytes(zip);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        int patched = 0;
        while (buf.getInt(p) == 0x04034b50) {
            int n = buf.getShort(p + 26) & 0xFFFF;
            int extra = buf.getShort(p + 28) & 0xFFFF;
            String member = new String(b, p + 30, n, java.nio.charset.StandardCharsets.UTF_8);
            if (name == null || name.equals(member)) {
                buf.putInt(p + 14, (int) crc);
                patched++;
            }
            long compressed = buf.getInt(p + 18) & 0xFFFF_FFFFL;
            if (compressed == 0xFFFF_FFFFL) { // numpy's layout (Npz.write): the sizes in a ZIP64 extra field first
                compressed = buf.getLong(p + 30 + n + 4 + 8);
            }
            p += 30 + n + extra + (int) compressed;
        }
        while (buf.getInt(p) == 0x02014b50) {
            int n = buf.getShort(p + 28) & 0xFFFF;
            int extra = buf.getShort(p + 30) & 0xFFFF;
            int comment = buf.getShort(p + 32) & 0xFFFF;
            String member = new String(b, p + 46, n, java.nio.charset.StandardCharsets.UTF_8);
            if (name == null || name.equals(member)) {
                buf.putInt(p + 16, (int) crc);
                patched++;
            }
            p += 46 + n + extra + comment;
        }
        assertTrue(patched >= 2 && patched % 2 == 0, "patched " + patched + " CRC fields");
        Files.write(zip, b);
    }
}
