package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Methods against CPython's C pickler at protocols 0 to 5: a bound or class method pickles as its
 * {@code __reduce__} gives it, {@code getattr(parent, 'name')}, at every protocol, where a nested class
 * is one dotted name from protocol 4. What Brine reads from either (as the CLI reads, generic objects)
 * writes back the same bytes; a getattr read from protocol 4+ is a method ({@link Global.Form#ATTRIBUTE})
 * and is written through getattr at every protocol, one read below 4 may be a class or a method
 * ({@link Global.Form#NAME_OR_ATTRIBUTE}).
 */
class MethodGlobalDifferentialTest {
    private static final String MODULE = String.join("\n",
            "class K:",
            "    @classmethod",
            "    def make(cls): pass",
            "    @staticmethod",
            "    def st(): pass",
            "    def inst(self): pass",
            "    class Inner:",
            "        @classmethod",
            "        def make(cls): pass",
            "        @classmethod",
            "        def make2(cls): pass",
            "        class Deeper:",
            "            pass",
            "");

    private static final String PARIS = "datetime.datetime(2024, 7, 1, tzinfo=zoneinfo.ZoneInfo('Europe/Paris'))";

    /** Python expressions (m is the module above): methods, nested classes, and both together. */
    private static final List<String> CASES = List.of(
            PARIS,
            "[" + PARIS + ", datetime.datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo('Europe/London')), "
                    + PARIS.replace("7, 1", "2, 1") + "]",
            "dict.fromkeys",
            "[dict.fromkeys, dict.fromkeys, dict.get, dict, str.join]",
            "[getattr, dict, len, list, abs]",
            "m.K.make",
            "[m.K.make, m.K.make, m.K.Inner.make, m.K]",
            "[m.K.Inner, m.K.Inner.make]",
            "[m.K.Inner.make, m.K.Inner, m.K.Inner.make2, m.K.Inner.Deeper]",
            "(m.K.st, m.K.inst)",
            "m.K.Inner.Deeper",
            "[m.K.Inner.Deeper, m.K.Inner, m.K.Inner.Deeper]");

    /** The cases that name only classes and functions (no getattr at protocol 4+). */
    private static final List<String> NAMES_ONLY = List.of(
            "[getattr, dict, len, list, abs]", "(m.K.st, m.K.inst)", "m.K.Inner.Deeper",
            "[m.K.Inner.Deeper, m.K.Inner, m.K.Inner.Deeper]");

    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    @TempDir
    Path dir;

    private String setup() throws IOException {
        Python.require("zoneinfo");
        Files.writeString(dir.resolve("brine_methods.py"), MODULE);
        return String.join("\n",
                "import datetime, pickle, sys, zoneinfo",
                "sys.path.insert(0, " + pyStr(dir.toString()) + ")",
                "import brine_methods as m");
    }

    /** CPython's pickle of each case at protocols 0 to 5: [case][protocol]. */
    private byte[][][] cpython() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String c : CASES) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + "\t" + c);
            }
        }
        List<String> hex = Python.eachLine(setup(),
                "pickle.dumps(eval(line.split('\\t')[1]), int(line.split('\\t')[0])).hex()", null, lines);
        byte[][][] out = new byte[CASES.size()][6][];
        for (int i = 0; i < hex.size(); i++) {
            out[i / 6][i % 6] = HexFormat.of().parseHex(hex.get(i));
        }
        return out;
    }

    @Test
    void whatCPythonWroteIsWrittenBackTheSameAtItsProtocol() throws IOException {
        byte[][][] cpython = cpython();
        List<String> differences = new ArrayList<>();
        for (int c = 0; c < CASES.size(); c++) {
            for (int p = 0; p <= 5; p++) {
                compare(differences, CASES.get(c) + " at " + p, cpython[c][p],
                        Pickle.dumps(Pickle.loads(cpython[c][p], GENERIC), p));
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    @Test
    void whatProtocol4Or5WroteIsWrittenAsCPythonWritesItAtEveryProtocol() throws IOException {
        byte[][][] cpython = cpython();
        List<String> differences = new ArrayList<>();
        for (int c = 0; c < CASES.size(); c++) {
            for (int from = 4; from <= 5; from++) {
                Object read = Pickle.loads(cpython[c][from], GENERIC);
                for (int p = 0; p <= 5; p++) {
                    compare(differences, CASES.get(c) + " from " + from + " at " + p, cpython[c][p], Pickle.dumps(read, p));
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    @Test
    void namesOfClassesAndFunctionsConvertBetweenAllProtocols() throws IOException {
        byte[][][] cpython = cpython();
        List<String> differences = new ArrayList<>();
        for (String name : NAMES_ONLY) {
            int c = CASES.indexOf(name);
            for (int from = 0; from <= 5; from++) {
                Object read = Pickle.loads(cpython[c][from], GENERIC);
                for (int p = 0; p <= 5; p++) {
                    compare(differences, name + " from " + from + " at " + p, cpython[c][p], Pickle.dumps(read, p));
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    @Test
    void theFormSaysHowTheGlobalWasNamedAndIsNotPartOfEquality() throws IOException {
        byte[][][] cpython = cpython();
        int fromkeys = CASES.indexOf("dict.fromkeys");
        Global two = (Global) Pickle.loads(cpython[fromkeys][2], GENERIC);
        Global four = (Global) Pickle.loads(cpython[fromkeys][4], GENERIC);
        assertEquals(Global.Form.NAME_OR_ATTRIBUTE, two.form());
        assertEquals(Global.Form.ATTRIBUTE, four.form());
        assertEquals(new Global("builtins", "dict.fromkeys"), four);
        assertEquals(two, four);
        assertEquals(0, two.compareTo(four));
        assertEquals(new Global("builtins", "dict.fromkeys").hashCode(), four.hashCode());
        Object deeper = Pickle.loads(cpython[CASES.indexOf("m.K.Inner.Deeper")][4], GENERIC);
        assertEquals(Global.Form.NAME, ((Global) deeper).form(), "a dotted STACK_GLOBAL is a name");
        // the zoneinfo reconstructor is the callable of a generic object, by its name
        List<?> datetimes = (List<?>) Pickle.loads(cpython[1][5], GENERIC);
        GenericObject tz = (GenericObject) ((GenericObject) datetimes.get(0)).args().get(1);
        assertEquals(new Global("zoneinfo", "ZoneInfo._unpickle"), tz.type());
        assertEquals(Global.Form.ATTRIBUTE, tz.type().form());
        assertSame(datetimes.get(0).getClass(), GenericObject.class);
    }

    @Test
    void methodsMadeInJavaPickleAsCPythonsAtEveryProtocol() throws IOException {
        byte[][][] cpython = cpython();
        int fromkeys = CASES.indexOf("dict.fromkeys");
        int make = CASES.indexOf("m.K.make");
        List<String> differences = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            compare(differences, "dict.fromkeys at " + p, cpython[fromkeys][p],
                    Pickle.dumps(Global.attribute("builtins", "dict.fromkeys"), p));
            compare(differences, "K.make at " + p, cpython[make][p],
                    Pickle.dumps(Global.attribute("brine_methods", "K.make"), p));
        }
        assertEquals("", String.join("\n", differences));
        PicklingException e = org.junit.jupiter.api.Assertions.assertThrows(PicklingException.class,
                () -> Pickle.dumps(Global.attribute("builtins", "len"), 4));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no parent"), e.getMessage());
    }

    /**
     * A getattr read from protocol 0-3 may be a class or a method: it is written as a class's name,
     * one dotted name from protocol 4, which CPython loads as the same method (not the bytes CPython
     * writes for a method: the pickle did not say which it was).
     */
    @Test
    void aMethodReadFromProtocol0To3IsWrittenAtProtocol4AsADottedNameThatLoadsAsTheMethod() throws IOException {
        byte[][][] cpython = cpython();
        List<String> lines = new ArrayList<>();
        List<String> expressions = List.of("dict.fromkeys", "m.K.make", "[m.K.Inner.make, m.K.Inner, m.K.Inner.make2, m.K.Inner.Deeper]");
        for (String expr : expressions) {
            for (int from = 0; from <= 3; from++) {
                byte[] again = Pickle.dumps(Pickle.loads(cpython[CASES.indexOf(expr)][from], GENERIC), 4);
                lines.add(expr + "\t" + HexFormat.of().formatHex(again));
            }
        }
        List<String> same = Python.eachLine(setup(),
                "str(pickle.loads(bytes.fromhex(line.split('\\t')[1])) == eval(line.split('\\t')[0]))", null, lines);
        assertEquals(java.util.Collections.nCopies(lines.size(), "True"), same);
    }

    private static void compare(List<String> differences, String what, byte[] expected, byte[] actual) {
        if (!java.util.Arrays.equals(expected, actual)) {
            differences.add(what + "\n  CPython " + HexFormat.of().formatHex(expected)
                    + "\n  Brine   " + HexFormat.of().formatHex(actual));
        }
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
