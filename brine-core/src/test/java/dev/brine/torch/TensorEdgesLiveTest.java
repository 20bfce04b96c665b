package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tensor edges a hunt found, each against torch: a plain tensor whose requires_grad is not a bool (torch refuses
 * it, as it refuses a Parameter's; Brine read it), and a zero-element tensor whose other dimensions multiply beyond
 * 2^63 bytes (torch holds it; numpy, and so NDArray, cannot: refused with Brine's own message, where the message was a
 * raw IllegalArgumentException's).
 */
class TensorEdgesLiveTest {
    @TempDir
    Path dir;

    @Test
    void aTensorsRequiresGradThatIsNoBoolIsRefusedAsTorchRefusesIt() throws Exception {
        Python.require("torch");
        Path bad = dir.resolve("bad.pt");
        String refusal = Python.checkText(String.join("\n",
                "import sys, torch, collections, warnings",
                "warnings.simplefilter('ignore')",
                "class T:",
                "    def __reduce__(self):",
                "        s = torch.ones(2).storage()",
                "        return (torch._utils._rebuild_tensor_v2, (s, 0, (2,), (1,), 1, collections.OrderedDict()))",
                "torch.save({'t': T()}, sys.argv[1])",
                "for wo in (True, False):",
                "    try:",
                "        torch.load(sys.argv[1], weights_only=wo)",
                "    except Exception as e:",
                "        print(wo, type(e).__name__, 'requires_grad must be a bool' in str(e))"), bad);
        assertEquals("True RuntimeError True\nFalse RuntimeError True\n", refusal);
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(bad));
        assertTrue(e.getMessage().contains("_rebuild_tensor_v2: requires_grad must be a bool, not 1"), e.getMessage());
    }

    @Test
    void aZeroElementTensorNumpyCannotShapeIsRefusedWithBrinesMessage() throws Exception {
        Python.require("torch");
        Path f = dir.resolve("zero.pt");
        assertEquals("(0, 2147483648, 2147483648) ValueError\n", Python.checkText(String.join("\n",
                "import sys, torch, numpy as np",
                "torch.save({'t': torch.empty(0, 2**31, 2**31)}, sys.argv[1])",
                "t = torch.load(sys.argv[1])['t']",
                "try:",
                "    np.empty(tuple(t.shape), np.float32)",
                "except ValueError as e:",
                "    print(tuple(t.shape), type(e).__name__)"), f));
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(f));
        assertTrue(e.getMessage().contains("tensor of size [0, 2147483648, 2147483648] has no elements, but its other"
                + " dimensions multiply beyond 2^63 bytes of float32"), e.getMessage());
    }
}
