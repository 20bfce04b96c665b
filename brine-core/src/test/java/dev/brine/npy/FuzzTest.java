package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Mutated and truncated golden files: reading them either succeeds, giving an array whose element count is its
 * shape's product, or ends in a BrineException with a message; never a raw runtime exception, an OutOfMemoryError
 * or a StackOverflowError.
 */
class FuzzTest {
    private static final List<String> NPY = List.of("le_f8", "be_U3", "rec_nested", "rec_aligned", "v3_utf8_names",
            "f8_2d_F", "M8_ns", "empty_3d", "f8_0d");

    private static final String TOKENS = "()[]{}',:0123456789 L-";

    @Provide
    Arbitrary<String> npyName() {
        return Arbitraries.of(NPY);
    }

    @Property(tries = 1000)
    void mutatedNpy(@ForAll("npyName") String name, @ForAll @IntRange(min = 0, max = 1_000_000) int seed,
            @ForAll @IntRange(min = 1, max = 6) int flips) throws IOException {
        byte[] b = Files.readAllBytes(NpyGoldenTest.DIR.resolve(name + ".npy"));
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < flips; i++) {
            // mostly the header, where the parsing happens
            int pos = r.nextInt(4) == 0 ? r.nextInt(b.length) : r.nextInt(Math.min(b.length, 128));
            b[pos] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) TOKENS.charAt(r.nextInt(TOKENS.length()));
        }
        if (r.nextInt(5) == 0) {
            b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
        }
        try {
            NDArray a = Npy.read(new ByteArrayInputStream(b), Limits.DEFAULT);
            assertConsistent(a);
            assertFalse(a.toString().isEmpty());
            a.hashCode();
        } catch (BrineException refused) {
            assertHasMessage(refused);
        }
    }

    @Property(tries = 150)
    void mutatedNpz(@ForAll @IntRange(min = 0, max = 1_000_000) int seed, @ForAll boolean compressed) throws IOException {
        byte[] b = Files.readAllBytes(NpyGoldenTest.DIR.resolve(compressed ? "savez_compressed.npz" : "savez.npz"));
        java.util.Random r = new java.util.Random(seed);
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips; i++) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        Path f = Files.createTempFile("fuzz", ".npz");
        try {
            Files.write(f, b);
            try (NpzFile npz = Npz.open(f)) {
                for (String name : npz.names()) {
                    try {
                        Object v = npz.get(name);
                        if (v instanceof NDArray a) {
                            assertConsistent(a);
                        }
                        assertFalse(v.toString().isEmpty());
                    } catch (BrineException brokenMember) {
                        assertHasMessage(brokenMember);
                    }
                }
            } catch (BrineException brokenArchive) {
                assertHasMessage(brokenArchive);
            }
        } finally {
            Files.delete(f);
        }
    }

    private static void assertConsistent(NDArray a) {
        long product = 1;
        for (long d : a.shape()) {
            assertTrue(d >= 0, () -> "negative dimension in " + java.util.Arrays.toString(a.shape()));
            product = Math.multiplyExact(product, d); // an accepted shape's count fits a long
        }
        assertEquals(product, a.size(), () -> "size of shape " + java.util.Arrays.toString(a.shape()));
    }

    private static void assertHasMessage(BrineException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), () -> "a BrineException without a message: " + e);
    }
}
