package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.pickle.Pickle;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Complex} equality against CPython's {@code ==} on complex numbers whose parts are zeros of
 * either sign (and others): CPython pickles {@code [a, b, {a: 1, b: 2}, {a, b}, frozenset([a, b])]},
 * says whether {@code a == b}, and pickles back what it loaded. Brine must find the pair equal (with
 * one hash code) or not as CPython does, so that the dict, set and frozenset keep one key or two,
 * and write back the same bytes: the first key kept, the last value.
 */
class ComplexSignedZeroDifferentialTest {
    @Test
    void zerosOfEitherSignAreOneKeyAsInPython() throws IOException {
        Python.require();
        List<String> lines = List.of("0j;complex(-0.0, 0)", "0j;complex(0, -0.0)", "complex(-0.0, -0.0);0j",
                "complex(-0.0, -0.0);complex(0.0, -0.0)", "complex(1, 0);complex(1, -0.0)", "complex(-0.0, 2);complex(0, 2)",
                "complex(-0.0, 0);complex(-0.0, 0)", "1+2j;1-2j", "0j;1j", "complex(1e-320, 0);0j",
                "complex(float('inf'), -0.0);complex(float('inf'), 0.0)", "complex(-0.0, float('-inf'));complex(0.0, float('-inf'))");
        List<String> cpython = Python.eachLine("import pickle\n"
                + "def case(line):\n"
                + "    a, b = map(eval, line.split(';'))\n"
                + "    data = pickle.dumps([a, b, {a: 1, b: 2}, {a, b}, frozenset([a, b])], 2)\n"
                + "    return '%s %s %s' % (data.hex(), a == b, pickle.dumps(pickle.loads(data), 2).hex())",
                "case(line)", null, lines);
        int equalPairs = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] out = cpython.get(i).split(" ");
            List<?> loaded = (List<?>) Pickle.loads(HexFormat.of().parseHex(out[0]));
            boolean equal = Boolean.parseBoolean(out[1].toLowerCase());
            Object a = loaded.get(0);
            Object b = loaded.get(1);
            assertEquals(equal, a.equals(b), lines.get(i));
            assertEquals(equal, b.equals(a), lines.get(i));
            if (equal) {
                assertEquals(a.hashCode(), b.hashCode(), lines.get(i));
                equalPairs++;
            }
            assertEquals(out[2], HexFormat.of().formatHex(Pickle.dumps(loaded, 2)), lines.get(i));
        }
        assertEquals(9, equalPairs);
    }
}
