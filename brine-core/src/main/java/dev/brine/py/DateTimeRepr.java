package dev.brine.py;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/** Python's reprs and strs of the {@code datetime} module's types, for the java.time values Brine maps them to. */
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

    /**
     * Python's {@code str()} of a date, time, datetime, timedelta or timezone: the ISO text of the first three
     * ({@code 2020-01-02 03:04:05.000006+01:00}, a space between date and time), {@code 1 day, 2:03:04} for a
     * timedelta and {@code UTC+01:00} for a timezone.
     */
    static String str(Object v) {
        if (v instanceof LocalDate) {
            return isoDate((LocalDate) v);
        }
        if (v instanceof LocalDateTime) {
            LocalDateTime t = (LocalDateTime) v;
            return isoDate(t.toLocalDate()) + " " + isoTime(t.toLocalTime(), null);
        }
        if (v instanceof OffsetDateTime) {
            OffsetDateTime o = (OffsetDateTime) v;
            return isoDate(o.toLocalDate()) + " " + isoTime(o.toLocalTime(), o.getOffset());
        }
        if (v instanceof LocalTime) {
            return isoTime((LocalTime) v, null);
        }
        if (v instanceof OffsetTime) {
            OffsetTime o = (OffsetTime) v;
            return isoTime(o.toLocalTime(), o.getOffset());
        }
        if (v instanceof Duration) {
            return timedeltaStr((Duration) v);
        }
        ZoneOffset tz = (ZoneOffset) v;
        return tz.getTotalSeconds() == 0 ? "UTC" : "UTC" + offset(tz); // timezone's tzname: _name_from_offset
    }

    private static String isoDate(LocalDate d) {
        return String.format("%04d-%02d-%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
    }

    /** {@code time.isoformat()}: the microseconds only when there are some, the offset only with a zone. */
    private static String isoTime(LocalTime t, ZoneOffset tz) {
        String s = String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        int micros = t.getNano() / 1000;
        if (micros != 0) {
            s += String.format(".%06d", micros);
        }
        return tz == null ? s : s + offset(tz);
    }

    /** An offset as isoformat and timezone's name write it: {@code +01:00}, with {@code :SS} only when not whole minutes. */
    private static String offset(ZoneOffset tz) {
        int total = tz.getTotalSeconds();
        int abs = Math.abs(total);
        String s = String.format("%c%02d:%02d", total < 0 ? '-' : '+', abs / 3600, abs / 60 % 60);
        return abs % 60 == 0 ? s : s + String.format(":%02d", abs % 60);
    }

    /** {@code str(timedelta)}: {@code -1 day, 23:59:59.999999}, the days only when there are some. */
    private static String timedeltaStr(Duration d) {
        long days = Math.floorDiv(d.getSeconds(), 86_400L); // as in timedelta, only the days are negative
        long seconds = Math.floorMod(d.getSeconds(), 86_400L);
        long us = d.getNano() / 1000;
        String s = String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        if (days != 0) {
            s = days + (Math.abs(days) != 1 ? " days, " : " day, ") + s;
        }
        return us == 0 ? s : s + String.format(".%06d", us);
    }

    private static final Global DATETIME = new Global("datetime", "datetime");
    private static final Global TIME = new Global("datetime", "time");
    private static final Global ZONEINFO_UNPICKLE = new Global("zoneinfo", "ZoneInfo._unpickle");

    /**
     * Python's repr of a datetime or time that Brine keeps inert because its zone is not a fixed offset (a
     * {@code zoneinfo.ZoneInfo}, a named {@code datetime.timezone}, pytz): {@code datetime.datetime(2020, 5, 6, 7, 8,
     * tzinfo=zoneinfo.ZoneInfo(key='America/New_York'))} rather than the packed bytes it is pickled as, as the text
     * before the zone, the zone, and the text after it. Null for any other object, and for bytes that are no valid
     * date (which then show as they are).
     */
    static Inert inert(GenericObject g) {
        boolean dateTime = DATETIME.equals(g.callable());
        if (!(dateTime || TIME.equals(g.callable())) || g.args().size() != 2 || !(g.args().get(0) instanceof byte[])
                || g.hasState() || (g.kwargs() != null && !g.kwargs().isEmpty())) {
            return null;
        }
        byte[] p = (byte[]) g.args().get(0);
        if (p.length != (dateTime ? 10 : 6)) {
            return null;
        }
        int at = dateTime ? 4 : 0; // a datetime's time of day follows its 4 bytes of date
        int hour = p[at] & (dateTime ? 0xff : 0x7f);
        int minute = p[at + 1] & 0xff;
        int second = p[at + 2] & 0xff;
        int micros = (p[at + 3] & 0xff) << 16 | (p[at + 4] & 0xff) << 8 | p[at + 5] & 0xff;
        boolean fold = ((dateTime ? p[2] : p[0]) & 0x80) != 0; // the fold flag rides on the month's or the hour's byte
        int year = (p[0] & 0xff) << 8 | p[1] & 0xff;
        int month = p[2] & 0x7f;
        int day = p[3] & 0xff;
        if (hour > 23 || minute > 59 || second > 59 || micros > 999_999
                || dateTime && (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1
                        || day > java.time.YearMonth.of(year, month).lengthOfMonth())) {
            return null;
        }
        StringBuilder out = new StringBuilder(dateTime ? "datetime.datetime(" : "datetime.time(");
        if (dateTime) {
            out.append(year).append(", ").append(month).append(", ").append(day).append(", ");
        }
        out.append(hour).append(", ").append(minute);
        if (second != 0 || micros != 0) {
            out.append(", ").append(second);
        }
        if (micros != 0) {
            out.append(", ").append(micros);
        }
        // Python's order: a datetime says fold before its zone, a time after it
        Object tz = g.args().get(1);
        return new Inert(out.append(dateTime && fold ? ", fold=1" : "").toString(), tz, zoneInfo(tz),
                (!dateTime && fold ? ", fold=1" : "") + ")");
    }

    /**
     * An inert datetime's repr in parts: {@code head}, then {@code , tzinfo=} and the zone, then {@code tail}. The
     * zone is {@code zoneText} when that is not null (zoneinfo's, as Python prints it); otherwise it is the object the
     * pickle holds, which the caller writes within its own bounds (it may refer back to the datetime).
     */
    record Inert(String head, Object zone, String zoneText, String tail) {
    }

    /** A zoneinfo zone's repr as Python gives it, or null for any other zone. */
    private static String zoneInfo(Object tz) {
        if (tz instanceof GenericObject && ZONEINFO_UNPICKLE.equals(((GenericObject) tz).callable())
                && ((GenericObject) tz).args().size() == 2 && ((GenericObject) tz).args().get(0) instanceof String) {
            return "zoneinfo.ZoneInfo(key=" + PythonRepr.brief(((GenericObject) tz).args().get(0)) + ")"; // a str: flat
        }
        return null;
    }
}
