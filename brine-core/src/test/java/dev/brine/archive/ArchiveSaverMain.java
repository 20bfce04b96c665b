package dev.brine.archive;

import dev.brine.ndarray.NDArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of {@link ArchiveCrashSafetyTest}: saves generation after generation of a
 * large archive over the same file until it is killed. Each generation's arrays are derived from
 * its number, so a reader can tell a complete archive of one generation from a mix.
 *
 * <p>Arguments: target file, compression (STORED or DEFLATED), elements of W, first generation.
 * Prints {@code ready} once started, then {@code saved <generation>} after each save.
 */
public final class ArchiveSaverMain {
    private ArchiveSaverMain() {
    }

    /** The object saved as generation {@code gen}. */
    static Map<String, Object> generation(long gen, int elements) {
        long[] w = new long[elements];
        for (int i = 0; i < elements; i++) {
            w[i] = gen * 1_000_003L + i;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("generation", gen);
        m.put("W", new SharedVariable("W", NDArray.of(w)));
        m.put("b", new SharedVariable("b", NDArray.of(new long[] {gen, -gen})));
        return m;
    }

    /** Checks that {@code obj} is exactly one generation's object, and returns the generation. */
    static long check(Object obj) {
        Map<?, ?> m = (Map<?, ?>) obj;
        long gen = (Long) m.get("generation");
        NDArray w = (NDArray) ((SharedVariable) m.get("W")).getValue();
        NDArray b = (NDArray) ((SharedVariable) m.get("b")).getValue();
        int elements = (int) w.size();
        if (w.getLong(0) != gen * 1_000_003L || w.getLong(elements - 1) != gen * 1_000_003L + elements - 1
                || b.getLong(0) != gen || b.getLong(1) != -gen) {
            throw new AssertionError("generation " + gen + " holds arrays of another generation");
        }
        for (int i = 0; i < elements; i += 4099) {
            if (w.getLong(i) != gen * 1_000_003L + i) {
                throw new AssertionError("generation " + gen + ": W[" + i + "] = " + w.getLong(i));
            }
        }
        return gen;
    }

    /** Saves forever. */
    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        ArchiveOptions options = ArchiveOptions.builder()
                .compression(ArchiveOptions.Compression.valueOf(args[1])).build();
        int elements = Integer.parseInt(args[2]);
        long gen = Long.parseLong(args[3]);
        System.out.println("ready");
        System.out.flush();
        while (true) {
            ModelArchive.dump(generation(gen, elements), target, options);
            System.out.println("saved " + gen);
            System.out.flush();
            gen++;
        }
    }
}
