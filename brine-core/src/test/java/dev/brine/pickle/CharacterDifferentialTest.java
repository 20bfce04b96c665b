package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.DType;
import dev.brine.numpy.NumpyScalar;
import dev.brine.py.FrozenSet;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Java {@code Character} is written as the one-character Python str it stands for, byte for byte as
 * CPython pickles that str at every protocol (a lone surrogate as CPython writes it, with {@code surrogatepass}),
 * and memoized by its identity: the same Character twice is one str written once, two Characters of one char are
 * two strs, as two {@code chr(0x4e2d)} calls are in CPython. It reads back as a {@code String}. As a dict key or set
 * item it is the str it is written as: beside a String of the same char, Python would keep one key, so the dict is
 * refused. Oracle: CPython's {@code pickle.dumps} of the same strs with the same sharing, and its repr.
 */
class CharacterDifferentialTest {
    private static final String SCRIPT = String.join("\n",
            "import pickle, struct, sys",
            "a = 'a'",
            "han = chr(0x4e2d)",
            "items = [a, a, '\\xe9', '\\ud800', '\\udfff', han, han, chr(0x4e2d), '\\n', '\\\\', '\\x00', \"'\", '\"', '\\uffff']",
            "value = (items, {'k': 'v', 'l': 1}, None)",
            "out = sys.stdout.buffer",
            "for proto in range(6):",
            "    blob = pickle.dumps(value, proto)",
            "    out.write(struct.pack('<i', len(blob)) + blob)",
            "for s in items:",
            "    r = repr(s).encode('ascii', 'backslashreplace')",
            "    out.write(struct.pack('<i', len(r)) + r)",
            "");

    /** The Java side of {@code value}: Characters where the script has strs, shared as the script shares them. */
    private static Tuple javaValue() {
        Character a = 'a';
        Character han = Character.valueOf((char) 0x4e2d);
        Character otherHan = Character.valueOf((char) 0x4e2d); // a second object: Character caches only up to 127
        List<Object> items = new ArrayList<>(Arrays.asList(a, a, '\u00e9', '\ud800', '\udfff', han, han, otherHan,
                '\n', '\\', '\u0000', '\'', '"', '\uffff'));
        Map<Object, Object> dict = new LinkedHashMap<>();
        dict.put('k', 'v');
        dict.put('l', 1L);
        return Tuple.of(items, dict, null);
    }

    @Test
    void aCharacterIsWrittenAsCPythonWritesTheOneCharacterStr() throws IOException {
        Python.require();
        ByteBuffer all = ByteBuffer.wrap(Python.check(SCRIPT, new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
        Tuple value = javaValue();
        assertTrue(Character.valueOf((char) 0x4e2d) != Character.valueOf((char) 0x4e2d), "the test needs distinct Characters");
        for (int proto = 0; proto <= 5; proto++) {
            byte[] expected = next(all);
            byte[] written = Pickle.dumps(value, PicklerOptions.builder().protocol(proto).build());
            assertArrayEquals(expected, written, "protocol " + proto);
            // read back: Strings, equal to CPython's own pickle read by Brine
            Object back = Pickle.loads(written);
            assertEquals(Pickle.loads(expected), back, "protocol " + proto);
            List<?> items = (List<?>) ((Tuple) back).get(0);
            assertEquals("a", items.get(0));
            assertTrue(items.get(0) == items.get(1), "one Character, one str");
            assertTrue(items.get(5) != items.get(7), "two Characters, two strs");
        }
        for (Object c : (List<?>) value.get(0)) {
            // ASCII with backslash escapes on both sides: 'é' and '中' are printable, shown as themselves in Python
            String expectedRepr = new String(next(all), StandardCharsets.US_ASCII);
            String repr = PythonRepr.repr(c);
            assertEquals(expectedRepr, asciiEscaped(repr), "repr of U+" + Integer.toHexString((Character) c));
        }
        assertEquals("a", PythonRepr.str('a'));
    }

    @Test
    void aCharacterKeyBesideAStringOfTheSameCharIsRefused() throws IOException {
        Map<Object, Object> both = new LinkedHashMap<>();
        both.put('a', 1L);
        both.put("a", 2L);
        PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(both));
        assertTrue(e.getMessage().contains("equal in Python"), e.getMessage());

        Set<Object> set = new LinkedHashSet<>(List.of("x", 'x'));
        for (int proto = 0; proto <= 5; proto++) { // sets are written differently below protocol 4
            PicklerOptions options = PicklerOptions.builder().protocol(proto).build();
            assertThrows(PicklingException.class, () -> Pickle.dumps(set, options), "protocol " + proto);
            assertThrows(PicklingException.class, () -> Pickle.dumps(both, options), "protocol " + proto);
            assertThrows(PicklingException.class, () -> Pickle.dumps(FrozenSet.of('y', "y"), options), "protocol " + proto);
        }
        // np.str_('z') == 'z' too
        Map<Object, Object> numpyStr = new LinkedHashMap<>();
        numpyStr.put('z', 1L);
        numpyStr.put(NumpyScalar.of(DType.unicode(1), "z"), 2L);
        assertThrows(PicklingException.class, () -> Pickle.dumps(numpyStr));

        // Characters alone, or beside other strings, are distinct keys: written, and read back as String keys
        Map<Object, Object> distinct = new LinkedHashMap<>();
        distinct.put('a', 1L);
        distinct.put("b", 2L);
        distinct.put('c', 3L);
        assertEquals(Map.of("a", 1L, "b", 2L, "c", 3L), Pickle.loads(Pickle.dumps(distinct)));
        Map<Object, Object> onlyCharacters = new LinkedHashMap<>();
        onlyCharacters.put('a', 1L);
        onlyCharacters.put('b', 2L);
        assertEquals(Map.of("a", 1L, "b", 2L), Pickle.loads(Pickle.dumps(onlyCharacters)));
    }

    /** Python's {@code s.encode('ascii', 'backslashreplace')} of a repr: non-ASCII chars as \\xhh, \\uhhhh. */
    private static String asciiEscaped(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch < 0x80) {
                b.append(ch);
            } else if (ch < 0x100) {
                b.append(String.format("\\x%02x", (int) ch));
            } else {
                b.append(String.format("\\u%04x", (int) ch));
            }
        }
        return b.toString();
    }

    private static byte[] next(ByteBuffer all) {
        byte[] blob = new byte[all.getInt()];
        all.get(blob);
        return blob;
    }
}
