package dev.brine.ndarray;

/**
 * The unit of a numpy {@code datetime64} or {@code timedelta64} dtype, spelled as numpy spells it
 * inside the brackets of {@code M8[ns]}. {@link #GENERIC} is the unit-less {@code M8}.
 */
public enum DateTimeUnit {
    /** Years, {@code Y}. */
    YEAR("Y"),
    /** Months, {@code M}. */
    MONTH("M"),
    /** Weeks, {@code W}. */
    WEEK("W"),
    /** Days, {@code D}. */
    DAY("D"),
    /** Hours, {@code h}. */
    HOUR("h"),
    /** Minutes, {@code m}. */
    MINUTE("m"),
    /** Seconds, {@code s}. */
    SECOND("s"),
    /** Milliseconds, {@code ms}. */
    MILLISECOND("ms"),
    /** Microseconds, {@code us}. */
    MICROSECOND("us"),
    /** Nanoseconds, {@code ns}. */
    NANOSECOND("ns"),
    /** Picoseconds, {@code ps}. */
    PICOSECOND("ps"),
    /** Femtoseconds, {@code fs}. */
    FEMTOSECOND("fs"),
    /** Attoseconds, {@code as}. */
    ATTOSECOND("as"),
    /** No unit yet ({@code M8} without brackets); numpy calls it {@code generic}. */
    GENERIC("generic");

    private final String symbol;

    DateTimeUnit(String symbol) {
        this.symbol = symbol;
    }

    /** The symbol numpy writes between the brackets ({@code "ns"}), or {@code "generic"}. */
    public String symbol() {
        return symbol;
    }

    /**
     * The unit for a symbol as numpy accepts it ({@code "ns"}, {@code "μs"} for microseconds,
     * {@code "generic"}), or {@code null} when there is none.
     */
    public static DateTimeUnit fromSymbol(String symbol) {
        if ("μs".equals(symbol)) {
            return MICROSECOND;
        }
        for (DateTimeUnit u : values()) {
            if (u.symbol.equals(symbol)) {
                return u;
            }
        }
        return null;
    }
}
