package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An untyped storage saved beside a uint8 tensor on its bytes ({@code {'s': t.untyped_storage(), 't': t}}) is one
 * storage in torch (its untyped storage is its uint8 storage, one record named {@code UntypedStorage} by the one and
 * {@code ByteStorage} by the other); Brine's save wrote two records, so torch loaded two storages and a write through
 * one no longer showed in the other. Oracle: torch, live.
 */
class UntypedStorageSharingTest {
    @TempDir
    Path dir;

    @Test
    void anUntypedStorageAndTheUint8TensorsOnItStayOneStorage() throws Exception {
        Python.require("torch");
        Path theirs = dir.resolve("shared.pt");
        Python.checkText(String.join("\n",
                "import sys, torch",
                "t = torch.arange(8, dtype=torch.uint8)",
                "torch.save({'s': t.untyped_storage(), 't': t, 'tail': t[4:], 'u16': t.view(torch.uint16)}, sys.argv[1])"),
                theirs);
        Path ours = dir.resolve("ours/shared.pt");
        Files.createDirectories(ours.getParent());
        TorchCheckpoint.save(TorchCheckpoint.load(theirs), ours);
        String out = Python.checkText(String.join("\n", TorchLiveTest.PY_SAME_MEMBERS,
                "import sys, torch, warnings",
                "warnings.filterwarnings('ignore')",
                "same_members(sys.argv[1], sys.argv[2])",
                "def one_storage(path):",
                "    d = torch.load(path, weights_only=True)",
                "    assert len({d['s'].data_ptr()} | {d[k].untyped_storage().data_ptr() for k in ('t', 'tail', 'u16')}) == 1",
                "    d['t'][0] = 200",
                "    assert d['s'][0] == 200 and d['u16'][0] == 200 + 256, 'a write through one shows in the others'",
                "one_storage(sys.argv[1])  # torch's file, as the oracle of the check",
                "one_storage(sys.argv[2])",
                "print('ok')"), theirs, ours);
        assertEquals("ok", out.strip());
    }
}
