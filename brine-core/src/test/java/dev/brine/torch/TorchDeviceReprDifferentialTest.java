package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's {@code torch.device} values print as torch prints them: {@code PythonRepr.repr} (and so
 * {@code toString}) gives {@code repr(device)}, {@code device(type='cuda', index=0)}, as for every other value Brine
 * reads; {@link TorchDevice#str()} gives {@code str(device)}, {@code cuda:0}. {@code PythonRepr.repr} printed the str.
 */
class TorchDeviceReprDifferentialTest {
    @TempDir
    Path tmp;

    @Test
    void devicesPrintAsTorchPrintsThem() throws IOException {
        Python.require("torch");
        Path file = tmp.resolve("devices.pt");
        List<String> lines = Python.checkText(String.join("\n",
                "import torch, sys",
                "v = [torch.device('cpu'), torch.device('cuda', 0), torch.device('cuda'), torch.device('meta'), torch.device('cpu', 3)]",
                "torch.save(v, sys.argv[1])",
                "print(repr(v))",
                "print(' '.join(str(d) for d in v))"), file).lines().toList();
        List<?> devices = (List<?>) TorchCheckpoint.load(file);
        assertEquals(lines.get(0), PythonRepr.repr(devices));
        StringBuilder str = new StringBuilder();
        for (Object d : devices) {
            str.append(str.length() == 0 ? "" : " ").append(((TorchDevice) d).str());
        }
        assertEquals(lines.get(1), str.toString());
    }
}
