package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.ndarray.NDArray;
import dev.brine.safetensors.SafeTensors;
import dev.brine.safetensors.SafeTensorsFile;
import dev.brine.safetensors.SafeTensorsOptions;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files with more tensors than a process has mappings ({@code vm.max_map_count}, 65,530 by default): a checkpoint of
 * 66,000 one-element tensors, opened with mmap, mapped each storage and left the JVM unable to start a thread,
 * spinning (found by a hunt; {@code brine verify} hung). Small storages are now read (FileMappings), so both files
 * load with mmap as torch and safetensors load them; the values are torch's.
 */
class ManyStoragesMappedLiveTest {
    private static final int N = 66_000;

    @TempDir
    Path dir;

    @Test
    void aCheckpointAndASafetensorsFileOfMoreTensorsThanMappingsLoadMapped() throws Exception {
        Python.require("torch", "safetensors");
        Python.check(String.join("\n",
                "import sys, torch",
                "from safetensors.torch import save_file",
                "n = int(sys.argv[3])",
                "t = {f'w{i}': torch.tensor([float(i)]) for i in range(n)}",
                "torch.save(t, sys.argv[1])",
                "save_file(t, sys.argv[2])"),
                new byte[0], dir.resolve("many.pt").toString(), dir.resolve("many.safetensors").toString(),
                Integer.toString(N));

        Map<?, ?> loaded = (Map<?, ?>) TorchCheckpoint.load(dir.resolve("many.pt"), TorchOptions.builder().mmap(true).build());
        assertEquals(N, loaded.size());
        for (int i : new int[] {0, 1, N / 2, N - 1}) {
            NDArray a = (NDArray) loaded.get("w" + i);
            assertEquals(i, a.getDouble(0));
            assertEquals(true, a.isReadOnly()); // as a mapped tensor is
        }
        try (SafeTensorsFile f = SafeTensors.open(dir.resolve("many.safetensors"),
                SafeTensorsOptions.builder().mmap(true).build())) {
            assertEquals(N, f.names().size());
            for (int i : new int[] {0, N - 1}) {
                NDArray a = f.get("w" + i);
                assertEquals(i, a.getDouble(0));
                assertEquals(true, a.isReadOnly());
            }
        }
    }
}
