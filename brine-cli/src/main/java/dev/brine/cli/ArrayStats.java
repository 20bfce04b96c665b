package dev.brine.cli;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;

/**
 * min, max, mean, std and NaN/Inf counts of a numeric array, in one streaming pass (Welford). min and max are
 * exact, as numpy's {@code a.min()}: a {@code Long} (a {@code BigInteger} past 2**63 for uint64) for integer
 * arrays, whose values a double cannot all hold (2**63-1 and 2**63-2 are one double), else a {@code Double}.
 */
record ArrayStats(long count, Number min, Number max, Number mean, Number std, long nans, long infs) {

    /** Whether the dtype has numbers to summarise. */
    static boolean applies(DType t) {
        return switch (t.kind()) {
            case BOOL, INT, UINT -> true;
            default -> t.kind().isFloat();
        };
    }

    static ArrayStats of(NDArray a) {
        if (a.dtype().kind() == DType.Kind.FLOAT && a.dtype().itemsize() > 8) {
            return LongDoubleStats.of(a);
        }
        long n = 0;
        long nans = 0;
        long infs = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double mean = 0;
        double m2 = 0;
        Odometer it = new Odometer(a.shape());
        for (long i = 0; i < a.size(); i++) {
            double v = a.getDouble(it.index());
            it.next();
            if (Double.isNaN(v)) {
                nans++;
                continue;
            }
            if (Double.isInfinite(v)) {
                infs++;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (!Double.isInfinite(v)) {
                n++;
                double d = v - mean;
                mean += d / n;
                m2 += d * (v - mean);
            }
        }
        Number[] exact = exactRange(a);
        return new ArrayStats(n, exact != null ? exact[0] : min, exact != null ? exact[1] : max,
                n == 0 ? Double.NaN : mean, n == 0 ? Double.NaN : Math.sqrt(m2 / n), nans, infs);
    }

    /** The exact min and max of an integer array (its size is not 0), or null for other kinds. */
    private static Number[] exactRange(NDArray a) {
        boolean unsigned = a.dtype().kind() == DType.Kind.UINT;
        if (!unsigned && a.dtype().kind() != DType.Kind.INT) {
            return null;
        }
        long min = 0;
        long max = 0;
        Odometer it = new Odometer(a.shape());
        for (long i = 0; i < a.size(); i++) {
            long v = a.getLong(it.index()); // uint64 as its bit pattern: compared unsigned
            it.next();
            if (i == 0) {
                min = v;
                max = v;
            } else if (unsigned) {
                min = Long.compareUnsigned(v, min) < 0 ? v : min;
                max = Long.compareUnsigned(v, max) > 0 ? v : max;
            } else {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return new Number[] {exact(min, unsigned), exact(max, unsigned)};
    }

    private static Number exact(long v, boolean unsigned) {
        return unsigned && v < 0 ? new java.math.BigInteger(Long.toUnsignedString(v)) : (Number) v;
    }

    /** Walks the indices of a shape in C order without allocating per element. */
    static final class Odometer {
        private final long[] shape;
        private final long[] index;

        Odometer(long[] shape) {
            this.shape = shape;
            this.index = new long[shape.length];
        }

        long[] index() {
            return index;
        }

        void next() {
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    return;
                }
                index[d] = 0;
            }
        }
    }
}
