package dev.brine.ndarray;

/**
 * Formats datetime64 counts as numpy prints them: ISO 8601 to the precision of the unit, computed
 * as numpy's {@code convert_datetime_to_datetimestruct} computes it, in 64-bit arithmetic that
 * wraps where numpy's does (a count times the unit's multiplier, weeks times 7, the shift to the
 * year 2000), so that even values at the ends of the range print numpy's text; the year as C's
 * {@code %04lld} prints it ({@code -001} for 2 BC).
 */
final class TimeFormat {
    private static final long DAYS_PER_400_YEARS = 400 * 365 + 100 - 4 + 1;
    private static final int[][] MONTH_LENGTHS = {
        {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
        {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
    };

    private TimeFormat() {
    }

    /** The ISO text of {@code count} steps of {@code unitCount} {@code unit}s since the epoch. */
    static String isoDate(long count, DateTimeUnit unit, int unitCount) {
        long dt = count * unitCount; // wraps, as numpy's dt *= meta->num
        switch (unit) {
            case YEAR:
                return year(1970 + dt);
            case MONTH: {
                long[] q = floorDivMod(dt, 12);
                return year(1970 + q[0]) + "-" + two((int) q[1] + 1);
            }
            case WEEK:
                return date(dt * 7);
            case DAY:
                return date(dt);
            default:
                break;
        }
        if (unit == DateTimeUnit.FEMTOSECOND || unit == DateTimeUnit.ATTOSECOND) {
            return nearEpoch(dt, unit);
        }
        int fractionDigits = unit.ordinal() <= DateTimeUnit.SECOND.ordinal() ? 0
                : 3 * (unit.ordinal() - DateTimeUnit.SECOND.ordinal());
        long perSecond = 1;
        for (int i = 0; i < fractionDigits; i++) {
            perSecond *= 10;
        }
        long perDay = unit == DateTimeUnit.HOUR ? 24 : unit == DateTimeUnit.MINUTE ? 24 * 60 : 86_400L * perSecond;
        long[] dayAndRest = floorDivMod(dt, perDay);
        long rest = dayAndRest[1];
        long secOfDay = unit == DateTimeUnit.HOUR ? rest * 3600 : unit == DateTimeUnit.MINUTE ? rest * 60 : rest / perSecond;
        StringBuilder out = new StringBuilder(date(dayAndRest[0])).append('T').append(two((int) (secOfDay / 3600)));
        if (unit == DateTimeUnit.HOUR) {
            return out.toString();
        }
        out.append(':').append(two((int) (secOfDay / 60 % 60)));
        if (unit == DateTimeUnit.MINUTE) {
            return out.toString();
        }
        out.append(':').append(two((int) (secOfDay % 60)));
        if (fractionDigits > 0) {
            String frac = Long.toString(rest % perSecond);
            out.append('.').append("0".repeat(fractionDigits - frac.length())).append(frac);
        }
        return out.toString();
    }

    /**
     * Femtoseconds and attoseconds, whose day (8.64e19 fs) does not fit 64 bits: the whole range is
     * within hours (fs) or seconds (as) of the epoch, and numpy computes it from the hour or the
     * second, on 1969-12-31 for a negative count, as here.
     */
    private static String nearEpoch(long dt, DateTimeUnit unit) {
        boolean fs = unit == DateTimeUnit.FEMTOSECOND;
        long perSecond = fs ? 1_000_000_000_000_000L : 1_000_000_000_000_000_000L;
        String date = "1970-01-01";
        long hour;
        long minute;
        long second;
        long fraction;
        if (fs) {
            long[] h = floorDivMod(dt, 3600 * perSecond);
            hour = h[0];
            if (hour < 0) {
                date = "1969-12-31";
                hour += 24;
            }
            minute = h[1] / (60 * perSecond);
            second = h[1] / perSecond % 60;
            fraction = h[1] % perSecond;
        } else {
            long[] sec = floorDivMod(dt, perSecond);
            hour = 0;
            minute = 0;
            second = sec[0];
            if (second < 0) {
                date = "1969-12-31";
                hour = 23;
                minute = 59;
                second += 60;
            }
            fraction = sec[1];
        }
        String frac = Long.toString(fraction);
        int digits = fs ? 15 : 18;
        return date + "T" + two((int) hour) + ":" + two((int) minute) + ":" + two((int) second) + "."
                + "0".repeat(digits - frac.length()) + frac;
    }

    /** numpy's {@code set_datetimestruct_days}: the date {@code days} after 1970-01-01. */
    private static String date(long days) {
        long[] yearAndDay = daysToYearsDays(days);
        long year = yearAndDay[0];
        long day = yearAndDay[1];
        int[] lengths = MONTH_LENGTHS[isLeapYear(year) ? 1 : 0];
        for (int m = 0; m < 12; m++) {
            if (day < lengths[m]) {
                return year(year) + "-" + two(m + 1) + "-" + two((int) day + 1);
            }
            day -= lengths[m];
        }
        throw new AssertionError("day " + yearAndDay[1] + " of a year");
    }

    /** numpy's {@code days_to_yearsdays}: the year and the day within it, from the year 2000 (which wraps at the ends). */
    private static long[] daysToYearsDays(long epochDays) {
        long days = epochDays - (365 * 30 + 7);
        long[] cycles = floorDivMod(days, DAYS_PER_400_YEARS);
        long year = 400 * cycles[0];
        days = cycles[1];
        if (days >= 366) {
            year += 100 * ((days - 1) / (100 * 365 + 25 - 1));
            days = (days - 1) % (100 * 365 + 25 - 1);
            if (days >= 365) {
                year += 4 * ((days + 1) / (4 * 365 + 1));
                days = (days + 1) % (4 * 365 + 1);
                if (days >= 366) {
                    year += (days - 1) / 365;
                    days = (days - 1) % 365;
                }
            }
        }
        return new long[] {year + 2000, days};
    }

    private static boolean isLeapYear(long year) {
        return (year & 0x3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /** C's {@code %04lld}: at least four characters, the sign counted among them. */
    private static String year(long y) {
        String s = Long.toString(y);
        return s.length() < 4 ? (y < 0 ? "-" + "0".repeat(4 - s.length()) + s.substring(1) : "0".repeat(4 - s.length()) + s) : s;
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** numpy's {@code extract_unit_64}: the floor quotient and the non-negative remainder. */
    private static long[] floorDivMod(long a, long b) {
        long q = a / b;
        long r = a % b;
        if (r < 0) {
            r += b;
            q -= 1;
        }
        return new long[] {q, r};
    }
}
