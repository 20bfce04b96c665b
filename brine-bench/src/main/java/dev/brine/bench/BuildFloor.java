package dev.brine.bench;

import dev.brine.pickle.Pickle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How much of a records loads is building its Java objects and how much is reading the pickle: the best
 * time of {@code Pickle.loads} on a records pickle against a loop that builds the very same objects
 * (a {@code LinkedHashMap} per record with the same five keys, a new {@code String} per name from
 * bytes, boxed numbers, an {@code ArrayList} of tags sized as the unpickler sizes it, the outer list,
 * and a memo array holding the dict, string and list as the pickle memoizes them) from values
 * decoded beforehand. That loop allocates what loads allocates and parses nothing: a floor for any
 * unpickler that must hand out these Java types.
 *
 * <pre>
 * java -XX:+UseParallelGC -Xms2g -Xmx8g -cp brine-bench/target/brine-bench.jar dev.brine.bench.BuildFloor \
 *     brine-bench/target/side-by-side/records_2m.pkl [reps]
 * </pre>
 *
 * Both run in one JVM, alternating, each after a full GC (as in the side-by-side worker); findings in
 * BENCHMARKS.md ("Seventeenth session").
 */
public final class BuildFloor {
    private static volatile Object sink;
    private static final String[] KEYS = {"id", "name", "score", "tags", "active"};

    private final int n;
    private final long[] ids;
    private final double[] scores;
    private final boolean[] active;
    private final int[] tagStart;
    private final long[] tags;
    private final int[] nameStart;
    private final byte[] names;

    private BuildFloor(List<?> records) {
        n = records.size();
        ids = new long[n];
        scores = new double[n];
        active = new boolean[n];
        tagStart = new int[n + 1];
        nameStart = new int[n + 1];
        int tagCount = 0;
        int nameBytes = 0;
        for (Object o : records) {
            Map<?, ?> m = (Map<?, ?>) o;
            tagCount += ((List<?>) m.get("tags")).size();
            nameBytes += ((String) m.get("name")).getBytes(StandardCharsets.UTF_8).length;
        }
        tags = new long[tagCount];
        names = new byte[nameBytes];
        int t = 0;
        int b = 0;
        for (int i = 0; i < n; i++) {
            Map<?, ?> m = (Map<?, ?>) records.get(i);
            ids[i] = (Long) m.get("id");
            scores[i] = (Double) m.get("score");
            active[i] = (Boolean) m.get("active");
            tagStart[i] = t;
            for (Object x : (List<?>) m.get("tags")) {
                tags[t++] = (Long) x;
            }
            nameStart[i] = b;
            byte[] name = ((String) m.get("name")).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(name, 0, names, b, name.length);
            b += name.length;
        }
        tagStart[n] = t;
        nameStart[n] = b;
    }

    /** The loaded value's objects, built directly: what loads allocates, with nothing parsed. */
    private List<Object> build() {
        ArrayList<Object> out = new ArrayList<>(0);
        Object[] memo = new Object[32];
        int memoCount = 0;
        for (int i = 0; i < n; i++) {
            LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
            String name = new String(names, nameStart[i], nameStart[i + 1] - nameStart[i], StandardCharsets.ISO_8859_1);
            ArrayList<Object> list = new ArrayList<>(0);
            list.ensureCapacity(tagStart[i + 1] - tagStart[i]);
            for (int j = tagStart[i]; j < tagStart[i + 1]; j++) {
                list.add(tags[j]);
            }
            if (memoCount + 3 > memo.length) {
                memo = Arrays.copyOf(memo, memo.length * 2);
            }
            memo[memoCount++] = m;
            memo[memoCount++] = name;
            memo[memoCount++] = list;
            m.put(KEYS[0], ids[i]);
            m.put(KEYS[1], name);
            m.put(KEYS[2], scores[i]);
            m.put(KEYS[3], list);
            m.put(KEYS[4], active[i]);
            out.add(m);
        }
        sink = memo;
        return out;
    }

    public static void main(String[] a) throws Exception {
        byte[] pickle = Files.readAllBytes(Path.of(a[0]));
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 9;
        Object loaded = Pickle.loads(pickle);
        BuildFloor floor = new BuildFloor((List<?>) loaded);
        if (!floor.build().equals(loaded)) {
            throw new AssertionError("the built objects differ from what loads gives");
        }
        loaded = null;
        double bestLoads = Double.MAX_VALUE;
        double bestBuild = Double.MAX_VALUE;
        for (int r = -3; r < reps; r++) { // three untimed rounds warm both up
            sink = null;
            System.gc();
            long s = System.nanoTime();
            sink = Pickle.loads(pickle);
            double loads = (System.nanoTime() - s) / 1e6;
            sink = null;
            System.gc();
            s = System.nanoTime();
            sink = floor.build();
            double build = (System.nanoTime() - s) / 1e6;
            if (r >= 0) {
                bestLoads = Math.min(bestLoads, loads);
                bestBuild = Math.min(bestBuild, build);
            }
        }
        System.out.printf(Locale.ROOT, "%d records: Pickle.loads best %.1f ms; building the same objects best %.1f ms"
                + " (%.0f%% of loads)%n", floor.n, bestLoads, bestBuild, 100 * bestBuild / bestLoads);
    }
}
