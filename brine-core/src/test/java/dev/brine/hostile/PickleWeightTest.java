package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.HeapBudget;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ModelArchive;
import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import dev.brine.npy.ZipReader;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import dev.brine.torch.TorchCheckpoint;
import dev.brine.torch.TorchOptions;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
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
 * A deflated pickle is weighed against maxTotalAllocation by the objects it may make, not by its
 * bytes: an .npz object array, an archive's {@code pkl} or a checkpoint's {@code data.pkl} of 586 KB
 * that inflated to 600 MB of one-byte opcodes, each making an empty container, passed every limit and
 * then ran the heap out of memory with a raw OutOfMemoryError. Each such pickle is now weighed at
 * {@link HeapBudget#PICKLE_OBJECTS_PER_BYTE} times its size before it is inflated. The oracles:
 * numpy, torch and pickle read the same shapes; the factor is measured here against what Brine's
 * objects take; legitimate files written by numpy, torch and Brine still load at a 256 MiB heap,
 * as numpy, torch and brine.py read them.
 */
class PickleWeightTest {
    private static final long F = HeapBudget.PICKLE_OBJECTS_PER_BYTE;
    /** Containers per hostile file in the small-heap child: 40 MB of pickle, under half of its 128 MiB heap. */
    private static final long BOMB_COUNT = 40_000_000;

    @TempDir
    Path tmp;

    private Path write(String name, byte[] content) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, content);
        return f;
    }

    private static long sizeOf(Path zip, String member) throws Exception {
        try (ZipReader z = ZipReader.open(zip, Limits.DEFAULT)) {
            return z.entry(member).size();
        }
    }

    private static Limits budget(long bytes) {
        return Limits.DEFAULT.toBuilder().maxTotalAllocation(bytes).build();
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

    /** What HeapBudget says when a pickle of {@code size} bytes, with nothing read before it, is refused. */
    private static String refusal(String member, long size, long max) {
        return "member " + member + ": a pickle of " + size + " bytes may make " + size * F + " bytes of objects (" + F
                + " per byte of pickle at most), which would bring this file's members to " + size * F
                + " bytes together (0 read before), more than the " + max + " allowed (by default half the JVM's heap:"
                + " a bigger heap allows more) (limit maxTotalAllocation;";
    }

    /**
     * The hostile shapes are valid files (numpy, torch and pickle read a small count of them), Brine reads
     * them too, and each is weighed at exactly 80 times its pickle's size: that budget reads it, a byte less
     * refuses it, naming the member, before it is inflated.
     */
    @Test
    void aDeflatedPickleWeighsEightyTimesItsSizeInEachReader() throws Exception {
        Python.require("numpy", "torch");
        Path npz = write("dicts.npz", PickleBombs.npz(PickleBombs.EMPTY_DICT, 1000));
        Path zip = write("sets.zip", PickleBombs.archive(PickleBombs.EMPTY_SET, 1000));
        Path pt = write("lists.pt", PickleBombs.checkpoint(PickleBombs.EMPTY_LIST, 1000));
        String python = Python.checkText("""
                import sys, zipfile, pickle, numpy as np, torch
                x = np.load(sys.argv[1], allow_pickle=True)['x']
                print(x.dtype, x.shape, type(x[0]).__name__, len(x[0]), x[0][0], x[0][-1])
                p = pickle.loads(zipfile.ZipFile(sys.argv[2]).read('pkl'))
                print(type(p).__name__, len(p), p[0], p[-1])
                t = torch.load(sys.argv[3], weights_only=True)
                print(type(t).__name__, len(t), t[0], t[-1])
                """, npz, zip, pt);
        assertEquals("object (1,) list 1000 {} {}\nlist 1000 set() set()\nlist 1000 [] []\n", python);

        long x = sizeOf(npz, "x.npy");
        try (NpzFile z = Npz.open(npz, budget(x * F))) {
            HeapBudget held = new HeapBudget(budget(x * F));
            ObjectArray a = assertInstanceOf(ObjectArray.class, z.get("x", UnpicklerOptions.DEFAULT, held));
            assertEquals(x * F, held.used());
            List<?> items = (List<?>) a.items().get(0);
            assertEquals(1000, items.size());
            assertEquals(Map.of(), items.get(999));
            assertEquals(1000, ((List<?>) z.objectArray("x").items().get(0)).size());
        }
        try (NpzFile z = Npz.open(npz, budget(x * F - 1))) {
            for (Bounded.Read r : List.<Bounded.Read>of(() -> z.get("x", UnpicklerOptions.DEFAULT),
                    () -> z.objectArray("x"))) {
                LimitExceededException e = assertThrows(LimitExceededException.class, r::run);
                assertTrue(e.getMessage().startsWith(npz + ": " + refusal("x.npy", x, x * F - 1)), e.getMessage());
            }
        }

        long pkl = sizeOf(zip, "pkl");
        List<?> sets = (List<?>) ModelArchive.load(zip, ArchiveOptions.builder().limits(budget(pkl * F)).build());
        assertEquals(1000, sets.size());
        assertEquals(java.util.Set.of(), sets.get(0));
        BrineException ae = assertThrows(BrineException.class,
                () -> ModelArchive.load(zip, ArchiveOptions.builder().limits(budget(pkl * F - 1)).build()));
        limitIn(ae);
        assertTrue(ae.getMessage().startsWith(zip + ": " + refusal("pkl", pkl, pkl * F - 1)), ae.getMessage());

        long data = sizeOf(pt, "bomb/data.pkl");
        List<?> lists = (List<?>) TorchCheckpoint.load(pt, TorchOptions.builder().limits(budget(data * F)).build());
        assertEquals(1000, lists.size());
        assertEquals(List.of(), lists.get(999));
        BrineException te = assertThrows(BrineException.class,
                () -> TorchCheckpoint.load(pt, TorchOptions.builder().limits(budget(data * F - 1)).build()));
        limitIn(te);
        assertTrue(te.getMessage().startsWith(pt + ": " + refusal("bomb/data.pkl", data, data * F - 1)),
                te.getMessage());
    }

    /** torch.save stores data.pkl: its bytes are in the file, and it is not weighed at all. */
    @Test
    void aStoredPickleIsNotWeighed() throws Exception {
        Python.require("torch");
        Path pt = tmp.resolve("stored.pt");
        String torch = Python.checkText("import sys, torch\n"
                + "torch.save([{} for _ in range(1000)], sys.argv[1])\n"
                + "t = torch.load(sys.argv[1], weights_only=True)\nprint(len(t), t[0])", pt);
        assertEquals("1000 {}\n", torch);
        List<?> read = (List<?>) TorchCheckpoint.load(pt, TorchOptions.builder().limits(budget(1)).build());
        assertEquals(1000, read.size());
        assertEquals(Map.of(), read.get(0));
    }

    /**
     * Each hostile shape with 40 MB of pickle (40 KB of file, under half the heap by its bytes, and 2.4 to
     * 3.1 GB of objects), read by every reader in a JVM of 128 MiB of heap: each ran out of memory; each is
     * now refused with a LimitExceededException naming the member, before anything is inflated (a few MB
     * allocated, well under a second). An old gpuarray member whose "context name" is such a pickle is
     * refused for holding more than a name can take.
     */
    @Test
    void everyReaderRefusesPicklesOfTinyObjectsWithin128MiBOfHeap() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("dicts.npz", PickleBombs.npz(PickleBombs.EMPTY_DICT, BOMB_COUNT));
        files.put("sets.zip", PickleBombs.archive(PickleBombs.EMPTY_SET, BOMB_COUNT));
        files.put("lists.pt", PickleBombs.checkpoint(PickleBombs.EMPTY_LIST, BOMB_COUNT));
        files.put("sets.pt", PickleBombs.checkpoint(PickleBombs.EMPTY_SET, BOMB_COUNT));
        files.put("gpuarray.zip", PickleBombs.gpuarrayArchive(PickleBombs.EMPTY_SET, BOMB_COUNT));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            write(e.getKey(), e.getValue());
            assertTrue(e.getValue().length < 50_000, e.getKey() + ": " + e.getValue().length + " bytes");
        }
        String out = child("128m", ReadBombs.class, tmp.toString());
        long x = sizeOf(tmp.resolve("dicts.npz"), "x.npy");
        long pkl = sizeOf(tmp.resolve("sets.zip"), "pkl");
        long data = sizeOf(tmp.resolve("lists.pt"), "bomb/data.pkl");
        assertTrue(x > 40_000_000 && x < Runtime.getRuntime().maxMemory() && pkl > 40_000_000 && data > 40_000_000);
        List<String> lines = out.lines().filter(l -> l.startsWith("read ")).toList();
        assertEquals(12, lines.size(), out);
        for (String line : lines) {
            String[] f = line.split(" ", 5); // read <file> <ms> <allocated> <message>
            assertTrue(Long.parseLong(f[2]) < 2_000, "slow: " + line);
            assertTrue(Long.parseLong(f[3]) < 16L << 20, "allocated too much: " + line);
            String message = f[4];
            // the file, or "archive stream" for an archive read from a stream
            assertTrue(message.startsWith(f[1] + ": ") || message.startsWith("archive stream: "), line);
            switch (f[1]) {
                case "dicts.npz" -> assertTrue(message.contains(": member x.npy: a pickle of " + x
                        + " bytes may make " + x * F + " bytes of objects"), line);
                case "sets.zip" -> assertTrue(message.contains(": member pkl: a pickle of " + pkl
                        + " bytes may make " + pkl * F + " bytes of objects"), line);
                case "lists.pt", "sets.pt" -> assertTrue(message.contains(": member bomb/data.pkl: a pickle of "
                        + data + " bytes may make " + data * F + " bytes of objects"), line);
                case "gpuarray.zip" -> assertTrue(message.contains(": member W: a gpuarray member starts with its"
                        + " context name, a pickled str or None that ends within its first 65536 bytes"), line);
                default -> throw new AssertionError(line);
            }
            if (!f[1].equals("gpuarray.zip")) {
                assertTrue(message.contains("(limit maxTotalAllocation;"), line);
            }
        }
    }

    /** Runs {@code main} in a JVM of its own with {@code heap}; returns its output, failing unless it exits 0. */
    private String child(String heap, Class<?> main, String... args) throws Exception {
        Path log = Files.createTempFile(tmp, "child", ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child JVM hung");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /**
     * The child's main: reads each hostile file with every reader of its format, printing for each read
     * {@code read <file> <ms> <bytes allocated> <message>}; any Error (OutOfMemoryError) or non-Brine
     * exception ends it with status 3, a read that succeeds with status 2.
     */
    public static final class ReadBombs {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            UnpicklerOptions inert = UnpicklerOptions.builder().genericObjects(true).build();
            Map<String, List<Bounded.Read>> reads = new LinkedHashMap<>();
            Path npz = dir.resolve("dicts.npz");
            reads.put("dicts.npz", List.of(
                    () -> {
                        try (NpzFile z = Npz.open(npz)) {
                            return z.get("x", UnpicklerOptions.DEFAULT);
                        }
                    },
                    () -> {
                        try (NpzFile z = Npz.open(npz)) {
                            return z.objectArray("x", inert);
                        }
                    },
                    () -> {
                        try (NpzFile z = Npz.open(npz)) {
                            return z.get("x", inert, new HeapBudget(Limits.DEFAULT));
                        }
                    }));
            Path zip = dir.resolve("sets.zip");
            reads.put("sets.zip", List.of(
                    () -> ModelArchive.load(zip),
                    () -> ModelArchive.load(zip, ArchiveOptions.builder().genericObjects(true)
                            .arrayAccess(ArchiveOptions.ArrayAccess.READ).build()),
                    () -> {
                        try (InputStream in = new BufferedInputStream(Files.newInputStream(zip))) {
                            return ModelArchive.load(in, ArchiveOptions.DEFAULT);
                        }
                    }));
            for (String pt : List.of("lists.pt", "sets.pt")) {
                Path f = dir.resolve(pt);
                reads.put(pt, List.of(() -> TorchCheckpoint.load(f),
                        () -> TorchCheckpoint.load(f, TorchOptions.builder().mmap(true).genericObjects(true).build())));
            }
            Path gpu = dir.resolve("gpuarray.zip");
            reads.put("gpuarray.zip", List.of(() -> ModelArchive.load(gpu),
                    () -> ModelArchive.load(gpu, ArchiveOptions.builder().genericObjects(true).build())));
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (Map.Entry<String, List<Bounded.Read>> e : reads.entrySet()) {
                for (Bounded.Read r : e.getValue()) {
                    long allocated = mx.getCurrentThreadAllocatedBytes();
                    long start = System.nanoTime();
                    try {
                        r.run();
                        System.out.println("NOT REFUSED: " + e.getKey());
                        System.exit(2);
                    } catch (BrineException ex) {
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        System.out.println("read " + e.getKey() + " " + ms + " "
                                + (mx.getCurrentThreadAllocatedBytes() - allocated) + " "
                                + ex.getMessage().replace(dir + "/", ""));
                    } catch (Throwable t) {
                        System.out.println(e.getKey() + ": " + t);
                        t.printStackTrace(System.out);
                        System.exit(3);
                    }
                }
            }
        }
    }
}
