package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code extract -o LINK/..} writes where the system resolves {@code LINK/..}: the folder above LINK's target, as
 * {@code mkdir -p} and Python's {@code open('LINK/../a.npy', 'wb')} reach it. Brine normalized the text first and
 * wrote beside LINK (replacing files of the same name there). Oracle: Python's {@code os.path.realpath}.
 */
class ExtractFolderThroughLinkCliTest {
    @TempDir
    Path tmp;

    @Test
    void dotDotAfterALinkIsResolvedAsTheSystemResolvesIt() throws Exception {
        Python.require("numpy");
        String real = Python.checkText(String.join("\n",
                "import os, sys, numpy as np",
                "os.chdir(sys.argv[1])",
                "np.savez('a.npz', a=np.arange(3), b=np.ones(2))",
                "os.makedirs('real/sub')",
                "os.symlink('real/sub', 'lnk')",
                "print(os.path.realpath('lnk/..'))"), tmp).strip();
        assertEquals(tmp.toRealPath().resolve("real").toString(), real);
        CliTest.Run run = CliTest.run("extract", tmp.resolve("a.npz").toString(), "-o", tmp.resolve("lnk/..").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(Files.isRegularFile(tmp.resolve("real/a.npy")) && Files.isRegularFile(tmp.resolve("real/b.npy")));
        assertFalse(Files.exists(tmp.resolve("a.npy")) || Files.exists(tmp.resolve("b.npy")), "nothing beside the link");
        // and a folder still to be made after a link: created under the link's target
        CliTest.Run deeper = CliTest.run("extract", tmp.resolve("a.npz").toString(), "-o", tmp.resolve("lnk/new").toString());
        assertEquals(0, deeper.status(), deeper.err());
        assertTrue(Files.isRegularFile(tmp.resolve("real/sub/new/a.npy")));
    }
}
