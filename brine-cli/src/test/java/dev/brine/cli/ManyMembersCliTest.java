package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.hostile.HostileVectors;
import dev.brine.testing.Python;
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
                Ran r = cli("256m", verb, file.toString());
                HostileCliTest.assertCleanFailure(file, r.status, r.out, r.err);
                assertTrue(r.err.contains("bytes more in memory would bring this file's members to ")
                        && r.err.contains("(limit maxTotalAllocation;"), verb + ": " + r.err);
            }
        }
    }

    /**
     * A real checkpoint bigger than the heap: its storage records are stored, so every verb maps them and needs no
     * heap for the tensors; verify then reads every member through once, in constant memory, to check the CRCs.
     */
    @Test
    void aCheckpointBiggerThanTheHeapIsListedShownConvertedAndVerifiedMapped() throws Exception {
        Python.require("torch");
        Path pt = dir.resolve("big.pt");
        Python.checkText("import sys, torch\n"
                + "torch.manual_seed(0)\n"
                + "torch.save({'a': torch.arange(6_000_000, dtype=torch.float64), 'b': torch.ones(4_000_000)}, sys.argv[1])",
                pt); // 64 MB of tensors against 48 MiB of heap
        Ran ls = cli("48m", "ls", pt.toString());
        assertEquals(0, ls.status, ls.err);
        assertTrue(ls.out.contains("float64") && ls.out.contains("6000000"), ls.out);
        Ran show = cli("48m", "show", pt.toString());
        assertEquals(0, show.status, show.err);
        Path copy = dir.resolve("copy.pt");
        Ran convert = cli("48m", "convert", pt.toString(), copy.toString());
        assertEquals(0, convert.status, convert.err);
        assertEquals("True True\n", Python.checkText("import sys, torch\n"
                + "a, b = torch.load(sys.argv[1], weights_only=True), torch.load(sys.argv[2], weights_only=True)\n"
                + "print(torch.equal(a['a'], b['a']), torch.equal(a['b'], b['b']))", pt, copy));
        Ran verify = cli("48m", "verify", pt.toString());
        assertEquals(0, verify.status, verify.err);
        // verify reads every record through to check its CRC (the mapping reads none): one byte changed is found
        byte[] bytes = Files.readAllBytes(pt);
        int at = indexOf(bytes, "big/data/0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + 4096;
        bytes[at] ^= 1;
        Path bad = dir.resolve("bad.pt");
        Files.write(bad, bytes);
        Ran badVerify = cli("48m", "verify", bad.toString());
        HostileCliTest.assertCleanFailure(bad, badVerify.status, badVerify.out, badVerify.err);
        assertTrue(badVerify.err.contains("CRC"), badVerify.err);
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    /** The same for a safetensors file bigger than the heap: mapped by every verb (the format has no CRCs to read). */
    @Test
    void aSafetensorsFileBiggerThanTheHeapIsMappedByEveryVerb() throws Exception {
        Python.require("numpy", "safetensors");
        Path st = dir.resolve("big.safetensors");
        Python.checkText("import sys, numpy as np\nfrom safetensors.numpy import save_file\n"
                + "save_file({'a': np.arange(6_000_000, dtype=np.float64), 'b': np.ones(4_000_000, np.float32)},"
                + " sys.argv[1], metadata={'format': 'np'})", st); // 64 MB of tensors against 48 MiB of heap
        for (String verb : List.of("ls", "show", "verify")) {
            Ran r = cli("48m", verb, st.toString());
            assertEquals(0, r.status, verb + ": " + r.err);
        }
        Path copy = dir.resolve("copy.safetensors");
        Ran convert = cli("48m", "convert", st.toString(), copy.toString());
        assertEquals(0, convert.status, convert.err);
        assertEquals(-1L, Files.mismatch(st, copy), "convert writes the package's bytes again");
    }

    /** The same for a model archive saved --stored: its aligned members are mapped, their CRCs still checked. */
    @Test
    void aStoredArchiveBiggerThanTheHeapIsMappedByEveryVerb() throws Exception {
        Python.require("numpy");
        Path npz = dir.resolve("big.npz");
        Python.checkText("import sys, numpy as np\n"
                + "np.savez(sys.argv[1], a=np.arange(6_000_000, dtype=np.float64), b=np.ones(4_000_000, np.float32))",
                npz); // 64 MB of arrays against 48 MiB of heap
        Path zip = dir.resolve("big.zip");
        CliTest.Run made = CliTest.run("convert", npz.toString(), zip.toString(), "--stored");
        assertEquals(0, made.status(), made.err());
        for (String verb : List.of("ls", "show", "verify")) {
            Ran r = cli("48m", verb, zip.toString());
            assertEquals(0, r.status, verb + ": " + r.err);
        }
        Path copy = dir.resolve("copy.zip");
        Ran convert = cli("48m", "convert", zip.toString(), copy.toString(), "--stored");
        assertEquals(0, convert.status, convert.err);
        assertEquals("True True\n", Python.checkText("import sys, numpy as np\n"
                + "a, b = np.load(sys.argv[1]), np.load(sys.argv[2])\n"
                + "print(np.array_equal(a['a'], b['a']), np.array_equal(a['b'], b['b']))", npz, copy));
    }

    /** What a run of the CLI gave. */
    record Ran(int status, String out, String err) {
    }

    private Ran cli(String heap, String... args) throws Exception {
        return cli(dir, heap, args);
    }

    /** The CLI as the launcher runs it, in a JVM of its own with {@code heap} of heap; its output goes through {@code dir}. */
    static Ran cli(Path dir, String heap, String... args) throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", args) + " hung");
        return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
