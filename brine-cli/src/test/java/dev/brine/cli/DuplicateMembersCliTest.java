package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.hostile.ZipBuilder;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine verify} on a ZIP that gives one name to two members (the first could never be
 * read) fails with one line naming the member; it used to say ok.
 */
class DuplicateMembersCliTest {
    @TempDir
    Path tmp;

    private Path zip(String name, String... members) throws Exception {
        ZipBuilder z = new ZipBuilder();
        for (String m : members) {
            z.deflated(m, m.equals("pkl") ? Pickle.dumps(List.of(), 2) : Npy.toBytes(NDArray.of(new long[] {1})));
        }
        Path f = tmp.resolve(name);
        Files.write(f, z.build());
        return f;
    }

    @Test
    void verifyRefusesAModelArchiveAndAnNpzWithARepeatedName() throws Exception {
        for (Path f : new Path[] {zip("dup.zip", "a", "a", "pkl"), zip("dup.npz", "a.npy", "a.npy")}) {
            String member = f.toString().endsWith(".zip") ? "a" : "a.npy";
            CliTest.Run verify = CliTest.run("verify", f.toString());
            assertEquals(1, verify.status(), verify.out());
            assertEquals("", verify.out());
            assertEquals(1, verify.err().strip().lines().count(), verify.err());
            String expected = "brine: " + f + ": member " + member + ": the name is given to two members";
            assertEquals(expected, verify.err().substring(0, Math.min(expected.length(), verify.err().length())),
                    verify.err());
        }
    }
}
