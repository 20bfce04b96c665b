package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.pickle.Pickle;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The builtin reconstructors called with every kind of argument CPython 3.11 takes there (and many
 * it refuses), against CPython loading the same hand-made pickle {@code module.name(*args)}:
 * {@code complex} of complex numbers and Decimals ({@code complex(a, b)} is {@code a + b*1j}, signed
 * zeros as CPython adds them), {@code Decimal} of a Decimal and of a {@code (sign, digits, exponent)}
 * tuple, {@code set}/{@code frozenset} of any iterable Brine holds (a str's characters, a dict's
 * keys, bytes' ints), {@code bytes}/{@code bytearray} of any iterable of ints, a set's in CPython's
 * own iteration order. A value CPython builds must read as the same value (compared by CPython,
 * after Brine writes it back: sets by their items, floats by their bits); a call CPython refuses
 * must be refused, with CPython's message.
 */
class BuiltinIterableArgsDifferentialTest {
    /** Python helpers: S(items) pickles as set(items) (frozenset with frozen), in that order; canon(v) compares values. */
    private static final String SETUP = String.join("\n",
            "import pickle, struct, datetime, decimal",
            "from decimal import Decimal as D",
            "class S:",
            "    def __init__(self, items, frozen=False): self.items, self.frozen = items, frozen",
            "    def __reduce__(self): return (frozenset if self.frozen else set, (self.items,))",
            "class Call:",
            "    def __init__(self, f, args): self.f, self.args = f, args",
            "    def __reduce__(self): return (self.f, self.args)",
            "def canon(v):",
            "    if isinstance(v, (set, frozenset)): return type(v).__name__ + repr(sorted(map(repr, v)))",
            "    if isinstance(v, complex): return 'complex ' + struct.pack('>dd', v.real, v.imag).hex()",
            "    return type(v).__name__ + ' ' + repr(v)",
            "def make(line):",
            "    mod, name, args = line.split('\\t')",
            "    f = getattr(__import__(mod), name)",
            "    return pickle.dumps(Call(f, eval(args)), 2)",
            "def case(line):",
            "    data = make(line)",
            "    try:",
            "        out = canon(pickle.loads(data))",
            "    except decimal.InvalidOperation:",
            "        out = 'refused InvalidOperation'",
            "    except (ValueError, TypeError, OverflowError) as e:",
            "        out = 'refused ' + str(e)",
            "    return data.hex() + '\\t' + out");

    /** Checks every line: Brine reads what CPython reads, refuses what it refuses (with its message). */
    private static void compare(List<String> lines, int minRefused, int minRead) throws IOException {
        Python.require();
        List<String> cpython = Python.eachLine(SETUP, "case(line)", null, lines);
        List<String> differences = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<Integer> read = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] io = cpython.get(i).split("\t", 2);
            String brine;
            try {
                brine = HexFormat.of().formatHex(Pickle.dumps(Pickle.loads(HexFormat.of().parseHex(io[0])), 2));
            } catch (BrineException e) {
                brine = "refused " + e.getMessage();
            }
            if (io[1].startsWith("refused ")) {
                refused++;
                String message = io[1].substring("refused ".length());
                // InvalidOperation's text is a list of signal classes: any refusal is CPython's then
                boolean same = brine.startsWith("refused ") && (message.equals("InvalidOperation") || brine.contains(message));
                if (!same) {
                    differences.add(lines.get(i) + ": CPython " + io[1] + ", Brine " + brine);
                }
            } else if (brine.startsWith("refused ")) {
                differences.add(lines.get(i) + ": CPython " + io[1] + ", Brine " + brine);
            } else {
                written.add(brine);
                read.add(i);
            }
        }
        // what CPython makes of what Brine wrote back, compared with what it made of the input
        List<String> back = written.isEmpty() ? List.of()
                : Python.eachLine(SETUP, "canon(pickle.loads(bytes.fromhex(line)))", null, written);
        for (int k = 0; k < read.size(); k++) {
            String want = cpython.get(read.get(k)).split("\t", 2)[1];
            if (!want.equals(back.get(k))) {
                differences.add(lines.get(read.get(k)) + ": CPython " + want + ", Brine " + back.get(k));
            }
        }
        assertEquals("", String.join("\n", differences));
        assertTrue(refused >= minRefused && lines.size() - refused >= minRead, refused + " of " + lines.size()
                + " refused by CPython");
    }

    private static List<String> calls(String module, String name, String... args) {
        List<String> lines = new ArrayList<>();
        for (String a : args) {
            lines.add(module + "\t" + name + "\t" + a);
        }
        return lines;
    }

    @Test
    void complexOfComplexNumbersAndDecimals() throws IOException {
        compare(calls("builtins", "complex", "(1+2j,)", "(1, 1j)", "(1j, 1j)", "(1j, 2)", "(-0.0, 0j)", "(0j, -0.0)",
                "(complex(-0.0, -0.0),)", "(complex(1, -0.0), complex(-0.0, -0.0))", "(complex(-0.0, 0.0), complex(0.0, -0.0))",
                "(complex(-0.0, -0.0), complex(-0.0, -0.0))", "(-0.0, -0.0)", "(0j, 0j)", "(True, 1j)", "(1j, False)",
                "(2**70, 1j)", "(1.5, 2**80)", "(10**400, 1j)", "(1j, 10**400)", "(D('1.5'),)", "(1, D('-2.5E-3'))",
                "(D('-0'),)", "(D('-0.000'), D('0'))", "(D('NaN'),)", "(D('-NaN'),)", "(D('NaN123'), 1)", "(D('sNaN'),)",
                "(1, D('sNaN'))", "(D('Infinity'), D('-Infinity'))", "(D('1E+999999'),)", "(D('-1E-99999'),)",
                "(D('0.1'),)", "(D('123456789012345678901234567890.123456789'),)", "(D('1E+5000000000'), 2)",
                "(complex(float('nan'), 1), 1j)", "(float('inf'), complex(float('inf'), 1))", "(1e308, 1e308j)", "()",
                "(2.5,)", "(1j, D('1.5'))", "(D('1.5'), 1j)", "([1],)", "(1, [1])", "(None,)", "(1, None)", "(b'1',)",
                "('1', 1j)", "(1j, '1')", "((1,),)", "({1: 2},)", "(set(),)", "(1, 2, 3)", "(bytearray(b'1'),)",
                "(datetime.date(2020, 1, 1),)", "(1j, datetime.timedelta(1))", "(frozenset([1j]), 1)"), 15, 30);
    }

    @Test
    void decimalOfADecimalAndOfATuple() throws IOException {
        compare(calls("decimal", "Decimal", "(D('1.5'),)", "(D('-0'),)", "(D('-0.00'),)", "(D('NaN'),)", "(D('-sNaN12'),)",
                "(D('Infinity'),)", "(D('1E+5000000000'),)", "(D('1.50'), None)", "((0, (1, 2), -1),)", "((1, (1, 2), -1),)",
                "((0, (), 0),)", "((1, (), 5),)", "((0, (0, 0), 2),)", "((1, (0,), 0),)", "((0, (1,), 'F'),)",
                "((1, (1, 2), 'F'),)", "((0, (), 'n'),)", "((0, (1, 2), 'n'),)", "((1, (0, 0, 1, 2), 'N'),)", "((0, (), 'N'),)",
                "((1, (), 'F'),)", "((0, (0, 0), 'n'),)", "((0, (1,), 'x'),)", "((0, (1,), 1.5),)", "((0, (1,), None),)",
                "((2, (1,), 0),)", "((-1, (1,), 0),)", "((True, (1,), 0),)", "((1.0, (1,), 0),)", "((0, (10,), 0),)",
                "((0, (-1,), 0),)", "((0, (True, False), 0),)", "((0, [1, 2], 0),)", "([0, (1, 2), 0],)", "([1, [3], -2],)",
                "((0, (1,), True),)", "((0, (1,)),)", "((0, (1,), 0, 0),)", "((0, '12', 0),)", "((0, (1.0,), 0),)",
                "((0, (1,), 10**20),)", "((0, (1,), -10**20),)", "((0, (1,), 10**18),)", "((0, (1,), -10**18),)",
                "((0, (1,), 999999999999999999),)", "((0, (1,), 2**63 - 1),)", "((0, (1,), -2**63),)", "((0, (1,), 2**31),)",
                "((1, (1,), -2**31 - 5),)", "((0, (1, 2, 3, 4), 999999999999999996),)", "((0, (1, 2, 3, 4), 999999999999999997),)",
                "((0, (1,), -1999999999999999997),)", "((0, (1,), -1999999999999999998),)", "((0, (10,), 'F'),)",
                "((0, None, 'F'),)", "((5, (10,), 'x'),)", "((0, (10,), 'x'),)", "((0, (10,), 1.5),)", "((0, (0,) * 5, -3),)",
                "((1, (0,), -3),)", "((0, (1,) * 100, 'n'),)", "((0, (7,) * 4000, -3),)", "((0, (1,), b'F'),)",
                "((0, (1, 2, 3), -1),)", "((0, (9,) * 30, -7),)", "((0, (1,), 'FF'),)", "((0, (1, None), 0),)",
                "((None, (1,), 0),)", "(set(),)", "([1],)", "({},)", "(b'1',)", "(1j,)", "(None,)", "(bytearray(b'1'),)",
                "(frozenset(),)", "('1', 5)", "('1', None)", "(1, 2, 3)", "((),)", "(datetime.date(2020, 1, 1),)",
                "((0, (1,), 0), None)", "(True,)", "()"), 30, 40);
    }

    @Test
    void setsOfAnyIterable() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String name : List.of("set", "frozenset")) {
            lines.addAll(calls("builtins", name, "('abc',)", "('a\\U0001f600\\u00e9',)", "('',)", "('aab',)",
                    "({'a': 1, 2: 3},)", "({},)", "(b'abca',)", "(bytearray(b'ab'),)", "(frozenset([1, 2]),)", "({1, 'x'},)",
                    "(S([3, 'x', 3]),)", "(S([1, 2], True),)", "([1, 1, 2.5, (1, 2)],)", "((1, 'a'),)", "(1,)", "(None,)",
                    "([[1]],)", "([{1: 2}],)", "(({1},),)", "('ab', 'c')", "(1.5,)", "(1j,)", "(D(1),)",
                    "(datetime.date(2020, 1, 1),)", "()", "(True,)", "([(1, [2])],)", "(b'',)", "({(1, 2): 0, 'k': 1},)"));
        }
        compare(lines, 20, 30);
    }

    @Test
    void bytesOfAnyIterableOfInts() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String name : List.of("bytearray", "bytes")) {
            lines.addAll(calls("builtins", name, "(frozenset([1]),)", "({1: 2, 255: 0},)", "({300},)", "(S(['a']),)",
                    "([1.0],)", "(1.5,)", "(None,)", "(-1,)", "({-1},)", "([256],)", "([True, False],)", "({True: 1},)",
                    "(1j,)", "(D(1),)", "([10**30],)", "(frozenset(),)", "(set(),)", "('abc',)", "(datetime.date(2020, 1, 1),)",
                    "((1, 2),)", "(b'ab',)", "({'a': 1},)", "(S([9, 1, 17, 25, 8, 0]),)", "(S([200, 8, 16, 0, 72], True),)"));
        }
        // sets of ints built in a random order: their bytes come in CPython's table order, collisions and growth
        Random random = new Random(20261130);
        for (int i = 0; i < 400; i++) {
            List<Integer> pool = new ArrayList<>();
            for (int v = 0; v < 256; v++) {
                pool.add(v);
            }
            Collections.shuffle(pool, random);
            int n = 1 + random.nextInt(random.nextBoolean() ? 12 : 120);
            lines.add("builtins\t" + (i % 2 == 0 ? "bytearray" : "bytes") + "\t(S(" + pool.subList(0, n) + ", "
                    + (i % 3 == 0 ? "True" : "False") + "),)");
        }
        compare(lines, 25, 400);
    }
}
