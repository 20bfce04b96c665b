package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.Global;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A structure too deep for the caller's stack (maxDepth raised) is written again on Brine's own deep stack from the
 * state its dump began in: after earlier dumps of the same Pickler (whose memo the deep part refers to) and after
 * 64 KiB or more of the pickle before the deep part, as long as no stream has taken any of it. The oracle is
 * CPython's pickler with its recursion limit raised, on a thread with a big stack. Brine used to refuse both cases
 * ("too deep to pickle even on a 512 MiB stack") without trying.
 */
class DeepRetryDifferentialTest {
    private static final int LEVELS = 20_000;
    private static final long SMALL_STACK = 256 << 10; // overflows at a few thousand levels
    private static final PicklerOptions DEEP = PicklerOptions.builder().protocol(4).maxDepth(2 * LEVELS).build();

    /** CPython's setup: {@code nest(n, leaf)} is n lists, each holding the next, the innermost holding leaf. */
    private static final String SETUP = String.join("\n",
            "import pickle, sys, io, threading, collections",
            "sys.setrecursionlimit(10 * " + LEVELS + ")",
            "threading.stack_size(512 * 1024 * 1024)",
            "def nest(n, leaf):",
            "    root = cur = []",
            "    for i in range(n - 1):",
            "        nxt = []",
            "        cur.append(nxt)",
            "        cur = nxt",
            "    cur.append(leaf)",
            "    return root",
            "def on_big_stack(f):",
            "    out = []",
            "    t = threading.Thread(target=lambda: out.append(f()))",
            "    t.start(); t.join()",
            "    sys.stdout.buffer.write(out[0])");

    /** {@code levels} nested lists, the innermost holding {@code leaf}, as CPython's nest makes them. */
    private static List<Object> nest(int levels, Object leaf) {
        List<Object> root = new ArrayList<>();
        List<Object> at = root;
        for (int i = 1; i < levels; i++) {
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        at.add(leaf);
        return root;
    }

    @Test
    void aSecondDumpOfOnePicklerRefersToTheFirstAsCPythonsDoes() throws Exception {
        Python.require();
        String shared = new String("shared");
        Global orderedDict = new Global("collections", "OrderedDict");
        // before its deep part, the second dump holds the first dump's string (a memo reference) and a global the first
        // dump did not write: the overflowed attempt memoized that global, and the retry must write it again, not
        // refer to it; the deep part's innermost list refers to both
        Object deep = List.of(shared, orderedDict, nest(LEVELS, List.of(orderedDict, shared)));
        Object result = dev.brine.testing.OnThread.call("small-stack", SMALL_STACK, () -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Pickler p = new Pickler(bytes, DEEP);
            p.dump(List.of(shared, "first"));
            p.dump(deep);
            p.dump(shared);
            return bytes.toByteArray();
        });
        byte[] cpython = Python.check(SETUP + "\n" + String.join("\n",
                "def run():",
                "    f = io.BytesIO(); p = pickle.Pickler(f, 4); shared = 'shared'",
                "    p.dump([shared, 'first'])",
                "    p.dump([shared, collections.OrderedDict, nest(" + LEVELS + ", [collections.OrderedDict, shared])])",
                "    p.dump(shared)",
                "    return f.getvalue()",
                "on_big_stack(run)"), new byte[0]);
        assertArrayEquals(cpython, assertInstanceOf(byte[].class, result));
    }

    @Test
    void aBigPayloadBeforeTheDeepPartInMemoryIsWrittenAsCPythonWritesIt() throws Exception {
        Python.require();
        Object value = List.of(new byte[100_000], nest(LEVELS, "leaf"));
        Object result = dev.brine.testing.OnThread.call("small-stack", SMALL_STACK, () -> Pickle.dumps(value, DEEP));
        byte[] cpython = Python.check(SETUP + "\n"
                + "on_big_stack(lambda: pickle.dumps([bytes(100000), nest(" + LEVELS + ", 'leaf')], 4))", new byte[0]);
        assertArrayEquals(cpython, assertInstanceOf(byte[].class, result));
    }

    /** What a stream has taken cannot be taken back: the refusal says so, rather than that a retry was made. */
    @Test
    void aStreamThatTookPartOfThePickleIsNamedInTheRefusal() throws Exception {
        Object value = List.of(new byte[100_000], nest(LEVELS, "leaf"));
        Object result = dev.brine.testing.OnThread.call("small-stack", SMALL_STACK, () -> {
            new Pickler(new ByteArrayOutputStream(), DEEP).dump(value);
            return null;
        });
        PicklingException e = assertInstanceOf(PicklingException.class, result);
        assertTrue(e.getMessage().startsWith("structure too deep for this thread's stack, after 100010 bytes of this"
                + " pickle had gone to the stream"), e.getMessage());
        assertInstanceOf(StackOverflowError.class, e.getCause());
        // the same value in memory on the same small stack is written (see above): only the stream stood in the way
        assertEquals(byte[].class, dev.brine.testing.OnThread.call("small-stack", SMALL_STACK, () -> Pickle.dumps(value, DEEP)).getClass());
    }
}
