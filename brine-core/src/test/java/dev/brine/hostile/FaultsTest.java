package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources that fail under the reader: the failure comes out as an exception, fast, and nothing stays open. */
class FaultsTest {
    @TempDir
    Path tmp;

    /** A stream that delivers {@code failAt} bytes of {@code data}, then throws. */
    static InputStream failingAfter(byte[] data, int failAt) {
        return new InputStream() {
            int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= failAt) {
                    throw new IOException("disk on fire at byte " + pos);
                }
                int n = Math.min(len, Math.min(failAt - pos, 1000));
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    static void assertIoFailure(Bounded.Outcome o, String what) {
        Throwable t = o.thrown();
        assertTrue(t instanceof IOException, what + ": expected the I/O error, got " + t);
        boolean found = false;
        for (Throwable c = t; c != null; c = c.getCause()) {
            found |= Objects.toString(c.getMessage(), "").contains("disk on fire");
        }
        assertTrue(found || t instanceof BrineException, what + ": the I/O error was lost: " + t);
    }

    @Test
    void aStreamThatFailsMidwayIsReportedNotHung() throws Exception {
        List<Object> value = new ArrayList<>(List.of("text", 1L, new byte[200_000], 2.5));
        for (int protocol : new int[] {0, 2, 5}) {
            byte[] data = Pickle.dumps(value, protocol);
            for (int failAt : new int[] {0, 1, 2, 50, data.length / 2, data.length - 1}) {
                Bounded.Outcome o = Bounded.run(() -> new Unpickler(failingAfter(data, failAt), UnpicklerOptions.DEFAULT).load());
                assertIoFailure(o, "protocol " + protocol + " failing at " + failAt);
            }
        }
        byte[] npy = Npy.toBytes(NDArray.of(new double[50_000]));
        for (int failAt : new int[] {0, 7, 100, npy.length / 2, npy.length - 1}) {
            assertIoFailure(Bounded.run(() -> Npy.read(failingAfter(npy, failAt), Limits.DEFAULT)), "npy failing at " + failAt);
            ReadableByteChannel ch = Channels.newChannel(failingAfter(npy, failAt));
            assertIoFailure(Bounded.run(() -> Npy.read(ch, Limits.DEFAULT)), "npy channel failing at " + failAt);
        }
    }

    /**
     * A stream that fails with a runtime exception (an UncheckedIOException, as NIO and HTTP adapters throw) anywhere in
     * a pickle: an IOException of the source, as from the first byte, never "malformed pickle" (an
     * UnpicklingException a caller takes for a damaged file, which it gave after the first byte).
     */
    @Test
    void aStreamThatFailsWithARuntimeExceptionIsAnIoFailureWhereverItFails() throws Exception {
        byte[] data = Pickle.dumps(List.of("text", 1L, new byte[5_000], 2.5), 4);
        for (int failAt : new int[] {0, 1, 2, 30, data.length / 2, data.length - 1}) {
            for (boolean unchecked : new boolean[] {true, false}) {
                InputStream in = new InputStream() {
                    int pos;

                    @Override
                    public int read() {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (pos >= failAt) {
                            if (unchecked) {
                                throw new java.io.UncheckedIOException(new IOException("connection reset"));
                            }
                            throw new IllegalStateException("stream closed by its owner");
                        }
                        int n = Math.min(len, failAt - pos);
                        System.arraycopy(data, pos, b, off, n);
                        pos += n;
                        return n;
                    }
                };
                IOException e = assertThrows(IOException.class, () -> Pickle.load(in), "at " + failAt);
                assertFalse(e instanceof BrineException, failAt + ": " + e);
                assertTrue(e.getMessage().contains(unchecked ? "connection reset" : "stream closed by its owner"), e.getMessage());
            }
        }
    }

    @Test
    void aFileTruncatedWhileOpenIsReportedAsTruncated() throws Exception {
        // a pickle file cut short by another process after the reader started
        Path pkl = tmp.resolve("cut.pkl");
        Files.write(pkl, Pickle.dumps(List.of(new byte[300_000], "end"), 5));
        InputStream in = new FilterInputStream(Files.newInputStream(pkl)) {
            boolean cut;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, Math.min(len, 4096));
                if (!cut) {
                    cut = true;
                    try (RandomAccessFile f = new RandomAccessFile(pkl.toFile(), "rw")) {
                        f.setLength(10_000);
                    }
                }
                return n;
            }
        };
        try (in) {
            BrineException e = Bounded.refuses("pickle truncated while read", () -> Pickle.load(in));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        // an NPZ whose members are cut off after its directory was read
        Path npz = tmp.resolve("cut.npz");
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put("a", NDArray.of(new double[100_000]));
        arrays.put("b", NDArray.of(new double[100_000]));
        for (boolean compressed : new boolean[] {false, true}) {
            Npz.write(arrays, npz, compressed);
            long size = Files.size(npz);
            try (NpzFile z = Npz.open(npz)) {
                try (RandomAccessFile f = new RandomAccessFile(npz.toFile(), "rw")) {
                    f.setLength(size / 3);
                }
                Bounded.refuses("npz member after truncation", () -> z.get("b"));
                Bounded.refuses("npz member after truncation", () -> z.get("a"));
            }
        }
    }

