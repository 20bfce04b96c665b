package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyPickles;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * numpy values in a checkpoint: {@code torch.load(weights_only=True)} refuses them unless they are
 * added with {@code add_safe_globals}, and so does {@link TorchOptions#DEFAULT}; with numpy's registry
 * they read as in a plain pickle.
 */
class TorchNumpyValuesTest {
    @TempDir
    Path dir;

    @Test
    void numpyValuesAreRefusedByDefaultAsTorchRefusesThemAndReadWithNumpysRegistry() throws Exception {
        Python.require("torch", "numpy");
        String torchSays = Python.checkText(String.join("\n",
                "import sys, torch, numpy as np",
                "np.random.seed(1)",
                "d = {'w': torch.ones(2), 'np_arr': np.arange(3), 'rng': np.random.get_state(), 'f': np.float64(2.5),",
                "     'dt': np.dtype('int16')}",
                "torch.save(d, sys.argv[1])",
                "try:",
                "    torch.load(sys.argv[1], weights_only=True)",
                "    print('loaded')",
                "except Exception as e:",
                "    print('refused' if 'Unsupported global' in str(e) else e)"), dir.resolve("np.pt"));
        assertEquals("refused", torchSays.strip());
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(dir.resolve("np.pt")));
        assertTrue(e.getMessage().contains("_reconstruct"), e.getMessage());

        Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(dir.resolve("np.pt"),
                TorchOptions.builder().registry(NumpyPickles.standardRegistry()).build());
        assertEquals(NDArray.of(new long[] {0, 1, 2}, 3), d.get("np_arr"));
        assertEquals(NDArray.of(new float[] {1, 1}, 2), d.get("w"));
        Tuple rng = (Tuple) d.get("rng");
        assertEquals("MT19937", rng.get(0));
        assertEquals(DType.UINT32, ((NDArray) rng.get(1)).dtype());
        assertEquals("np.float64(2.5)", dev.brine.py.PythonRepr.repr(d.get("f")));
        assertEquals(DType.INT16, d.get("dt"));
    }
}
