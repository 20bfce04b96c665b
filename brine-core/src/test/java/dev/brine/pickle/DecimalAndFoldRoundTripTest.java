package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round trips through Brine against CPython's own pickles, byte for byte: Decimal values that
 * BigDecimal cannot hold (negative zeros, NaN, infinities) next to ones it can, and the documented
 * loss of {@code fold=1} on naive datetime and time values (written back as CPython writes the same
 * value with {@code fold=0}).
 */
class DecimalAndFoldRoundTripTest {
    private static final String[] DECIMALS = {"-0", "-0.00", "-0E-5", "0", "0E+3", "NaN", "-NaN", "sNaN", "Infinity",
        "-Infinity", "-0E+3", "NaN12", "1.50", "-1E-7"};

    @Test
    void decimalsWriteBackAsCPythonWritesThem() throws IOException {
        Python.require();
        List<String> lines = new ArrayList<>();
        for (String d : DECIMALS) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + " " + d);
            }
        }
        List<String> expected = Python.eachLine("import pickle\nfrom decimal import Decimal",
                "pickle.dumps(Decimal(line.split()[1]), int(line.split()[0])).hex()", null, lines);
        for (int k = 0; k < lines.size(); k++) {
            int proto = Integer.parseInt(lines.get(k).split(" ")[0]);
            Object v = Pickle.loads(HexFormat.of().parseHex(expected.get(k)));
            assertEquals(expected.get(k), HexFormat.of().formatHex(Pickle.dumps(v, proto)), lines.get(k));
        }
    }

    /** Literals whose exponents BigDecimal's int scale cannot hold, as given (not canonical), and CPython's limits. */
    private static final String[] BEYOND_INT_SCALE = {"1E+5000000000", "1e-2147483648", "-12.50E+3000000000",
        "0E+5000000000", "-0e-4000000000", "00123.4500e-9999999999", "1E+999999999999999999", "1.E+3000000000",
        ".5E+3000000000", "+7e3000000000", "1E+2147483648", "1E-1999999999999999997", " 1_0E+3000000000 "};
    private static final String[] BEYOND_CPYTHON = {"10E+999999999999999999", "1E+1000000000000000000",
        "1E-1999999999999999998", "1.2E-1999999999999999997"};

    @Test
    void exponentsBeyondAnIntScaleStayInertAndWriteBackAsCPythonDoes() throws IOException {
        Python.require();
        List<String> lines = new ArrayList<>();
        for (String d : BEYOND_INT_SCALE) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + " " + HexFormat.of().formatHex(decimalPickle(d)));
            }
        }
        // CPython reads the literal as given and writes its own str() of the value back
        List<String> expected = Python.eachLine("import pickle",
                "pickle.dumps(pickle.loads(bytes.fromhex(line.split()[1])), int(line.split()[0])).hex()", null, lines);
        for (int k = 0; k < lines.size(); k++) {
            String[] parts = lines.get(k).split(" ");
            Object v = Pickle.loads(HexFormat.of().parseHex(parts[1]));
            assertInstanceOf(GenericObject.class, v, lines.get(k));
            assertEquals(expected.get(k), HexFormat.of().formatHex(Pickle.dumps(v, Integer.parseInt(parts[0]))),
                    BEYOND_INT_SCALE[k / 6] + " at protocol " + parts[0]);
        }
    }

    @Test
    void exponentsBeyondCPythonsLimitsAreRefusedAsCPythonRefusesThem() throws IOException {
        Python.require();
        List<String> lines = new ArrayList<>();
        for (String d : BEYOND_CPYTHON) {
            lines.add(HexFormat.of().formatHex(decimalPickle(d)));
        }
        // "-": CPython raised decimal.InvalidOperation reading it
        List<String> cpython = Python.eachLine("import pickle, decimal", "str(pickle.loads(bytes.fromhex(line)))",
                "decimal.InvalidOperation", lines);
        for (int k = 0; k < lines.size(); k++) {
            assertEquals("-", cpython.get(k), BEYOND_CPYTHON[k]);
            byte[] pickle = HexFormat.of().parseHex(lines.get(k));
            UnpicklingException e = org.junit.jupiter.api.Assertions.assertThrows(UnpicklingException.class,
                    () -> Pickle.loads(pickle));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("beyond CPython's limits"), e.getMessage());
        }
    }

    @Test
    void aBigDecimalOfTheSmallestScaleReadsBackAsTheSameDecimal() throws IOException {
        Python.require();
        BigDecimal huge = new BigDecimal(java.math.BigInteger.ONE, Integer.MIN_VALUE); // 1E+2147483648
        List<String> lines = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            lines.add(HexFormat.of().formatHex(Pickle.dumps(huge, p)));
        }
        List<String> strs = Python.eachLine("import pickle", "str(pickle.loads(bytes.fromhex(line)))", null, lines);
        for (int p = 0; p <= 5; p++) {
            assertEquals("1E+2147483648", strs.get(p));
            Object back = Pickle.loads(HexFormat.of().parseHex(lines.get(p)));
            assertInstanceOf(GenericObject.class, back);
            assertEquals(lines.get(p), HexFormat.of().formatHex(Pickle.dumps(back, p)), "protocol " + p);
        }
    }

    private static byte[] decimalPickle(String literal) {
        return ("cdecimal\nDecimal\n(V" + literal + "\ntR.").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void negativeZeroIsAnInertDecimalAndPositiveZeroABigDecimal() throws IOException {
        byte[] negative = "cdecimal\nDecimal\n(V-0.00\ntR.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        GenericObject g = assertInstanceOf(GenericObject.class, Pickle.loads(negative));
        assertEquals("-0.00", g.args().get(0));
        byte[] positive = "cdecimal\nDecimal\n(V0.00\ntR.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(new BigDecimal("0.00"), Pickle.loads(positive));
    }

    @Test
    void foldIsDroppedOnNaiveValuesAsDocumented() throws IOException {
        Python.require();
        List<String> lines = List.of("datetime.datetime(2021, 11, 7, 1, 30, fold=1)", "datetime.time(1, 30, fold=1)");
        List<String> cpython = Python.eachLine("import pickle, datetime",
                "pickle.dumps(eval(line), 5).hex() + ' ' + pickle.dumps(eval(line).replace(fold=0), 5).hex()", null, lines);
        for (int k = 0; k < lines.size(); k++) {
            String[] both = cpython.get(k).split(" ");
            Object v = Pickle.loads(HexFormat.of().parseHex(both[0]));
            assertEquals(k == 0 ? LocalDateTime.class : LocalTime.class, v.getClass());
            assertEquals(both[1], HexFormat.of().formatHex(Pickle.dumps(v, 5)), lines.get(k));
        }
    }
}