    /**
     * The open file descriptors that lead to a file under {@code dir}. A whole-process count also moves
     * with what the rest of the suite's JVM opens and closes meanwhile (a child process's pipes closed by
     * a cleaner, a JDK file opened lazily), which made the count differ by one in a full run.
     */
    static long openFdsUnder(Path dir) throws IOException {
        String prefix = dir.toRealPath().toString();
        long n = 0;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(prefix)) {
                        n++;
                    }
                } catch (IOException gone) {
                    // closed between the listing and the read (the listing's own descriptor, for one)
                }
            }
        }
        return n;
    }

    @Test
    void failedReadsLeaveNoFileOpen() throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : HostileVectors.npys().entrySet()) {
            files.put(e.getKey(), Files.write(tmp.resolve(e.getKey()), e.getValue()));
        }
        for (String name : new String[] {"dotdot-name.npz", "overlapping-members.npz", "truncated-directory.npz",
            "bad-crc.npz", "member-claims-more.npz", "bomb-3GiB.npz", "not-a-zip.npz"}) {
            files.put(name, Files.write(tmp.resolve(name), HostileVectors.npzs().get(name)));
        }
        for (Map.Entry<String, byte[]> e : HostileVectors.pickles().entrySet()) {
            if (e.getValue().length < 100_000) {
                files.put(e.getKey(), Files.write(tmp.resolve(e.getKey()), e.getValue()));
            }
        }
        try (var open = java.nio.channels.FileChannel.open(files.values().iterator().next())) {
            assertEquals(1, openFdsUnder(tmp), "the count sees a file the test holds open");
        }
        for (int round = 0; round < 5; round++) {
            readAllBadly(files);
        }
        assertEquals(0, openFdsUnder(tmp), "file descriptors of the test's files left open by failed reads");
        // every file can be deleted and the folder removed afterwards
        for (Path f : files.values()) {
            Files.delete(f);
        }
    }

    private static void readAllBadly(Map<String, Path> files) {
        for (Map.Entry<String, Path> e : files.entrySet()) {
            Path f = e.getValue();
            String name = e.getKey();
            List<Bounded.Read> reads = new ArrayList<>();
            if (name.endsWith(".npy")) {
                reads.add(() -> Npy.read(f));
                reads.add(() -> Npy.map(f, false));
                reads.add(() -> Npy.map(f, true));
                reads.add(() -> Npy.readHeader(f).dataLength() > Files.size(f) ? Npy.read(f) : null);
            } else if (name.endsWith(".npz")) {
                reads.add(() -> Npz.readAll(f, Limits.DEFAULT));
                reads.add(() -> {
                    try (ZipReader z = ZipReader.open(f, Limits.DEFAULT)) {
                        for (ZipReader.Entry entry : z.entries()) {
                            try (InputStream in = z.open(entry)) {
                                byte[] buf = new byte[1 << 16];
                                for (int i = 0; i < 256 && in.read(buf) >= 0; i++) {
                                    // the first 16 MiB at most: raw member streams leave allocation to the caller
                                }
                            }
                        }
                    }
                    return null;
                });
            } else {
                reads.add(() -> Pickle.load(f));
                reads.add(() -> Pickle.loadAll(f, UnpicklerOptions.DEFAULT));
            }
            for (Bounded.Read r : reads) {
                try {
                    r.run();
                } catch (Exception expected) {
                    assertInstanceOf(BrineException.class, expected, name);
                }
            }
        }
    }

    @Test
    void aMemberStreamClosedEarlyReleasesItsInflater() throws Exception {
        Path npz = tmp.resolve("z.npz");
        Npz.write(Map.of("a", NDArray.of(new double[10_000])), npz, true);
        try (ZipReader z = ZipReader.open(npz, Limits.DEFAULT)) {
            for (int i = 0; i < 1000; i++) {
                try (InputStream in = z.open(z.entries().get(0))) {
                    assertEquals(0, in.read(ByteBuffer.allocate(16).array()) > 0 ? 0 : 1);
                }
            }
        }
        assertEquals(0, openFdsUnder(tmp));
    }

    @Test
    void aStreamThatNeverEndsIsBoundedByTheLimits() {
        // an endless source of '(' (MARK): the depth limit ends it, not the memory
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return '(';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) '(');
                return len;
            }
        };
        Bounded.hitsLimit("endless MARKs", "maxDepth", () -> Pickle.load(endless));
        // an endless text argument (INT then digits, no newline): stopped at maxAllocation, not at the heap's end
        InputStream digits = new java.io.SequenceInputStream(new ByteArrayInputStream(new byte[] {'I'}), new InputStream() {
            @Override
            public int read() {
                return '9';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) '9');
                return len;
            }
        });
        UnpicklerOptions mib = UnpicklerOptions.builder().limits(Limits.builder().maxAllocation(1 << 20).build()).build();
        Bounded.hitsLimit("an endless line", "maxAllocation", () -> Pickle.load(digits, mib));
        // an endless NPY data section is read only as far as the header says
        byte[] header = HostileVectors.npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1000,), }", new byte[0]);
        InputStream npy = new java.io.SequenceInputStream(new ByteArrayInputStream(header), endless);
        Bounded.Outcome o = Bounded.run(() -> Npy.read(npy, Limits.DEFAULT));
        assertEquals(1000L, ((NDArray) o.value()).size());
    }
}
