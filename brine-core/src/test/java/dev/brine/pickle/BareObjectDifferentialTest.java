package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bare {@code object()}, which CPython writes as {@code object.__new__(object)} (NEWOBJ of
 * {@code builtins.object} with no arguments) at protocols 2 to 5 and as
 * {@code copyreg._reconstructor(object, object, None)} at 0 and 1, read strictly (no generic objects).
 *
 * <p>The decision: the safety model lets it load. Nothing named by the file runs ({@code object.__new__}
 * is the builtins' own, and its instance holds nothing), no Java class is made from a name in the file,
 * and {@code builtins.object} is already in the builtins registry (the base {@code _reconstructor}
 * names). It reads as an inert {@link GenericObject} of {@code builtins.object}, made by NEWOBJ with no
 * arguments: the value a generic reading gives, so both readings agree; distinct by identity, as Python's
 * {@code object()}s are (equal only to itself); and written back at every protocol as CPython writes it.
 * What CPython refuses on it is refused: arguments to {@code __new__}, a state (it has no
 * {@code __dict__}), appended or set items.
 */
class BareObjectDifferentialTest {
    private static final List<String> EXPRS = List.of(
            "object()",
            "[object(), object()]",
            "(lambda o: [o, (o, o), {'k': o}])(object())",
            "{'a': object(), 'b': [1, object()]}");

    @Test
    void bareObjectsReadStrictlyAreWrittenAtEveryProtocolAsCPythonWritesThem() throws IOException {
        Python.require();
        List<byte[]> cpython = cpython();
        List<String> differences = new ArrayList<>();
        for (int c = 0; c < EXPRS.size(); c++) {
            for (int from = 0; from <= 5; from++) {
                Object read = Pickle.loads(cpython.get(c * 6 + from)); // strict: the default options
                for (int p = 0; p <= 5; p++) {
                    String expected = HexFormat.of().formatHex(cpython.get(c * 6 + p));
                    String brine = HexFormat.of().formatHex(Pickle.dumps(read, p));
                    if (!expected.equals(brine)) {
                        differences.add(EXPRS.get(c) + " from " + from + " at " + p
                                + "\n  CPython " + expected + "\n  Brine   " + brine);
                    }
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    @Test
    void aBareObjectReadsAsAnInertGenericObjectDistinctByIdentity() throws IOException {
        Python.require();
        List<byte[]> cpython = cpython();
        for (int from = 0; from <= 5; from++) {
            GenericObject o = bare(Pickle.loads(cpython.get(from)));
            assertEquals(GenericObject.Creation.NEWOBJ, o.creation());
            assertTrue(o.args().isEmpty());
            assertFalse(o.hasState());
            assertTrue(o.listItems().isEmpty() && o.dictItems().isEmpty());
            assertEquals("builtins.object()", o.toString());

            List<?> two = (List<?>) Pickle.loads(cpython.get(6 + from));
            assertNotSame(bare(two.get(0)), bare(two.get(1)));
            assertFalse(two.get(0).equals(two.get(1)), "object() is equal only to itself");

            List<?> shared = (List<?>) Pickle.loads(cpython.get(12 + from));
            assertSame(bare(shared.get(0)), ((dev.brine.py.Tuple) shared.get(1)).get(1));
        }
    }

    /** Brine's bytes, loaded by CPython: objects of type object, shared where the original shares them. */
    @Test
    void cpythonLoadsBrinesBytesAsBareObjects() throws IOException {
        Python.require();
        List<byte[]> cpython = cpython();
        List<String> lines = new ArrayList<>();
        for (int from = 0; from <= 5; from++) {
            Object read = Pickle.loads(cpython.get(12 + from));
            for (int p = 0; p <= 5; p++) {
                lines.add(HexFormat.of().formatHex(Pickle.dumps(read, p)));
            }
        }
        List<String> verdicts = Python.eachLine("import pickle\n"
                + "def check(h):\n"
                + "    o, t, d = pickle.loads(bytes.fromhex(h))\n"
                + "    return type(o) is object and t[0] is o and t[1] is o and d['k'] is o",
                "str(check(line))", null, lines);
        assertEquals(List.of(), verdicts.stream().filter(v -> !v.equals("True")).toList());
    }

    /** What CPython refuses on a bare object, Brine refuses strictly; each checked against CPython first. */
    @Test
    void whatCPythonRefusesOnABareObjectIsRefused() throws IOException {
        Python.require();
        List<String> refused = List.of(
                "\\x80\\x02c__builtin__\\nobject\\nK\\x01\\x85\\x81.", // object.__new__(object, 1)
                "\\x80\\x02c__builtin__\\nobject\\n)\\x81}X\\x01\\x00\\x00\\x00aK\\x01sb.", // BUILD {'a': 1}
                "\\x80\\x02c__builtin__\\nobject\\n)\\x81}b.", // BUILD {}: no __dict__ to update
                "\\x80\\x02c__builtin__\\nobject\\n)\\x81K\\x01a.", // APPEND
                "\\x80\\x02c__builtin__\\nobject\\n)\\x81K\\x01K\\x02s.", // SETITEM
                "ccopy_reg\\n_reconstructor\\n(c__builtin__\\nobject\\np0\\ng0\\nI1\\ntR."); // state ignored
        List<String> verdicts = Python.eachLine("import pickle, ast\n"
                + "def loads(lit):\n"
                + "    try: pickle.loads(ast.literal_eval(\"b'\" + lit + \"'\")); return 'loaded'\n"
                + "    except Exception as e: return 'refused'",
                "loads(line)", null, refused);
        assertEquals(List.of("refused", "refused", "refused", "refused", "refused", "loaded"), verdicts);
        for (String lit : refused.subList(0, 5)) {
            assertThrows(UnpicklingException.class, () -> Pickle.loads(bytes(lit)), lit);
        }
        // copyreg._reconstructor makes object.__new__(cls) for base object, whatever the value given
        assertEquals("builtins.object()", bare(Pickle.loads(bytes(refused.get(5)))).toString());
        // BUILD with None does nothing, in CPython too
        assertEquals("builtins.object()", bare(Pickle.loads(bytes("\\x80\\x02c__builtin__\\nobject\\n)\\x81Nb."))).toString());
    }

    /** Generic reading keeps whatever the pickle gives, as for every class it does not model. */
    @Test
    void genericReadingKeepsWhatItIsGiven() throws IOException {
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        GenericObject o = (GenericObject) Pickle.loads(bytes("\\x80\\x02c__builtin__\\nobject\\n)\\x81}X\\x01\\x00\\x00\\x00aK\\x01sb."), generic);
        assertEquals(1L, o.attribute("a"));
        GenericObject withArgs = (GenericObject) Pickle.loads(bytes("\\x80\\x02c__builtin__\\nobject\\nK\\x01\\x85\\x81."), generic);
        assertEquals(1, withArgs.args().size());
    }

    private static GenericObject bare(Object read) {
        GenericObject o = assertInstanceOf(GenericObject.class, read);
        assertEquals(new Global("builtins", "object"), o.callable());
        return o;
    }

    /** CPython's pickles of {@link #EXPRS} at protocols 0 to 5, each expression's six in a row. */
    private static List<byte[]> cpython() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String e : EXPRS) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + "\t" + e);
            }
        }
        return Python.eachLine("import pickle",
                "pickle.dumps(eval(line.split('\\t')[1]), int(line.split('\\t')[0])).hex()", null, lines)
                .stream().map(HexFormat.of()::parseHex).toList();
    }

    /** The bytes of a Python bytes literal's body with {@code \x..} and {@code \n} escapes. */
    private static byte[] bytes(String lit) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < lit.length(); i++) {
            char ch = lit.charAt(i);
            if (ch == '\\' && lit.charAt(i + 1) == 'x') {
                s.append((char) Integer.parseInt(lit.substring(i + 2, i + 4), 16));
                i += 3;
            } else if (ch == '\\' && lit.charAt(i + 1) == 'n') {
                s.append('\n');
                i++;
            } else {
                s.append(ch);
            }
        }
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
