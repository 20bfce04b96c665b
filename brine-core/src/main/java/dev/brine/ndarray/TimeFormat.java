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
                return year(total.add(BigInteger.valueOf(1970)).longValueExact());
            case MONTH: {
                BigInteger[] qr = floorDivMod(total, BigInteger.valueOf(12));
                return year(qr[0].longValue() + 1970) + "-" + two(qr[1].intValue() + 1);
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
        if (epochDay.bitLength() > 40) {
            return epochDay + " days";
        }
        LocalDate d = LocalDate.ofEpochDay(epochDay.longValue());
        return year(d.getYear()) + "-" + two(d.getMonthValue()) + "-" + two(d.getDayOfMonth());
    }

    private static String year(long y) {
        return y < 0 ? "-" + String.format("%04d", -y) : String.format("%04d", y);
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
