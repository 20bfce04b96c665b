package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards the speed work on the reader and writer (brine-bench): for a corpus of values chosen to
 * cross every fast path and its fallback — integer width boundaries, ASCII and non-ASCII and
 * lone-surrogate strings around the 1-byte length and 64 KiB frame limits, batches of 1000,
 * frames, memo references past 256, outputs of several MiB — CPython writes the pickles at protocols 0 to 5, and Brine
 * must read each one and write back exactly the same bytes, from arrays and from streams.
 */
class HotPathIdentityTest {
    private static final String CORPUS = String.join("\n",
            "import pickle, sys, struct, random",
            "r = random.Random(7)",
            "ints = [0, 1, 127, 128, 255, 256, 65535, 65536, -1, -128, -129, -256, 2**31 - 1, -2**31, 2**31, -2**31 - 1,",
            "        2**32, 2**63 - 1, -2**63, 2**63, 2**64, -2**64, 10**30, -10**30]",
            "floats = [0.0, -0.0, 1.5, float('nan'), float('inf'), float('-inf'), 1e300, 5e-324, 0.1, -2.5e-8]",
            "strs = ['', 'a', 'x' * 255, 'x' * 256, 'é', 'ascii then é', '漢字', 'emoji 😀 here', '\\ud800', 'a\\udfffb',",
            "        'y' * 65535, 'é' * 32767 + 'z', 'z' * 65536, 'w' * 70000, 'q' * 200000, 'line\\nfeed\\\\back\\x00nul\\x1a',",
            "        'mixed ü 漢 😀 \\ud83d end',",
            // at most 255 chars, around 255 bytes of UTF-8: SHORT_BINUNICODE or BINUNICODE after all
            "        'é' * 127 + 'a', 'é' * 128, 'a' * 254 + 'é', '漢' * 255, '😀' * 127, 'x' * 200 + '\\udc80' * 55]",
            // every short length, with one char just inside or outside ASCII / Latin-1 at every position
            // (the pickler copies ASCII strings whole, checking 4 or 8 bytes at a time: AsciiStrings)
            "edges = ['a' * n for n in range(41)] + ['x' * k + c + 'y' * (n - k - 1) for n in range(1, 25) for k in range(n)",
            "         for c in '\\x7f\\x80\\xff\\u0100\\ud800']",
            "words = [''.join(chr(r.randrange(97, 123)) for _ in range(r.randrange(0, 20))) for _ in range(3000)]",
            "records = [{'id': i, 'name': 'user%d' % i, 'score': r.random() * 100, 'tags': [r.randrange(1000) for _ in range(i % 4)],",
            "            'active': i % 2 == 0} for i in range(6000)]",
            "shared = [1, 2]",
            "corpus = [ints, floats, strs, edges, words, records, [shared, shared, (shared,)], list(range(2500)), [r.random() for _ in range(3000)],",
            "          {str(i): i for i in range(1500)}, {'a': None, 'b': True, 'c': False, 'd': (), 'e': (1,), 'f': (1, 2), 'g': (1, 2, 3),",
            "          'h': (1, 2, 3, 4), 'i': b'', 'j': b'bytes', 'k': b'\\xff' * 300, 'l': bytearray(b'ba'), 'm': {1, 2, 3},",
            "          'n': frozenset({4, 5}), 'o': [[[]]], 'p': {'nested': {'deep': [1.5, 'é']}}},",
            "          [str(i) for i in range(600)] * 2, ['k%d' % i for i in range(300)], 1, 'top level', None,",
            "          list(range(-1000, 300000)), [b'x' * 3000000, 'y' * 1500000, [1.5] * 200000],",
            // runs of ints and floats broken by big ints, strings, None and nested lists, across frames
            "          [(i if i % 7 else 2**40 + i) if i % 3 else (i * 0.5 if i % 2 else (str(i) if i % 4 else [i]))",
            "           for i in range(90000)] + [None] * 3 + [2**31 - 1, -2**31, 2**31] * 700]",
            "out = sys.stdout.buffer",
            "for proto in range(6):",
            "    for obj in corpus:",
            "        data = pickle.dumps(obj, protocol=proto)",
            "        out.write(struct.pack('<ii', proto, len(data)) + data)",
            "");

    private static final List<int[]> PROTOS = new ArrayList<>();
    private static final List<byte[]> PICKLES = new ArrayList<>();

    @BeforeAll
    static void corpus() throws IOException {
        Python.require();
        ByteBuffer all = ByteBuffer.wrap(Python.check(CORPUS, new byte[0])).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (all.hasRemaining()) {
            int proto = all.getInt();
            byte[] p = new byte[all.getInt()];
            all.get(p);
            PROTOS.add(new int[] {proto});
            PICKLES.add(p);
        }
    }

    @Test
    void arraysRoundTripToCpythonsBytes() throws IOException {
        for (int i = 0; i < PICKLES.size(); i++) {
            byte[] cpython = PICKLES.get(i);
            int proto = PROTOS.get(i)[0];
            Object value = Pickle.loads(cpython);
            assertArrayEquals(cpython, Pickle.dumps(value, proto), "item " + i + " at protocol " + proto);
        }
    }

    @Test
    void streamsRoundTripToCpythonsBytes() throws IOException {
        for (int i = 0; i < PICKLES.size(); i++) {
            byte[] cpython = PICKLES.get(i);
            int proto = PROTOS.get(i)[0];
            // a stream that hands out a few bytes at a time, so every refill path is taken
            Object value = Pickle.load(new Trickle(cpython, 7 + i % 5000));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Pickle.dump(value, out, proto);
            assertArrayEquals(cpython, out.toByteArray(), "item " + i + " at protocol " + proto);
        }
    }

    @Test
    void severalPicklesInOneStream() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : PICKLES) {
            all.write(p);
        }
        // a fresh Unpickler per pickle (the memo of one lives across its loads, as in CPython, where
        // MEMOIZE indices would then continue from the previous pickle's); mark/reset leaves the
        // stream exactly after each STOP
        InputStream in = new java.io.BufferedInputStream(new Trickle(all.toByteArray(), 4093), 1 << 16);
        int n = 0;
        while (true) {
            in.mark(1);
            if (in.read() < 0) {
                break;
            }
            in.reset();
            Object v = new Unpickler(in, UnpicklerOptions.DEFAULT).load();
            assertArrayEquals(PICKLES.get(n), Pickle.dumps(v, PROTOS.get(n)[0]), "item " + n);
            n++;
        }
        assertEquals(PICKLES.size(), n);
    }
}
