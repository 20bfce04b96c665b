package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import dev.brine.pickle.UnpicklerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The NPZ reader over the bounded ZIP reader: every member, as an array, an object array (generic objects) or raw bytes. */
class NpzFuzzTest {
    private static final UnpicklerOptions INERT = UnpicklerOptions.builder().genericObjects(true).build();

    @FuzzTest
    void fuzzNpz(byte[] data) throws IOException {
        load(data);
        byte[] fixed = ZipCrcs.fixed(data); // so that mutations inside members get past the CRC check
        if (fixed != null) {
            load(fixed);
        }
    }

    private static void load(byte[] data) throws IOException {
        Path f = Fuzzing.tempFile(data, ".npz");
        try {
            Fuzzing.loadsOrRefuses(() -> {
                try (NpzFile z = Npz.open(f)) {
                    for (String name : z.names()) {
                        Fuzzing.loadsOrRefuses(() -> z.header(name));
                        Fuzzing.loadsOrRefuses(() -> String.valueOf(z.get(name)));
                        Fuzzing.loadsOrRefuses(() -> String.valueOf(z.objectArray(name, INERT)));
                    }
                }
            });
        } finally {
            Files.delete(f);
        }
    }
}
