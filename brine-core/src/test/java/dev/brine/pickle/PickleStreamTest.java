package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.ByteArray;
import dev.brine.py.Tuple;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several pickles in one stream, as several {@code pickle.dump} calls to one file write them: they
 * load in order; after each STOP a ByteArrayInputStream or BufferedInputStream is left exactly after
 * it (so a fresh Unpickler per object works); and {@link Unpickler#hasNext()} ends the loop.
 */
class PickleStreamTest {
    /** Values of every size class: tiny, framed, a payload outside frames, out of any frame. */
    static List<Object> values() {
        Map<Object, Object> dict = new LinkedHashMap<>();
        dict.put("k", Tuple.of(1L, "v"));
        List<Object> many = new ArrayList<>();
        for (long i = 0; i < 30_000; i++) {
            many.add(i); // more than one 64 KiB frame at protocol 4+
        }
        return List.of(1L, "two", dict, "x".repeat(100_000), many, ByteArray.wrap(new byte[70_000]), new ArrayList<>(), 3.5);
    }

    /** The values, each pickled at protocols 0..5 in turn, one after the other. */
    static List<byte[]> pickles() throws IOException {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        for (Object v : values()) {
            out.add(Pickle.dumps(v, p));
            p = (p + 1) % 6;
        }
        return out;
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** A stream that hands out at most a few bytes per read, as pipes and sockets may. */
    static InputStream trickle(InputStream in) {
        return new FilterInputStream(in) {
            private int n;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                n = n % 7 + 1;
                return super.read(b, off, Math.min(len, n));
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    /** A stream without mark/reset. */
    static InputStream noMark(InputStream in) {
        return UnpicklerBadInputTest.noMark(in);
    }

    private static void assertValue(Object expected, Object actual, String where) {
        GraphAssert.assertGraph(new ExpectedGraph(), expected, actual, where);
    }

    private static void assertLoadsAll(List<Object> expected, Unpickler u, String where) throws IOException {
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(u.hasNext(), where + ": pickle " + i + " is there");
            assertValue(expected.get(i), u.load(), where + ": pickle " + i);
        }
        assertFalse(u.hasNext(), where + ": nothing after the last pickle");
        UnpicklingException e = assertThrows(UnpicklingException.class, u::load);
        assertTrue(e.getMessage().contains("no pickle"), e.getMessage());
    }

    @Test
    void oneUnpicklerReadsAllInOrderFromAnySource(@TempDir Path dir) throws IOException {
        List<Object> expected = values();
        byte[] all = concat(pickles());
        Path file = dir.resolve("several.pkl");
        Files.write(file, all);
        assertLoadsAll(expected, new Unpickler(all, UnpicklerOptions.DEFAULT), "byte array");
        assertLoadsAll(expected, new Unpickler(new ByteArrayInputStream(all), UnpicklerOptions.DEFAULT), "ByteArrayInputStream");
        assertLoadsAll(expected, new Unpickler(noMark(new ByteArrayInputStream(all)), UnpicklerOptions.DEFAULT), "no mark");
        assertLoadsAll(expected, new Unpickler(trickle(new ByteArrayInputStream(all)), UnpicklerOptions.DEFAULT), "trickle");
        try (InputStream in = new FileInputStream(file.toFile())) {
            assertLoadsAll(expected, new Unpickler(in, UnpicklerOptions.DEFAULT), "FileInputStream");
        }
        List<Object> fromFile = Pickle.loadAll(file, UnpicklerOptions.DEFAULT);
        assertEquals(expected.size(), fromFile.size());
        for (int i = 0; i < expected.size(); i++) {
            assertValue(expected.get(i), fromFile.get(i), "Pickle.loadAll: pickle " + i);
        }
        assertValue(expected.get(0), Pickle.load(file), "Pickle.load(Path) reads the first");
    }

    @Test
    void theOffsetIsJustAfterEachStop() throws IOException {
        List<byte[]> parts = pickles();
        Unpickler u = new Unpickler(concat(parts), UnpicklerOptions.DEFAULT);
        long end = 0;
        for (byte[] part : parts) {
            u.load();
            end += part.length;
            assertEquals(end, u.offset());
        }
    }

    /**
     * A fresh Unpickler per object: after each load the stream is positioned exactly after that
     * pickle's STOP, so what is left is exactly the following pickles.
     */
    @Test
    void aMarkableStreamIsLeftExactlyAfterEachStop() throws IOException {
        List<byte[]> parts = pickles();
        byte[] all = concat(parts);
        List<Object> expected = values();
        Map<String, Function<byte[], InputStream>> sources = new LinkedHashMap<>();
        sources.put("ByteArrayInputStream", ByteArrayInputStream::new);
        sources.put("BufferedInputStream", data -> new BufferedInputStream(new ByteArrayInputStream(data)));
        sources.put("BufferedInputStream(16)", data -> new BufferedInputStream(new ByteArrayInputStream(data), 16));
        sources.put("BufferedInputStream(1 MiB)", data -> new BufferedInputStream(new ByteArrayInputStream(data), 1 << 20));
        sources.put("BufferedInputStream over a trickle", data -> new BufferedInputStream(trickle(new ByteArrayInputStream(data))));
        sources.put("BufferedInputStream(5) over a trickle",
                data -> new BufferedInputStream(trickle(new ByteArrayInputStream(data)), 5));
        for (Map.Entry<String, Function<byte[], InputStream>> source : sources.entrySet()) {
            for (int k = 1; k <= parts.size(); k++) {
                InputStream in = source.getValue().apply(all);
                int after = 0;
                for (int i = 0; i < k; i++) {
                    Object v = new Unpickler(in, UnpicklerOptions.DEFAULT).load();
                    assertValue(expected.get(i), v, source.getKey() + ": pickle " + i);
                    after += parts.get(i).length;
                }
                if (in instanceof ByteArrayInputStream) {
                    assertEquals(all.length - after, in.available(), source.getKey() + " after " + k + " pickles");
                }
                byte[] rest = in.readAllBytes();
                assertArrayEquals(Arrays.copyOfRange(all, after, all.length), rest,
                        source.getKey() + ": the stream continues right after pickle " + (k - 1));
            }
        }
    }

    @Test
    void pickleLoadOnABufferedStreamReadsOneAfterAnother() throws IOException {
        List<Object> expected = values();
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(concat(pickles())));
        for (int i = 0; i < expected.size(); i++) {
            assertValue(expected.get(i), Pickle.load(in), "Pickle.load #" + i);
        }
        assertEquals(-1, in.read());
    }

    @Test
    void pickleDumpToOneStreamWritesIndependentPickles() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Object> shared = new ArrayList<>(List.of("shared"));
        for (int p = 0; p <= 5; p++) {
            Pickle.dump(shared, out, p); // each dump has its own memo, like pickle.dump
        }
        Unpickler u = new Unpickler(new ByteArrayInputStream(out.toByteArray()), UnpicklerOptions.DEFAULT);
        int n = 0;
        Object previous = null;
        while (u.hasNext()) {
            Object v = u.load();
            assertValue(shared, v, "dump " + n);
            assertTrue(v != previous, "a new object per pickle");
            previous = v;
            n++;
        }
        assertEquals(6, n);
        for (int p = 0; p <= 5; p++) {
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            Pickle.dump(shared, one, p);
            assertArrayEquals(Pickle.dumps(shared, p), one.toByteArray(), "dump and dumps agree at protocol " + p);
        }
    }

    @Test
    void theGoldenFileOfSeveralPicklesLoadsFromStreams() throws IOException {
        for (int p = 0; p <= 5; p++) {
            Path golden = PickleGoldenTest.goldenDir().resolve("several_pickles.p" + p + ".pkl");
            byte[] data = Files.readAllBytes(golden);
            List<Object> fromFile = Pickle.loadAll(golden, UnpicklerOptions.DEFAULT);
            assertEquals(5, fromFile.size());
            InputStream in = new BufferedInputStream(new ByteArrayInputStream(data), 3);
            for (Object expected : fromFile) {
                assertValue(expected, Pickle.load(in), golden.toString());
            }
            assertEquals(-1, in.read());
        }
    }
}
