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
 * Tensors of a safetensors file opened with mmap, saved as a torch checkpoint, keep a storage each, as
 * {@code torch.save(load_file(path))} writes them: they were views of one mapping of the whole file, which the
 * checkpoint writer took for views of one array and saved as one storage holding the whole file, so that one
 * small tensor loaded in torch kept every other tensor's bytes alive. The oracle: safetensors and torch, live.
 */
class MappedSafeTensorsSaveLiveTest {
    @TempDir
    Path dir;

    @Test
    void eachTensorKeepsAStorageOfItsOwnAsTorchSavesThem() throws Exception {
        Python.require("torch", "safetensors");
        String script = String.join("\n",
                "import sys, os, warnings, torch",
                "warnings.simplefilter('ignore')",
                "from safetensors.torch import save_file, load_file",
                "d = sys.argv[1]",
                "torch.manual_seed(0)",
                "save_file({'emb': torch.randn(100, 16), 'head.bias': torch.zeros(4), 'head.weight': torch.randn(4, 16, dtype=torch.float64)},",
                "          os.path.join(d, 'm.safetensors'))",
                "torch.save(load_file(os.path.join(d, 'm.safetensors')), os.path.join(d, 'torch.pt'))",
                "");
        Python.checkText(script, dir);
        Map<String, NDArray> tensors;
        try (SafeTensorsFile f = SafeTensors.open(dir.resolve("m.safetensors"), SafeTensorsOptions.builder().mmap(true).build())) {
            tensors = f.getAll();
        }
        TorchCheckpoint.save(tensors, dir.resolve("brine.pt"));
        String describe = String.join("\n",
                "import sys, os, zipfile, warnings, torch",
                "warnings.simplefilter('ignore')",
                "for f in ('torch.pt', 'brine.pt'):",
                "    p = os.path.join(sys.argv[1], f)",
                "    sd = torch.load(p)",
                "    records = sorted(zipfile.ZipFile(p).getinfo(n).file_size for n in zipfile.ZipFile(p).namelist() if '/data/' in n)",
                "    print(records, sorted((k, v.storage_offset(), v.untyped_storage().nbytes()) for k, v in sd.items()))",
                "");
        String[] lines = Python.checkText(describe, dir).strip().split("\n");
        assertEquals(lines[0], lines[1]); // the same storages, sizes and offsets as torch.save's
    }
}
