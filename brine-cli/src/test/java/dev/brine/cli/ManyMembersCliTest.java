package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.hostile.HostileVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hunt's 7 MB files of five deflated members of 1,430 MiB each (within every per-member limit)
 * as a model archive, an .npz and a torch checkpoint: {@code ls}, {@code show} and {@code verify}
 * died with a raw OutOfMemoryError stack trace. Run as the launcher runs the CLI, in a JVM of its own,
 * here with 256 MiB of heap: exit 1 and one line naming maxTotalAllocation.
 */
class ManyMembersCliTest {
    @TempDir
    Path dir;

    @Test
    void theVerbsRefuseFilesWhoseMembersTogetherAskForTooMuch() throws Exception {
        for (String kind : List.of(".zip", ".npz", ".pt")) {
            Path file = dir.resolve("bomb5" + kind);
            Files.write(file, HostileVectors.manyMembers(kind, 5, 1430));
            for (String verb : List.of("ls", "show", "verify")) {
                Path out = dir.resolve("out");
                Path err = dir.resolve("err");
                String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, Main.class.getName(), verb,
                        file.toString()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), verb + " " + file + " hung");
                String stderr = Files.readString(err);
                HostileCliTest.assertCleanFailure(file, p.exitValue(), Files.readString(out), stderr);
                assertTrue(stderr.contains("bytes more in memory would bring this file's members to ")
                        && stderr.contains("(limit maxTotalAllocation;"), verb + ": " + stderr);
            }
        }
    }
}
