package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The NPY reader: from a stream, from a file, and memory-mapped; a loaded array is also printed. */
class NpyFuzzTest {
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
        } finally {
            Files.delete(f);
        }
    }
}
