package dev.brine.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Interleaved A/B of two or more builds of Brine in one JVM, the tool behind every "before → after"
 * number in BENCHMARKS.md: each build's {@code brine-bench.jar} is loaded in its own class loader
 * and their {@code Pickle.loads}/{@code dumps} calls alternate (ABBA order), each after a GC, so a
 * busy machine slows all builds alike; the best wall and thread-CPU time per build are printed.
 *
 * <pre>
 * java -Xms3g -Xmx8g -cp brine-bench/target/brine-bench.jar dev.brine.bench.AbCompare \
 *     RECORDS_200K dumps 40 brine-bench/target/side-by-side before.jar after.jar
 * </pre>
 *
 * Arguments: workload, loads or dumps, rounds, the folder of the side-by-side pickle files, jars.
 */
public final class AbCompare {
    private AbCompare() {
    }

    public static void main(String[] a) throws Throwable {
        Workload w = Workload.valueOf(a[0]);
        boolean loads = a[1].equals("loads");
        int rounds = Integer.parseInt(a[2]);
        byte[] pickle = Files.readAllBytes(Path.of(a[3], w.label() + ".pkl"));
        List<String> jars = Arrays.asList(a).subList(4, a.length);
        Object value = loads ? null : w.brineValue(); // plain JDK types: shared by every build
        List<MethodHandle> ops = new ArrayList<>();
        for (String jar : jars) {
            ClassLoader cl = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> p = Class.forName("dev.brine.pickle.Pickle", true, cl);
            MethodHandle mh = loads
                    ? MethodHandles.publicLookup().findStatic(p, "loads", MethodType.methodType(Object.class, byte[].class))
                            .bindTo(pickle)
                    : MethodHandles.publicLookup().findStatic(p, "dumps", MethodType.methodType(byte[].class, Object.class))
                            .bindTo(value);
            ops.add(mh.asType(MethodType.methodType(Object.class)));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] wall = new double[jars.size()];
        double[] cpu = new double[jars.size()];
        Arrays.fill(wall, Double.MAX_VALUE);
        Arrays.fill(cpu, Double.MAX_VALUE);
        Object sink = null;
        for (int r = -10; r < rounds; r++) { // ten untimed rounds warm every build up
            for (int k = 0; k < ops.size(); k++) {
                int i = (r & 1) == 0 ? k : ops.size() - 1 - k;
                sink = null;
                if (r >= 0) {
                    System.gc();
                }
                long c = threads.getCurrentThreadCpuTime();
                long s = System.nanoTime();
                sink = (Object) ops.get(i).invokeExact();
                if (r >= 0) {
                    wall[i] = Math.min(wall[i], (System.nanoTime() - s) / 1e6);
                    cpu[i] = Math.min(cpu[i], (threads.getCurrentThreadCpuTime() - c) / 1e6);
                }
            }
        }
        java.lang.ref.Reference.reachabilityFence(sink);
        for (int i = 0; i < jars.size(); i++) {
            System.out.printf(Locale.ROOT, "%-24s %s %s best wall %.2f ms, best cpu %.2f ms%n",
                    Path.of(jars.get(i)).getFileName(), w.label(), a[1], wall[i], cpu[i]);
        }
    }
}
