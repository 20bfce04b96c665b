package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.fail;

import dev.brine.BrineException;
import dev.brine.safetensors.SafeTensors;
import dev.brine.safetensors.SafeTensorsFile;
import dev.brine.safetensors.SafeTensorsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files (bytes flipped, cut short) end in a BrineException or load, never in another
 * exception: seeded, so every run tries the same damage.
 */
class CorruptionTest {
    private static final int TRIES = 300;

    @TempDir
    Path dir;

    interface Reader {
        void read(Path p) throws IOException;
    }

    private void damage(Path golden, Reader reader) throws Exception {
        byte[] good = Files.readAllBytes(golden);
        Random r = new Random(golden.getFileName().toString().hashCode());
        Path f = dir.resolve("damaged-" + golden.getFileName());
        for (int i = 0; i < TRIES; i++) {
            byte[] bad;
            if (i % 5 == 0) {
                bad = java.util.Arrays.copyOf(good, r.nextInt(good.length));
            } else {
                bad = good.clone();
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            Files.write(f, bad);
            try {
                reader.read(f);
            } catch (BrineException expected) {
                // refused with a message: fine
            } catch (Throwable t) {
                fail("try " + i + " of " + golden + ": " + t, t);
            }
        }
    }

    @Test
    void checkpoints() throws Exception {
        for (String name : List.of("dtypes.pt", "views.pt", "nested.pt", "legacy.pt", "big_endian.pt")) {
            damage(TorchGolden.TORCH.resolve(name), p -> TorchCheckpoint.load(p));
            damage(TorchGolden.TORCH.resolve(name), p -> TorchCheckpoint.load(p, TorchOptions.builder().mmap(true)
                    .genericObjects(true).build()));
        }
    }

    @Test
    void safetensors() throws Exception {
        for (boolean mmap : new boolean[] {false, true}) {
            damage(TorchGolden.SAFETENSORS.resolve("dtypes.safetensors"), p -> {
                try (SafeTensorsFile f = SafeTensors.open(p, SafeTensorsOptions.builder().mmap(mmap).build())) {
                    for (String n : f.names()) {
                        if (f.info(n).dtype().arrayType() != null) {
                            f.get(n);
                        }
                    }
                }
            });
        }
    }
}
