package dev.brine.bench;

import dev.brine.pickle.Pickle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * loads and dumps of the object workloads through every library ({@link Lib}), one forked JVM
 * per (workload, library) so that profiles and heaps never mix. Each operation handles a whole
 * workload, so the score is milliseconds per workload; divide the pickle size or item count by it
 * for MB/s and objects/s (the side-by-side runner does this for you).
 *
 * <pre>
 * java -jar brine-bench/target/brine-bench.jar ObjectBenchmarks -p workload=INTS_1M -p lib=BRINE,RAZORVINE
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms2g", "-Xmx8g", "-XX:+UnlockExperimentalVMOptions",
        "-XX:hashCode=3"}) // as the side-by-side runner; see its Options
public class ObjectBenchmarks {
    @Param({"INTS_1M", "FLOATS_1M", "STRINGS_300K", "RECORDS_200K", "INTS_10M", "RECORDS_2M"})
    public Workload workload;

    @Param({"BRINE", "RAZORVINE", "JDK", "KRYO", "COPY"})
    public Lib lib;

    private Lib.Codec codec;
    private Object value;
    private byte[] encoded;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] pickle = Pickle.dumps(workload.brineValue());
        codec = lib.newCodec();
        value = codec.prepare(workload, pickle);
        // each library loads what it writes itself, except the pickle libraries, which all load
        // the one CPython-identical pickle
        encoded = lib == Lib.BRINE || lib == Lib.RAZORVINE || lib == Lib.COPY ? pickle : codec.dumps(value);
    }

    @Benchmark
    public Object loads() throws Exception {
        return codec.loads(encoded);
    }

    @Benchmark
    public Object dumps() throws Exception {
        return codec.dumps(value);
    }
}
