package dev.brine.bench;

import dev.brine.pickle.Pickle;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the dumps scaling target (10× data in at most 11× the time) compares with the machine's own
 * floor: for a workload at two sizes, each in a JVM of its own, the best time of {@code Pickle.dumps},
 * of {@code Pickle.dump} to a stream that discards its bytes (no output kept, no final copy), and of
 * a loop that only reads what the pickler has to read (every list item, map entry, boxed value and
 * string, in the same order) and writes nothing. When even the read-only loop takes more than 11×
 * at 10× the size, the miss is the machine's memory system, not the pickler.
 *
 * <pre>
 * java -XX:+UseParallelGC -Xms2g -Xmx8g -cp brine-bench/target/brine-bench.jar dev.brine.bench.InputFloor \
 *     INTS 1000000 10000000 [reps]
 * </pre>
 *
 * Each size runs in a child JVM with the parent's JVM arguments; a full GC precedes every timed call,
 * as in the side-by-side worker. Findings are in BENCHMARKS.md ("Sixteenth session").
 */
public final class InputFloor {
    private static long sink;

    private InputFloor() {
    }

    public static void main(String[] a) throws Exception {
        if (a.length >= 4 && a[0].equals("--child")) {
            child(Workload.Kind.valueOf(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            return;
        }
        String kind = a[0];
        int small = Integer.parseInt(a[1]);
        int big = Integer.parseInt(a[2]);
        int reps = a.length > 3 ? Integer.parseInt(a[3]) : 9;
        double[] s = runChild(kind, small, reps);
        double[] b = runChild(kind, big, reps);
        System.out.printf(Locale.ROOT, "%-8s %12s %12s %8s%n", "", "n=" + small, "n=" + big, "ratio");
        String[] names = {"dumps", "dump to a null stream", "read the input only"};
        for (int i = 0; i < names.length; i++) {
            System.out.printf(Locale.ROOT, "%-22s %9.2f ms %9.2f ms %7.1f×%n", names[i], s[i], b[i], b[i] / s[i]);
        }
        System.out.printf(Locale.ROOT, "size ratio %.1f×%n", (double) big / small);
    }

    private static double[] runChild(String kind, int count, int reps) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), InputFloor.class.getName(),
                "--child", kind, Integer.toString(count), Integer.toString(reps)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child failed: " + cmd);
        }
        String[] f = out.split("\\s+");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    private static void child(Workload.Kind kind, int count, int reps) throws Exception {
        List<Object> value = Workload.brineValue(kind, count);
        double[] best = new double[3];
        for (int op = 0; op < best.length; op++) { // one operation at a time, as the side-by-side worker runs one per JVM
            long warmUntil = System.nanoTime() + 3_000_000_000L; // warm-up as the worker's: 3 calls and 3 s
            best[op] = Double.MAX_VALUE;
            for (int call = 0; call < 3 || System.nanoTime() < warmUntil; call++) {
                run(op, value);
            }
            for (int r = 0; r < reps; r++) {
                System.gc();
                flushCaches();
                long start = System.nanoTime();
                run(op, value);
                best[op] = Math.min(best[op], (System.nanoTime() - start) / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "%.3f %.3f %.3f%n", best[0], best[1], best[2]);
        if (sink == 42) {
            System.err.println(); // keeps the reads from being optimised away
        }
    }

    private static final long[] FLUSH = new long[Integer.getInteger("brine.flushMiB", 0) << 17];

    /** With -Dbrine.flushMiB=N, writes N MiB after the GC so that the data the GC walked is no longer in the caches. */
    private static void flushCaches() {
        for (int i = 0; i < FLUSH.length; i += 8) {
            FLUSH[i]++;
        }
    }

    private static void run(int op, List<Object> value) throws java.io.IOException {
        switch (op) {
            case 0 -> sink += Pickle.dumps(value, 5).length;
            case 1 -> Pickle.dump(value, OutputStream.nullOutputStream(), 5);
            default -> sink += read(value);
        }
    }

    /** Reads every value the pickler reads, in its order: list items, map keys and values, boxed values, string characters' ends. */
    private static long read(Object o) {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Double d) {
            return Double.doubleToRawLongBits(d);
        }
        if (o instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (o instanceof String s) {
            int n = s.length();
            return n == 0 ? 0 : n + s.charAt(n - 1);
        }
        if (o instanceof List<?> list) {
            long sum = 0;
            for (int i = 0, n = list.size(); i < n; i++) {
                sum += read(list.get(i));
            }
            return sum;
        }
        if (o instanceof Map<?, ?> map) {
            long sum = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sum += read(e.getKey()) + read(e.getValue());
            }
            return sum;
        }
        throw new IllegalArgumentException(o.getClass().getName());
    }
}
