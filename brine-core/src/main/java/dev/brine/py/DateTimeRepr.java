package dev.brine.py;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/** Python's reprs of the {@code datetime} module's types, for the java.time values Brine maps them to. */
final class DateTimeRepr {
    private DateTimeRepr() {
    }

    static String repr(Object v) {
        if (v instanceof LocalDate) {
            LocalDate d = (LocalDate) v;
            return "datetime.date(" + d.getYear() + ", " + d.getMonthValue() + ", " + d.getDayOfMonth() + ")";
        }
        if (v instanceof LocalDateTime) {
            return dateTime((LocalDateTime) v, null);
        }
        if (v instanceof OffsetDateTime) {
            OffsetDateTime o = (OffsetDateTime) v;
            return dateTime(o.toLocalDateTime(), o.getOffset());
        }
        if (v instanceof LocalTime) {
            return time((LocalTime) v, null);
        }
        if (v instanceof OffsetTime) {
            OffsetTime o = (OffsetTime) v;
            return time(o.toLocalTime(), o.getOffset());
        }
        if (v instanceof Duration) {
            return timedelta((Duration) v);
        }
        return timezone((ZoneOffset) v);
    }

    private static String dateTime(LocalDateTime t, ZoneOffset tz) {
        StringBuilder out = new StringBuilder("datetime.datetime(");
        out.append(t.getYear()).append(", ").append(t.getMonthValue()).append(", ").append(t.getDayOfMonth())
                .append(", ").append(t.getHour()).append(", ").append(t.getMinute());
        appendSecondsAndZone(out, t.getSecond(), t.getNano() / 1000, tz);
        return out.toString();
    }

    private static String time(LocalTime t, ZoneOffset tz) {
        StringBuilder out = new StringBuilder("datetime.time(");
        out.append(t.getHour()).append(", ").append(t.getMinute());
        appendSecondsAndZone(out, t.getSecond(), t.getNano() / 1000, tz);
        return out.toString();
    }

    private static void appendSecondsAndZone(StringBuilder out, int second, int micros, ZoneOffset tz) {
        if (second != 0 || micros != 0) {
            out.append(", ").append(second);
        }
        if (micros != 0) {
            out.append(", ").append(micros);
        }
        if (tz != null) {
            out.append(", tzinfo=").append(timezone(tz));
        }
        out.append(')');
    }

    private static String timezone(ZoneOffset tz) {
        if (tz.getTotalSeconds() == 0) {
            return "datetime.timezone.utc";
        }
        return "datetime.timezone(" + timedelta(Duration.ofSeconds(tz.getTotalSeconds())) + ")";
    }

    static String timedelta(Duration d) {
        // in seconds first: timedelta.max is about 8.6e19 microseconds, more than a long holds
        long days = Math.floorDiv(d.getSeconds(), 86_400L);
        long seconds = Math.floorMod(d.getSeconds(), 86_400L);
        long us = d.getNano() / 1000; // getNano() is never negative: Duration keeps seconds floored
        if (days == 0 && seconds == 0 && us == 0) {
            return "datetime.timedelta(0)";
        }
        StringBuilder out = new StringBuilder("datetime.timedelta(");
        String sep = "";
        if (days != 0) {
            out.append("days=").append(days);
            sep = ", ";
        }
        if (seconds != 0) {
            out.append(sep).append("seconds=").append(seconds);
            sep = ", ";
        }
        if (us != 0) {
            out.append(sep).append("microseconds=").append(us);
        }
        return out.append(')').toString();
    }
}
