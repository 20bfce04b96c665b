package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.safetensors.SafeTensors;
import dev.brine.safetensors.SafeTensorsFile;
import dev.brine.safetensors.SafeTensorsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The safetensors reader: opened for heap reads and memory-mapped, every tensor's header entry,
 * raw bytes and array read and touched, the metadata listed; and the one-call {@code load}.
 */
class SafeTensorsFuzzTest {
    private static final SafeTensorsOptions MAPPED = SafeTensorsOptions.builder().mmap(true).build();

    @FuzzTest
    void fuzzSafeTensors(byte[] data) throws IOException {
        Path f = Fuzzing.tempFile(data, ".safetensors");
        try {
            Fuzzing.loadsOrRefuses(() -> readEach(SafeTensors.open(f)));
            Fuzzing.loadsOrRefuses(() -> readEach(SafeTensors.open(f, MAPPED)));
            Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(SafeTensors.load(f)));
        } finally {
            Files.delete(f);
        }
    }

    private static void readEach(SafeTensorsFile file) throws IOException {
        try (file) {
            file.metadata().toString();
            file.tensors().toString();
            for (String name : file.names()) {
                Fuzzing.loadsOrRefuses(() -> {
                    file.info(name).elementCount();
                    Fuzzing.touch(file.raw(name));
                    Fuzzing.touchAll(file.get(name)); // refuses the 4- and 6-bit floats, which have no NDArray form
                });
            }
        }
    }
}
