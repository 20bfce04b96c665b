package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed {@code brine extract} leaves behind nothing it created, and keeps everything that was there. */
class ExtractFailureTest {
    @TempDir
    Path tmp;

    private void python(String script, String... modules) throws Exception {
        Python.require(modules);
        Python.check("import os, numpy as np\nos.chdir('" + tmp.toString().replace("\\", "\\\\").replace("'", "\\'")
                + "')\n" + script, new byte[0]);
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anArrayNpyCannotHoldStopsTheRunBeforeAnythingIsWritten() throws Exception {
        python("import torch\nfrom safetensors.torch import save_file\n"
                + "torch.save({'w': torch.arange(12.).reshape(3, 4), 'b': torch.ones(3, dtype=torch.bfloat16)}, 's.pt')\n"
                + "save_file({'w': torch.ones(2), 'b': torch.ones(3, dtype=torch.bfloat16)}, 's.safetensors')\n",
                "torch", "safetensors");
        for (String in : new String[] {"s.pt", "s.safetensors"}) {
            Path out = tmp.resolve("new-" + in).resolve("deeper");
            CliTest.Run r = CliTest.run("extract", tmp.resolve(in).toString(), "-o", out.toString());
            assertEquals(1, r.status(), in);
            // named as ls lists it, in convert's words: the command line's, not the library's advice to Java callers
            // (array.astype(DType...))
            assertTrue(r.err().contains(": array 'b' is bfloat16, which numpy has no dtype for: .npy and .npz cannot hold"
                    + " it (.safetensors and .pt can; brine does not cast arrays); nothing was extracted"), r.err());
            assertFalse(r.err().contains("astype"), r.err());
            assertFalse(Files.exists(tmp.resolve("new-" + in)), in + ": no folder was left behind");
        }
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        Files.write(existing.resolve("w.npy"), new byte[] {1, 2, 3});
        CliTest.Run r = CliTest.run("extract", tmp.resolve("s.pt").toString(), "-o", existing.toString());
        assertEquals(1, r.status());
        assertEquals(List.of("w.npy"), listing(existing));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(existing.resolve("w.npy")), "not replaced");
    }

    @Test
    void aWriteThatFailsHalfwayTakesBackTheFilesItWroteAndOnlyThose() throws Exception {
        python("np.savez('z.npz', w=np.ones(2), b=np.zeros(3), c=np.arange(4))\n", "numpy");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.write(out.resolve("keep.txt"), new byte[] {7});
        Files.createDirectories(out.resolve("b.npy").resolve("in-the-way")); // b cannot be written: a folder is there
        CliTest.Run r = CliTest.run("extract", tmp.resolve("z.npz").toString(), "-o", out.toString());
        assertEquals(1, r.status(), r.out());
        assertEquals(List.of("b.npy", "keep.txt"), listing(out), "w.npy, written before b failed, is gone");
        assertTrue(Files.exists(out.resolve("b.npy").resolve("in-the-way")));
    }

    /**
     * A link at a later target is refused before anything is written: the user's own a.npy, which np.save would
     * replace, is not replaced by a run that fails, and nothing is listed as written.
     */
    @Test
    void aLinkAtAnyTargetStopsTheRunBeforeAnyFileIsReplaced() throws Exception {
        python("np.savez('in.npz', a=np.arange(3), b=np.arange(4))\n", "numpy");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.write(out.resolve("a.npy"), "PRECIOUS".getBytes());
        Files.createSymbolicLink(out.resolve("b.npy"), tmp.resolve("nonexistent"));
        CliTest.Run r = CliTest.run("extract", tmp.resolve("in.npz").toString(), "-o", out.toString());
        assertEquals(1, r.status());
        assertEquals("", r.out(), "nothing was written");
        assertTrue(r.err().contains(out.resolve("b.npy") + ": exists and is not a regular file (a symbolic link)"), r.err());
        assertArrayEquals("PRECIOUS".getBytes(), Files.readAllBytes(out.resolve("a.npy")), "not replaced");
        assertFalse(Files.exists(tmp.resolve("nonexistent")), "nothing written through the link");
        // and once the link is gone, the same run writes what numpy reads
        Files.delete(out.resolve("b.npy"));
        r = CliTest.run("extract", tmp.resolve("in.npz").toString(), "-o", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(out.resolve("a.npy") + "\n" + out.resolve("b.npy") + "\n", r.out());
        python("assert np.load('out/a.npy').tolist() == [0, 1, 2] and np.load('out/b.npy').tolist() == [0, 1, 2, 3]\n", "numpy");
    }
}
