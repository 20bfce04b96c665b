package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * Python's {@code datetime} types as java.time values, both ways. CPython pickles date, datetime
 * and time as packed bytes ({@code datetime(b'\x07\xe4\x01\x02...', tz)}), timedelta as
 * {@code (days, seconds, microseconds)} and a fixed-offset timezone as {@code (timedelta,)}.
 * Naive values map to Local* types and aware ones to Offset* types, so the two never mix.
 * Java's nanoseconds are truncated (toward zero) to Python's microseconds on writing.
 *
 * <p>Writing refuses what Python cannot hold, rather than let the packed bytes wrap: dates and
 * datetimes outside years 1 to 9999, and durations beyond 999,999,999 days either way. Every
 * {@link ZoneOffset} fits a Python timezone (within 18 hours, whole seconds).
 *
 * <p>Fold: at protocol 4 and above CPython sets the top bit of a state byte for {@code fold=1}.
 * java.time has no fold, so a naive or fixed-offset datetime or time with {@code fold=1} reads as
 * its java.time value and writes back with {@code fold=0}. Nothing else changes for such values
 * (fold only picks an offset in a zone with transitions; Python compares them equal), and a value
 * whose zone Brine keeps inert (zoneinfo, pytz) keeps its state bytes, fold included.
 */
final class DateTimes {
    static final Global DATE = new Global("datetime", "date");
    static final Global DATETIME = new Global("datetime", "datetime");
    static final Global TIME = new Global("datetime", "time");
    static final Global TIMEDELTA = new Global("datetime", "timedelta");
    static final Global TIMEZONE = new Global("datetime", "timezone");

    private DateTimes() {
    }

    static void addTo(ClassRegistry.Builder b) {
        b.registerCallable(new SimpleCallable("datetime", "date", DateTimes::date));
        b.registerCallable(new SimpleCallable("datetime", "datetime", DateTimes::dateTime));
        b.registerCallable(new SimpleCallable("datetime", "time", DateTimes::time));
        b.registerCallable(new SimpleCallable("datetime", "timedelta", DateTimes::timedelta));
        b.registerCallable(new SimpleCallable("datetime", "timezone", DateTimes::timezone));
        b.registerWriter(LocalDate.class, d -> Reduction.call(DATE, (Object) dateBytes(d, d)));
        b.registerWriter(LocalDateTime.class, d -> Reduction.call(DATETIME, (Object) dateTimeBytes(d, d)));
        b.registerWriter(OffsetDateTime.class, d -> Reduction.call(DATETIME, dateTimeBytes(d.toLocalDateTime(), d),
                d.getOffset()));
        b.registerWriter(LocalTime.class, t -> Reduction.call(TIME, (Object) timeBytes(t)));
        b.registerWriter(OffsetTime.class, t -> Reduction.call(TIME, timeBytes(t.toLocalTime()), t.getOffset()));
        b.registerWriter(Duration.class, DateTimes::reduceTimedelta);
        b.registerWriter(ZoneOffset.class, DateTimes::reduceTimezone);
    }

    private static Reduction reduceTimedelta(Duration d) throws BrineException {
        Duration us = truncatedToMicros(d);
        // Duration's nanoseconds are never negative, so floor division of the seconds normalizes it as Python
        // does (0 <= seconds < 86400); counting in microseconds would overflow beyond about 106,000 days
        long days = Math.floorDiv(us.getSeconds(), 86_400L);
        if (Math.abs(days) > MAX_DAYS) {
            // CPython could write no such timedelta, and cannot load one: OverflowError
            throw new BrineException("cannot pickle Duration " + d + ": a Python timedelta spans at most "
                    + MAX_DAYS + " days either way (this is " + days + " days)");
        }
        long seconds = Math.floorMod(us.getSeconds(), 86_400L);
        return Reduction.call(TIMEDELTA, days, seconds, (long) (us.getNano() / 1000));
    }

