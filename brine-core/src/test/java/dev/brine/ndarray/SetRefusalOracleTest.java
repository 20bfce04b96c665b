package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.Complex;
import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code NDArray.set} refuses what numpy's {@code a[0] = value} refuses, against live numpy, rather than store
 * something else: a Python complex in an integer, float or time element (numpy: TypeError, ValueError; Brine
 * kept the real part), any float in a datetime64/timedelta64 element (numpy: ValueError; Brine stored NaT for
 * NaN, an infinity or a count beyond 64 bits, and truncated the others), an int beyond a double's range in a float element of up to 8
 * bytes (numpy: OverflowError; Brine stored inf). What numpy stores, Brine stores alike (the controls), an int into a
 * float32 or complex64 element through a double as numpy does (Brine rounded it once, as a cast does).
 */
class SetRefusalOracleTest {
    private record Case(String dtype, String python, Object java) {
    }

    private static final List<Case> CASES = List.of(
            new Case("<i4", "1+2j", new Complex(1, 2)),
            new Case("<u8", "1+0j", new Complex(1, 0)),
            new Case("<f8", "1+2j", new Complex(1, 2)),
            new Case("<f4", "1+0j", new Complex(1, 0)),
            new Case("<f16", "1+2j", new Complex(1, 2)),
            new Case("<M8[s]", "1+2j", new Complex(1, 2)),
            new Case("<m8[s]", "1+0j", new Complex(1, 0)),
            new Case("<M8[s]", "float('nan')", Double.NaN),
            new Case("<M8[s]", "1e300", 1e300),
            new Case("<m8[s]", "float('-inf')", Double.NEGATIVE_INFINITY),
            new Case("<M8[ms]", "-1e19", -1e19),
            // any Python float, integral or not (Brine truncated these to counts)
            new Case("<M8[s]", "2.0", 2.0),
            new Case("<m8[s]", "1.5", 1.5),
            new Case("<M8[D]", "-3.0", -3.0f),
            new Case("<f8", "2**1024", BigInteger.TWO.pow(1024)),
            new Case("<f4", "-2**1024", BigInteger.TWO.pow(1024).negate()),
            new Case("<c8", "2**1100", BigInteger.TWO.pow(1100)),
            new Case("<f2", "2**1024", BigInteger.TWO.pow(1024)),
            // stored by numpy and Brine alike
            new Case("<c8", "1+2j", new Complex(1, 2)),
            new Case("|b1", "0+2j", new Complex(0, 2)),
            new Case("<f2", "2**1000", BigInteger.TWO.pow(1000)),
            new Case("<f8", "2**1023 + 2**970", BigInteger.TWO.pow(1023).add(BigInteger.TWO.pow(970))),
            new Case("<f16", "2**1100 + 1", BigInteger.TWO.pow(1100).add(BigInteger.ONE)),
            new Case("<M8[s]", "5", 5L),
            new Case("<f8", "float('nan')", Double.NaN),
            // an int into float32/complex64 goes through a double in numpy (rounded twice): 2**60 + 2**36 + 1 is 2**60
            new Case("<f4", "2**60 + 2**36 + 1", (1L << 60) + (1L << 36) + 1),
            new Case(">f4", "-(2**60 + 2**36 + 1)", -((1L << 60) + (1L << 36) + 1)),
            new Case("<c8", "2**60 + 2**36 + 1", (1L << 60) + (1L << 36) + 1),
            new Case("<f4", "2**64 - 2**39 - 1", BigInteger.TWO.pow(64).subtract(BigInteger.TWO.pow(39)).subtract(BigInteger.ONE)),
            new Case("<f4", "2**100 + 2**76 + 1", BigInteger.TWO.pow(100).add(BigInteger.TWO.pow(76)).add(BigInteger.ONE)),
            new Case("<f2", "2**15 + 2**4 + 1", (1L << 15) + (1L << 4) + 1),
            new Case("<f16", "2**60 + 2**36 + 1", (1L << 60) + (1L << 36) + 1));

    private static final String SETUP = String.join("\n",
            "import numpy as np",
            "def store(line):",
            "    t, v = line.split(' ', 1)",
            "    x = np.zeros(1, t)",
            "    try:",
            "        x[0] = eval(v)",
            "    except (TypeError, ValueError, OverflowError) as e:",
            "        return 'raises ' + type(e).__name__",
            "    return 'stores ' + x.tobytes().hex()");

    @Test
    void setRefusesWhatNumpysItemAssignmentRefuses() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (Case c : CASES) {
            lines.add(c.dtype() + " " + c.python());
        }
        List<String> want = Python.eachLine(SETUP, "store(line)", null, lines);
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            DType t = DType.parse(c.dtype());
            NDArray a = NDArray.zeros(t, 1);
            if (want.get(i).startsWith("raises")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.set(c.java(), 0),
                        lines.get(i) + ": numpy " + want.get(i));
                assertTrue(e.getMessage().contains(t.name()), e.getMessage());
                if (c.java() instanceof Double) {
                    assertThrows(IllegalArgumentException.class, () -> a.setDouble((Double) c.java(), 0), lines.get(i));
                }
            } else {
                a.set(c.java(), 0);
                // numpy leaves its stack's bytes in a long double's padding: the 10 significant bytes only
                int n = Elements.isExtended(t) ? "stores ".length() + 20 : want.get(i).length();
                assertEquals(want.get(i).substring(0, n), ("stores " + HexFormat.of().formatHex(a.rawBytes())).substring(0, n), lines.get(i));
            }
        }
    }
}
