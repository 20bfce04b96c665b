package dev.brine.ndarray;

import java.util.Objects;

/**
 * One {@code datetime64} or {@code timedelta64} element: a signed count of units. For datetimes
 * the count is measured from 1970-01-01T00:00 (UTC, as numpy has no time zones).
 * {@link Long#MIN_VALUE} is numpy's "not a time" ({@code NaT}).
 *
 * @param count the number of steps; {@link #NAT} for NaT
 * @param unit the unit of one step's units
 * @param unitCount units per step (the 2 of {@code M8[2D]})
 * @param timedelta whether this is a {@code timedelta64} (else a {@code datetime64})
 */
public record TimeValue(long count, DateTimeUnit unit, int unitCount, boolean timedelta) {
    /** numpy's NaT: the smallest 64-bit count. */
    public static final long NAT = Long.MIN_VALUE;

    /** Validates the value. */
    public TimeValue {
        Objects.requireNonNull(unit, "unit");
        if (unitCount <= 0) {
            throw new IllegalArgumentException("unit count must be positive: " + unitCount);
        }
    }

    /** Whether this is NaT. */
    public boolean isNaT() {
        return count == NAT;
    }

    /** The text numpy shows inside the quotes of an array's repr: {@code 2020-01-01T00:00:00}, {@code NaT}, or the count for timedeltas. */
    @Override
    public String toString() {
        if (isNaT()) {
            return "NaT";
        }
        if (timedelta || unit == DateTimeUnit.GENERIC) {
            return Long.toString(count);
        }
        return TimeFormat.isoDate(count, unit, unitCount);
    }
}
