package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.safetensors.SafeTensors;
import dev.brine.safetensors.SafeTensorsFile;
import dev.brine.safetensors.SafeTensorsOptions;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tensor loaded with {@code mmap(true)} is a read-only view of the file. Changing it is refused with advice a
 * user of these loaders can follow (their options have no copy-on-write mode, so "map it copy-on-write" was no
 * way out); the advised copy is writable, and torch and safetensors read the changed value from what Brine saves.
 */
class MappedTensorWriteTest {
    @TempDir
    Path dir;

    @Test
    void aMappedTensorIsRefusedWithAdviceAndItsCopySavesBack() throws Exception {
        Python.require("torch", "safetensors");
        Python.checkText(String.join("\n",
                "import sys, torch, safetensors.torch as st",
                "d = {'w': torch.arange(6, dtype=torch.float32).reshape(2, 3)}",
                "torch.save(d, sys.argv[1])",
                "st.save_file(d, sys.argv[2])",
                "print('ok')"), dir.resolve("in.pt"), dir.resolve("in.safetensors"));

        Map<?, ?> mapped = (Map<?, ?>) TorchCheckpoint.load(dir.resolve("in.pt"), TorchOptions.builder().mmap(true).build());
        NDArray w = (NDArray) mapped.get("w");
        assertTrue(w.isReadOnly());
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> w.setDouble(9.5, 1, 2));
        assertTrue(refused.getMessage().contains("NDArray.copy()") && refused.getMessage().contains("without mmap"),
                refused.getMessage());
        NDArray copy = w.copy();
        assertFalse(copy.isReadOnly());
        copy.setDouble(9.5, 1, 2);
        assertEquals(5.0, w.getDouble(1, 2), "the mapping is unchanged");
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("w", copy);
        TorchCheckpoint.save(changed, dir.resolve("out.pt"));

        try (SafeTensorsFile f = SafeTensors.open(dir.resolve("in.safetensors"), SafeTensorsOptions.builder().mmap(true).build())) {
            NDArray s = f.get("w");
            assertThrows(IllegalStateException.class, () -> s.set(1.0, 0, 0));
            NDArray sc = s.copy();
            sc.setDouble(9.5, 1, 2);
            SafeTensors.write(Map.of("w", sc), null, dir.resolve("out.safetensors"));
        }
        assertEquals("ok", Python.checkText(String.join("\n",
                "import sys, torch, safetensors.torch as st",
                "want = torch.arange(6, dtype=torch.float32).reshape(2, 3); want[1, 2] = 9.5",
                "assert torch.equal(torch.load(sys.argv[1], weights_only=True)['w'], want)",
                "assert torch.equal(st.load_file(sys.argv[2])['w'], want)",
                "print('ok')"), dir.resolve("out.pt"), dir.resolve("out.safetensors")).strip());
    }
}
