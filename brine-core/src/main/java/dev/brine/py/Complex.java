package dev.brine.py;

/**
 * A Python {@code complex}: two doubles. Equality is Python's for complex numbers except that, as
 * for {@link Double#equals}, NaN parts equal NaN parts (so that round trips can be compared).
 *
 * @param real the real part
 * @param imag the imaginary part
 */
public record Complex(double real, double imag) {
    @Override
    public String toString() {
        return PythonRepr.repr(this);
    }
}
