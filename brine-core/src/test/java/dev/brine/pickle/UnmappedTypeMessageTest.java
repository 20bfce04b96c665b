package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "cannot pickle" names a Java type as Java source does ({@code int[]}, not the JVM's {@code [I}),
 * and for the common types without a Python mapping says what to write instead; what it advises is
 * checked against CPython, which reads the advised value as the Python value it stands for.
 */
class UnmappedTypeMessageTest {
    private static String refusal(Object value) {
        return assertThrows(PicklingException.class, () -> Pickle.dumps(value)).getMessage();
    }

    @Test
    void arraysAreNamedAsJavaSourceNamesThem() {
        assertTrue(refusal(new int[] {1}).startsWith("cannot pickle 'int[]': a primitive array has no Python"
                + " counterpart; write NDArray.of(array) for a numpy array"), refusal(new int[] {1}));
        // an array of arrays is an Object[], a tuple: what it cannot write is the double[] inside
        assertTrue(refusal(new double[2][2]).startsWith("cannot pickle 'double[]': a primitive array"),
                refusal(new double[2][2]));
        // a char[] is more often text than numbers; a java.util.Date is an instant
        assertTrue(refusal(new char[] {'a'}).startsWith("cannot pickle 'char[]': a char[] has no Python counterpart;"
                + " write new String(chars) for a Python str"), refusal(new char[] {'a'}));
        assertTrue(refusal(new java.util.Date(0)).startsWith("cannot pickle 'java.util.Date': write"
                + " date.toInstant().atOffset(ZoneOffset.UTC)"), refusal(new java.util.Date(0)));
        // java.sql's have no instant (toInstant() throws for Date and Time): each is advised what it holds
        assertTrue(refusal(new java.sql.Date(0)).startsWith("cannot pickle 'java.sql.Date': write date.toLocalDate()"),
                refusal(new java.sql.Date(0)));
        assertTrue(refusal(new java.sql.Time(0)).startsWith("cannot pickle 'java.sql.Time': write time.toLocalTime()"),
                refusal(new java.sql.Time(0)));
        assertTrue(refusal(new java.sql.Timestamp(0)).startsWith("cannot pickle 'java.sql.Timestamp': write"
                + " date.toInstant().atOffset(ZoneOffset.UTC)"), refusal(new java.sql.Timestamp(0)));
        String nested = refusal(new Nested());
        assertTrue(nested.startsWith("cannot pickle 'dev.brine.pickle.UnmappedTypeMessageTest.Nested': register a writer"),
                nested);
    }

    static final class Nested {
    }

    @Test
    void commonTypesWithoutAMappingSayWhatToWriteAndCPythonReadsThat() throws IOException {
        Python.require();
        Instant instant = Instant.parse("2024-01-02T03:04:05.123456Z");
        ZonedDateTime zoned = ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris"));
        assertTrue(refusal(instant).startsWith("cannot pickle 'java.time.Instant': Python's datetime has no Instant;"
                + " write instant.atOffset(ZoneOffset.UTC)"), refusal(instant));
        assertTrue(refusal(zoned).startsWith("cannot pickle 'java.time.ZonedDateTime': a time zone's rules have no"
                + " pickle mapping; write toOffsetDateTime()"), refusal(zoned));

        byte[] advised = Pickle.dumps(List.of(instant.atOffset(ZoneOffset.UTC), zoned.toOffsetDateTime(),
                zoned.toLocalDateTime()));
        String repr = new String(Python.check("import pickle, sys; v = pickle.loads(sys.stdin.buffer.read());"
                + " print(repr(v[0])); print(repr(v[1])); print(repr(v[2]))", advised), StandardCharsets.UTF_8);
        assertEquals(List.of("datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc)",
                "datetime.datetime(2024, 7, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))",
                "datetime.datetime(2024, 7, 1, 12, 0)"), repr.strip().lines().toList());
    }
}
