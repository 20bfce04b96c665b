package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Pickle.dump(obj, Path, protocol)} and {@code Npy.write(array, Path)} killed with SIGKILL at
 * random moments (25 kills per format, 50 in all): a child JVM saves two versions in turn, as fast as it can, and is killed; the
 * file is then always one complete version, never a torn one.
 */
class CrashSafetyTest {
    static final int KILLS = 25;
    static final int SIZE = 1 << 20;

    @TempDir
    Path tmp;

    /** The child: saves version 1, 2, 1, 2, ... of {@code format} to {@code file} until killed. */
    public static final class SaveLoop {
        public static void main(String[] args) throws Exception {
            String format = args[0];
            Path file = Path.of(args[1]);
            System.out.println("ready");
            System.out.flush();
            for (int i = 0; ; i++) {
                save(format, file, 2 - i % 2); // 2 first: the file starts at 1
            }
        }
    }

    static void save(String format, Path file, int version) throws Exception {
        if (format.equals("pickle")) {
            byte[] payload = new byte[SIZE + version * 1000];
            Arrays.fill(payload, (byte) version);
            Pickle.dump(List.of((long) version, payload), file, 5);
        } else {
            byte[] data = new byte[SIZE + version * 1000];
            Arrays.fill(data, (byte) version);
            Npy.write(NDArray.of(data), file);
        }
    }

    /** Which complete version the file holds; fails on anything else. */
    static int version(String format, Path file) throws Exception {
        byte[] payload;
        long version;
        if (format.equals("pickle")) {
            List<?> l = (List<?>) Pickle.load(file);
            version = (Long) l.get(0);
            payload = (byte[]) l.get(1);
        } else {
            payload = Npy.read(file).toByteArray();
            version = payload[0];
        }
        assertTrue(version == 1 || version == 2, "version " + version);
        byte[] expected = new byte[SIZE + (int) version * 1000];
        Arrays.fill(expected, (byte) version);
        assertArrayEquals(expected, payload, "a torn file");
        return (int) version;
    }

    @Test
    void killedSavesLeaveOldOrNewNeverTorn() throws Exception {
        Random random = new Random(42);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String format : new String[] {"pickle", "npy"}) {
            Path dir = Files.createDirectory(tmp.resolve(format));
            Path file = dir.resolve("target." + format);
            save(format, file, 1);
            int[] seen = new int[3];
            for (int kill = 0; kill < KILLS; kill++) {
                Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), SaveLoop.class.getName(), format, file.toString())
                        .redirectErrorStream(true).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("ready", out.readLine());
                Thread.sleep(random.nextInt(300));
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                seen[version(format, file)]++;
            }
            // the kills did land between saves of both versions
            assertTrue(seen[1] > 0 && seen[2] > 0, format + ": versions seen " + Arrays.toString(seen));
            try (var files = Files.list(dir)) {
                // leftovers of killed saves are hidden temporary files next to the target, never the target itself
                files.filter(f -> !f.equals(file)).forEach(f -> assertTrue(f.getFileName().toString().startsWith(".target."), f.toString()));
            }
        }
    }
}
