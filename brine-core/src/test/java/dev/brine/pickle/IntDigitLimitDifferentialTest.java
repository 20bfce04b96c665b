package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ints around CPython's limit on int to string conversion (4300 digits, the sign not counted), which
 * its pickler meets at protocols 0 and 1 (LONG is decimal text): against CPython 3.11's
 * {@code pickle.dumps} at protocols 0 to 5, Brine writes the same bytes or refuses where CPython
 * raises ValueError, with CPython's message, and refuses a 1 MB int at once (it took 11 s to write).
 */
class IntDigitLimitDifferentialTest {
    private static Map<String, BigInteger> cases() {
        BigInteger ten4300 = BigInteger.TEN.pow(4300);
        Map<String, BigInteger> c = new LinkedHashMap<>();
        c.put("10**4300 - 1", ten4300.subtract(BigInteger.ONE));
        c.put("-(10**4300 - 1)", ten4300.subtract(BigInteger.ONE).negate());
        c.put("10**4300", ten4300);
        c.put("-10**4300", ten4300.negate());
        c.put("2**14283", BigInteger.TWO.pow(14283)); // 4300 digits
        c.put("2**14284", BigInteger.TWO.pow(14284)); // 4300 digits
        c.put("2**14287", BigInteger.TWO.pow(14287)); // 4301 digits
        c.put("7**6000", BigInteger.valueOf(7).pow(6000));
        return c;
    }

    @Test
    void brineWritesOrRefusesAsCPythonAtEveryProtocol() throws IOException {
        Python.require();
        Map<String, BigInteger> cases = cases();
        List<String> lines = new ArrayList<>();
        for (String expr : cases.keySet()) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + "\t" + expr);
            }
        }
        String setup = String.join("\n",
                "import pickle",
                "def case(line):",
                "    p, expr = line.split('\\t')",
                "    try:",
                "        return pickle.dumps(eval(expr), int(p)).hex()",
                "    except ValueError as e:",
                "        return 'ValueError: ' + str(e)");
        List<String> cpython = Python.eachLine(setup, "case(line)", null, lines);
        List<String> differences = new ArrayList<>();
        int i = 0;
        int refused = 0;
        for (BigInteger value : cases.values()) {
            for (int p = 0; p <= 5; p++, i++) {
                String brine;
                try {
                    brine = HexFormat.of().formatHex(Pickle.dumps(value, p));
                } catch (PicklingException e) {
                    brine = e.getMessage();
                }
                String expected = cpython.get(i);
                boolean same = expected.startsWith("ValueError: ") ? brine.contains(expected) : brine.equals(expected);
                if (!same) {
                    differences.add(lines.get(i) + "\n  CPython " + expected + "\n  Brine   " + brine);
                }
                refused += expected.startsWith("ValueError: ") ? 1 : 0;
            }
        }
        assertEquals("", String.join("\n", differences));
        assertEquals(4 * 2, refused, "cases CPython refuses (4 values at protocols 0 and 1)");
    }

    @Test
    void aMegabyteIntIsRefusedAtOnceAtTheTextProtocols() throws IOException {
        Python.require();
        BigInteger huge = BigInteger.ONE.shiftLeft(8 * 1_000_000).subtract(BigInteger.ONE);
        String cpython = new String(Python.check(String.join("\n",
                "import pickle",
                "for p in (0, 1):",
                "    try:",
                "        pickle.dumps((1 << 8000000) - 1, p); print('written')",
                "    except ValueError as e:",
                "        print('ValueError: ' + str(e))"), new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
        for (int p = 0; p <= 1; p++) {
            int protocol = p;
            String expected = cpython.lines().toList().get(p);
            String brine = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                try {
                    Pickle.dumps(huge, protocol);
                    return "written";
                } catch (PicklingException e) {
                    return e.getMessage();
                }
            });
            assertEquals(true, expected.startsWith("ValueError: ") && brine.contains(expected),
                    "protocol " + p + ": CPython " + expected + ", Brine " + brine);
        }
    }
}
