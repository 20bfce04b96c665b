package dev.brine.bench;

import dev.brine.pickle.Pickle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The side-by-side comparison in one command: Brine against CPython's C pickle (a python3
 * subprocess on the very same pickle files), razorvine pickle 1.5, JDK serialization, Kryo 5 and a
 * plain memory copy, on every object workload, then {@code ./brine convert} against a python3
 * process as whole programs. Prints Markdown tables (and writes them to
 * {@code <work>/side-by-side.md}).
 *
 * <p>Method, the same on both sides: each operation is warmed up, then run {@code --reps} times,
 * each run timed on its own after a GC, and the best time is kept (the median is recorded to show
 * the noise). Every (workload, library) pair runs in its own JVM so that neither JIT profiles nor
 * heaps mix. Throughput is always pickle bytes per second, whichever library, so MB/s compare the
 * same logical data; each library's own encoded size is shown too.
 *
 * <pre>
 * brine-bench/run-side-by-side.sh [--workloads INTS_1M,RECORDS_200K] [--libs BRINE,KRYO] [--reps 7] [--no-cli]
 * </pre>
 */
public final class SideBySide {
    private static final double MB = 1e6;

    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--worker")) {
            Worker.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        new Parent(Options.parse(args)).run();
    }

    // ---- options ----------------------------------------------------------------------------

    static final class Options {
        List<Workload> workloads = new ArrayList<>(List.of(Workload.values()));
        List<Lib> libs = new ArrayList<>(List.of(Lib.values()));
        int reps = 7;
        int bigReps = 5;
        double warmupSeconds = 3;
        boolean cli = true;
        int cliRecords = 500_000;
        int cliReps = 5;
        double budgetSeconds = 120;
        Path root = Path.of(".");
        Path work = Path.of("brine-bench/target/side-by-side");
        String python = "python3";
        /**
         * The throughput collector: G1 (the JVM's default on this machine) pays a card-marking
         * barrier on every reference store and keeps dead humongous Object[] arrays (a growing
         * million-element list) as roots until a concurrent cycle; on 2 cores that doubled the
         * loading thread's CPU time for ints_1m. And the sequential identity hash, which the
         * {@code brine} launcher uses and the README advises for dumps: the pickler's memo places
         * objects by identity hash, and consecutive hashes take neighbouring slots (strings_300k
         * dumps 14-16 -> 9 ms, records_2m 0.84 -> 0.50 s; BENCHMARKS.md "Twenty-ninth session",
         * which also has a run with the JVM's default hash). Pass --jvm-args to measure other flags.
         */
        List<String> jvmArgs = new ArrayList<>(List.of("-XX:+UseParallelGC", "-Xms2g", "-Xmx8g",
                "-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=3"));

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--workloads" -> {
                        o.workloads.clear();
                        for (String s : args[++i].split(",")) {
                            o.workloads.add(Workload.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                        }
                    }
                    case "--libs" -> {
                        o.libs.clear();
                        for (String s : args[++i].split(",")) {
                            o.libs.add(Lib.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                        }
                    }
                    case "--reps" -> o.reps = Integer.parseInt(args[++i]);
                    case "--big-reps" -> o.bigReps = Integer.parseInt(args[++i]);
                    case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(args[++i]);
                    case "--no-cli" -> o.cli = false;
                    case "--cli-only" -> {
                        o.workloads.clear();
                        o.libs.clear();
                    }
                    case "--cli-records" -> o.cliRecords = Integer.parseInt(args[++i]);
                    case "--cli-reps" -> o.cliReps = Integer.parseInt(args[++i]);
                    case "--budget-seconds" -> o.budgetSeconds = Double.parseDouble(args[++i]);
                    case "--root" -> o.root = Path.of(args[++i]);
                    case "--work" -> o.work = Path.of(args[++i]);
                    case "--python" -> o.python = args[++i];
                    case "--jvm-args" -> o.jvmArgs = new ArrayList<>(List.of(args[++i].trim().split("\\s+")));
                    default -> throw new IllegalArgumentException("unknown option " + a + "; see SideBySide's javadoc");
                }
            }
            return o;
        }

        int repsFor(Workload w) {
            return w.count() >= 2_000_000 ? bigReps : reps;
        }
    }

    // ---- results ----------------------------------------------------------------------------

    /** Best and median seconds of one operation. */
    record Time(double best, double median, double steady) {
        Time(double best, double median) {
            this(best, median, Double.NaN);
        }

        /** The first call did not finish within the budget. */
        boolean gaveUp() {
            return Double.isInfinite(best);
        }

        double spread() {
            return median / best - 1;
        }
    }

    /** What one library did with one workload. */
    static final class LibResult {
        Time loads;
        Time dumps;
        long encodedSize;
        HeapMeter.Cost loadsCost;
        HeapMeter.Cost dumpsCost;
        String check = "";
    }

    /** What CPython did with one workload. */
    static final class PyResult {
        Time loads;
        Time dumps;
        boolean identical;
        long loadsPeak;
        long dumpsPeak;
    }

    // ---- the parent: orchestrates and reports ------------------------------------------------

    static final class Parent {
        private final Options o;
        private final Map<Workload, Long> sizes = new EnumMap<>(Workload.class);
        private final Map<Workload, PyResult> py = new EnumMap<>(Workload.class);
        private final Map<Workload, Map<Lib, LibResult>> java = new EnumMap<>(Workload.class);
        private final List<String> cliRows = new ArrayList<>();
        private final StringBuilder report = new StringBuilder();
        private String loadBefore;
        private String pythonVersion = "?";

        Parent(Options o) {
            this.o = o;
        }

        void run() throws Exception {
            Files.createDirectories(o.work);
            loadBefore = loadAverage();
            long started = System.nanoTime();
            for (Workload w : o.workloads) {
                sizes.put(w, Files.size(pickleFile(w)));
            }
            Path script = o.work.resolve("cpython_bench.py");
            try (InputStream in = SideBySide.class.getResourceAsStream("cpython_bench.py")) {
                Files.write(script, in.readAllBytes());
            }
            for (Workload w : o.workloads) {
                progress("CPython  " + w.label());
                py.put(w, runPython(script, w));
            }
            for (Workload w : o.workloads) {
                for (Lib lib : o.libs) {
                    progress("Java     " + w.label() + " " + lib.label());
                    java.computeIfAbsent(w, k -> new EnumMap<>(Lib.class)).put(lib, runWorker(w, lib));
                }
            }
            if (o.cli) {
                runCli();
            }
            double minutes = (System.nanoTime() - started) / 60e9;
            writeReport(minutes);
            System.out.print(report);
            Files.writeString(o.work.resolve("side-by-side.md"), report.toString());
        }

        private Path pickleFile(Workload w) throws IOException {
            Path f = o.work.resolve(w.label() + ".pkl");
            if (!Files.exists(f)) {
                progress("writing " + f);
                Files.write(f, Pickle.dumps(w.brineValue()));
            }
            return f;
        }

        private PyResult runPython(Path script, Workload w) throws IOException, InterruptedException {
            String out = exec(List.of(o.python, script.toString(), String.valueOf(o.repsFor(w)),
                    o.work.resolve(w.label() + ".pkl").toString()));
            PyResult r = new PyResult();
            r.loads = new Time(num(out, "loads_best"), num(out, "loads_median"), num(out, "loads_steady"));
            r.dumps = new Time(num(out, "dumps_best"), num(out, "dumps_median"), num(out, "dumps_steady"));
            r.identical = out.contains("\"identical\": true");
            r.loadsPeak = (long) num(out, "loads_peak_bytes");
            r.dumpsPeak = (long) num(out, "dumps_peak_bytes");
            Matcher m = Pattern.compile("\"python\": \"([^\"]*)\"").matcher(out);
            if (m.find()) {
                pythonVersion = m.group(1);
            }
            return r;
        }

        private LibResult runWorker(Workload w, Lib lib) throws IOException, InterruptedException {
            LibResult r = new LibResult();
            String dumps = worker(w, lib, "dumps");
            String loads = worker(w, lib, "loads");
            r.dumps = time(dumps, "dumps");
            r.loads = time(loads, "loads");
            r.dumpsCost = cost(dumps, "dumps");
            r.loadsCost = cost(loads, "loads");
            r.encodedSize = (long) num(lib == Lib.BRINE || lib == Lib.RAZORVINE || lib == Lib.COPY ? dumps : loads,
                    "encoded", -1);
            r.check = checkOf(dumps) + "/" + checkOf(loads);
            return r;
        }

        private String worker(Workload w, Lib lib, String op) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(o.jvmArgs);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(SideBySide.class.getName());
            cmd.add("--worker");
            cmd.add(w.name());
            cmd.add(lib.name());
            cmd.add(op);
            cmd.add(o.work.resolve(w.label() + ".pkl").toString());
            cmd.add(String.valueOf(o.repsFor(w)));
            cmd.add(String.valueOf(o.warmupSeconds));
            cmd.add(String.valueOf(o.budgetSeconds));
            return exec(cmd);
        }

        private static Time time(String out, String op) {
            double timeout = num(out, op + "_timeout", -1);
            if (timeout >= 0) {
                return new Time(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
            }
            return new Time(num(out, op + "_best"), num(out, op + "_median"), num(out, op + "_steady", Double.NaN));
        }

        private static HeapMeter.Cost cost(String out, String op) {
            return new HeapMeter.Cost((long) num(out, op + "_alloc", -1), (long) num(out, op + "_retained", -1),
                    (long) num(out, op + "_peak", -1));
        }

        private static String checkOf(String out) {
            Matcher m = Pattern.compile("check=(\\S*)").matcher(out);
            return m.find() ? m.group(1) : "-";
        }

        // ---- whole-process convert ----

        private void runCli() throws Exception {
            Path in = o.work.resolve("records_" + o.cliRecords + ".pkl");
            if (!Files.exists(in)) {
                Files.write(in, Pickle.dumps(Workload.brineValue(Workload.Kind.RECORDS, o.cliRecords)));
            }
            Path brineOut = o.work.resolve("convert_brine.pkl");
            Path pyOut = o.work.resolve("convert_python.pkl");
            Path pySyncOut = o.work.resolve("convert_python_fsync.pkl");
            String launcher = o.root.resolve("brine").toAbsolutePath().normalize().toString();
            List<String> brine = List.of(launcher, "convert", in.toString(), brineOut.toString());
            List<String> python = List.of(o.python, "-c", "import pickle, sys\n"
                    + "with open(sys.argv[1], 'rb') as f: d = pickle.load(f)\n"
                    + "with open(sys.argv[2], 'wb') as f: pickle.dump(d, f, protocol=5)\n",
                    in.toString(), pyOut.toString());
            // the same work plus what Brine's atomic save does: temp file, fsync, rename
            List<String> pythonSync = List.of(o.python, "-c", "import os, pickle, sys\n"
                    + "with open(sys.argv[1], 'rb') as f: d = pickle.load(f)\n"
                    + "tmp = sys.argv[2] + '.tmp'\n"
                    + "with open(tmp, 'wb') as f:\n"
                    + "    pickle.dump(d, f, protocol=5); f.flush(); os.fsync(f.fileno())\n"
                    + "os.replace(tmp, sys.argv[2])\n",
                    in.toString(), pySyncOut.toString());
            progress("CLI      ./brine convert (first run builds the CLI jar if sources changed)");
            exec(brine);
            Time tb = wall(brine);
            progress("CLI      python3 load + dump");
            exec(python);
            Time tp = wall(python);
            exec(pythonSync);
            Time ts = wall(pythonSync);
            byte[] input = Files.readAllBytes(in);
            boolean same = Arrays.equals(input, Files.readAllBytes(brineOut))
                    && Arrays.equals(input, Files.readAllBytes(pyOut));
            cliRows.add(String.format(Locale.ROOT, "| `./brine convert` | %.3f | %.3f | %.2f× |", tb.best(), tb.median(),
                    tp.best() / tb.best()));
            cliRows.add(String.format(Locale.ROOT, "| python3 `pickle.load` + `pickle.dump` | %.3f | %.3f | 1.00× |",
                    tp.best(), tp.median()));
            cliRows.add(String.format(Locale.ROOT, "| python3, + temp file, fsync, rename (what `convert` also does) "
                    + "| %.3f | %.3f | %.2f× |", ts.best(), ts.median(), tp.best() / ts.best()));
            cliRows.add("");
            cliRows.add(String.format(Locale.ROOT, "Input: %d records, %.1f MB; all three outputs byte-identical to the input: %s.",
                    o.cliRecords, input.length / MB, same ? "yes" : "NO"));
        }

        private Time wall(List<String> cmd) throws IOException, InterruptedException {
            double[] t = new double[o.cliReps];
            for (int i = 0; i < t.length; i++) {
                long s = System.nanoTime();
                exec(cmd);
                t[i] = (System.nanoTime() - s) / 1e9;
            }
            Arrays.sort(t);
            return new Time(t[0], t[t.length / 2]);
        }

        // ---- the report ----

        private void writeReport(double minutes) {
            line("## Side-by-side results");
            line("");
            line(String.format(Locale.ROOT, "%d cores, Java %s, Python %s; JVM args of each worker: `%s`; "
                            + "best of %d runs (%d for the 2M-record workload) after warm-up; %.1f minutes in all.",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), pythonVersion,
                    String.join(" ", o.jvmArgs), o.reps, o.bigReps, minutes));
            line("Load average before: " + loadBefore + "; after: " + loadAverage() + ".");
            line("");
            if (!o.workloads.isEmpty()) {
                brineVsCpython();
                ratios();
                steady();
                peers();
                scaling();
                memory();
                noise();
            }
            if (!cliRows.isEmpty()) {
                line("### Whole process: convert a pickle (JVM start included), seconds of wall time, best of " + o.cliReps);
                line("");
                line("| command | best s | median s | speed vs python3 |");
                line("|---|---:|---:|---:|");
                cliRows.forEach(this::line);
                line("");
            }
        }

        private void brineVsCpython() {
            line("### Brine and CPython's C pickle (same pickle files)");
            line("");
            line("| workload | op | pickle MB | Brine ms | Brine MB/s | Brine Mobj/s | CPython ms | CPython MB/s "
                    + "| CPython Mobj/s | Brine ÷ CPython |");
            line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Workload w : o.workloads) {
                for (String op : List.of("loads", "dumps")) {
                    LibResult b = lib(w, Lib.BRINE);
                    PyResult p = py.get(w);
                    Time tb = b == null ? null : pick(b, op);
                    Time tp = p == null ? null : (op.equals("loads") ? p.loads : p.dumps);
                    line(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %s |", w.label(), op,
                            sizes.get(w) / MB, ms(tb), mbs(w, tb), mobj(w, tb), ms(tp), mbs(w, tp), mobj(w, tp),
                            ratio(tp, tb)));
                }
            }
            line("");
            StringBuilder ids = new StringBuilder("CPython re-dumps every file to the same bytes Brine wrote: ");
            for (Workload w : o.workloads) {
                PyResult p = py.get(w);
                ids.append(w.label()).append(p != null && p.identical ? " yes" : " NO").append("; ");
            }
            line(ids.toString());
            StringBuilder checks = new StringBuilder("Brine's own checks (dumps == file, loads equals the data): ");
            for (Workload w : o.workloads) {
                LibResult b = lib(w, Lib.BRINE);
                checks.append(w.label()).append(' ').append(b == null ? "-" : b.check).append("; ");
            }
            line(checks.toString());
            line("");
        }

        private void ratios() {
            line("### Brine's speed ÷ each peer's speed (same data; above 1 = Brine faster)");
            line("");
            line("| workload | op | vs CPython | vs razorvine | vs JDK serialization | vs Kryo 5 | vs memory copy |");
            line("|---|---|---:|---:|---:|---:|---:|");
            for (Workload w : o.workloads) {
                for (String op : List.of("loads", "dumps")) {
                    LibResult b = lib(w, Lib.BRINE);
                    Time tb = b == null ? null : pick(b, op);
                    PyResult p = py.get(w);
                    StringBuilder row = new StringBuilder("| " + w.label() + " | " + op + " | "
                            + ratio(p == null ? null : (op.equals("loads") ? p.loads : p.dumps), tb) + " |");
                    for (Lib peer : List.of(Lib.RAZORVINE, Lib.JDK, Lib.KRYO, Lib.COPY)) {
                        LibResult r = lib(w, peer);
                        row.append(' ').append(ratio(r == null ? null : pick(r, op), tb)).append(" |");
                    }
                    line(row.toString());
                }
            }
            line("");
        }

        private void steady() {
            line("### Steady state: mean ms per call over back-to-back calls, no GC forced in between (GC and freeing"
                    + " of earlier results included)");
            line("");
            line("| workload | op | Brine | CPython | Brine ÷ CPython | razorvine | JDK | Kryo |");
            line("|---|---|---:|---:|---:|---:|---:|---:|");
            for (Workload w : o.workloads) {
                for (String op : List.of("loads", "dumps")) {
                    LibResult b = lib(w, Lib.BRINE);
                    PyResult p = py.get(w);
                    double tb = b == null ? Double.NaN : pick(b, op).steady();
                    double tp = p == null ? Double.NaN : (op.equals("loads") ? p.loads : p.dumps).steady();
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", w.label(), op,
                            msOf(tb), msOf(tp), Double.isNaN(tb) || Double.isNaN(tp) ? "-"
                                    : String.format(Locale.ROOT, "%.2f×", tp / tb)));
                    for (Lib peer : List.of(Lib.RAZORVINE, Lib.JDK, Lib.KRYO)) {
                        LibResult r = lib(w, peer);
                        row.append(' ').append(msOf(r == null ? Double.NaN : pick(r, op).steady())).append(" |");
                    }
                    line(row.toString());
                }
            }
            line("");
        }

        private static String msOf(double seconds) {
            return Double.isNaN(seconds) || Double.isInfinite(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds * 1e3);
        }

        private void peers() {
            line("### The peers: ms (MB/s of pickle bytes); their own encoded size in MB");
            line("");
            line("| workload | op | razorvine 1.5 | JDK serialization | Kryo 5 | memory copy |");
            line("|---|---|---:|---:|---:|---:|");
            for (Workload w : o.workloads) {
                for (String op : List.of("loads", "dumps")) {
                    StringBuilder row = new StringBuilder("| " + w.label() + " | " + op + " |");
                    for (Lib peer : List.of(Lib.RAZORVINE, Lib.JDK, Lib.KRYO, Lib.COPY)) {
                        LibResult r = lib(w, peer);
                        Time t = r == null ? null : pick(r, op);
                        row.append(' ').append(t == null ? "-" : ms(t) + " (" + mbs(w, t) + ")").append(" |");
                    }
                    line(row.toString());
                }
                StringBuilder row = new StringBuilder("| " + w.label() + " | size MB |");
                for (Lib peer : List.of(Lib.RAZORVINE, Lib.JDK, Lib.KRYO, Lib.COPY)) {
                    LibResult r = lib(w, peer);
                    row.append(' ').append(r == null ? "-" : String.format(Locale.ROOT, "%.1f", r.encodedSize / MB))
                            .append(" |");
                }
                line(row.toString());
            }
            line("");
        }

        private void scaling() {
            List<Workload[]> pairs = List.of(new Workload[] {Workload.INTS_1M, Workload.INTS_10M},
                    new Workload[] {Workload.RECORDS_200K, Workload.RECORDS_2M});
            line("### Scaling: time at 10× size ÷ time at 1× (target ≤ 11)");
            line("");
            line("| workloads | op | Brine | CPython | razorvine | JDK | Kryo |");
            line("|---|---|---:|---:|---:|---:|---:|");
            for (Workload[] pair : pairs) {
                if (!o.workloads.contains(pair[0]) || !o.workloads.contains(pair[1])) {
                    continue;
                }
                for (String op : List.of("loads", "dumps")) {
                    StringBuilder row = new StringBuilder("| " + pair[1].label() + " ÷ " + pair[0].label() + " | " + op + " |");
                    row.append(' ').append(scale(pair, Lib.BRINE, op)).append(" |");
                    PyResult p0 = py.get(pair[0]);
                    PyResult p1 = py.get(pair[1]);
                    row.append(' ').append(p0 == null || p1 == null ? "-" : String.format(Locale.ROOT, "%.1f",
                            (op.equals("loads") ? p1.loads : p1.dumps).best() / (op.equals("loads") ? p0.loads : p0.dumps).best()))
                            .append(" |");
                    for (Lib peer : List.of(Lib.RAZORVINE, Lib.JDK, Lib.KRYO)) {
                        row.append(' ').append(scale(pair, peer, op)).append(" |");
                    }
                    line(row.toString());
                }
            }
            line("");
        }

        private String scale(Workload[] pair, Lib lib, String op) {
            LibResult a = lib(pair[0], lib);
            LibResult b = lib(pair[1], lib);
            if (a == null || b == null || pick(a, op).gaveUp() || pick(b, op).gaveUp()) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.1f", pick(b, op).best() / pick(a, op).best());
        }

        private void memory() {
            line("### Heap per operation, MB (see HeapMeter: allocated = bytes the thread allocated; retained = live"
                    + " size of the result after a full GC; peak = highest heap occupancy during the operation above"
                    + " the occupancy before it, garbage included; CPython: tracemalloc peak)");
            line("");
            line("| workload | op | Brine allocated | Brine retained | Brine peak | CPython peak | razorvine peak "
                    + "| JDK peak | Kryo peak |");
            line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            for (Workload w : o.workloads) {
                for (String op : List.of("loads", "dumps")) {
                    LibResult b = lib(w, Lib.BRINE);
                    HeapMeter.Cost c = b == null ? null : cost(b, op);
                    PyResult p = py.get(w);
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |",
                            w.label(), op, mb(c == null ? -1 : c.allocated()), mb(c == null ? -1 : c.retained()),
                            mb(c == null ? -1 : c.peak()),
                            mb(p == null ? -1 : op.equals("loads") ? p.loadsPeak : p.dumpsPeak)));
                    for (Lib peer : List.of(Lib.RAZORVINE, Lib.JDK, Lib.KRYO)) {
                        LibResult r = lib(w, peer);
                        row.append(' ').append(mb(r == null ? -1 : cost(r, op).peak())).append(" |");
                    }
                    line(row.toString());
                }
            }
            line("");
        }

        private void noise() {
            List<Double> spreads = new ArrayList<>();
            for (Workload w : o.workloads) {
                PyResult p = py.get(w);
                if (p != null) {
                    spreads.add(p.loads.spread());
                    spreads.add(p.dumps.spread());
                }
                Map<Lib, LibResult> m = java.get(w);
                if (m != null) {
                    for (LibResult r : m.values()) {
                        for (Time t : List.of(r.loads, r.dumps)) {
                            if (!t.gaveUp()) {
                                spreads.add(t.spread());
                            }
                        }
                    }
                }
            }
            if (spreads.isEmpty()) {
                return;
            }
            spreads.sort(null);
            line(String.format(Locale.ROOT, "Noise: the median run was %.0f%% slower than the best one in the typical "
                            + "measurement (median over all %d), %.0f%% at the 90th percentile and %.0f%% at worst.",
                    100 * spreads.get(spreads.size() / 2), spreads.size(),
                    100 * spreads.get((int) Math.min(spreads.size() - 1, Math.round(spreads.size() * 0.9))),
                    100 * spreads.get(spreads.size() - 1)));
            line("");
        }

        private LibResult lib(Workload w, Lib lib) {
            Map<Lib, LibResult> m = java.get(w);
            return m == null ? null : m.get(lib);
        }

        private static Time pick(LibResult r, String op) {
            return op.equals("loads") ? r.loads : r.dumps;
        }

        private static HeapMeter.Cost cost(LibResult r, String op) {
            return op.equals("loads") ? r.loadsCost : r.dumpsCost;
        }

        private String ms(Time t) {
            if (t != null && t.gaveUp()) {
                return String.format(Locale.ROOT, "gave up after %.0f s", o.budgetSeconds);
            }
            return t == null ? "-" : String.format(Locale.ROOT, "%.1f", t.best() * 1e3);
        }

        private String mbs(Workload w, Time t) {
            return t == null || t.gaveUp() ? "-" : String.format(Locale.ROOT, "%.0f", sizes.get(w) / MB / t.best());
        }

        private static String mobj(Workload w, Time t) {
            return t == null || t.gaveUp() ? "-" : String.format(Locale.ROOT, "%.1f", w.count() / MB / t.best());
        }

        private String ratio(Time peer, Time brine) {
            if (peer == null || brine == null) {
                return "-";
            }
            if (peer.gaveUp()) {
                return String.format(Locale.ROOT, "> %.0f×", o.budgetSeconds / brine.best());
            }
            return String.format(Locale.ROOT, "%.2f×", peer.best() / brine.best());
        }

        private static String mb(long bytes) {
            return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.0f", bytes / MB);
        }

        private void line(String s) {
            report.append(s).append('\n');
        }
    }

    // ---- the worker: one (workload, library) in its own JVM -----------------------------------

    static final class Worker {
        /**
         * A first call that takes more CPU time than this is not warmed up further and is repeated
         * at most twice (razorvine's quadratic loads at 10× sizes: tens of seconds a call). CPU time,
         * not wall time: on a freshly booted VM the first touch of each heap page stalls the thread
         * far longer than the call's own work (records_2m loads: 6.8 s wall, 2.8 s of CPU, then
         * 3.7 s, then 0.36 s; NoiseProbe, twenty-ninth session). Decided on wall time, a slower
         * spell would pass as slow and the row would be timed on the still-faulting calls.
         */
        private static final double SLOW_SECONDS = 10;
        private static volatile Object sink;

        /** Args: workload, library, "loads" or "dumps", pickle file, reps, warm-up seconds, budget seconds. */
        static void main(String[] args) throws Exception {
            Workload w = Workload.valueOf(args[0]);
            Lib lib = Lib.valueOf(args[1]);
            boolean loads = args[2].equals("loads");
            byte[] pickle = Files.readAllBytes(Path.of(args[3]));
            int reps = Integer.parseInt(args[4]);
            double warmup = Double.parseDouble(args[5]);
            double budget = Double.parseDouble(args[6]);
            String op = args[2];

            Lib.Codec codec = lib.newCodec();
            Callable<?> call;
            long encodedSize;
            String check;
            if (loads) {
                Object value = codec.prepare(w, pickle);
                byte[] encoded = lib == Lib.BRINE || lib == Lib.RAZORVINE || lib == Lib.COPY ? pickle : codec.dumps(value);
                encodedSize = encoded.length;
                call = () -> codec.loads(encoded);
                Object first = firstCall(call, budget, op);
                check = checkLoads(w, lib, value, first);
                value = null; // loads runs with only its input alive, as in the Python script
                first = null;
            } else {
                Object value = codec.prepare(w, pickle);
                call = () -> codec.dumps(value);
                byte[] own = (byte[]) firstCall(call, budget, op);
                encodedSize = own.length;
                check = lib != Lib.BRINE ? "ok" : Arrays.equals(own, pickle) ? "ok" : "DIFFERENT-BYTES";
                if (!check.equals("ok")) {
                    throw new AssertionError("Brine " + w + ": dumps differs from the file CPython agrees with");
                }
            }
            Time t = time(call, reps, warmup);
            HeapMeter.Cost cost = new HeapMeter().measure(call);
            System.out.printf(Locale.ROOT, "RESULT %s_best=%.9f %s_median=%.9f %s_cpu=%.9f %s_steady=%.9f encoded=%d"
                            + " %s_alloc=%d %s_retained=%d %s_peak=%d check=%s%n", op, t.best(), op, t.median(), op,
                    bestCpuSeconds, op, steadySeconds, encodedSize, op, cost.allocated(), op, cost.retained(), op,
                    cost.peak(), check);
        }

        /**
         * The first call, on a helper thread so that a library which would take hours (razorvine's
         * quadratic loads at 10× sizes) is given up after {@code budget} seconds.
         */
        private static Object firstCall(Callable<?> call, double budget, String op) throws Exception {
            Object[] result = new Object[1];
            Exception[] failure = new Exception[1];
            Thread t = new Thread(() -> {
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                long c = threads.getCurrentThreadCpuTime();
                try {
                    result[0] = call.call();
                } catch (Exception e) {
                    failure[0] = e;
                }
                firstCpuSeconds = (threads.getCurrentThreadCpuTime() - c) / 1e9;
            }, "first-call");
            t.setDaemon(true);
            t.start();
            t.join((long) (budget * 1000));
            if (t.isAlive()) {
                System.out.printf(Locale.ROOT, "RESULT %s_timeout=%.0f%n", op, budget);
                System.out.flush();
                Runtime.getRuntime().halt(0);
            }
            if (failure[0] != null) {
                throw failure[0];
            }
            return result[0];
        }

        private static volatile double firstCpuSeconds; // written by the first-call thread, read after its join
        /** The best thread CPU time of the timed runs: steadier than wall time on a shared machine (no GC threads). */
        private static double bestCpuSeconds;
        /** Mean seconds per call over back-to-back calls (GC included). */
        private static double steadySeconds;

        /** Correctness before speed: what each library reads must be the workload's data. */
        private static String checkLoads(Workload w, Lib lib, Object value, Object back) {
            boolean ok = switch (lib) {
                case BRINE, RAZORVINE -> back.equals(value);
                case COPY -> true;
                default -> ((List<?>) back).size() == w.count();
            };
            if (!ok) {
                throw new AssertionError(lib + " " + w + ": loads does not give back the data");
            }
            return "ok";
        }

        static Time time(Callable<?> op, int reps, double warmupSeconds) throws Exception {
            if (firstCpuSeconds > SLOW_SECONDS) {
                reps = Math.min(reps, 2); // e.g. razorvine's quadratic loads: tens of seconds a call
            } else {
                long start = System.nanoTime();
                int n = 1; // the first call was the first warm-up
                while (n < 3 || (System.nanoTime() - start < warmupSeconds * 1e9 && n < 50)) {
                    sink = op.call();
                    n++;
                }
            }
            double[] t = new double[reps];
            double cpu = Double.MAX_VALUE;
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int i = 0; i < reps; i++) {
                sink = null;
                HeapMeter.fullGc();
                long c = threads.getCurrentThreadCpuTime();
                long s = System.nanoTime();
                sink = op.call();
                t[i] = (System.nanoTime() - s) / 1e9;
                cpu = Math.min(cpu, (threads.getCurrentThreadCpuTime() - c) / 1e9);
            }
            sink = null;
            Arrays.sort(t);
            bestCpuSeconds = cpu;
            // steady state: the same number of calls back to back, no GC forced in between, so the
            // collection of earlier results (and of this one's garbage) is paid inside the loop
            long s = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                sink = op.call();
            }
            steadySeconds = (System.nanoTime() - s) / 1e9 / reps;
            sink = null;
            return new Time(t[0], t[reps / 2]);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static double num(String text, String key, double otherwise) {
        Matcher m = Pattern.compile("\"?" + Pattern.quote(key) + "\"?[=:] ?(-?[0-9.eE+-]+)").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : otherwise;
    }

    private static double num(String text, String key) {
        Matcher m = Pattern.compile("\"?" + Pattern.quote(key) + "\"?[=:] ?(-?[0-9.eE+-]+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Runs {@code cmd}, passing its stderr through, and returns its stdout; fails on a non-zero exit. */
    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                out.append(l).append('\n');
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException("exit " + rc + " from " + String.join(" ", cmd.subList(0, Math.min(4, cmd.size())))
                    + "\n" + out);
        }
        return out.toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
        } catch (IOException | UncheckedIOException e) {
            return "?";
        }
    }

    private static void progress(String s) {
        System.err.println("[side-by-side] " + s);
    }
}
