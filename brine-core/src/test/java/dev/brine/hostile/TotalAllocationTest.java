package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.HeapBudget;
import dev.brine.Limits;
import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ModelArchive;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import dev.brine.npy.ZipReader;
import dev.brine.testing.Python;
import dev.brine.torch.TorchCheckpoint;
import dev.brine.torch.TorchOptions;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of many members, each within every per-member limit, that together ask for more than the
 * heap holds: a model archive, an .npz and a torch checkpoint of five deflated members of 1,430 MiB
 * (7 MB of file) ran a 6 GB heap out of memory. {@code Limits.maxTotalAllocation} weighs each member
 * with those read before it, before it is allocated. The files are valid: numpy and torch read them
 * (the oracle), and Brine does too while they fit.
 */
class TotalAllocationTest {
    private static final int MIB = 1 << 20;
    /** Five members of 4 MiB: 20 MiB in all. */
    private static final long MEMBER = 4L * MIB;

    @TempDir
    Path tmp;

    private Path write(String name, byte[] content) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, content);
        return f;
    }

    private static Limits budget(long bytes) {
        return Limits.DEFAULT.toBuilder().maxTotalAllocation(bytes).build();
    }

    /**
     * What the deflated members a reader takes whole before the arrays (pickle, records) weigh: their declared
     * sizes, a pickle's times what its objects may take per byte (PickleWeightTest).
     */
    private static long sizeOf(Path zip, String... members) throws Exception {
        long n = 0;
        try (ZipReader z = ZipReader.open(zip, Limits.DEFAULT)) {
            for (String m : members) {
                ZipReader.Entry e = z.entry(m);
                long weight = m.endsWith("pkl") ? e.size() * HeapBudget.PICKLE_OBJECTS_PER_BYTE : e.size();
                n += e.inflates() ? weight : 0; // stored members hold their bytes in the file: not weighed
            }
        }
        return n;
    }

    private static String refusal(String member, long before, long max) {
        return "member " + member + ": " + MEMBER + " bytes more in memory would bring this file's members to "
                + (before + MEMBER) + " bytes together (" + before + " read before), more than the " + max + " allowed";
    }

    private static LimitExceededException limitIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LimitExceededException) {
                assertEquals("maxTotalAllocation", ((LimitExceededException) t).limit(), e.getMessage());
                return (LimitExceededException) t;
            }
        }
        throw new AssertionError("no LimitExceededException in " + e, e);
    }

    private static void assertZeros(Object v) {
        NDArray a = (NDArray) v;
        assertEquals(NDArray.zeros(DType.UINT8, MEMBER), a);
    }

    @Test
    void theDefaultIsHalfTheHeapAndTrustedHasNone() {
        assertEquals(Runtime.getRuntime().maxMemory() / 2, Limits.DEFAULT.maxTotalAllocation());
        assertEquals(Long.MAX_VALUE, Limits.TRUSTED.maxTotalAllocation());
        assertEquals(12345, budget(12345).toBuilder().build().maxTotalAllocation());
        assertThrows(IllegalArgumentException.class, () -> Limits.builder().maxTotalAllocation(0));
    }

    @Test
    void anArchiveIsRefusedAtTheMemberThatBringsItOverTheBudget() throws Exception {
        Python.require("numpy");
        Path f = write("many.zip", HostileVectors.manyMembers(".zip", 5, 4));
        // the oracle: numpy lists the five arrays and the pickle, and reads each as 4 MiB of zeros
        String numpy = Python.checkText("import sys, numpy as np\nz = np.load(sys.argv[1])\n"
                + "print(z.files, [(z[k].shape, int(np.count_nonzero(z[k]))) for k in z.files if k != 'pkl'])", f);
        assertEquals("['A0', 'A1', 'A2', 'A3', 'A4', 'pkl'] [" + "((4194304,), 0), ".repeat(4) + "((4194304,), 0)]\n",
                numpy);
        // within the default budget Brine reads what numpy reads
        List<?> loaded = (List<?>) ModelArchive.load(f);
        assertEquals(5, loaded.size());
        loaded.forEach(TotalAllocationTest::assertZeros);

        long pkl = sizeOf(f, "pkl");
        long max = 10L * MIB;
        for (ArchiveOptions.ArrayAccess access : ArchiveOptions.ArrayAccess.values()) {
            ArchiveOptions options = ArchiveOptions.builder().arrayAccess(access).limits(budget(max)).build();
            LimitExceededException e = assertThrows(LimitExceededException.class, () -> ModelArchive.load(f, options),
                    access.name());
            assertEquals("maxTotalAllocation", e.limit());
            assertTrue(e.getMessage().startsWith(f + ": " + refusal("A2", pkl + 2 * MEMBER, max)
                    + " (limit maxTotalAllocation;"), e.getMessage());
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f))) {
                LimitExceededException s = assertThrows(LimitExceededException.class, () -> ModelArchive.load(in, options));
                assertEquals("maxTotalAllocation", s.limit());
                assertTrue(s.getMessage().startsWith("archive stream: " + refusal("A2", pkl + 2 * MEMBER, max)),
                        s.getMessage());
            }
        }
        // exactly the budget is allowed; a byte less refuses the last member
        long all = pkl + 5 * MEMBER;
        assertEquals(5, ((List<?>) ModelArchive.load(f, ArchiveOptions.builder().limits(budget(all)).build())).size());
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> ModelArchive.load(f, ArchiveOptions.builder().limits(budget(all - 1)).build()));
        assertTrue(e.getMessage().startsWith(f + ": " + refusal("A4", pkl + 4 * MEMBER, all - 1)), e.getMessage());
    }

    @Test
    void anNpzIsRefusedAtTheMemberThatBringsItOverTheBudgetOfWhatItsReaderKeeps() throws Exception {
        Python.require("numpy");
        Path f = write("many.npz", HostileVectors.manyMembers(".npz", 5, 4));
        String numpy = Python.checkText("import sys, numpy as np\nz = np.load(sys.argv[1])\n"
                + "print(z.files, [(z[k].shape, int(np.count_nonzero(z[k]))) for k in z.files])", f);
        assertEquals("['A0', 'A1', 'A2', 'A3', 'A4'] [" + "((4194304,), 0), ".repeat(4) + "((4194304,), 0)]\n", numpy);
        Map<String, Object> all = Npz.readAll(f, Limits.DEFAULT);
        assertEquals(List.of("A0", "A1", "A2", "A3", "A4"), new ArrayList<>(all.keySet()));
        all.values().forEach(TotalAllocationTest::assertZeros);

        long max = 10L * MIB;
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> Npz.readAll(f, budget(max)));
        assertEquals("maxTotalAllocation", e.limit());
        assertTrue(e.getMessage().startsWith(f + ": " + refusal("A2.npy", 2 * MEMBER, max)), e.getMessage());
        try (NpzFile z = Npz.open(f, budget(max))) {
            // read one at a time, each member is weighed alone: the caller decides what it keeps
            for (int i = 0; i < 5; i++) {
                assertZeros(z.get("A" + i));
                assertZeros(z.array("A" + i + ".npy"));
            }
            // a caller that keeps them weighs them together
            HeapBudget held = new HeapBudget(budget(max));
            assertZeros(z.get("A0", null, held));
            assertZeros(z.get("A1", null, held));
            limitIn(assertThrows(LimitExceededException.class, () -> z.get("A2", null, held)));
            assertEquals(2 * MEMBER, held.used()); // nothing counted for the refused one
        }
        try (NpzFile z = Npz.open(f, budget(MEMBER - 1))) { // one member alone over the limit
            limitIn(assertThrows(LimitExceededException.class, () -> z.get("A0")));
        }
        // members that are not NPY are read whole into memory too: an archive opened as an .npz
        Path archive = write("many.zip", HostileVectors.manyMembers(".zip", 5, 4));
        long pkl;
        try (ZipReader zip = ZipReader.open(archive, Limits.DEFAULT)) {
            pkl = zip.entry("pkl").size(); // read raw, as bytes: weighed by its bytes, not as a pickle
        }
        try (NpzFile z = Npz.open(archive, budget(5 * MEMBER + pkl - 1))) {
            HeapBudget held = new HeapBudget(budget(5 * MEMBER + pkl - 1));
            for (int i = 0; i < 5; i++) {
                assertZeros(z.get("A" + i, null, held));
            }
            LimitExceededException raw = assertThrows(LimitExceededException.class, () -> z.get("pkl", null, held));
            assertTrue(raw.getMessage().startsWith(archive + ": member pkl: " + pkl + " bytes more in memory would bring"
                    + " this file's members to " + (5 * MEMBER + pkl) + " bytes together"), raw.getMessage());
        }
    }

    /**
     * Only deflated members are weighed: a stored member's bytes are in the file, so it costs what the input
     * holds (as an .npy file does), and legitimate big files of np.savez are read as before the limit existed.
     */
    @Test
    void storedMembersAreNotWeighedDeflatedOnesAre() throws Exception {
        Python.require("numpy");
        Path stored = tmp.resolve("stored.npz");
        Path deflated = tmp.resolve("deflated.npz");
        Python.checkText("import sys, numpy as np\n"
                + "a = {k: np.full(MEMBER, i, np.uint8) for i, k in enumerate(['x', 'y', 'z'])}\n".replace("MEMBER", String.valueOf(MEMBER))
                + "np.savez(sys.argv[1], **a)\nnp.savez_compressed(sys.argv[2], **a)", stored, deflated);
        Limits small = budget(MEMBER + MEMBER / 2); // less than two members
        Map<String, Object> all = Npz.readAll(stored, small);
        assertEquals(List.of("x", "y", "z"), new ArrayList<>(all.keySet()));
        assertEquals(2, ((NDArray) all.get("z")).getLong((int) MEMBER - 1));
        limitIn(assertThrows(LimitExceededException.class, () -> Npz.readAll(deflated, small)));
    }

    @Test
    void aTorchCheckpointIsRefusedAtTheStorageThatBringsItOverTheBudget() throws Exception {
        Python.require("torch");
        Path f = write("many.pt", HostileVectors.manyMembers(".pt", 5, 4));
        String torch = Python.checkText("import sys, torch\nt = torch.load(sys.argv[1], weights_only=True)\n"
                + "print(list(t), [(tuple(v.shape), v.dtype, int(v.count_nonzero())) for v in t.values()])", f);
        assertEquals("['A0', 'A1', 'A2', 'A3', 'A4'] [" + "((4194304,), torch.uint8, 0), ".repeat(4)
                + "((4194304,), torch.uint8, 0)]\n", torch);
        Map<?, ?> loaded = (Map<?, ?>) TorchCheckpoint.load(f);
        assertEquals(List.of("A0", "A1", "A2", "A3", "A4"), new ArrayList<>(loaded.keySet()));
        loaded.values().forEach(TotalAllocationTest::assertZeros);

        // the records read whole before the storages (version, byteorder, data.pkl) count too, when deflated
        long records = sizeOf(f, "bomb/version", "bomb/byteorder", "bomb/data.pkl");
        long max = 10L * MIB;
        for (boolean mmap : new boolean[] {false, true}) { // deflated storages cannot be mapped: read either way
            TorchOptions options = TorchOptions.builder().mmap(mmap).limits(budget(max)).build();
            BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(f, options));
            limitIn(e);
            assertTrue(e.getMessage().startsWith(f + ": member bomb/data.pkl: " + refusal("bomb/data/2", records + 2 * MEMBER,
                    max)),
                    e.getMessage());
        }
    }

    /**
     * The repro's shape (five members of 1,430 MiB, 7 MB of file) and five of 60 MiB, in each format,
     * read with the default limits by a JVM of 256 MiB of heap: every reader stops at a
     * LimitExceededException, none runs out of memory (each of them did).
     */
    @Test
    void everyReaderRefusesTheBombsWithin256MiBOfHeap() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String kind : List.of(".zip", ".npz", ".pt")) {
            files.put("five-of-1430MiB" + kind, HostileVectors.manyMembers(kind, 5, 1430));
            files.put("five-of-60MiB" + kind, HostileVectors.manyMembers(kind, 5, 60));
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            write(e.getKey(), e.getValue());
            assertTrue(e.getValue().length < 8_000_000, e.getKey() + ": " + e.getValue().length + " bytes");
        }
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ReadAll.class.getName(), tmp.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child JVM hung");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("refused " + files.size() + " files"), out);
        // 60 MiB members fit a budget of about 124 MiB two at a time: the third is refused, with the totals
        assertTrue(out.contains("five-of-60MiB.zip: member A2: 62914560 bytes more in memory would bring this file's"
                + " members to "), out);
        assertTrue(out.contains("five-of-60MiB.npz: member A2.npy: 62914560 bytes more"), out);
        assertTrue(out.contains("five-of-60MiB.pt: member bomb/data.pkl: member bomb/data/2: 62914560 bytes more"), out);
        assertTrue(out.contains("five-of-1430MiB.zip: member A0: 1499463680 bytes more"), out);
    }

    /** The child's main: reads every file with every reader of its format; each must hit maxTotalAllocation. */
    public static final class ReadAll {
        public static void main(String[] args) throws Exception {
            List<Path> files;
            try (var s = Files.list(Path.of(args[0]))) {
                files = new ArrayList<>(s.filter(f -> !f.getFileName().toString().endsWith(".log")).sorted().toList());
            }
            int refused = 0;
            for (Path f : files) {
                String name = f.getFileName().toString();
                List<Bounded.Read> reads = new ArrayList<>();
                if (name.endsWith(".zip")) {
                    reads.add(() -> ModelArchive.load(f));
                    reads.add(() -> ModelArchive.load(f, ArchiveOptions.builder().genericObjects(true)
                            .arrayAccess(ArchiveOptions.ArrayAccess.READ).build()));
                    reads.add(() -> {
                        try (InputStream in = new BufferedInputStream(Files.newInputStream(f))) {
                            return ModelArchive.load(in, ArchiveOptions.DEFAULT);
                        }
                    });
                } else if (name.endsWith(".npz")) {
                    reads.add(() -> Npz.readAll(f, Limits.DEFAULT));
                    reads.add(() -> {
                        List<Object> kept = new ArrayList<>();
                        try (NpzFile npz = Npz.open(f)) {
                            HeapBudget held = new HeapBudget(Limits.DEFAULT); // all kept: weighed together
                            for (String key : npz.names()) {
                                kept.add(npz.get(key, null, held));
                            }
                        }
                        return kept;
                    });
                } else {
                    reads.add(() -> TorchCheckpoint.load(f));
                    reads.add(() -> TorchCheckpoint.load(f, TorchOptions.builder().mmap(true).build()));
                }
                for (Bounded.Read r : reads) {
                    try {
                        r.run();
                        System.out.println("NOT REFUSED: " + name);
                        System.exit(2);
                    } catch (BrineException e) {
                        Throwable t = e;
                        while (t != null && !(t instanceof LimitExceededException)) {
                            t = t.getCause();
                        }
                        if (t == null || !"maxTotalAllocation".equals(((LimitExceededException) t).limit())) {
                            System.out.println(name + ": refused, but not by maxTotalAllocation: " + e.getMessage());
                            System.exit(4);
                        }
                        System.out.println(e.getMessage().replace(f.getParent() + "/", ""));
                    } catch (Throwable t) {
                        System.out.println(name + ": " + t);
                        t.printStackTrace(System.out);
                        System.exit(3);
                    }
                }
                refused++;
            }
            System.out.println("refused " + refused + " files");
        }
    }

    @Test
    void aBudgetErrorSaysWhatAndTheTotals() throws Exception {
        dev.brine.HeapBudget b = new dev.brine.HeapBudget(budget(100));
        b.charge(60, "first");
        assertEquals(60, b.used());
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> b.charge(41, "x.zip: member B"));
        assertEquals("x.zip: member B: 41 bytes more in memory would bring this file's members to 101 bytes together"
                + " (60 read before), more than the 100 allowed (limit maxTotalAllocation; raise it in the reader's"
                + " options if the file is trusted)", e.getMessage());
        assertEquals(60, b.used());
        b.charge(40, "last");
        assertEquals(100, b.used());
        assertInstanceOf(LimitExceededException.class, assertThrows(LimitExceededException.class,
                () -> b.charge(Long.MAX_VALUE, "huge")));
    }
}
