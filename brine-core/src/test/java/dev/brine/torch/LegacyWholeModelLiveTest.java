package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole model saved in torch's legacy format ({@code torch.save(model, f, _use_new_zipfile_serialization=False)},
 * as every {@code torch.save(model)} before torch 1.6) writes each nn.Module class as a persistent id
 * {@code ('module', cls, source_file, source)}; torch.load gives back the class. Brine refused the file ("persistent
 * id must be a 6-tuple", found by a hunt); it now reads it as it reads the zip format's whole-model save: saved
 * again, both give the same data.pkl, and torch loads the copy with every Parameter equal to the original's.
 */
class LegacyWholeModelLiveTest {
    private static final TorchOptions KEEP_MODEL = TorchOptions.builder().keepParameters(true).genericObjects(true)
            .build();

    @TempDir
    Path dir;

    @Test
    void aLegacyWholeModelSaveReadsAsTheZipFormatsDoes() throws Exception {
        Python.require("torch");
        Path legacy = dir.resolve("legacy.pt");
        Path zip = dir.resolve("zip.pt");
        Python.checkText(String.join("\n",
                "import sys, torch",
                "torch.manual_seed(0)",
                "m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))",
                "torch.save(m, sys.argv[1], _use_new_zipfile_serialization=False)",
                "torch.save(m, sys.argv[2])"), legacy, zip);
        Path fromLegacy = dir.resolve("from-legacy.pt");
        Path fromZip = dir.resolve("from-zip.pt");
        TorchCheckpoint.save(TorchCheckpoint.load(legacy, KEEP_MODEL), fromLegacy, KEEP_MODEL);
        TorchCheckpoint.save(TorchCheckpoint.load(zip, KEEP_MODEL), fromZip, KEEP_MODEL);
        String out = Python.checkText(String.join("\n",
                "import sys, torch, zipfile",
                "def pkl(f):",
                "    z = zipfile.ZipFile(f); return z.read([n for n in z.namelist() if n.endswith('/data.pkl')][0])",
                "print(pkl(sys.argv[3]) == pkl(sys.argv[4]))",
                "a = torch.load(sys.argv[1], weights_only=False)",
                "b = torch.load(sys.argv[3], weights_only=False)",
                "print(type(b).__name__, [type(p).__name__ for p in b.parameters()],",
                "      all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters())))"),
                legacy, zip, fromLegacy, fromZip);
        assertEquals("True\nSequential ['Parameter', 'Parameter', 'Parameter', 'Parameter'] True\n", out);
    }
}
