package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code brine} process stopped with SIGTERM ({@code kill}, {@code timeout}, a service stopping) in the middle of a
 * write leaves nothing behind: not convert's hidden temporary file, not the empty file it made behind a link, not
 * extract's new folder and the arrays it had written. Each run is a real process ({@code dev.brine.cli.Main}, as
 * {@code ./brine} starts it), stopped once its first file appears.
 */
class SigtermCleanupCliTest {
    @TempDir
    Path tmp;

    private static Process brine(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.brine.cli.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits until a file under {@code dir} matches, then sends SIGTERM and waits for the process to end. */
    private static void stopOnce(Process p, Path dir, Predicate<Path> appeared) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!anyUnder(dir, appeared)) {
            assertTrue(p.isAlive(), "the run ended before it could be stopped");
            assertTrue(System.nanoTime() < deadline, "no file appeared");
            Thread.sleep(5);
        }
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), "ended by SIGTERM, not finished");
    }

    private static boolean anyUnder(Path dir, Predicate<Path> test) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> !p.equals(dir) && test.test(p));
        }
    }

    private static List<Path> under(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).toList();
        }
    }

    private static NDArray noise(int n, long seed) {
        return NDArray.of(new java.util.SplittableRandom(seed).doubles(n).toArray(), n);
    }

    @Test
    void convertLeavesNoTemporaryFileNorAFileBehindALink() throws Exception {
        Path big = tmp.resolve("big.npy");
        Npy.write(noise(40_000_000, 1), big); // 320 MB of noise: deflating it into an archive takes seconds
        Path out = Files.createDirectory(tmp.resolve("out"));
        Process p = brine("convert", big.toString(), out.resolve("m.zip").toString());
        stopOnce(p, out, f -> f.getFileName().toString().endsWith(".tmp"));
        assertEquals(List.of(), under(out));

        Path linked = Files.createDirectory(tmp.resolve("linked"));
        Files.createSymbolicLink(linked.resolve("link.zip"), Path.of("target.zip"));
        Process q = brine("convert", big.toString(), linked.resolve("link.zip").toString());
        stopOnce(q, linked, f -> f.getFileName().toString().endsWith(".tmp"));
        assertEquals(List.of(linked.resolve("link.zip")), under(linked), "the link stays; no target.zip behind it");
        assertFalse(Files.exists(linked.resolve("target.zip")));
    }

    @Test
    void extractUndoesWhatItCreated() throws Exception {
        Map<String, NDArray> members = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            members.put("a" + i, noise(8_000_000, i)); // 64 MB each, every file forced to disk
        }
        Path npz = tmp.resolve("m.npz");
        Npz.write(members, npz, false);
        Path dir = tmp.resolve("ex");
        Process p = brine("extract", npz.toString(), "-o", dir.resolve("new").toString());
        stopOnce(p, dir, f -> f.getFileName().toString().equals("a0.npy"));
        assertFalse(Files.exists(dir), "the folders it made are gone with their files: " + (Files.exists(dir) ? under(dir) : ""));
    }
}
