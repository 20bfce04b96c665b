package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.py.PickleBuffer;
import dev.brine.py.PythonRepr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Golden pickles with a few random bytes changed, inserted or removed: whatever the damage, reading
 * either succeeds or fails with an {@link UnpicklingException} or {@link LimitExceededException}
 * naming the offset — never another exception, and never through the reader's last-resort net for
 * unexpected runtime exceptions ("malformed pickle (java.lang....)"), which would mean a check is
 * missing. What loads can be printed, and written again or refused with a PicklingException.
 */
class UnpicklerFuzzTest {
    private static final List<byte[]> SEEDS = seeds();
    private static final UnpicklerOptions OPTIONS = UnpicklerOptions.builder()
            .genericObjects(true)
            .persistentLoader(pid -> pid)
            .extensions(ExtensionRegistry.EMPTY.with(1, "collections", "OrderedDict").with(300, "decimal", "Decimal")
                    .with(70000, "datetime", "date"))
            .build();

    private static List<byte[]> seeds() {
        try (Stream<Path> files = Files.list(PickleGoldenTest.goldenDir())) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : files.filter(f -> f.toString().endsWith(".pkl")).sorted().collect(Collectors.toList())) {
                byte[] data = Files.readAllBytes(p);
                if (data.length < 4000) {
                    out.add(data);
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One change: kind 0 sets a byte, 1 inserts one, 2 removes one; at a position, with a value. */
    record Mutation(int kind, int position, int value) {
        byte[] apply(byte[] d) {
            if (d.length == 0) {
                return d;
            }
            int pos = Math.floorMod(position, d.length);
            if (kind == 0) {
                byte[] e = d.clone();
                e[pos] = (byte) value;
                return e;
            }
            if (kind == 1) {
                byte[] e = new byte[d.length + 1];
                System.arraycopy(d, 0, e, 0, pos);
                e[pos] = (byte) value;
                System.arraycopy(d, pos, e, pos + 1, d.length - pos);
                return e;
            }
            byte[] e = new byte[d.length - 1];
            System.arraycopy(d, 0, e, 0, pos);
            System.arraycopy(d, pos + 1, e, pos, d.length - pos - 1);
            return e;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(0, 255)).as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 5000)
    void damagedPicklesFailCleanly(@ForAll("mutations") List<Mutation> changes, @ForAll int seed) throws IOException {
        byte[] data = SEEDS.get(Math.floorMod(seed, SEEDS.size()));
        for (Mutation m : changes) {
            data = m.apply(data);
        }
        Object fromArray = read(data, true);
        Object fromStream = read(data, false);
        assertTrue((fromArray instanceof BrineException) == (fromStream instanceof BrineException),
                () -> "array and stream agree: " + PythonRepr.repr(fromArray) + " / " + PythonRepr.repr(fromStream));
        if (!(fromArray instanceof BrineException)) {
            assertFalse(PythonRepr.repr(fromArray).isEmpty());
            for (int p = 0; p <= 5; p++) {
                try {
                    Pickle.dumps(fromArray, p);
                } catch (PicklingException expected) {
                    // e.g. a PickleBuffer below protocol 5, or an unregistered Java type
                }
            }
        }
    }

    /** The value, or the BrineException that refused it (anything else fails the property). */
    private static Object read(byte[] data, boolean array) throws IOException {
        List<PickleBuffer> buffers = List.of(PickleBuffer.of(new byte[] {1, 2, 3}), PickleBuffer.of(new byte[5]));
        try {
            Unpickler u = array ? new Unpickler(data, OPTIONS, buffers)
                    : new Unpickler(new ByteArrayInputStream(data), OPTIONS, buffers);
            return u.load();
        } catch (UnpicklingException | LimitExceededException e) {
            String m = e.getMessage();
            assertFalse(m.contains("malformed pickle ("), "a runtime exception reached the last-resort net: " + m);
            assertTrue(m.contains(" at offset "), m);
            return e;
        }
    }
}
