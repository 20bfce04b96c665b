package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A legacy-format torch checkpoint with bytes after its last storage (appended to, or cut from a longer file):
 * {@code torch.load} reads the storages the pickle names and stops, so it reads the file; Brine refused the whole
 * file ("9 unexpected bytes after the last storage"). Every verb now reads it as torch does, and warns of the bytes.
 */
class LegacyTorchTrailingBytesCliTest {
    @TempDir
    Path tmp;

    @Test
    void aLegacyCheckpointWithTrailingBytesReadsAsTorchReadsIt() throws Exception {
        Python.require("torch");
        Path pt = tmp.resolve("legacy.pt");
        String torch = Python.checkText(String.join("\n",
                "import sys, torch",
                "torch.save({'w': torch.tensor([1.5, 2.5])}, sys.argv[1], _use_new_zipfile_serialization=False)",
                "open(sys.argv[1], 'ab').write(b'\\0' * 9)",
                "print(torch.load(sys.argv[1], weights_only=True)['w'].tolist())"), pt);
        assertEquals("[1.5, 2.5]", torch.strip());
        String warning = "brine: warning: " + pt + ": 9 bytes follow the last storage, which torch.load ignores, as Brine"
                + " does (a file cut from a longer one, or appended to)\n";
        CliTest.Run verify = CliTest.run("verify", pt.toString());
        assertEquals(0, verify.status(), verify.err());
        assertEquals(pt + ": ok (torch, 1 item)\n", verify.out());
        assertEquals(warning, verify.err());
        CliTest.Run show = CliTest.run("show", pt.toString());
        assertEquals(0, show.status(), show.err());
        assertEquals(warning, show.err());
        assertEquals(true, show.out().contains("1.5") && show.out().contains("2.5"), show.out());
    }
}
