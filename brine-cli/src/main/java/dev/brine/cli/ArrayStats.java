package dev.brine.cli;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;

/** min, max, mean, std and NaN/Inf counts of a numeric array, in one streaming pass (Welford). */
record ArrayStats(long count, double min, double max, double mean, double std, long nans, long infs) {

    /** Whether the dtype has numbers to summarise. */
    static boolean applies(DType t) {
        return switch (t.kind()) {
            case BOOL, INT, UINT -> true;
            default -> t.kind().isFloat();
        };
    }

    static ArrayStats of(NDArray a) {
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
        return new ArrayStats(n, min, max, n == 0 ? Double.NaN : mean, n == 0 ? Double.NaN : Math.sqrt(m2 / n), nans, infs);
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
