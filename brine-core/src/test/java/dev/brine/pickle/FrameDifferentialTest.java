package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A frame that declares more bytes than its pickle uses, against CPython's C reader on a stream: the
 * C reader reads a whole frame before it runs it, so the bytes after STOP that belong to the frame are
 * consumed from the stream (a fresh {@code pickle.load} on a BytesIO starts after them), and a frame
 * that runs past the end of the input is refused although STOP comes first; one {@code Unpickler}
 * object keeps the rest of the frame in its buffer, and its next {@code load()} reads it first.
 * CPython's writers never produce such frames (their frames end with STOP).
 *
 * <p>Inputs: framed pickles CPython writes (protocols 4 and 5), followed by a few stray opcode bytes
 * and maybe another pickle, their frame made to cover the stray bytes or any length up to 8 bytes
 * past the input. Brine reads each input with a fresh Unpickler per load from a stream with mark/reset
 * (values and stream positions as {@code pickle.load}'s), and with one Unpickler from the array and from
 * a stream without mark/reset (values as one CPython {@code Unpickler}'s {@code load()} loop gives).
 */
class FrameDifferentialTest {
    /** Every load of one hex-encoded input: "repr@position" each, "refused" at the first failure. */
    private static final String ORACLE = String.join("\n",
            "import io, pickle",
            "def load_all(line):",
            "    data = bytes.fromhex(line)",
            "    f = io.BytesIO(data)",
            "    out = []",
            "    while f.tell() < len(data):",
            "        try:",
            "            v = pickle.load(f)",
            "        except Exception:",
            "            out.append('refused')",
            "            break",
            "        out.append(repr(v) + '@' + str(f.tell()))",
            "    return ' '.join(out)",
            "def one_unpickler(line):",
            "    u = pickle.Unpickler(io.BytesIO(bytes.fromhex(line)))",
            "    out = []",
            "    while True:",
            "        try:",
            "            v = u.load()",
            "        except EOFError:",
            "            out.append('eof')",
            "            break",
            "        except Exception:",
            "            out.append('refused')",
            "            break",
            "        out.append(repr(v))",
            "    return ' '.join(out)");

    private static final byte[] STRAY = {'N', 'K', 1, 2, '.', ')', ']', '}', '(', 'e', 'a'};

    @Test
    void framesLongerThanTheirPickleAreReadAsCPythonsCReaderReadsThem() throws IOException {
        Python.require();
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("a", 1L);
        dict.put("bb", List.of(2L, 3.5));
        List<Object> values = List.of(1234567L, "framed", List.of(1L, "two", 3.0), Tuple.of(true, null, "x"), dict,
                "\u00e9t\u00e9", new ArrayList<>(List.of(new byte[] {1, 2, 3}, -7L)));
        SplittableRandom r = new SplittableRandom(0xF4A3E);
        List<byte[]> inputs = new ArrayList<>();
        // whether the rest of the frame after the first STOP ends where one of the next pickles' opcodes does
        List<Boolean> restEndsAtAnOpcode = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            byte[] pickle = Pickle.dumps(values.get(r.nextInt(values.size())), 4 + r.nextInt(2));
            assertEquals(0x95, pickle[2] & 0xff, "a framed pickle");
            // after the pickle: a few stray opcode bytes the frame may swallow, then maybe another pickle
            ByteArrayOutputStream tail = new ByteArrayOutputStream();
            int stray = r.nextInt(7);
            for (int k = 0; k < stray; k++) {
                tail.write(STRAY[r.nextInt(STRAY.length)]);
            }
            if (r.nextBoolean()) {
                tail.writeBytes(Pickle.dumps(values.get(r.nextInt(values.size())), 2 + r.nextInt(4)));
            }
            // the frame swallows exactly the stray bytes, or any number of bytes up to 8 past the input
            int longer = r.nextBoolean() ? stray : r.nextInt(tail.size() + 9);
            setFrameLength(pickle, frameLength(pickle) + longer);
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            input.writeBytes(pickle);
            input.writeBytes(tail.toByteArray());
            inputs.add(input.toByteArray());
            restEndsAtAnOpcode.add(longer == stray || longer >= tail.size());
        }
        List<String> lines = new ArrayList<>();
        for (byte[] input : inputs) {
            lines.add(HexFormat.of().formatHex(input));
        }
        List<String> expected = Python.eachLine(ORACLE, "load_all(line)", null, lines);
        List<String> expectedOne = Python.eachLine(ORACLE, "one_unpickler(line)", null, lines);
        int refused = 0;
        int several = 0;
        int frameRestRead = 0;
        int compared = 0;
        for (int k = 0; k < inputs.size(); k++) {
            byte[] input = inputs.get(k);
            String what = "input " + k + ": " + lines.get(k);
            assertEquals(expected.get(k), freshUnpicklerPerLoad(input), what + " (stream with mark/reset)");
            refused += expected.get(k).endsWith("refused") ? 1 : 0;
            several += expected.get(k).split(" ").length > 1 ? 1 : 0;
            if (!restEndsAtAnOpcode.get(k)) {
                // the next load's read that runs past the rest: the C reader drops the bytes of the rest it
                // has not used and reads the whole length from the stream anew (its buffer is not a queue),
                // where Brine reads the rest and then the stream; only one Unpickler's later loads differ
                continue;
            }
            compared++;
            // the rest of a frame read by the next load changed what one Unpickler reads
            frameRestRead += expectedOne.get(k).equals(expected.get(k).replaceAll("@\\d+", "") + " eof") ? 0 : 1;
            assertEquals(expectedOne.get(k), loadAll(new Unpickler(input, UnpicklerOptions.DEFAULT)), what + " (array)");
            Unpickler oneForAll = new Unpickler(UnpicklerBadInputTest.noMark(new ByteArrayInputStream(input)),
                    UnpicklerOptions.DEFAULT);
            assertEquals(expectedOne.get(k), loadAll(oneForAll), what + " (stream without mark/reset)");
        }
        // each behaviour must occur often, or the comparison proves little
        assertTrue(refused > 100 && refused < inputs.size() - 100, refused + " of " + inputs.size() + " refused");
        assertTrue(several > 100, several + " of " + inputs.size() + " with a second load");
        assertTrue(compared > 300, compared + " of " + inputs.size() + " read by one Unpickler");
        assertTrue(frameRestRead > 50, frameRestRead + " of " + inputs.size() + " where one Unpickler reads the rest of a frame");
    }

    /**
     * Every load of one Unpickler until one fails (as one CPython Unpickler's load() loop): "eof" at the
     * end of the input. CPython's C reader raises EOFError ("Ran out of input") also for a pickle that
     * ends at an opcode's boundary before its STOP, which Brine refuses as truncated (and tells apart
     * from the clean end, EndOfPicklesException): both read as "eof" here.
     */
    private static String loadAll(Unpickler u) throws IOException {
        List<String> out = new ArrayList<>();
        while (true) {
            try {
                out.add(PythonRepr.repr(u.load()));
            } catch (EndOfPicklesException e) {
                out.add("eof");
                break;
            } catch (BrineException e) {
                out.add(e.getMessage().startsWith("pickle data was truncated: it ends before STOP") ? "eof" : "refused");
                break;
            }
        }
        return String.join(" ", out);
    }

    private static String freshUnpicklerPerLoad(byte[] input) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        List<String> out = new ArrayList<>();
        while (in.available() > 0) {
            if (!loadOne(new Unpickler(in, UnpicklerOptions.DEFAULT), out)) {
                break;
            }
            out.set(out.size() - 1, out.get(out.size() - 1) + (input.length - in.available()));
        }
        return String.join(" ", out);
    }

    /** Appends "repr@" (the caller adds the position) or "refused"; false when refused. */
    private static boolean loadOne(Unpickler u, List<String> out) throws IOException {
        try {
            Object v = u.load();
            out.add(PythonRepr.repr(v) + "@");
            return true;
        } catch (BrineException e) {
            out.add("refused");
            return false;
        }
    }

    /** The 8-byte little-endian length of the FRAME right after PROTO. */
    private static long frameLength(byte[] pickle) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (pickle[3 + i] & 0xff);
        }
        return v;
    }

    private static void setFrameLength(byte[] pickle, long length) {
        for (int i = 0; i < 8; i++) {
            pickle[3 + i] = (byte) (length >>> (8 * i));
        }
    }
}
