package dev.brine.py;

/**
 * A Python {@code complex}: two doubles. Equality is Python's for complex numbers (part by part, so
 * {@code 0j == complex(-0.0, -0.0)} and a dict keeps one of them as its key) except that, as for
 * {@link Double#equals}, NaN parts equal NaN parts (so that round trips can be compared).
 *
 * @param real the real part
 * @param imag the imaginary part
 */
public record Complex(double real, double imag) {
    /**
     * Python's {@code ==}, part by part: -0.0 equals 0.0 (a record's own equals compares the bits, and
     * would make {@code {0j: 1, complex(-0.0, 0): 2}} two keys where Python has one), NaN equals NaN.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Complex c && samePart(real, c.real) && samePart(imag, c.imag);
    }

    private static boolean samePart(double a, double b) {
        return a == b || (Double.isNaN(a) && Double.isNaN(b));
    }

    /**
     * Seeded per JVM ({@link KeyHash}), as a {@link Tuple}'s: a record's own hash of two doubles lets a
     * file pick thousands of complex dict keys with one hash code (20,000 took 2 s to load). Zeros of
     * either sign hash alike, as they are equal.
     */
    @Override
    public int hashCode() {
        long h = KeyHash.of(this);
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public String toString() {
        return PythonRepr.repr(this);
    }
}
