package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.py.PyFloat;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The disassembler's fast {@code repr(float)} against {@link PyFloat#repr} and against CPython. */
class PyNumbersTest {
    private static List<Double> samples(int n) {
        SplittableRandom rng = new SplittableRandom(42);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            switch (i % 4) {
                case 0 -> out.add(Double.longBitsToDouble(rng.nextLong()));
                case 1 -> out.add(rng.nextInt(-1_000_000, 1_000_000) / Math.pow(10, rng.nextInt(0, 12)));
                case 2 -> out.add(rng.nextLong(1, 1L << 53) * Math.pow(2, rng.nextInt(-1074, 971)));
                default -> out.add(Math.pow(10, rng.nextInt(-330, 310)) * (rng.nextBoolean() ? 1 : -1));
            }
        }
        out.addAll(List.of(1e16, 1e15, 123456789012345.0, 1e-4, 1e-5, 0.0001234, 1e22, 1e23, 2e23, 5e-324, 4e-320, -2.2250738585072014e-308, 2.225073858507201e-308,
                Double.MIN_NORMAL, Double.MAX_VALUE, 9007199254740993.0, 0.1 + 0.2));
        return out;
    }

    @Test
    void fastReprAgreesWithPyFloat() {
        for (double d : samples(30_000)) {
            assertEquals(PyFloat.repr(d), PyNumbers.floatRepr(d), Double.toString(d));
        }
    }

    @Test
    void fastReprAgreesWithPython() throws IOException {
        Python.require();
        List<Double> values = samples(40_000);
        StringBuilder hex = new StringBuilder();
        for (double d : values) {
            hex.append(Long.toHexString(Double.doubleToRawLongBits(d))).append('\n');
        }
        String script = "import struct, sys\n"
                + "for line in sys.stdin.read().split():\n"
                + "    print(repr(struct.unpack('<d', struct.pack('<Q', int(line, 16)))[0]))\n";
        String[] reprs = new String(Python.check(script, hex.toString().getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII).split("\n");
        for (int i = 0; i < values.size(); i++) {
            assertEquals(reprs[i], PyNumbers.floatRepr(values.get(i)), Double.toString(values.get(i)));
        }
    }
}