    /**
     * {@code d} truncated toward zero to whole microseconds, as times are: -1.5 us writes as -1 us, the
     * negation of what 1.5 us writes. (Duration.truncatedTo does not: it truncates the part within a
     * day, so -86399.999999999 s becomes -86400 s.) A Duration's nanoseconds count up from the floor
     * second, so a negative one rounds them up; neither way can overflow.
     */
    private static Duration truncatedToMicros(Duration d) {
        int rest = d.getNano() % 1000;
        if (rest == 0) {
            return d;
        }
        return d.isNegative() ? d.plusNanos(1000 - rest) : d.minusNanos(rest);
    }

    /**
     * {@code timezone(timedelta)} with a timedelta object of its own, as every CPython timezone has: the
     * offset must not be a Duration the graph may also hold (Duration.ZERO is a singleton, so UTC would
     * otherwise be written as a memo reference to an unrelated timedelta(0)).
     */
    private static Reduction reduceTimezone(ZoneOffset z) throws BrineException {
        Reduction offset = reduceTimedelta(Duration.ofSeconds(z.getTotalSeconds()));
        return Reduction.call(TIMEZONE, GenericObject.reduced(TIMEDELTA, offset.args()));
    }

    /** Python's {@code datetime.MINYEAR} and {@code MAXYEAR}. */
    private static final int MIN_YEAR = 1;
    private static final int MAX_YEAR = 9999;

    /** The packed date of {@code value}, whose date part is {@code d}; the year takes two bytes, so check it. */
    private static byte[] dateBytes(LocalDate d, Object value) throws BrineException {
        if (d.getYear() < MIN_YEAR || d.getYear() > MAX_YEAR) {
            // two bytes would wrap it to another year (65537 as 1, -1 as 65535), or give a date Python refuses
            throw new BrineException("cannot pickle " + value.getClass().getSimpleName() + " " + value
                    + ": Python's datetime holds years " + MIN_YEAR + " to " + MAX_YEAR + " only");
        }
        return new byte[] {(byte) (d.getYear() >> 8), (byte) d.getYear(), (byte) d.getMonthValue(), (byte) d.getDayOfMonth()};
    }

    private static byte[] dateTimeBytes(LocalDateTime t, Object value) throws BrineException {
        byte[] out = new byte[10];
        System.arraycopy(dateBytes(t.toLocalDate(), value), 0, out, 0, 4);
        System.arraycopy(timeBytes(t.toLocalTime()), 0, out, 4, 6);
        return out;
    }

    private static byte[] timeBytes(LocalTime t) {
        int us = t.getNano() / 1000;
        return new byte[] {(byte) t.getHour(), (byte) t.getMinute(), (byte) t.getSecond(),
            (byte) (us >> 16), (byte) (us >> 8), (byte) us};
    }

