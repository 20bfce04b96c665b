package dev.brine.ndarray;

import java.math.BigInteger;
import java.time.LocalDate;

/** Formats datetime64 counts as numpy prints them: ISO 8601 to the precision of the unit. */
final class TimeFormat {
    private static final BigInteger DAY_SECONDS = BigInteger.valueOf(86_400);

    private TimeFormat() {
    }

    /** The ISO text of {@code count} steps of {@code unitCount} {@code unit}s since the epoch. */
    static String isoDate(long count, DateTimeUnit unit, int unitCount) {
        BigInteger total = BigInteger.valueOf(count).multiply(BigInteger.valueOf(unitCount));
        switch (unit) {
            case YEAR:
                return year(total.add(BigInteger.valueOf(1970)));
            case MONTH: {
                BigInteger[] qr = floorDivMod(total, BigInteger.valueOf(12));
                return year(qr[0].add(BigInteger.valueOf(1970))) + "-" + two(qr[1].intValue() + 1);
            }
            case WEEK:
                return date(total.multiply(BigInteger.valueOf(7)));
            case DAY:
                return date(total);
            default:
                break;
        }
        int fractionDigits;
        BigInteger perSecond;
        switch (unit) {
            case HOUR:
            case MINUTE:
            case SECOND:
                fractionDigits = 0;
                perSecond = BigInteger.ONE;
                total = unit == DateTimeUnit.HOUR ? total.multiply(BigInteger.valueOf(3600))
                        : unit == DateTimeUnit.MINUTE ? total.multiply(BigInteger.valueOf(60)) : total;
                break;
            default:
                fractionDigits = 3 * (unit.ordinal() - DateTimeUnit.SECOND.ordinal());
                perSecond = BigInteger.TEN.pow(fractionDigits);
        }
        BigInteger[] dayAndRest = floorDivMod(total, DAY_SECONDS.multiply(perSecond));
        String day = date(dayAndRest[0]);
        BigInteger[] secAndFrac = dayAndRest[1].divideAndRemainder(perSecond);
        int secOfDay = secAndFrac[0].intValue();
        StringBuilder out = new StringBuilder(day).append('T').append(two(secOfDay / 3600));
        if (unit == DateTimeUnit.HOUR) {
            return out.toString();
        }
        out.append(':').append(two(secOfDay / 60 % 60));
        if (unit == DateTimeUnit.MINUTE) {
            return out.toString();
        }
        out.append(':').append(two(secOfDay % 60));
        if (fractionDigits > 0) {
            String frac = secAndFrac[1].toString();
            out.append('.').append("0".repeat(fractionDigits - frac.length())).append(frac);
        }
        return out.toString();
    }

    private static String date(BigInteger epochDay) {
        if (epochDay.bitLength() < 38) { // within LocalDate's range (about a billion years either way)
            LocalDate d = LocalDate.ofEpochDay(epochDay.longValue());
            return year(BigInteger.valueOf(d.getYear())) + "-" + two(d.getMonthValue()) + "-" + two(d.getDayOfMonth());
        }
        // beyond it, as numpy still prints: the proleptic Gregorian calendar (Hinnant's civil_from_days)
        BigInteger[] eraAndDay = floorDivMod(epochDay.add(BigInteger.valueOf(719_468)), BigInteger.valueOf(146_097));
        long doe = eraAndDay[1].longValue();
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        BigInteger y = eraAndDay[0].multiply(BigInteger.valueOf(400)).add(BigInteger.valueOf(yoe + (month <= 2 ? 1 : 0)));
        return year(y) + "-" + two(month) + "-" + two(day);
    }

    private static String year(BigInteger y) {
        String digits = y.abs().toString();
        String padded = digits.length() < 4 ? "0".repeat(4 - digits.length()) + digits : digits;
        return y.signum() < 0 ? "-" + padded : padded;
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static BigInteger[] floorDivMod(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        if (qr[1].signum() < 0) {
            qr[0] = qr[0].subtract(BigInteger.ONE);
            qr[1] = qr[1].add(b);
        }
        return qr;
    }
}
