package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.torch.TorchCheckpoint;
import dev.brine.torch.TorchOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The torch.save reader (both the ZIP format and the legacy pickle sequence, told apart by the
 * file's first bytes): with the defaults (weights_only, heap reads), with storages memory-mapped,
 * and with other globals as generic objects. Every tensor and storage loaded is touched.
 */
class TorchFuzzTest {
    private static final TorchOptions MAPPED = TorchOptions.builder().mmap(true).build();
    private static final TorchOptions GENERIC = TorchOptions.builder().genericObjects(true).build();

    @FuzzTest
    void fuzzTorch(byte[] data) throws IOException {
        load(data);
        byte[] fixed = ZipCrcs.fixed(data); // so that mutations inside members get past the CRC check
        if (fixed != null) {
            load(fixed);
        }
    }

    private static void load(byte[] data) throws IOException {
        Path f = Fuzzing.tempFile(data, ".pt");
        try {
            Fuzzing.loadsOrRefuses(() -> {
                Object o = TorchCheckpoint.load(f);
                Fuzzing.touchAll(o);
                TorchCheckpoint.tensors(o); // names every tensor (or refuses two of one name)
            });
            Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(TorchCheckpoint.load(f, MAPPED)));
            Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(TorchCheckpoint.load(f, GENERIC)));
        } finally {
            Files.delete(f);
        }
    }
}
