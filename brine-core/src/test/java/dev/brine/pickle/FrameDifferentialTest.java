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
 * A frame that declares more bytes than its pickle uses, against CPython's C reader on a stream
 * ({@code pickle.load} on a BytesIO, called until the stream is used up): the C reader reads a whole
 * frame before it runs it, so the bytes after STOP that belong to the frame are consumed (the next
 * load starts after them), and a frame that runs past the end of the input is refused although
 * STOP comes first. CPython's writers never produce either (their frames end with STOP).
 *
 * <p>Inputs: framed pickles CPython writes (protocols 4 and 5), followed by a few stray opcode bytes
 * and maybe another pickle, their frame made to cover the stray bytes or any length up to 8 bytes
 * past the input. Brine reads each input three ways, from the array, from a stream with mark/reset
 * (a fresh Unpickler per load, like {@code pickle.load}) and from one without (one Unpickler), and
 * must give CPython's values and stream positions.
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
        }
        List<String> lines = new ArrayList<>();
        for (byte[] input : inputs) {
            lines.add(HexFormat.of().formatHex(input));
        }
        List<String> expected = Python.eachLine(ORACLE, "load_all(line)", null, lines);
        int refused = 0;
        int several = 0;
        for (int k = 0; k < inputs.size(); k++) {
            byte[] input = inputs.get(k);
            String what = "input " + k + ": " + lines.get(k);
            assertEquals(expected.get(k), loadAll(new Unpickler(input, UnpicklerOptions.DEFAULT)), what + " (array)");
            assertEquals(expected.get(k), freshUnpicklerPerLoad(input), what + " (stream with mark/reset)");
            Unpickler oneForAll = new Unpickler(UnpicklerBadInputTest.noMark(new ByteArrayInputStream(input)),
                    UnpicklerOptions.DEFAULT);
            assertEquals(expected.get(k), loadAll(oneForAll), what + " (stream without mark/reset)");
            refused += expected.get(k).endsWith("refused") ? 1 : 0;
            several += expected.get(k).split(" ").length > 1 ? 1 : 0;
        }
        // each behaviour must occur often, or the comparison proves little
        assertTrue(refused > 100 && refused < inputs.size() - 100, refused + " of " + inputs.size() + " refused");
        assertTrue(several > 100, several + " of " + inputs.size() + " with a second load");
    }

    /** Every load of one Unpickler until its input is used up, with its offset after each. */
    private static String loadAll(Unpickler u) throws IOException {
        List<String> out = new ArrayList<>();
        while (u.hasNext()) {
            if (!loadOne(u, out)) {
                break;
            }
            out.set(out.size() - 1, out.get(out.size() - 1) + u.offset());
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
