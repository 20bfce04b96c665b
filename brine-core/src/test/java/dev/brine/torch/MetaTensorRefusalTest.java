package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A meta-device tensor (shape and dtype, no data) is saved by torch as {@code _rebuild_meta_tensor_no_storage}, which
 * torch reads back even with {@code weights_only=True}; Brine has no array without bytes and refuses the file by name
 * (README, "Not supported"), with the checkpoint's other values never half-loaded.
 */
class MetaTensorRefusalTest {
    @TempDir
    Path dir;

    @Test
    void aMetaTensorIsRefusedByName() throws Exception {
        Python.require("torch");
        Python.checkText(String.join("\n",
                "import sys, torch",
                "torch.save({'w': torch.ones(2), 'm': torch.empty(3, 4, device='meta')}, sys.argv[1])",
                "assert torch.load(sys.argv[1], weights_only=True)['m'].is_meta",
                "print('ok')"), dir.resolve("meta.pt"));
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(dir.resolve("meta.pt")));
        assertTrue(e.getMessage().contains("meta tensors hold no data"), e.getMessage());
        assertTrue(e.getMessage().contains("_rebuild_meta_tensor_no_storage"), e.getMessage());
    }
}
