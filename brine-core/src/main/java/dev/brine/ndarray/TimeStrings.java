package dev.brine.ndarray;

/**
 * Parses the datetime type strings numpy accepts ({@code parse_dtype_from_datetime_typestr} in
 * numpy's datetime.c): {@code M8}, {@code m8[ns]}, {@code datetime64[25s]}, and a divisor that
 * numpy turns into a smaller unit ({@code M8[s/4]} is {@code M8[250ms]}).
 */
final class TimeStrings {
    /**
     * numpy's {@code _multiples_table}: per unit, the multiples of smaller units it tries for a divisor.
     * For weeks numpy tries a fourth entry past the row's three, a zero, which gives {@code [0Y]}.
     */
    private static final int[][] MULTIPLES = {
        {12, 52, 365}, {4, 30, 720}, {7, 168, 10080, 0}, {24, 1440, 86400}, {60, 3600}, {60, 60000}};
    private static final DateTimeUnit[][] SMALLER = {
        {DateTimeUnit.MONTH, DateTimeUnit.WEEK, DateTimeUnit.DAY},
        {DateTimeUnit.WEEK, DateTimeUnit.DAY, DateTimeUnit.HOUR},
        {DateTimeUnit.DAY, DateTimeUnit.HOUR, DateTimeUnit.MINUTE, DateTimeUnit.YEAR},
        {DateTimeUnit.HOUR, DateTimeUnit.MINUTE, DateTimeUnit.SECOND},
        {DateTimeUnit.MINUTE, DateTimeUnit.SECOND},
        {DateTimeUnit.SECOND, DateTimeUnit.MILLISECOND}};

    private TimeStrings() {
    }

    /** @param rest the type string without its byte order; {@code text} the whole, for messages */
    static DType parse(String rest, String text) {
        DType.Kind kind;
        String meta;
        if (rest.length() >= 2 && rest.charAt(1) == '8' && (rest.charAt(0) == 'M' || rest.charAt(0) == 'm')) {
            kind = rest.charAt(0) == 'M' ? DType.Kind.DATETIME : DType.Kind.TIMEDELTA;
            meta = rest.substring(2);
        } else if (rest.startsWith("datetime64")) {
            kind = DType.Kind.DATETIME;
            meta = rest.substring(10);
        } else if (rest.startsWith("timedelta64")) {
            kind = DType.Kind.TIMEDELTA;
            meta = rest.substring(11);
        } else {
            throw TypeStrings.bad(text);
        }
        if (meta.isEmpty()) {
            return DType.time(kind, '<', DateTimeUnit.GENERIC, 1);
        }
        int close = meta.indexOf(']');
        if (meta.length() < 3 || meta.charAt(0) != '[' || close < 0 || close == 1 || close != meta.length() - 1) {
            throw TypeStrings.bad(text);
        }
        return unit(kind, meta.substring(1, close), text);
    }

    /** {@code parse_datetime_extended_unit_from_string}: [count] unit [/ divisor]. */
    private static DType unit(DType.Kind kind, String inner, String text) {
        int i = 0;
        long count = 1;
        int numberEnd = strtolEnd(inner, 0);
        if (numberEnd > 0) {
            count = strtolValue(inner, 0, numberEnd);
            if (count < 0 || count > Integer.MAX_VALUE) {
                throw TypeStrings.bad(text);
            }
            i = numberEnd;
        }
        int slash = inner.indexOf('/', i);
        String symbol = inner.substring(i, slash < 0 ? inner.length() : slash);
        if (symbol.isEmpty()) {
            throw TypeStrings.bad(text);
        }
        DateTimeUnit unit = DateTimeUnit.fromSymbol(symbol);
        if (unit == null) {
            throw TypeStrings.bad(text);
        }
        if (slash >= 0) {
            int denEnd = strtolEnd(inner, slash + 1);
            if (denEnd < 0 || denEnd != inner.length()) {
                throw TypeStrings.bad(text);
            }
            long den = strtolValue(inner, slash + 1, denEnd);
            if (den != 1) {
                long[] scaled = divide(unit, den, text);
                unit = DateTimeUnit.values()[(int) scaled[0]];
                count *= scaled[1];
            }
        }
        if (count <= 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("numpy data type '" + text + "' has a unit count of " + count
                    + ", which Brine does not model (numpy's datetime64 steps are positive here)");
        }
        return DType.time(kind, '<', unit, (int) count);
    }

    /** {@code convert_datetime_divisor_to_multiple}: {unit ordinal, multiplier} or refusal. */
    private static long[] divide(DateTimeUnit unit, long den, String text) {
        // numpy itself dies of a division by zero on [s/0]; Brine refuses it
        if (unit == DateTimeUnit.GENERIC || den == 0) {
            throw TypeStrings.bad(text);
        }
        int[] tries;
        DateTimeUnit[] into;
        int ordinal = unit.ordinal();
        if (unit.compareTo(DateTimeUnit.SECOND) >= 0) {
            if (unit == DateTimeUnit.ATTOSECOND) {
                throw TypeStrings.bad(text);
            }
            DateTimeUnit[] units = DateTimeUnit.values();
            tries = unit == DateTimeUnit.FEMTOSECOND ? new int[] {1000} : new int[] {1000, 1000000};
            into = unit == DateTimeUnit.FEMTOSECOND ? new DateTimeUnit[] {units[ordinal + 1]}
                    : new DateTimeUnit[] {units[ordinal + 1], units[ordinal + 2]};
        } else {
            tries = MULTIPLES[ordinal];
            into = SMALLER[ordinal];
        }
        for (int i = 0; i < tries.length; i++) {
            if (tries[i] % den == 0) {
                return new long[] {into[i].ordinal(), tries[i] / den};
            }
        }
        throw new IllegalArgumentException("not a numpy data type: '" + text + "' (divisor " + den
                + " is not a multiple of a lower unit)");
    }

    /** The end of a C strtol number starting at {@code from} (whitespace and sign allowed), or -1. */
    private static int strtolEnd(String s, int from) {
        int i = from;
        while (i < s.length() && " \t\n\u000B\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i == digits ? -1 : i;
    }

    /** The value strtol gives, saturated beyond a long's range (numpy refuses those anyway). */
    private static long strtolValue(String s, int from, int end) {
        String t = s.substring(from, end).strip();
        boolean negative = t.startsWith("-");
        String digits = t.replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
        if (digits.length() > 18) {
            return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        long v = Long.parseLong(digits);
        return negative ? -v : v;
    }
}
