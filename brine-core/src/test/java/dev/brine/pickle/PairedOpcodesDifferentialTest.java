package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.Limits;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The unpickler reads some opcodes in the step of the opcode before them (see {@code Unpickler.memoizeIfNext}):
 * the MEMOIZE or BINPUT after a new str, dict or list, and the BINGET of a dict's next key after a float, an
 * int or an APPENDS. Against CPython: lists of dicts that share their keys, as CPython writes them at
 * protocols 2 to 5 (so with BINPUT/BINGET, MEMOIZE and frames), must load to CPython's value read from an
 * array and from streams that hand over a few bytes per read (so a pair is split by every buffer boundary);
 * and an error in the second opcode of a pair must name that opcode and its offset (as pickletools
 * counts them), whether it is a memo entry never defined, a memo limit, or the input ending inside it.
 */
class PairedOpcodesDifferentialTest {
    /** A list of dicts with shared keys, its pickle at protocol argv[1] as hex, then its repr. */
    private static final String RECORDS = String.join("\n",
            "import pickle, random, sys",
            "r = random.Random(7)",
            "rows = []",
            "for i in range(int(sys.argv[2])):",
            "    rows.append({'id': r.choice([i, i * 100003, -i]), 'name': 'user%d' % i, 'score': r.random() * 100,",
            "                 'tags': [r.randrange(1000) for _ in range(r.randrange(4))], 'active': i % 2 == 0,",
            "                 'note': r.choice([None, 'ok', 'caf\\u00e9'])})",
            "print(pickle.dumps(rows, int(sys.argv[1])).hex())",
            "print(repr(rows))");

    /** The offset of each opcode named argv[1] that follows an opcode named in argv[2:] (any, when none), by pickletools. */
    private static final String OFFSETS = String.join("\n",
            "import pickletools, sys",
            "ops = list(pickletools.genops(sys.stdin.buffer.read()))",
            "print(' '.join(str(ops[i][2]) for i in range(1, len(ops))",
            "               if ops[i][0].name == sys.argv[1] and (len(sys.argv) == 2 or ops[i - 1][0].name in sys.argv[2:])))");

    @Test
    void listsOfDictsLoadAsCPythonWritesThemFromArraysAndTrickledStreams() throws IOException {
        Python.require();
        for (int protocol = 2; protocol <= 5; protocol++) {
            String[] out = records(protocol, 3000);
            byte[] pickle = HexFormat.of().parseHex(out[0]);
            assertEquals(out[1], PythonRepr.repr(Pickle.loads(pickle)), "protocol " + protocol);
            SplittableRandom r = new SplittableRandom(protocol);
            for (int maxRead : new int[] {1, 2, 3, 7}) {
                try (InputStream in = new Trickle(pickle, maxRead, r.split())) {
                    assertEquals(out[1], PythonRepr.repr(Pickle.load(in)), "protocol " + protocol + ", reads of " + maxRead);
                }
            }
        }
    }

    @Test
    void aPairedBinGetOfAnUndefinedMemoEntryIsNamedAtItsOffset() throws IOException {
        Python.require();
        for (int protocol = 2; protocol <= 5; protocol++) {
            byte[] pickle = HexFormat.of().parseHex(records(protocol, 40)[0]);
            long at = offsets(pickle, "BINGET", "BINFLOAT").get(5);
            byte[] bad = pickle.clone();
            bad[(int) at + 1] = (byte) 250; // no memo entry 250 in 40 records
            refusedAt(bad, at, "BINGET", "memo value not found at index 250");
        }
    }

    @Test
    void anInputEndingInsideAPairedBinGetIsTruncatedAtThatBinGet() throws IOException {
        Python.require();
        for (int protocol = 2; protocol <= 3; protocol++) { // unframed: the cut input ends where it is cut
            byte[] pickle = HexFormat.of().parseHex(records(protocol, 40)[0]);
            long at = offsets(pickle, "BINGET", "BINFLOAT").get(3);
            byte[] cut = Arrays.copyOf(pickle, (int) at + 1); // the opcode's byte without its argument
            refusedAt(cut, at, "BINGET", "truncated");
        }
    }

    @Test
    void aMemoLimitReachedByAPairedMemoizeNamesThatMemoize() throws IOException {
        Python.require();
        for (int protocol = 2; protocol <= 5; protocol++) {
            byte[] pickle = HexFormat.of().parseHex(records(protocol, 40)[0]);
            String put = protocol >= 4 ? "MEMOIZE" : "BINPUT";
            List<Long> all = offsets(pickle, put);
            // a dict's at every protocol; a str's too from protocol 4 (SHORT_BINUNICODE; below it, BINUNICODE is not paired)
            List<Long> paired = offsets(pickle, put, protocol >= 4 ? "SHORT_BINUNICODE" : "EMPTY_DICT");
            int limit = all.indexOf(paired.get(2)); // the memo is full when this one comes
            assertNotEquals(-1, limit);
            UnpicklerOptions options = UnpicklerOptions.builder()
                    .limits(Limits.DEFAULT.toBuilder().maxMemoEntries(limit).build()).build();
            dev.brine.LimitExceededException e = assertThrows(dev.brine.LimitExceededException.class,
                    () -> Pickle.loads(pickle, options));
            assertTrue(e.getMessage().contains("memo entries at offset " + paired.get(2)), e.getMessage());
        }
    }

    private static String[] records(int protocol, int count) throws IOException {
        String out = new String(Python.check(RECORDS, new byte[0], Integer.toString(protocol), Integer.toString(count)),
                StandardCharsets.UTF_8);
        String[] lines = out.split("\n");
        assertEquals(2, lines.length);
        return lines;
    }

    private static List<Long> offsets(byte[] pickle, String opcode, String... after) throws IOException {
        String[] args = new String[after.length + 1];
        args[0] = opcode;
        System.arraycopy(after, 0, args, 1, after.length);
        String out = new String(Python.check(OFFSETS, pickle, args), StandardCharsets.UTF_8).trim();
        assertTrue(!out.isEmpty(), opcode + " after " + List.of(after) + " in the pickle");
        return Arrays.stream(out.split(" ")).map(Long::valueOf).toList();
    }

    /** CPython refuses {@code pickle}, and Brine too, naming {@code opcode} at {@code offset} and saying {@code what}. */
    private static void refusedAt(byte[] pickle, long offset, String opcode, String what) throws IOException {
        assertNotEquals(0, Python.run("import pickle, sys; pickle.loads(sys.stdin.buffer.read())", pickle).exitCode,
                "CPython refuses it too");
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(pickle));
        assertEquals(offset, e.offset(), e.getMessage());
        assertEquals(opcode, e.opcode(), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }
}
