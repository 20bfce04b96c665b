package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.pickle.UnpicklerOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The NPY reader: from a stream, from a file, and memory-mapped; an object array's pickle with generic
 * objects; a loaded array is also printed.
 */
class NpyFuzzTest {
    private static final UnpicklerOptions INERT = UnpicklerOptions.builder().genericObjects(true).build();

    @FuzzTest
    void fuzzNpy(byte[] data) throws IOException {
        Fuzzing.loadsOrRefuses(() -> {
            NDArray a = Npy.read(new ByteArrayInputStream(data), Limits.DEFAULT);
            a.toString(); // the repr walks every dtype's element decoding
        });
        Path f = Fuzzing.tempFile(data, ".npy");
        try {
            Fuzzing.loadsOrRefuses(() -> Npy.readHeader(f));
            Fuzzing.loadsOrRefuses(() -> Npy.read(f));
            Fuzzing.loadsOrRefuses(() -> Npy.map(f, false).toString());
            // an object array's pickle, read inert (what `brine show` does), and its repr
            Fuzzing.loadsOrRefuses(() -> Npy.readObjectArray(f, INERT).toString());
        } finally {
            Files.delete(f);
        }
    }
}
