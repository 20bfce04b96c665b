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
