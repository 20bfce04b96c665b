package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One Pickler reused after a dump that failed, against CPython's {@code pickle.Pickler} doing the same: CPython
 * clears its output buffer at the start of each dump ({@code _Pickler_ClearBuffer}), so nothing of a failed dump
 * goes out in front of the next pickle, neither the opcodes written before an object that cannot be pickled (with
 * an open FRAME header at protocol 4) nor the bytes a stream refused with an error. Only what the stream had
 * taken before the failure is there (a large payload goes straight to the stream), and the memo keeps what the
 * failed dump met, so the next dump may refer to it, but not a large str the stream failed to take (CPython memoizes
 * a str after writing it): the bytes are CPython's in every case.
 */
class PicklerReuseAfterFailureDifferentialTest {
    private static final int BIG = 100_000; // past the 64 KiB from which a payload goes straight to the stream

    private static final String FAILED_DUMP = String.join("\n",
            "import io, pickle, struct, sys",
            "class Bad:",
            "    def __reduce__(self): raise TypeError('cannot')",
            "out = sys.stdout.buffer",
            "for proto in range(6):",
            "    for big in (False, True):",
            "        f = io.BytesIO(); p = pickle.Pickler(f, proto); x = [1, 2]; z = ['zz']",
            "        p.dump(x)",
            "        try: p.dump([z, b'\\x07' * " + BIG + ", Bad()] if big else [z, Bad()])",
            "        except TypeError: pass",
            "        p.dump([z, x]); p.clear_memo(); p.dump([z, x])",
            "        out.write(struct.pack('<i', len(f.getvalue())) + f.getvalue())",
            "");

    @Test
    void aDumpAfterOneThatCouldNotPickleAnObjectWritesOnlyItsOwnPickle() throws IOException {
        ByteBuffer expected = cpythonStreams(FAILED_DUMP);
        for (int proto = 0; proto <= 5; proto++) {
            for (boolean big : new boolean[] {false, true}) {
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                Pickler p = new Pickler(stream, PicklerOptions.DEFAULT.withProtocol(proto));
                List<Object> x = new ArrayList<>(List.of(1L, 2L));
                List<Object> z = new ArrayList<>(List.of("zz"));
                p.dump(x);
                int before = stream.size();
                byte[] payload = new byte[BIG];
                Arrays.fill(payload, (byte) 7);
                List<Object> failing = big ? List.of(z, payload, new Object()) : List.of(z, new Object());
                assertThrows(PicklingException.class, () -> p.dump(failing));
                int after = stream.size();
                p.dump(List.of(z, x));
                p.clearMemo();
                p.dump(List.of(z, x));
                byte[] python = next(expected);
                byte[] brine = stream.toByteArray();
                if (big && proto == 0) {
                    // the payload is a line of text here, which CPython keeps buffered to the end of the dump; Brine
                    // passes on each 64 KiB that is complete, to bound its memory, so the stream took some of it
                    ByteArrayOutputStream withoutIt = new ByteArrayOutputStream();
                    withoutIt.write(brine, 0, before);
                    withoutIt.write(brine, after, brine.length - after);
                    assertArrayEquals(python, withoutIt.toByteArray(), "protocol 0, large payload");
                } else {
                    assertArrayEquals(python, brine, "protocol " + proto + (big ? ", large payload" : ""));
                }
            }
        }
        assertEquals(0, expected.remaining());
    }

    /** A stream whose write number {@code failAt} (from 1) throws, as a socket with a transient error. */
    private static final String FLAKY_SINK = String.join("\n",
            "import io, pickle, struct, sys",
            "class Flaky(io.RawIOBase):",
            "    def __init__(self, fail_at): self.calls = 0; self.fail_at = fail_at; self.buf = bytearray()",
            "    def writable(self): return True",
            "    def write(self, b):",
            "        self.calls += 1",
            "        if self.calls == self.fail_at: raise OSError('transient failure')",
            "        self.buf += bytes(b); return len(b)",
            "out = sys.stdout.buffer",
            "for proto in range(6):",
            "    for fail_at in (1, 2, 3):",
            "        f = Flaky(fail_at); p = pickle.Pickler(f, proto)",
            "        failed = []",
            "        for obj in (['first', b'\\x07' * (" + BIG + " if proto else 10), 'end'], 'second'):",
            "            try: p.dump(obj); failed.append('-')",
            "            except OSError: failed.append('F')",
            "        out.write(''.join(failed).encode() + struct.pack('<i', len(f.buf)) + bytes(f.buf))",
            "");

    @Test
    void aDumpAfterOneWhoseStreamThrewDoesNotSendTheFailedBytesAgain() throws IOException {
        ByteBuffer expected = cpythonStreams(FLAKY_SINK);
        for (int proto = 0; proto <= 5; proto++) {
            for (int failAt = 1; failAt <= 3; failAt++) {
                ByteArrayOutputStream taken = new ByteArrayOutputStream();
                Pickler p = new Pickler(flaky(taken, failAt), PicklerOptions.DEFAULT.withProtocol(proto));
                // at protocol 0 the payload is a line of text, which CPython keeps buffered to the end of the dump
                // while Brine passes on each complete 64 KiB: their streams are asked to write different pieces
                byte[] payload = new byte[proto == 0 ? 10 : BIG];
                Arrays.fill(payload, (byte) 7);
                String failed = failed(p, List.of("first", payload, "end")) + failed(p, "second");
                String what = "protocol " + proto + ", write " + failAt + " failed";
                byte[] pythonFailed = new byte[2];
                expected.get(pythonFailed);
                assertEquals(new String(pythonFailed, StandardCharsets.US_ASCII), failed, what); // which dump it was
                assertArrayEquals(next(expected), taken.toByteArray(), what);
            }
        }
        assertEquals(0, expected.remaining());
    }

    /** "F" when dumping {@code obj} fails with an IOException (the stream's), else "-". */
    private static String failed(Pickler p, Object obj) {
        try {
            p.dump(obj);
            return "-";
        } catch (IOException e) {
            assertEquals("transient failure", e.getMessage());
            return "F";
        }
    }

    private static OutputStream flaky(ByteArrayOutputStream taken, int failAt) {
        return new OutputStream() {
            private int calls;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++calls == failAt) {
                    throw new IOException("transient failure");
                }
                taken.write(b, off, len);
            }
        };
    }

    @Test
    void aNullStreamIsRefusedNotTakenForMemory() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new Pickler(null, PicklerOptions.DEFAULT));
        assertEquals("out", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> Pickle.dump(List.of(1L), (OutputStream) null, 2));
        assertEquals("out", e.getMessage());
        e = assertThrows(NullPointerException.class,
                () -> Pickle.dump(List.of(1L), (OutputStream) null, PicklerOptions.DEFAULT));
        assertEquals("out", e.getMessage());
    }

    /** What {@code script} wrote: CPython's stream per case, each after its little-endian int32 length. */
    private static ByteBuffer cpythonStreams(String script) throws IOException {
        Python.require();
        return ByteBuffer.wrap(Python.check(script, new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] next(ByteBuffer all) {
        byte[] blob = new byte[all.getInt()];
        all.get(blob);
        return blob;
    }
}
