package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ArchiveOptions.ArrayAccess;
import dev.brine.archive.ModelArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model archive reader in each way it gets arrays: read into memory, mapped after a CRC pass,
 * and mapped lazily (every stored member mapped, however small, so the mapping paths run on small
 * inputs), all with generic objects; with the API's defaults; from a stream; and {@code verify}.
 * Every loaded array is touched, which is when a lazy mapping is first read.
 */
class ModelArchiveFuzzTest {
    // generic objects, so that archives of unregistered classes (the golden perceptrons) reach their arrays
    private static final ArchiveOptions READ = ArchiveOptions.builder().genericObjects(true)
            .arrayAccess(ArrayAccess.READ).build();
    private static final ArchiveOptions MAP = ArchiveOptions.builder().genericObjects(true)
            .arrayAccess(ArrayAccess.MAP).minMappedBytes(0).build();
    private static final ArchiveOptions MAP_LAZY = ArchiveOptions.builder().genericObjects(true)
            .arrayAccess(ArrayAccess.MAP_LAZY).minMappedBytes(0).build();

    @FuzzTest
    void fuzzModelArchive(byte[] data) throws IOException {
        load(data);
        byte[] fixed = ZipCrcs.fixed(data); // so that mutations inside members get past the CRC check
        if (fixed != null) {
            load(fixed);
        }
    }

    private static void load(byte[] data) throws IOException {
        Path f = Fuzzing.tempFile(data, ".zip");
        try {
            Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(ModelArchive.load(f, READ)));
            Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(ModelArchive.load(f, MAP)));
            Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(ModelArchive.load(f, MAP_LAZY)));
            Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(ModelArchive.load(f))); // the API's defaults: globals refused
            Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(ModelArchive.load(new ByteArrayInputStream(data), READ)));
            Fuzzing.loadsOrRefuses(() -> ModelArchive.verify(f));
        } finally {
            Files.delete(f);
        }
    }
}
