package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.pickle.UnpicklingException;
import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage record that fails to load while the checkpoint's pickle is read names the file once and
 * the record at fault, keeping its type: the unpickler hands the failure on (a limit) or wraps it (in
 * an UnpicklingException at the persistent id), and the file and {@code data.pkl} were put in front of
 * a message that already named the file and the record ({@code "m.pt: member m/data.pkl: m.pt: member
 * m/data/0: ..."}). The checkpoints are torch's own ({@code torch.save}, ZIP and legacy); the corrupted
 * record is found bad by Python's zipfile too.
 */
class StorageFailureLocationTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void checkpoints() throws Exception {
        Python.require("torch");
        String out = Python.checkText("""
                import os, sys, zipfile, torch
                d = sys.argv[1]
                torch.save({'w': torch.arange(1000.0)}, os.path.join(d, 'm.pt'))
                torch.save({'w': torch.arange(1000.0)}, os.path.join(d, 'legacy.pt'),
                           _use_new_zipfile_serialization=False)
                # one byte of the storage record changed where it lies in the file: its CRC no longer matches
                path = os.path.join(d, 'crc.pt')
                raw = bytearray(open(os.path.join(d, 'm.pt'), 'rb').read())
                with zipfile.ZipFile(os.path.join(d, 'm.pt')) as z:
                    info = z.getinfo('m/data/0')
                name_len = int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], 'little')
                extra_len = int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], 'little')
                raw[info.header_offset + 30 + name_len + extra_len + 100] ^= 0x5A
                open(path, 'wb').write(raw)
                with zipfile.ZipFile(path) as z:
                    assert z.testzip() == 'm/data/0', z.testzip()
                print('ok')
                """, dir);
        assertEquals("ok", out.strip());
    }

    private static TorchOptions maxAllocation(long bytes) {
        return TorchOptions.builder().limits(Limits.builder().maxAllocation(bytes).build()).build();
    }

    private static void namesTheFileOnce(Path f, BrineException e) {
        String m = e.getMessage();
        assertEquals(m.indexOf(f.toString()), m.lastIndexOf(f.toString()), m);
    }

    @Test
    void aStorageOverALimitNamesItsRecord() {
        Path f = dir.resolve("m.pt");
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> TorchCheckpoint.load(f, maxAllocation(1000)));
        assertEquals("maxAllocation", e.limit());
        assertTrue(e.getMessage().startsWith(f + ": member m/data/0: 4000 bytes"), e.getMessage());
        namesTheFileOnce(f, e);
    }

    @Test
    void aLegacyStorageOverALimitNamesItsStorage() {
        Path f = dir.resolve("legacy.pt");
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> TorchCheckpoint.load(f, maxAllocation(1000)));
        assertEquals("maxAllocation", e.limit());
        assertTrue(e.getMessage().startsWith(f + ": legacy storage '"), e.getMessage());
        namesTheFileOnce(f, e);
    }

    @Test
    void aStorageWhoseCrcFailsNamesItsRecordAndIsNoPickleFailure() {
        Path f = dir.resolve("crc.pt");
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(f));
        assertFalse(e instanceof UnpicklingException, "the pickle is sound: " + e);
        assertTrue(e.getMessage().startsWith(f + ": member m/data/0: "), e.getMessage());
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        namesTheFileOnce(f, e);
    }
}
