package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklingException;
import dev.brine.testing.Python;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * java.time values against CPython's datetime at protocols 0 to 5: Brine's bytes are CPython's,
 * or both refuse. Python holds years 1 to 9999 and timedeltas within 999,999,999 days; Brine must
 * refuse the rest with a PicklingException naming the value, not wrap the packed year or write a
 * timedelta CPython cannot load. Java's nanoseconds are truncated toward zero to microseconds: the
 * Python side is built from the same truncation, so the normalization ({@code 0 <= seconds < 86400},
 * {@code 0 <= microseconds < 10**6}) is CPython's own.
 */
class DateTimesDifferentialTest {
    private static final long MAX_DAYS = 999_999_999L;

    private static final String SETUP = String.join("\n",
            "import pickle",
            "from datetime import date, datetime, time, timedelta, timezone",
            "def td(s, n):  # Duration.ofSeconds(s, n), truncated toward zero to microseconds",
            "    ns = s * 10**9 + n",
            "    return timedelta(microseconds=ns // 1000 if ns >= 0 else -(-ns // 1000))",
            "def tz(s):",
            "    return timezone(timedelta(seconds=s))");

    /** Python expression to the Java value that must pickle the same, or be refused when Python refuses. */
    private static Map<String, Object> cases() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("date(1, 1, 1)", LocalDate.of(1, 1, 1));
        c.put("date(9999, 12, 31)", LocalDate.of(9999, 12, 31));
        c.put("date(2024, 2, 29)", LocalDate.of(2024, 2, 29));
        c.put("date(0, 1, 1)", LocalDate.of(0, 1, 1));
        c.put("date(10000, 1, 1)", LocalDate.of(10000, 1, 1));
        c.put("date(65537, 1, 1)", LocalDate.of(65537, 1, 1));
        c.put("date(-1, 1, 1)", LocalDate.of(-1, 1, 1));
        c.put("datetime(1, 1, 1)", LocalDateTime.of(1, 1, 1, 0, 0));
        c.put("datetime(9999, 12, 31, 23, 59, 59, 999999)", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999));
        c.put("datetime(0, 12, 31, 23, 59)", LocalDateTime.of(0, 12, 31, 23, 59));
        c.put("datetime(10000, 1, 1)", LocalDateTime.of(10000, 1, 1, 0, 0));
        c.put("datetime(2020, 5, 6, 7, 8, 9, 10, tz(-3601))",
                OffsetDateTime.of(2020, 5, 6, 7, 8, 9, 10_999, ZoneOffset.ofTotalSeconds(-3601)));
        c.put("datetime(9999, 12, 31, 23, 0, tzinfo=tz(18 * 3600))",
                OffsetDateTime.of(9999, 12, 31, 23, 0, 0, 0, ZoneOffset.MAX));
        c.put("datetime(1, 1, 1, tzinfo=tz(-18 * 3600))", OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.MIN));
        c.put("datetime(10000, 1, 1, tzinfo=tz(0))", OffsetDateTime.of(10000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        c.put("time(23, 59, 59, 999999)", LocalTime.of(23, 59, 59, 999_999_999));
        c.put("time(0, 0, 0, 0, tz(45))", OffsetTime.of(0, 0, 0, 999, ZoneOffset.ofTotalSeconds(45)));
        c.put("tz(-59)", ZoneOffset.ofTotalSeconds(-59));
        c.put("td(" + MAX_DAYS * 86_400 + " + 86399, 999999999)", Duration.ofDays(MAX_DAYS).plusSeconds(86_399).plusNanos(999_999_999));
        c.put("td(" + (MAX_DAYS + 1) * 86_400 + ", 0)", Duration.ofDays(MAX_DAYS + 1));
        c.put("td(" + -MAX_DAYS * 86_400 + ", 0)", Duration.ofDays(-MAX_DAYS));
        c.put("td(" + -MAX_DAYS * 86_400 + " - 1, 999999999)", Duration.ofDays(-MAX_DAYS).minusNanos(1));
        c.put("td(" + -MAX_DAYS * 86_400 + " - 1, 999999000)", Duration.ofDays(-MAX_DAYS).minusNanos(1000));
        c.put("td(" + Long.MAX_VALUE + ", 999999999)", Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
        c.put("td(" + Long.MIN_VALUE + ", 0)", Duration.ofSeconds(Long.MIN_VALUE));
        for (long s : new long[] {0, 1, -1, 59, -59, 86_399, -86_399, 86_400, -86_400, -86_401, 123_456_789, -123_456_789}) {
            for (int n : new int[] {0, 1, 999, 1000, 1500, 500_000_000, 999_999_000, 999_999_999}) {
                c.put("td(" + s + ", " + n + ")", Duration.ofSeconds(s, n));
            }
        }
        return c;
    }

    @Test
    void javaTimeValuesPickleAsCPythonsOrBothRefuse() throws IOException {
        Python.require();
        Map<String, Object> cases = cases();
        List<String> lines = new ArrayList<>();
        for (String expr : cases.keySet()) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + "\t" + expr);
            }
        }
        List<String> expected = Python.eachLine(SETUP,
                "pickle.dumps(eval(line.split('\\t')[1]), int(line.split('\\t')[0])).hex()",
                "(ValueError, OverflowError)", lines);
        List<String> differences = new ArrayList<>();
        int i = 0;
        for (Object value : cases.values()) {
            for (int p = 0; p <= 5; p++, i++) {
                String brine = brine(value, p);
                if (!brine.equals(expected.get(i))) {
                    differences.add(lines.get(i) + " (" + value + ")\n  CPython " + expected.get(i) + "\n  Brine   " + brine);
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    /** The pickle in hex, or "-" when Brine refuses the value, as it must: with a PicklingException naming it. */
    private static String brine(Object value, int protocol) {
        try {
            return HexFormat.of().formatHex(Pickle.dumps(value, protocol));
        } catch (PicklingException e) {
            assertTrue(e.getMessage().contains(value.toString()), e.getMessage());
            return "-";
        } catch (Exception e) {
            throw new AssertionError("not refused with a PicklingException: " + value, e);
        }
    }

    @Test
    void outOfRangeYearsAreRefusedNotWrapped() {
        // two bytes of year: 65537 would load as year 1, -1 as year 65535
        PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(LocalDate.of(65537, 1, 1), 4));
        assertEquals("cannot pickle LocalDate +65537-01-01: Python's datetime holds years 1 to 9999 only", e.getMessage());
        e = assertThrows(PicklingException.class, () -> Pickle.dumps(List.of(LocalDateTime.of(-1, 1, 1, 0, 0)), 2));
        assertTrue(e.getMessage().contains("LocalDateTime -0001-01-01T00:00"), e.getMessage());
    }

    @Test
    void durationsBeyondPythonsRangeAreRefused() {
        PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(Duration.ofDays(1_000_000_000L), 5));
        assertTrue(e.getMessage().startsWith("cannot pickle Duration PT24000000000H: a Python timedelta spans at most"),
                e.getMessage());
    }
}
