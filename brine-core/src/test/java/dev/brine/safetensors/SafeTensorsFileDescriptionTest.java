package dev.brine.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link SafeTensorsFile} says of itself, against the safetensors package: {@code names()} in
 * the file's data order (not {@code safe_open().keys()}, which sorts), {@code toString}, and 8-bit float
 * tensors read as NDArrays with torch's values.
 */
class SafeTensorsFileDescriptionTest {
    @TempDir
    Path dir;

    @Test
    void namesComeInDataOrderWhichSortingMakesPythonsKeys() throws IOException {
        Python.require("torch", "safetensors");
        Path f = dir.resolve("m.safetensors");
        // the package's writer puts larger dtypes first, so data order is not name order here
        String out = Python.checkText(String.join("\n",
                "import sys, json, struct, torch",
                "from safetensors import safe_open",
                "from safetensors.torch import save_file",
                "save_file({'a': torch.arange(3, dtype=torch.int8), 'b': torch.arange(2, dtype=torch.float64),",
                "           'c': torch.tensor([0.5, -3.75, 448.0], dtype=torch.float8_e4m3fn)}, sys.argv[1])",
                "raw = open(sys.argv[1], 'rb').read()",
                "h = json.loads(raw[8:8 + struct.unpack('<Q', raw[:8])[0]])",
                "h.pop('__metadata__', None)",
                "print(' '.join(sorted(h, key=lambda k: h[k]['data_offsets'][0])))",
                "with safe_open(sys.argv[1], 'pt') as s:",
                "    print(' '.join(s.keys()))",
                "    print(' '.join(str(x) for x in s.get_tensor('c').float().tolist()))"), f);
        String[] lines = out.strip().split("\n");
        try (SafeTensorsFile s = SafeTensors.open(f)) {
            List<String> names = s.names();
            assertEquals(List.of(lines[0].split(" ")), names, "data order");
            List<String> sorted = new ArrayList<>(names);
            sorted.sort(null);
            assertEquals(List.of(lines[1].split(" ")), sorted, "safe_open().keys() is the sorted names");
            assertNotEquals(sorted, names, "the case tells the two orders apart");

            assertEquals("SafeTensorsFile[" + f + ", 3 tensors]", s.toString());

            NDArray c = s.get("c");
            assertEquals(DType.FLOAT8_E4M3FN, c.dtype());
            assertEquals(lines[2], String.join(" ", Arrays.stream(c.toDoubleArray()).mapToObj(Double::toString).toList()));
        }
    }
}
