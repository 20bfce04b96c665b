package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.npy.Npy;
import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ModelArchive;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.safetensors.SafeTensors;
import dev.brine.safetensors.SafeTensorsFile;
import dev.brine.safetensors.SafeTensorsOptions;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worst vectors (every hostile file of every format) read by a JVM with a 64 MiB heap: each is
 * refused with a BrineException, none runs it out of memory. Proof that "fails fast without
 * allocating gigabytes" holds, not just that a 3 GiB test heap was big enough.
 */
class SmallHeapTest {
    @TempDir
    Path tmp;

    @Test
    void everyHostileFileIsRefusedWithin64MiBOfHeap() throws Exception {
        for (Map.Entry<String, byte[]> e : HostileVectors.all().entrySet()) {
            Files.write(tmp.resolve(e.getKey()), e.getValue());
        }
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-Xss1m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ReadAll.class.getName(), tmp.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM hung");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        long files = HostileVectors.all().size();
        assertTrue(out.contains("refused " + files + " files"), out);
    }

    /**
     * Streams that never end: a protocol 0 line that never does, and arguments of two GiB whose bytes keep coming (bytes,
     * and a str decoded as it arrives). What grows with the input stops at the heap with a BrineException; it used to
     * end in the JVM's OutOfMemoryError.
     */
    @Test
    void endlessStreamsAreRefusedWhenTheyOutgrowTheHeap() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ReadEndless.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM hung");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("refused 3 streams"), out);
        assertTrue(out.contains("more than the Java heap holds") || out.contains("grew past what the Java heap holds"), out);
    }

    /** The child's main for {@link #endlessStreamsAreRefusedWhenTheyOutgrowTheHeap}. */
    public static final class ReadEndless {
        public static void main(String[] args) throws Exception {
            byte[][] heads = {
                "S'".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), // STRING, then 'a' forever
                {(byte) 0x80, 4, (byte) 0x8e, (byte) 0xef, (byte) 0xff, (byte) 0xff, 0x7f, 0, 0, 0, 0}, // BINBYTES8 2^31-17
                {(byte) 0x80, 4, (byte) 0x8d, (byte) 0xef, (byte) 0xff, (byte) 0xff, 0x7f, 0, 0, 0, 0}, // BINUNICODE8
            };
            int refused = 0;
            for (byte[] head : heads) {
                InputStream endless = new EndlessStream(head, 'a');
                try {
                    Pickle.load(endless);
                    System.out.println("NOT REFUSED");
                    System.exit(2);
                } catch (BrineException expected) {
                    System.out.println(expected.getMessage());
                    refused++;
                } catch (Throwable t) {
                    t.printStackTrace(System.out);
                    System.exit(3);
                }
            }
            System.out.println("refused " + refused + " streams");
        }
    }

    /** The child's main: reads every file in the folder with every reader that fits its suffix. */
    public static final class ReadAll {
        public static void main(String[] args) throws Exception {
            List<Path> files;
            try (Stream<Path> s = Files.list(Path.of(args[0]))) {
                files = new ArrayList<>(s.filter(f -> !f.getFileName().toString().endsWith(".log")).sorted().toList());
            }
            int refused = 0;
            for (Path f : files) {
                String name = f.getFileName().toString();
                List<Bounded.Read> reads = new ArrayList<>();
                if (name.endsWith(".pkl")) {
                    reads.add(() -> Pickle.load(f));
                    if (Files.size(f) > 0) { // an empty file holds no pickles: loadAll rightly returns []
                        reads.add(() -> Pickle.loadAll(f, UnpicklerOptions.builder().genericObjects(true).build()));
                    }
                    reads.add(() -> {
                        try (InputStream in = PickleDenialOfServiceTest.trickle(Files.readAllBytes(f))) {
                            return Pickle.load(in);
                        }
                    });
                } else if (name.endsWith(".npy")) {
                    reads.add(() -> Npy.read(f));
                    reads.add(() -> Npy.map(f, false));
                    reads.add(() -> {
                        try (InputStream in = new BufferedInputStream(Files.newInputStream(f))) {
                            return Npy.read(in, Limits.DEFAULT);
                        }
                    });
                } else if (name.endsWith(".zip")) {
                    reads.add(() -> ModelArchive.load(f));
                    reads.add(() -> ModelArchive.load(f, ArchiveOptions.builder().genericObjects(true).build()));
                    reads.add(() -> {
                        try (InputStream in = new BufferedInputStream(Files.newInputStream(f))) {
                            return ModelArchive.load(in, ArchiveOptions.DEFAULT);
                        }
                    });
                } else if (name.endsWith(".safetensors")) {
                    reads.add(() -> SafeTensors.load(f));
                    reads.add(() -> {
                        try (SafeTensorsFile st = SafeTensors.open(f, SafeTensorsOptions.builder().mmap(true).build())) {
                            return st.getAll();
                        }
                    });
                } else {
                    reads.add(() -> Npz.readAll(f, Limits.DEFAULT));
                    reads.add(() -> {
                        try (NpzFile npz = Npz.open(f)) {
                            for (String key : npz.names()) {
                                npz.get(key);
                            }
                            return npz;
                        }
                    });
                }
                for (Bounded.Read r : reads) {
                    try {
                        r.run();
                        System.out.println("NOT REFUSED: " + name);
                        System.exit(2);
                    } catch (BrineException expected) {
                        // refused, as it must be
                    } catch (Throwable t) {
                        System.out.println(name + ": " + t);
                        t.printStackTrace(System.out);
                        System.exit(3);
                    }
                }
                refused++;
            }
            System.out.println("refused " + refused + " files");
        }
    }
}
