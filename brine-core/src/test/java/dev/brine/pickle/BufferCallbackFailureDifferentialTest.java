package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.PickleBuffer;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A buffer callback that throws is a hook that throws: the dump fails with a PicklingException whose cause is the
 * callback's exception, whatever its kind (an unchecked one escaped as it was, an IOException was taken for the
 * in-memory output's), and, as CPython's {@code Pickler(f, 5, buffer_callback=...)} whose callback raises, nothing
 * of that dump reaches the stream; the Pickler's next dump writes CPython's bytes.
 */
class BufferCallbackFailureDifferentialTest {
    private static final String SCRIPT = String.join("\n",
            "import io, pickle, sys",
            "calls = 0",
            "def callback(buffer):",
            "    global calls",
            "    calls += 1",
            "    if calls == 1: raise ValueError('refused')",
            "    return False  # out of band",
            "f = io.BytesIO(); p = pickle.Pickler(f, 5, buffer_callback=callback)",
            "try: p.dump([pickle.PickleBuffer(bytearray(b'abc')), 7])",
            "except ValueError: assert f.getvalue() == b''",
            "else: raise AssertionError('the callback did not fail the dump')",
            "p.dump([pickle.PickleBuffer(bytearray(b'abc')), 7])",
            "sys.stdout.buffer.write(f.getvalue())",
            "");

    @Test
    void whatTheCallbackThrowsFailsTheDumpWithItAsTheCauseAndLeavesNothingBehind() throws IOException {
        Python.require();
        byte[] expected = Python.check(SCRIPT, new byte[0]);
        for (Throwable t : new Throwable[] {new IllegalStateException("refused"), new AssertionError("refused"),
            new IOException("refused"), new Exception("refused")}) {
            AtomicInteger calls = new AtomicInteger();
            PicklerOptions options = PicklerOptions.builder().protocol(5).bufferCallback(b -> {
                if (calls.incrementAndGet() == 1) {
                    throw BufferCallbackFailureDifferentialTest.<RuntimeException>sneak(t);
                }
                return true;
            }).build();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            Pickler p = new Pickler(stream, options);
            PicklingException e = assertThrows(PicklingException.class,
                    () -> p.dump(List.of(PickleBuffer.of(new byte[] {'a', 'b', 'c'}), 7L)));
            assertEquals("the buffer callback threw " + t + " for a PickleBuffer of 3 bytes", e.getMessage());
            assertSame(t, e.getCause());
            assertEquals(0, stream.size(), "nothing of the failed dump is written");
            p.dump(List.of(PickleBuffer.of(new byte[] {'a', 'b', 'c'}), 7L));
            assertArrayEquals(expected, stream.toByteArray(), t.toString());

            calls.set(0);
            PicklingException inMemory = assertThrows(PicklingException.class,
                    () -> Pickle.dumps(PickleBuffer.of(new byte[3]), options));
            assertSame(t, inMemory.getCause(), "not an I/O error writing to memory");
        }
    }

    /**
     * The callback is the user's code: a structure too deep for the caller's stack after it ran is refused, as after
     * a getState, rather than redone on a thread of Brine's, which offered the caller each buffer a second time.
     */
    @Test
    void aDumpThatOverflowsAfterTheCallbackRanIsNotRedone() throws Exception {
        int levels = 20_000;
        List<Object> top = new ArrayList<>();
        top.add(PickleBuffer.of(new byte[] {1, 2, 3}));
        List<Object> at = top;
        for (int i = 1; i < levels; i++) {
            List<Object> inner = new ArrayList<>();
            at.add(inner);
            at = inner;
        }
        List<PickleBuffer> offered = new ArrayList<>();
        PicklerOptions options = PicklerOptions.builder().protocol(5).maxDepth(4 * levels)
                .bufferCallback(offered::add).build();
        Object result = dev.brine.testing.OnThread.call("small-stack", 256 << 10, () -> Pickler.dumps(top, options));
        PicklingException e = assertInstanceOf(PicklingException.class, result);
        assertTrue(e.getMessage().startsWith("structure too deep for this thread's stack, after state hooks"), e.getMessage());
        assertEquals(1, offered.size(), "each buffer is offered once");
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneak(Throwable t) throws E {
        throw (E) t;
    }
}
