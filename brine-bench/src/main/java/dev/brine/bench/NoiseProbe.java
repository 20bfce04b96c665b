package dev.brine.bench;

import dev.brine.pickle.Pickle;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Tells the machine's noise from Brine's: each call of {@code Pickle.dumps} (or {@code loads}) is
 * followed by a fixed reference task, a chain of 300,000 dependent loads through a 4 MiB table (the
 * size of strings_300k's memo table), and both are printed per call, with the thread's CPU time and
 * the minor page faults the call took. When a slow call comes with a slow chase, the machine's
 * memory was slow (another tenant of the host's caches); when it comes with page faults, the JVM
 * was touching fresh heap pages; when neither, look at Brine (or the JIT).
 *
 * <p>With {@code -Dbrine.chaseMiB=128} the chase runs through a table of that size instead, far past
 * the caches, so it times the memory's latency as this JVM launch got it: on the Firecracker VMs that
 * latency differs between launches of the same JVM (it did not follow the records loads' slow spells
 * there; BENCHMARKS.md, "Thirtieth session").
 *
 * <pre>
 * java -XX:+UseParallelGC -Xms2g -Xmx8g -cp brine-bench/target/brine-bench.jar dev.brine.bench.NoiseProbe \
 *     STRINGS_300K dumps 60 [no-gc]
 * </pre>
 *
 * A full GC runs before each call (as in the side-by-side worker) unless {@code no-gc} is given.
 * Output: one line per call, {@code call wall-ms cpu-ms page-faults chase-ms}. Twelfth session's
 * findings with it are in BENCHMARKS.md.
 */
public final class NoiseProbe {
    private static final int TABLE = chaseInts(Integer.getInteger("brine.chaseMiB", 4)); // 4 MiB by default
    private static final int STEPS = 300_000;
    private static volatile Object sink;

    private NoiseProbe() {
    }

    public static void main(String[] a) throws Exception {
        Workload w = Workload.valueOf(a[0]);
        boolean loads = a[1].equals("loads");
        int calls = Integer.parseInt(a[2]);
        boolean gc = !(a.length > 3 && a[3].equals("no-gc"));
        List<Object> value = w.brineValue();
        byte[] pickle = Pickle.dumps(value);
        int[] chain = randomCycle(TABLE);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < calls; i++) {
            sink = null;
            if (gc) {
                System.gc();
            }
            long faults = minorFaults();
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            sink = loads ? Pickle.loads(pickle) : Pickle.dumps(value);
            long wall = System.nanoTime() - start;
            cpu = threads.getCurrentThreadCpuTime() - cpu;
            faults = minorFaults() - faults;
            long chase = System.nanoTime();
            int p = 0;
            for (int s = 0; s < STEPS; s++) {
                p = chain[p]; // each load's address is the previous load's value: no overlap
            }
            chase = System.nanoTime() - chase;
            sink = p;
            out.append(String.format(Locale.ROOT, "%d %.2f %.2f %d %.2f%n", i, wall / 1e6, cpu / 1e6, faults, chase / 1e6));
        }
        System.out.print(out);
    }

    /** The chase table's length in ints for {@code mib} MiB, 1 to 4,096 (a clear error, not a negative array size). */
    private static int chaseInts(int mib) {
        if (mib < 1 || mib > 4096) {
            throw new IllegalArgumentException("brine.chaseMiB must be 1 to 4096, got " + mib);
        }
        return mib << 18;
    }

    /** A table whose entries form one cycle through all of its slots, in a shuffled order. */
    private static int[] randomCycle(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(1);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            next[order[i]] = order[(i + 1) % n];
        }
        return next;
    }

    /** This process's minor page faults so far (field 10 of /proc/self/stat), or 0 where there is none. */
    private static long minorFaults() throws IOException {
        Path stat = Path.of("/proc/self/stat");
        if (!Files.exists(stat)) {
            return 0;
        }
        String s = Files.readString(stat);
        String[] fields = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