    /** The packed state: bytes, or (from Python 2 pickles read as latin-1) a str of the same code units. */
    private static byte[] packed(Object v, int size) {
        if (v instanceof byte[] && ((byte[]) v).length == size) {
            return (byte[]) v;
        }
        if (v instanceof String && ((String) v).length() == size) {
            String s = (String) v;
            for (int i = 0; i < size; i++) {
                if (s.charAt(i) > 0xff) {
                    return null;
                }
            }
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    private static Object date(Tuple a) throws BrineException {
        try {
            byte[] p = a.size() == 1 ? packed(a.get(0), 4) : null;
            if (p != null) {
                return checkedDate(packedYear(p, "datetime.date"), u8(p, 2), u8(p, 3), "datetime.date");
            }
            if (a.size() == 3) {
                return checkedDate(intArg(a, 0), intArg(a, 1), intArg(a, 2), "datetime.date");
            }
        } catch (DateTimeException e) {
            throw new BrineException("datetime.date: " + e.getMessage());
        }
        throw new BrineException("datetime.date arguments not understood: " + PythonRepr.brief(a));
    }

    /**
     * The year of a packed state, in Python's range. CPython loads any of the 65,536 two bytes hold (year 0, 34788)
     * without a check, into a date whose arithmetic then fails; Java's types would hold it, but Brine could not
     * write it back (see dateBytes), so it is refused here, where the file is read.
     */
    private static int packedYear(byte[] p, String what) throws BrineException {
        int y = u8(p, 0) << 8 | u8(p, 1);
        if (y < MIN_YEAR || y > MAX_YEAR) {
            throw new BrineException(what + ": year " + y + " in the pickled state is outside Python's " + MIN_YEAR
                    + " to " + MAX_YEAR);
        }
        return y;
    }

    /**
     * The nanoseconds of a packed state's three microsecond bytes. CPython loads a state of up to 16,777,215
     * microseconds without a check (the object then misbehaves); Java's types hold at most 999,999, and the
     * product in int arithmetic wrapped above 2,147,483, to a wrong value that loaded without a word.
     */
    private static int packedNanos(byte[] p, int at, String what) throws BrineException {
        int us = u8(p, at) << 16 | u8(p, at + 1) << 8 | u8(p, at + 2);
        if (us > MAX_MICROSECOND) {
            throw new BrineException(what + ": microsecond " + us + " in the pickled state is beyond 999999, which Java's"
                    + " time types cannot hold");
        }
        return us * 1000;
    }

    private static final int MAX_MICROSECOND = 999_999;

    /**
     * The time fields of {@code time(hour, minute, second, microsecond)} or of {@code datetime(...)} from argument
     * {@code from} on, as CPython's constructors take them: each optional (0), each checked against its range.
     */
    private static LocalTime timeFields(Tuple a, int from, String what) throws BrineException {
        int[] f = new int[4];
        for (int i = 0; i < 4 && from + i < a.size(); i++) {
            f[i] = intArg(a, from + i);
        }
        return checkedTime(f[0], f[1], f[2], f[3], what);
    }

    /**
     * The date, its fields checked in CPython's order with its ValueError's words ({@code check_date_args}): a
     * packed state's as well, which CPython loads unchecked (the day of a packed February 30 too).
     */
    private static LocalDate checkedDate(int year, int month, int day, String what) throws BrineException {
        if (year < MIN_YEAR || year > MAX_YEAR) {
            throw new BrineException(what + ": year " + year + " is out of range");
        }
        if (month < 1 || month > 12) {
            throw new BrineException(what + ": month must be in 1..12");
        }
        if (day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            throw new BrineException(what + ": day is out of range for month");
        }
        return LocalDate.of(year, month, day);
    }

    /** The time, its fields checked in CPython's order with its words ({@code check_time_args}). */
    private static LocalTime checkedTime(int hour, int minute, int second, int microsecond, String what)
            throws BrineException {
        if (hour < 0 || hour > 23) {
            throw new BrineException(what + ": hour must be in 0..23");
        }
        if (minute < 0 || minute > 59) {
            throw new BrineException(what + ": minute must be in 0..59");
        }
        if (second < 0 || second > 59) {
            throw new BrineException(what + ": second must be in 0..59");
        }
        if (microsecond < 0 || microsecond > MAX_MICROSECOND) {
            throw new BrineException(what + ": microsecond must be in 0..999999");
        }
        return LocalTime.of(hour, minute, second, microsecond * 1000);
    }

    /** The tzinfo argument {@code i} of a call by fields, if any: None, a timezone, or an inert tzinfo. */
    private static Object tzinfoArg(Tuple a, int i, String what) throws BrineException {
        Object tz = i < a.size() ? a.get(i) : null;
        if (tz == null || tz instanceof ZoneOffset || tz instanceof GenericObject) {
            return tz;
        }
        // CPython's TypeError
        throw new BrineException(what + ": tzinfo argument must be None or of a tzinfo subclass, not " + PythonRepr.brief(tz));
    }

    /** Whether {@code a} calls a datetime type by its fields (ints first) rather than with a packed state. */
    private static boolean byFields(Tuple a) {
        return a.isEmpty() || a.get(0) instanceof Long || a.get(0) instanceof Boolean;
    }

    private static Object dateTime(Tuple a) throws BrineException {
        try {
            byte[] p = a.size() >= 1 && a.size() <= 2 ? packed(a.get(0), 10) : null;
            if (p != null) {
                int month = u8(p, 2) & 0x7f; // the top bit is the fold flag (protocol 4+)
                LocalDateTime t = LocalDateTime.of(checkedDate(packedYear(p, "datetime.datetime"), month, u8(p, 3),
                        "datetime.datetime"), checkedTime(u8(p, 4), u8(p, 5), u8(p, 6),
                        packedNanos(p, 7, "datetime.datetime") / 1000, "datetime.datetime"));
                return withZone(t, tzinfo(a, "datetime.datetime"), a);
            }
            if (a.size() >= 3 && a.size() <= 8 && byFields(a)) { // datetime(year, month, day[, h, m, s, us[, tzinfo]])
                LocalDateTime t = LocalDateTime.of(checkedDate(intArg(a, 0), intArg(a, 1), intArg(a, 2), "datetime.datetime"),
                        timeFields(a, 3, "datetime.datetime"));
                return withZone(t, tzinfoArg(a, 7, "datetime.datetime"), a);
            }
        } catch (DateTimeException e) {
            throw new BrineException("datetime.datetime: " + e.getMessage());
        }
        throw new BrineException("datetime.datetime arguments not understood: " + PythonRepr.brief(a));
    }

    private static Object withZone(LocalDateTime t, Object tz, Tuple a) {
        if (tz == null) {
            return t;
        }
        if (tz instanceof ZoneOffset) {
            return OffsetDateTime.of(t, (ZoneOffset) tz);
        }
        return GenericObject.reduced(DATETIME, a); // a zone Java cannot hold (zoneinfo, pytz): keep it inert
    }

    private static Object withZone(LocalTime t, Object tz, Tuple a) {
        if (tz == null) {
            return t;
        }
        if (tz instanceof ZoneOffset) {
            return OffsetTime.of(t, (ZoneOffset) tz);
        }
        return GenericObject.reduced(TIME, a); // a zone Java cannot hold: keep it inert
    }

    private static Object time(Tuple a) throws BrineException {
        try {
            byte[] p = a.size() >= 1 && a.size() <= 2 ? packed(a.get(0), 6) : null;
            if (p != null) {
                LocalTime t = checkedTime(u8(p, 0) & 0x7f, u8(p, 1), u8(p, 2), packedNanos(p, 3, "datetime.time") / 1000,
                        "datetime.time");
                return withZone(t, tzinfo(a, "datetime.time"), a);
            }
            if (a.size() <= 5 && byFields(a)) { // time([hour[, minute[, second[, microsecond[, tzinfo]]]]])
                return withZone(timeFields(a, 0, "datetime.time"), tzinfoArg(a, 4, "datetime.time"), a);
            }
        } catch (DateTimeException e) {
            throw new BrineException("datetime.time: " + e.getMessage());
        }
        throw new BrineException("datetime.time arguments not understood: " + PythonRepr.brief(a));
    }

    /** Python's {@code timedelta.max.days}: a timedelta spans at most this many days either way. */
    private static final long MAX_DAYS = 999_999_999L;
    /** The units of timedelta's positional arguments, in seconds (days ... weeks), as whole microseconds. */
    private static final long[] UNIT_MICROS = {86_400_000_000L, 1_000_000L, 1L, 1_000L, 60_000_000L, 3_600_000_000L,
        604_800_000_000L};

    /**
     * {@code timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)} with int
     * (or bool) or float arguments, as CPython's {@code delta_new} sums them: in the order
     * microseconds, milliseconds, seconds, minutes, hours, days, weeks; each float's integral part
     * exactly, the fraction times the unit in floating point, whose integral part is added exactly
     * and whose fraction is left over; the leftovers' sum rounded half to even (by the running total's
     * parity) into whole microseconds. The result must lie within Python's range of plus or minus
     * 999,999,999 days.
     */
    private static Object timedelta(Tuple a) throws BrineException {
        if (a.size() > UNIT_MICROS.length) {
            throw new BrineException("datetime.timedelta takes at most 7 arguments, got " + PythonRepr.brief(a));
        }
        java.math.BigInteger micros = java.math.BigInteger.ZERO;
        double[] leftover = {0.0};
        for (int i : SUM_ORDER) {
            if (i < a.size()) {
                micros = accumulate(micros, a, i, leftover);
            }
        }
        if (leftover[0] != 0) {
            micros = micros.add(java.math.BigInteger.valueOf(roundLeftover(leftover[0], micros.testBit(0))));
        }
        java.math.BigInteger[] dayRest = micros.divideAndRemainder(java.math.BigInteger.valueOf(UNIT_MICROS[0]));
        long days = dayRest[0].longValue() - (dayRest[1].signum() < 0 ? 1 : 0); // floor, as Python's normalization
        if (days != (int) days || dayRest[0].bitLength() > 62) { // CPython's days are a C int
            throw new BrineException("datetime.timedelta: Python int too large to convert to C int: " + PythonRepr.brief(a));
        }
        if (Math.abs(days) > MAX_DAYS) { // CPython's OverflowError
            throw new BrineException("datetime.timedelta: days=" + days + "; must have magnitude <= " + MAX_DAYS);
        }
        long rest = Math.floorMod(micros.mod(java.math.BigInteger.valueOf(UNIT_MICROS[0])).longValue(), UNIT_MICROS[0]);
        return Duration.ofDays(days).plusNanos(rest * 1000L);
    }

    /** The positional arguments in the order delta_new adds them: us, ms, seconds, minutes, hours, days, weeks. */
    private static final int[] SUM_ORDER = {2, 3, 1, 4, 5, 0, 6};

    /** CPython's {@code accum}: {@code sofar + a[i] * unit}, a float's lost fraction of a microsecond added to {@code leftover}. */
    private static java.math.BigInteger accumulate(java.math.BigInteger sofar, Tuple a, int i, double[] leftover)
            throws BrineException {
        java.math.BigInteger unit = java.math.BigInteger.valueOf(UNIT_MICROS[i]);
        if (!(a.get(i) instanceof Double)) {
            return sofar.add(bigArg(a, i).multiply(unit));
        }
        double d = (Double) a.get(i);
        double whole = integral(d, a);
        java.math.BigInteger sum = sofar.add(exact(whole, a).multiply(unit));
        double fraction = d - whole;
        if (fraction == 0.0) {
            return sum;
        }
        double scaled = (double) UNIT_MICROS[i] * fraction;
        double scaledWhole = integral(scaled, a);
        leftover[0] += scaled - scaledWhole;
        return sum.add(exact(scaledWhole, a));
    }

    /** C's {@code modf} integral part: toward zero. */
    private static double integral(double d, Tuple a) throws BrineException {
        if (Double.isNaN(d)) {
            throw new BrineException("datetime.timedelta: cannot convert float NaN to integer: " + PythonRepr.brief(a));
        }
        if (Double.isInfinite(d)) {
            throw new BrineException("datetime.timedelta: cannot convert float infinity to integer: " + PythonRepr.brief(a));
        }
        return d < 0 ? Math.ceil(d) : Math.floor(d);
    }

    private static java.math.BigInteger exact(double integral, Tuple a) throws BrineException {
        if (Math.abs(integral) > 1e30) {
            // far beyond timedelta's range whatever the other arguments: refused before a huge BigInteger is made
            throw new BrineException("datetime.timedelta: Python int too large to convert to C int: " + PythonRepr.brief(a));
        }
        return new java.math.BigDecimal(integral).toBigIntegerExact();
    }

    /**
     * delta_new's rounding of the leftover fraction: C's {@code round} (half away from zero), but
     * exactly half way, half to even as the running total {@code x} decides:
     * {@code 2.0 * round((leftover + x_is_odd) * 0.5) - x_is_odd}.
     */
    private static long roundLeftover(double leftover, boolean xIsOdd) {
        double whole = cRound(leftover);
        if (Math.abs(whole - leftover) == 0.5) {
            int odd = xIsOdd ? 1 : 0;
            whole = 2.0 * cRound((leftover + odd) * 0.5) - odd;
        }
        return (long) whole;
    }

    /** C's {@code round}: to the nearest integer, half way away from zero. */
    private static double cRound(double x) {
        double ax = Math.abs(x);
        double t = Math.floor(ax);
        if (ax - t >= 0.5) {
            t += 1.0;
        }
        return Math.copySign(t, x);
    }

    /** An int argument: Python's bools are ints. */
    private static java.math.BigInteger bigArg(Tuple a, int i) throws BrineException {
        Object v = a.get(i);
        if (v instanceof Boolean) {
            return (Boolean) v ? java.math.BigInteger.ONE : java.math.BigInteger.ZERO;
        }
        if (v instanceof Long) {
            return java.math.BigInteger.valueOf((Long) v);
        }
        if (v instanceof java.math.BigInteger) {
            return (java.math.BigInteger) v;
        }
        throw new BrineException("datetime.timedelta argument " + i + " must be an int or float, got " + PythonRepr.brief(v));
    }

    /** Python's bound on a timezone offset: strictly between -24 and +24 hours. */
    private static final Duration DAY = Duration.ofDays(1);

    /**
     * {@code timezone(offset[, name])} with CPython's checks: offset a timedelta strictly within a
     * day (sub-minute offsets are allowed, as since Python 3.7), name a str. An offset that
     * ZoneOffset cannot hold (beyond 18 hours, or fractions of a second) or a name keeps the
     * timezone inert.
     */
    private static Object timezone(Tuple a) throws BrineException {
        if (a.isEmpty() || a.size() > 2 || !(a.get(0) instanceof Duration)) {
            throw new BrineException("datetime.timezone expects (timedelta[, str]), got " + PythonRepr.brief(a));
        }
        Duration d = (Duration) a.get(0);
        if (d.compareTo(DAY) >= 0 || d.compareTo(DAY.negated()) <= 0) {
            throw new BrineException("datetime.timezone: offset must be a timedelta strictly between"
                    + " -timedelta(hours=24) and timedelta(hours=24), not " + PythonRepr.brief(d));
        }
        if (a.size() > 1) {
            if (!(a.get(1) instanceof String)) {
                throw new BrineException("datetime.timezone: argument 2 must be str, not " + PythonRepr.brief(a.get(1)));
            }
            return GenericObject.reduced(TIMEZONE, a); // a named timezone: ZoneOffset has no name to keep
        }
        if (d.getNano() != 0 || Math.abs(d.getSeconds()) > 18 * 3600) {
            return GenericObject.reduced(TIMEZONE, a);
        }
        return ZoneOffset.ofTotalSeconds((int) d.getSeconds());
    }

    /**
     * The tzinfo argument of a pickled datetime or time: None, an offset, or an object Brine keeps
     * inert (a named or unusual timezone, zoneinfo, pytz). Anything else is no tzinfo: CPython
     * refuses it ("bad tzinfo state arg").
     */
    private static Object tzinfo(Tuple a, String what) throws BrineException {
        Object tz = a.size() == 2 ? a.get(1) : null;
        if (tz == null || tz instanceof ZoneOffset || tz instanceof GenericObject) {
            return tz;
        }
        throw new BrineException(what + ": bad tzinfo state arg " + PythonRepr.brief(tz));
    }

    private static int intArg(Tuple a, int i) throws BrineException {
        long v = longArg(a, i);
        if ((int) v != v) {
            throw new BrineException("datetime argument out of range: " + PythonRepr.brief(v));
        }
        return (int) v;
    }

    private static long longArg(Tuple a, int i) throws BrineException {
        Object v = a.get(i);
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0; // a bool is an int in Python: date(True, 1, 1) is date(1, 1, 1)
        }
        if (!(v instanceof Long)) {
            throw new BrineException("datetime argument " + i + " must be an int, got " + PythonRepr.brief(v));
        }
        return (Long) v;
    }
}
