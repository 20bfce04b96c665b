package dev.brine.archive;

import dev.brine.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Wrote the golden archives under {@code src/test/resources/golden/archive/}, once, with the
 * classes as they were at each version ({@link PerceptronV1}, {@link PerceptronV2}, then
 * {@link Perceptron}). They are committed and must never be rewritten: {@link GoldenArchivesTest}
 * checks their digests and that they keep loading through the migration chain.
 *
 * <p>Run from {@code brine-core}: {@code java -cp target/classes:target/test-classes
 * dev.brine.archive.GoldenArchiveGenerator src/test/resources/golden/archive}
 */
public final class GoldenArchiveGenerator {
    private GoldenArchiveGenerator() {
    }

    /** W: float64 2x3. */
    static NDArray w() {
        return NDArray.of(new double[] {0.5, -1, 2, 1.5, 0, -0.25}, 2, 3);
    }

    /** b: float64 [0.1, -0.2]. */
    static NDArray b() {
        return NDArray.of(new double[] {0.1, -0.2});
    }

    /** Writes the three archives into the folder {@code args[0]}, refusing to overwrite. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        // version 1: an old file, as an early release wrote it (protocol 2, deflated)
        write(new PerceptronV1(new SharedVariable("W", w()), new SharedVariable("b", b())), dir.resolve("perceptron-v1.zip"),
                ArchiveOptions.builder().protocol(2).build());
        // version 2: stored (mappable), protocol 4
        write(new PerceptronV2(new SharedVariable("W", w()), new SharedVariable("b", b()), 0.05),
                dir.resolve("perceptron-v2.zip"),
                ArchiveOptions.builder().protocol(4).compression(ArchiveOptions.Compression.STORED).build());
        // version 3: today's class, defaults
        write(new Perceptron(new SharedVariable("W", w()), new SharedVariable("b", b()), 0.02, "relu"),
                dir.resolve("perceptron-v3.zip"), ArchiveOptions.builder().registry(Perceptron.registry()).build());
    }

    private static void write(Object model, Path file, ArchiveOptions options) throws Exception {
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists: golden files are written once and never again");
        }
        ModelArchive.dump(model, file, options);
        System.out.println("wrote " + file);
    }
}
