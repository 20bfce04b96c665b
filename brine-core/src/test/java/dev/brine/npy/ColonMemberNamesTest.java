package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import dev.brine.torch.TorchCheckpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member name that begins with a letter and a colon is a plain name unless a separator follows: {@code
 * torch.save(sd, 'w:0.pt')} names its members {@code w:0/data.pkl}, {@code np.savez(**{'w:0': a})} (a
 * TensorFlow-style variable name) its member {@code w:0.npy}, and torch, numpy and Python's zipfile read them; Brine
 * refused both files as "absolute paths". A drive's root ({@code C:/x}, {@code C:\x}) is still refused.
 */
class ColonMemberNamesTest {
    @Test
    void torchAndNumpyFilesWithColonsInTheirNamesAreRead(@TempDir Path dir) throws Exception {
        Python.require("numpy", "torch");
        String python = Python.checkText(String.join("\n",
                "import os, sys, zipfile, numpy as np, torch",
                "os.chdir(sys.argv[1])",
                "torch.save({'w': torch.arange(3.0)}, 'w:0.pt')",
                "np.savez('vars.npz', **{'w:0': np.arange(4), 'dense/kernel:0': np.ones(2)})",
                "print(zipfile.ZipFile('w:0.pt').namelist()[0])",
                "print(sorted(zipfile.ZipFile('vars.npz').namelist()))",
                "print(torch.load('w:0.pt')['w'].tolist(), sorted(np.load('vars.npz').files))"), dir);
        assertEquals(List.of("w:0/data.pkl", "['dense/kernel:0.npy', 'w:0.npy']", "[0.0, 1.0, 2.0] ['dense/kernel:0', 'w:0']"),
                python.lines().toList());
        Map<String, NDArray> tensors = TorchCheckpoint.tensors(TorchCheckpoint.load(dir.resolve("w:0.pt")));
        assertArrayEquals(new double[] {0, 1, 2}, tensors.get("w").toDoubleArray());
        try (NpzFile z = Npz.open(dir.resolve("vars.npz"))) {
            assertEquals(List.of("w:0", "dense/kernel:0"), z.names());
            assertArrayEquals(new double[] {0, 1, 2, 3}, ((NDArray) z.get("w:0")).toDoubleArray());
        }
    }

    @Test
    void aDrivesRootIsStillRefused(@TempDir Path dir) throws Exception {
        Python.require();
        for (String name : List.of("C:/x.npy", "c:\\x.npy")) {
            Path f = dir.resolve("drive.npz");
            Python.check(String.join("\n", "import sys, zipfile",
                    "with zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr(zipfile.ZipInfo(sys.argv[2]), b'x')"),
                    new byte[0], f.toString(), name);
            BrineException e = assertThrows(BrineException.class, () -> Npz.open(f).close());
            assertTrue(e.getMessage().contains("unsafe member name '" + name + "'"), e.getMessage());
        }
    }
}
