package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** datetime64 values far outside java.time's range print as numpy prints them (found by fuzzing ShowPathFuzzTest). */
class TimeFormatRangeTest {
    @Test
    void datesBeyondLocalDatePrintLikeNumpy() {
        // expected values from numpy 2.4: repr(np.array([n], dtype='datetime64[D]'))
        assertEquals("-1653387920-08-16", TimeFormat.isoDate(-603_888_256_670L, DateTimeUnit.DAY, 1));
        assertEquals("12626367463885247-04-15", TimeFormat.isoDate(1L << 62, DateTimeUnit.DAY, 1));
        assertEquals("4611686018427389874", TimeFormat.isoDate(1L << 62, DateTimeUnit.YEAR, 1));
        assertEquals("-1653387920-08-16T00:00:00", TimeFormat.isoDate(-603_888_256_670L * 86_400, DateTimeUnit.SECOND, 1));
        assertEquals("2024-02-29", TimeFormat.isoDate(19_782, DateTimeUnit.DAY, 1));
    }
}
