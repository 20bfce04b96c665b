package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Copies whose source and destination overlap in the same bytes behave as memmove, as numpy's
 * {@code a[2:10] = a[0:8]} does. The oracle is numpy itself, run live: the same byte pattern and the
 * same assignment, whose resulting bytes must equal Brine's. Storages use 8- and 16-byte chunks so
 * the ranges cross chunk edges, forwards and backwards, within one storage, between two views of
 * one parent, and through an NDArray element set from a view of its own bytes.
 */
class OverlappingCopyOracleTest {
    private static final int SIZE = 70;
    private static final int[] SHIFTS = {3, 4, Storage.DEFAULT_CHUNK_SHIFT};
    private static final byte[] PATTERN = new byte[SIZE];
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void pattern() {
        new Random(2026).nextBytes(PATTERN);
        Python.require("numpy");
    }

    /** Cases {@code "src dst length"}: every direction and distance, short and across several chunks. */
    private static List<int[]> cases() {
        List<int[]> out = new ArrayList<>();
        for (int[] c : new int[][] {{0, 2, 8}, {2, 0, 8}, {0, 1, 69}, {1, 0, 69}, {3, 11, 40}, {11, 3, 40},
                {5, 21, 30}, {21, 5, 30}, {7, 8, 60}, {8, 7, 60}, {0, 35, 35}, {35, 0, 35}, {9, 9, 50}}) {
            out.add(c);
        }
        Random r = new Random(17);
        while (out.size() < 200) {
            int n = 1 + r.nextInt(SIZE - 1);
            int src = r.nextInt(SIZE - n + 1);
            int dst = Math.max(0, Math.min(SIZE - n, src + r.nextInt(2 * n + 1) - n)); // mostly overlapping
            out.add(new int[] {src, dst, n});
        }
        return out;
    }

    /** What numpy leaves in the pattern after {@code a[dst:dst+n] = a[src:src+n]}, per case, in hex. */
    private static List<String> numpyAfterSliceAssignment(List<int[]> cases) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int[] c : cases) {
            lines.add(c[0] + " " + c[1] + " " + c[2]);
        }
        String setup = String.join("\n",
                "import numpy as np",
                "PATTERN = bytes.fromhex('" + HEX.formatHex(PATTERN) + "')",
                "def moved(line):",
                "    s, d, n = map(int, line.split())",
                "    a = np.frombuffer(bytearray(PATTERN), dtype=np.uint8)",
                "    a[d:d + n] = a[s:s + n]",
                "    return a.tobytes().hex()");
        return Python.eachLine(setup, "moved(line)", null, lines);
    }

    private static Storage filled(int shift) {
        Storage s = Storage.allocate(SIZE, shift);
        s.put(0, PATTERN, 0, SIZE);
        return s;
    }

    private static String hex(Storage s) {
        byte[] b = new byte[(int) s.size()];
        s.get(0, b, 0, b.length);
        return HEX.formatHex(b);
    }

    @Test
    void overlappingCopyWithinOneStorageIsAMemmove() throws IOException {
        List<int[]> cases = cases();
        List<String> expected = numpyAfterSliceAssignment(cases);
        for (int shift : SHIFTS) {
            for (int i = 0; i < cases.size(); i++) {
                int[] c = cases.get(i);
                Storage s = filled(shift);
                s.copyTo(c[0], s, c[1], c[2]);
                assertEquals(expected.get(i), hex(s), "a[" + c[1] + ":+" + c[2] + "] = a[" + c[0] + ":+" + c[2]
                        + "] over chunks of 2^" + shift);
            }
        }
    }

    @Test
    void overlappingCopyBetweenTwoViewsOfOneParentIsAMemmove() throws IOException {
        List<int[]> cases = cases();
        List<String> expected = numpyAfterSliceAssignment(cases);
        Random r = new Random(5);
        for (int shift : SHIFTS) {
            for (int i = 0; i < cases.size(); i++) {
                int[] c = cases.get(i);
                Storage s = filled(shift);
                // each view starts somewhere at or before its range and ends somewhere at or after it
                int srcLo = r.nextInt(c[0] + 1);
                int dstLo = r.nextInt(c[1] + 1);
                Storage from = s.view(srcLo, c[0] + c[2] - srcLo + r.nextInt(SIZE - c[0] - c[2] + 1));
                Storage to = s.view(dstLo, c[1] + c[2] - dstLo + r.nextInt(SIZE - c[1] - c[2] + 1));
                // and a view of a view, so the offsets of both levels count
                Storage inner = from.view(0, from.size());
                inner.copyTo(c[0] - srcLo, to, c[1] - dstLo, c[2]);
                assertEquals(expected.get(i), hex(s), "view@" + srcLo + "[" + (c[0] - srcLo) + ":+" + c[2] + "] -> view@"
                        + dstLo + "[" + (c[1] - dstLo) + "] over chunks of 2^" + shift);
            }
        }
    }

    /**
     * The NDArray operation that copies storage to storage where both can be one: a record's subarray
     * field set from an array over the record array's own bytes, as numpy's
     * {@code rec['a'][k] = rec.view(np.uint8)[src:src+L]}.
     */
    @Test
    void aSubarrayFieldSetFromAViewOfItsOwnArrayIsAMemmove() throws IOException {
        int width = 10; // one record: a 10-byte subarray field; 7 records fill the pattern
        DType record = DType.struct().add("a", DType.subarray(DType.UINT8, width)).build();
        List<String> lines = new ArrayList<>();
        List<int[]> cases = new ArrayList<>();
        for (int k = 0; k < SIZE / width; k++) {
            for (int src = 0; src + width <= SIZE; src++) {
                if (Math.abs(src - k * width) < width) { // overlapping only
                    cases.add(new int[] {src, k});
                    lines.add(src + " " + k);
                }
            }
        }
        String setup = String.join("\n",
                "import numpy as np",
                "PATTERN = bytes.fromhex('" + HEX.formatHex(PATTERN) + "')",
                "def moved(line):",
                "    s, k = map(int, line.split())",
                "    rec = np.frombuffer(bytearray(PATTERN), dtype=[('a', 'u1', (" + width + ",))])",
                "    rec['a'][k] = rec.view(np.uint8)[s:s + " + width + "]",
                "    return rec.tobytes().hex()");
        List<String> expected = Python.eachLine(setup, "moved(line)", null, lines);
        for (int shift : SHIFTS) {
            for (int i = 0; i < cases.size(); i++) {
                int src = cases.get(i)[0];
                int k = cases.get(i)[1];
                Storage s = filled(shift);
                NDArray rec = NDArray.wrap(record, Order.C, new long[] {SIZE / width}, s);
                NDArray value = NDArray.wrap(DType.UINT8, Order.C, new long[] {width}, s.view(src, width));
                rec.set(Map.of("a", value), k);
                assertEquals(expected.get(i), hex(s), "rec['a'][" + k + "] = bytes[" + src + ":+" + width
                        + "] over chunks of 2^" + shift);
            }
        }
    }
}
