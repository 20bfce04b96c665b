package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * datetime64 values print as numpy prints them, also far outside java.time's range (found by fuzzing
 * ShowPathFuzzTest) and where numpy's 64-bit arithmetic wraps: numpy's own
 * {@code str(np.datetime64(n, '7D'))} is the oracle, for values at and beyond every edge (BC years,
 * leap days, the ends of the range), in each unit, with multipliers 1 and 7.
 */
class TimeFormatRangeTest {
    @Test
    void datesBeyondLocalDatePrintLikeNumpy() throws IOException {
        Python.require("numpy");
        long[] counts = {0, 1, -1, 19_782, -603_888_256_670L, -603_888_256_670L * 86_400, 1L << 62, -(1L << 62),
            Long.MAX_VALUE, Long.MIN_VALUE + 1, 365_243_219_162L, -365_243_219_162L, 1L << 40, -(1L << 40),
            253_402_300_799L, 253_402_300_800L, -62_135_596_801L, 9_223_372_036_854L, -1971, -1970, -1969, -1975,
            -2970, -12_000, -800_000, -719_529, -719_528, 11_016, 10_957, 59, 60, -36_524, 2_932_896, -31_556_952};
        DateTimeUnit[] units = {DateTimeUnit.YEAR, DateTimeUnit.MONTH, DateTimeUnit.WEEK, DateTimeUnit.DAY,
            DateTimeUnit.HOUR, DateTimeUnit.MINUTE, DateTimeUnit.SECOND, DateTimeUnit.MILLISECOND,
            DateTimeUnit.MICROSECOND, DateTimeUnit.NANOSECOND, DateTimeUnit.PICOSECOND, DateTimeUnit.FEMTOSECOND,
            DateTimeUnit.ATTOSECOND};
        List<String> lines = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        for (DateTimeUnit u : units) {
            for (long n : counts) {
                for (int multiplier : new int[] {1, 7}) {
                    lines.add(n + " " + multiplier + u.symbol());
                    mine.add(TimeFormat.isoDate(n, u, multiplier));
                }
            }
        }
        List<String> numpy = Python.eachLine("import numpy as np",
                "str(np.datetime64(int(line.split()[0]), line.split()[1]))", null, lines);
        StringBuilder differ = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (!numpy.get(i).equals(mine.get(i))) {
                differ.append(lines.get(i)).append(": numpy ").append(numpy.get(i)).append(", brine ").append(mine.get(i)).append('\n');
            }
        }
        assertEquals("", differ.toString());
    }
}
