package dev.brine.bench;

import dev.brine.Limits;
import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ModelArchive;
import dev.brine.archive.SharedVariable;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.Storage;
import dev.brine.npy.Npy;
import dev.brine.npy.NpyWriteOptions;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.PickleBuffer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The array side of the comparison, in one run: NPY write/read/map of a 1 GiB float32 array, a
 * 64 MiB float64 array pickled at protocol 5 in band and out of band, and a 100 MiB model archive
 * saved and loaded stored and deflated — each beside the physical references measured in the same
 * run: a plain memory copy of the same bytes and a plain file copy of the same file. Best of N wall
 * times; throughput is payload bytes per second.
 *
 * <pre>java -cp brine-bench/target/brine-bench.jar dev.brine.bench.ArrayWorkloads [--dir D] [--reps N] [--gib G] [--only npy|pickle|archive]</pre>
 */
public final class ArrayWorkloads {
    private final Path dir;
    private final int reps;
    private final List<String[]> rows = new ArrayList<>();
    private final HeapMeter heap = new HeapMeter();

    private ArrayWorkloads(Path dir, int reps) {
        this.dir = dir;
        this.reps = reps;
    }

    /** Runs every array workload and prints a Markdown table. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        int reps = 3;
        double gib = 1.0;
        String only = null; // npy, pickle or archive: one section, for quicker repeated measurements
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--gib" -> gib = Double.parseDouble(args[++i]);
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Files.createTempDirectory(dir, "brine-array-bench");
        try {
            ArrayWorkloads w = new ArrayWorkloads(work, reps);
            if (only == null || only.equals("npy")) {
                w.npy((long) (gib * (1L << 30)));
            }
            if (only == null || only.equals("pickle")) {
                w.pickled(64L << 20);
            }
            if (only == null || only.equals("archive")) {
                w.archive(100L << 20);
            }
            w.print();
        } finally {
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private interface Op {
        Object run() throws Exception;
    }

    /** Best wall time of {@code reps} runs, in seconds (the first run also warms up). */
    private double best(Op op) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps + 1; i++) {
            long t0 = System.nanoTime();
            Object keep = op.run();
            double s = (System.nanoTime() - t0) / 1e9;
            if (i > 0) {
                best = Math.min(best, s);
            }
            java.lang.ref.Reference.reachabilityFence(keep);
        }
        return best;
    }

    private void row(String workload, String what, long bytes, double seconds, double reference, String heapNote) {
        double mbps = bytes / seconds / 1e6;
        rows.add(new String[] {workload, what, String.format(Locale.ROOT, "%.3f", seconds),
            String.format(Locale.ROOT, "%.0f", mbps),
            reference > 0 ? String.format(Locale.ROOT, "%.2f", (bytes / seconds) / (bytes / reference)) : "",
            heapNote});
    }

    private static NDArray randomFloats(DType t, long bytes) {
        long n = bytes / t.itemsize();
        Storage s = Storage.allocate(n * t.itemsize());
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        for (long i = 0; i < n; i++) {
            if (t.itemsize() == 4) {
                s.putInt(i * 4, Float.floatToRawIntBits((float) r.nextDouble()), false);
            } else {
                s.putLong(i * 8, Double.doubleToRawLongBits(r.nextDouble()), false);
            }
        }
        return NDArray.wrap(t, Order.C, new long[] {n}, s);
    }

    /** A channel that copies what it is given into direct memory allocated once (up to 2 GiB). */
    private static final class MemoryChannel implements java.nio.channels.WritableByteChannel {
        private final ByteBuffer dst;

        MemoryChannel(long capacity) {
            dst = ByteBuffer.allocateDirect((int) Math.min(capacity, Integer.MAX_VALUE - 8));
        }

        void reset() {
            dst.clear();
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            if (n > dst.remaining()) { // beyond 2 GiB: count the bytes, copy what fits again
                dst.clear();
            }
            dst.put(src);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** A plain copy of {@code bytes} bytes in memory: the physical reference. */
    private double memoryCopy(long bytes) throws Exception {
        int chunk = 1 << 30;
        ByteBuffer src = ByteBuffer.allocateDirect((int) Math.min(bytes, chunk));
        ByteBuffer dst = ByteBuffer.allocateDirect((int) Math.min(bytes, chunk));
        return best(() -> {
            for (long done = 0; done < bytes; done += src.capacity()) {
                src.clear();
                dst.clear();
                dst.put(src);
            }
            return dst;
        });
    }

    private void npy(long bytes) throws Exception {
        NDArray a = randomFloats(DType.FLOAT32, bytes);
        Path file = dir.resolve("big.npy");
        Path copy = dir.resolve("copy.npy");
        String name = String.format(Locale.ROOT, "%.1f GiB float32 .npy", bytes / (double) (1L << 30));
        double mem = memoryCopy(bytes);
        row(name, "memory copy (reference)", bytes, mem, mem, "");
        double write = best(() -> {
            Npy.write(a, file);
            return null;
        });
        row(name, "Npy.write (atomic, forced to disk)", bytes, write, mem, "");
        // the same call into a channel that only copies into memory: Brine's own part of a write
        MemoryChannel sink = new MemoryChannel(bytes + 4096);
        double encode = best(() -> {
            sink.reset();
            Npy.write(a, sink);
            return null;
        });
        row(name, "Npy.write into a channel in memory (no file)", bytes, encode, mem, "");
        NpyWriteOptions unforced = NpyWriteOptions.builder().forceToDisk(false).build();
        double writeUnforced = best(() -> {
            Npy.write(a, file, unforced);
            return null;
        });
        row(name, "Npy.write (atomic, not forced)", bytes, writeUnforced, mem, "");
        for (boolean force : new boolean[] {true, false}) {
            double plain = best(() -> plainWrite(a, copy, force));
            row(name, "plain FileChannel write over the file" + (force ? ", forced" : "") + " (reference)", bytes, plain, mem, "");
        }
        double fileCopy = best(() -> Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING));
        row(name, "plain file copy (reference)", bytes, fileCopy, mem, "");
        Limits big = Limits.DEFAULT.toBuilder().maxAllocation(Long.MAX_VALUE).build();
        double read = best(() -> Npy.read(file, big));
        HeapMeter.Cost cost = heap.measure(() -> Npy.read(file, big));
        row(name, "Npy.read into the heap", bytes, read, mem, heapNote(cost, bytes));
        double map = best(() -> {
            NDArray m = Npy.map(file, false);
            return m.getDouble(m.size() - 1); // the last element: mapping costs nothing per byte
        });
        HeapMeter.Cost mapCost = heap.measure(() -> Npy.map(file, false));
        row(name, "Npy.map + last element", bytes, map, mem, heapNote(mapCost, bytes));
        Files.deleteIfExists(file);
        Files.deleteIfExists(copy);
    }

    /**
     * The array's bytes written as a plain program would, over the existing file: what the JDK, the
     * kernel and the disk cost without Brine's header, temporary file and rename.
     */
    private static Object plainWrite(NDArray a, Path file, boolean force) throws java.io.IOException {
        Files.deleteIfExists(file);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            for (ByteBuffer b : a.storage().buffers()) {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            if (force) {
                ch.force(true);
            }
        }
        return null;
    }

    private void pickled(long bytes) throws Exception {
        NDArray a = randomFloats(DType.FLOAT64, bytes);
        String name = (bytes >> 20) + " MiB float64 array, pickle protocol 5";
        double mem = memoryCopy(bytes);
        row(name, "memory copy (reference)", bytes, mem, mem, "");
        // what any dumps() must do at least: allocate the result on the heap and copy the bytes in
        double allocCopy = best(() -> a.rawBytes());
        row(name, "new byte[] + copy into it (reference)", bytes, allocCopy, mem, "");
        double inBandDump = best(() -> Pickle.dumps(a, 5));
        byte[] inBand = Pickle.dumps(a, 5);
        row(name, "dumps, in band", bytes, inBandDump, mem, "");
        Limits big = Limits.DEFAULT.toBuilder().maxAllocation(Long.MAX_VALUE).build();
        UnpicklerOptions opts = UnpicklerOptions.builder().limits(big).build();
        double inBandLoad = best(() -> Pickle.loads(inBand, opts));
        row(name, "loads, in band", bytes, inBandLoad, mem, heapNote(heap.measure(() -> Pickle.loads(inBand, opts)), bytes));
        List<PickleBuffer> buffers = new ArrayList<>();
        PicklerOptions oob = PicklerOptions.builder().protocol(5).bufferCallback(buffers::add).build();
        double oobDump = best(() -> {
            buffers.clear();
            return Pickle.dumps(a, oob);
        });
        buffers.clear();
        byte[] outOfBand = Pickle.dumps(a, oob);
        row(name, "dumps, out of band", bytes, oobDump, mem, "");
        double oobLoad = best(() -> new Unpickler(outOfBand, opts, buffers).load());
        row(name, "loads, out of band", bytes, oobLoad, mem,
                heapNote(heap.measure(() -> new Unpickler(outOfBand, opts, buffers).load()), bytes));
    }

    private void archive(long bytes) throws Exception {
        Map<String, Object> model = new LinkedHashMap<>();
        int parts = 4;
        for (int i = 0; i < parts; i++) {
            model.put("W" + i, new SharedVariable("W" + i, randomFloats(DType.FLOAT32, bytes / parts)));
        }
        String name = (bytes >> 20) + " MiB model archive (4 arrays)";
        double mem = memoryCopy(bytes);
        row(name, "memory copy (reference)", bytes, mem, mem, "");
        for (ArchiveOptions.Compression c : ArchiveOptions.Compression.values()) {
            ArchiveOptions options = ArchiveOptions.builder().compression(c).build();
            Path file = dir.resolve("model-" + c + ".zip");
            double save = best(() -> {
                ModelArchive.dump(model, file, options);
                return null;
            });
            row(name, "dump, " + c.name().toLowerCase(Locale.ROOT), bytes, save, mem, "");
            double load = best(() -> ModelArchive.load(file, options));
            row(name, "load, " + c.name().toLowerCase(Locale.ROOT) + (c == ArchiveOptions.Compression.STORED
                    ? " (mapped, CRC checked)" : ""), bytes, load, mem,
                    heapNote(heap.measure(() -> ModelArchive.load(file, options)), bytes));
            Files.deleteIfExists(file);
        }
    }

    private static String heapNote(HeapMeter.Cost c, long bytes) {
        return String.format(Locale.ROOT, "peak %.2fx, retained %.2fx of the data", c.peak() / (double) bytes,
                c.retained() / (double) bytes);
    }

    private void print() {
        System.out.println("| workload | operation | best s | MB/s | × memory copy | heap |");
        System.out.println("|---|---|---:|---:|---:|---|");
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
    }
}
