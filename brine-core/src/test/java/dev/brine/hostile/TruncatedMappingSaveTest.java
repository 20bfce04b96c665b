package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ModelArchive;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.torch.TorchCheckpoint;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An array memory-mapped from a file that another process then truncates, saved: every save fails with the JVM's
 * {@code InternalError}, as any other access to it does (README), and leaves no file behind. Before, a torch
 * checkpoint and a STORED model archive computed their CRC-32 with {@code CRC32.update(ByteBuffer)}, whose JVM
 * stub is not covered by the JVM's recovery from faults in mapped memory: the process died of SIGBUS (status 134)
 * and left its temporary file. Each save runs in a child JVM, so that a crash fails this test instead of the suite.
 */
class TruncatedMappingSaveTest {
    @TempDir
    Path dir;

    @Test
    void savingATruncatedMappingThrowsAndLeavesNothing() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        for (String format : List.of("torch", "archive-stored", "archive-deflated", "npz")) {
            Path work = Files.createDirectory(dir.resolve(format));
            Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:+UseSerialGC", "-XX:-CreateCoredumpOnCrash",
                    "-XX:ErrorFile=" + work.resolve("hs_err.log"), "-cp", System.getProperty("java.class.path"),
                    SaveTruncated.class.getName(), format, work.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), format);
            assertEquals(0, p.exitValue(), format + ": " + out);
            assertTrue(out.contains("threw java.lang.InternalError") && out.contains("alive"), format + ": " + out);
            try (Stream<Path> left = Files.list(work)) {
                assertEquals(List.of("w.npy"), left.map(f -> f.getFileName().toString()).sorted().toList(), format);
            }
        }
    }

    /** The child: maps a 2 MiB array, truncates its file to 4 KiB, saves it as args[0] into args[1]. */
    public static final class SaveTruncated {
        public static void main(String[] a) throws IOException {
            Path work = Path.of(a[1]);
            Path npy = work.resolve("w.npy");
            Npy.write(NDArray.of(new double[1 << 18], 1 << 18), npy);
            NDArray w = Npy.map(npy, false);
            try (FileChannel ch = FileChannel.open(npy, StandardOpenOption.WRITE)) {
                ch.truncate(4096);
            }
            try {
                switch (a[0]) {
                    case "torch" -> TorchCheckpoint.save(Map.of("w", w), work.resolve("out.pt"));
                    case "archive-stored" -> ModelArchive.dump(Map.of("w", w), work.resolve("out.zip"),
                            ArchiveOptions.builder().compression(ArchiveOptions.Compression.STORED).build());
                    case "archive-deflated" -> ModelArchive.dump(Map.of("w", w), work.resolve("out.zip"),
                            ArchiveOptions.builder().compression(ArchiveOptions.Compression.DEFLATED).build());
                    case "npz" -> dev.brine.npy.Npz.write(Map.of("w", w), work.resolve("out.npz"), false);
                    default -> throw new IllegalArgumentException(a[0]);
                }
                System.out.println("returned normally");
            } catch (Throwable t) {
                System.out.println("threw " + t.getClass().getName());
            }
            System.out.println("alive");
        }
    }
}
