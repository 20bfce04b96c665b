package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.HeapBudget;
import dev.brine.Limits;
import dev.brine.hostile.PickleBombs;
import dev.brine.npy.ZipReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of 40 KB whose one deflated pickle inflates to 40 MB of one-byte opcodes, each making an empty
 * container (2.4 to 3.1 GB of Java objects): an .npz object array of empty dicts, an archive's pkl of empty
 * sets, a checkpoint's data.pkl of empty lists. Within half of a 128 MiB heap by their bytes, they ran the
 * verbs out of memory; each verb now says in one line which member's pickle would make too many objects,
 * and how to allow more, and exits 1.
 */
class PickleBombCliTest {
    private static final long COUNT = 40_000_000;

    @TempDir
    Path dir;

    @Test
    void theVerbsRefuseAPickleThatWouldMakeTooManyObjectsNamingTheMember() throws Exception {
        Map<String, byte[]> files = Map.of(
                "dicts.npz", PickleBombs.npz(PickleBombs.EMPTY_DICT, COUNT),
                "sets.zip", PickleBombs.archive(PickleBombs.EMPTY_SET, COUNT),
                "lists.pt", PickleBombs.checkpoint(PickleBombs.EMPTY_LIST, COUNT));
        Map<String, String> members = Map.of("dicts.npz", "x.npy", "sets.zip", "pkl", "lists.pt", "bomb/data.pkl");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.write(file, f.getValue());
            String member = members.get(f.getKey());
            long size;
            try (ZipReader z = ZipReader.open(file, Limits.DEFAULT)) {
                size = z.entry(member).size();
            }
            for (String verb : List.of("ls", "show", "verify")) {
                ManyMembersCliTest.Ran r = ManyMembersCliTest.cli(dir, "128m", verb, file.toString());
                HostileCliTest.assertCleanFailure(file, r.status(), r.out(), r.err());
                String line = r.err().strip();
                assertTrue(line.contains(": member " + member + ": a pickle of " + size + " bytes may make "
                        + size * HeapBudget.PICKLE_OBJECTS_PER_BYTE + " bytes of objects ("), verb + ": " + line);
                assertTrue(line.endsWith("(limit maxTotalAllocation; the verbs allow half the JVM's"
                        + " heap: give it more with BRINE_JAVA_OPTS=-Xmx...)"), verb + ": " + line);
            }
        }
    }
}
