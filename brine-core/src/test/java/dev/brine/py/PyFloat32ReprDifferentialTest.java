package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PyFloat#repr(float)} claimed numpy's text of a float32 but switched to exponent form where Python's float
 * does (past 1e16, below 1e-4 by its digits): 1e6f gave {@code 1000000.0} where numpy gives {@code 1e+06}, and float32
 * 0.0001 (just below 1e-4) {@code 0.0001} where numpy gives {@code 1e-04}; about 13% of random float32 differed.
 * Oracle: numpy's {@code str(np.float32(x))} of the same bits (the text inside numpy 2's repr).
 */
class PyFloat32ReprDifferentialTest {
    @Test
    void float32TextIsNumpys() throws Exception {
        Python.require("numpy");
        List<Integer> bits = new ArrayList<>();
        for (float f : new float[] {1e6f, 999999.94f, 1e-4f, Math.nextDown(1e-4f), Math.nextUp(1e-4f), 0.0001f,
                -1.4824577e12f, 8384104.5f, 123456.7f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, 0.1f,
                1f / 3, 16777216f, 0f, -0f, 1f, -1e-45f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
            bits.add(Float.floatToRawIntBits(f));
        }
        SplittableRandom random = new SplittableRandom(20261130);
        for (int i = 0; i < 20_000; i++) {
            bits.add(random.nextInt()); // every exponent, subnormals and NaN payloads alike
        }
        for (int i = 0; i < 5_000; i++) { // and many near the two switches, 1e-4 and 1e6
            float near = i % 2 == 0 ? 1e6f : 1e-4f;
            bits.add(Float.floatToRawIntBits(near) + random.nextInt(-200, 200));
        }
        List<String> lines = new ArrayList<>();
        for (int b : bits) {
            lines.add(Integer.toUnsignedString(b));
        }
        List<String> numpy = Python.eachLine("import numpy as np",
                "str(np.array([int(line)], np.uint32).view(np.float32)[0])", null, lines);
        int differ = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < bits.size(); i++) {
            float f = Float.intBitsToFloat(bits.get(i));
            String brine = PyFloat.repr(f);
            if (!brine.equals(numpy.get(i))) {
                if (differ++ < 10) {
                    first.append(String.format("%08x: brine %s, numpy %s%n", bits.get(i), brine, numpy.get(i)));
                }
            }
        }
        assertEquals(0, differ, differ + " of " + bits.size() + " differ:\n" + first);
    }
}
