package dev.brine.ndarray;

import java.util.Objects;

/**
 * The shape a {@link NDArray#reshape} call asks for, with numpy's one inferred dimension (any
 * negative length, usually {@code -1}) worked out from the element count, and numpy's wording when
 * it cannot be.
 */
final class ReshapeShape {
    private ReshapeShape() {
    }

    /**
     * {@code requested} with its one negative length (if any) replaced by the length that makes
     * {@code size} elements. numpy takes any negative length as the unknown one, not only {@code -1}
     * ({@code reshape(-2)} flattens, {@code reshape(2, -3)} of 6 elements is {@code (2, 3)}), and
     * refuses two of them whatever their values.
     *
     * @throws IllegalArgumentException for two or more negative lengths, or when no length fits
     */
    static long[] resolve(long[] requested, long size) {
        Objects.requireNonNull(requested, "shape");
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            long d = requested[i];
            if (d < 0) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("can only specify one unknown dimension");
                }
                unknown = i;
            } else {
                // saturates rather than overflows: a product past any element count cannot divide it
                known = Math.multiplyHigh(known, d) != 0 || known * d < 0 ? Long.MAX_VALUE : known * d;
            }
        }
        if (unknown < 0) {
            return requested.clone();
        }
        // numpy refuses an unknown next to a zero-length dimension even for an empty array: any length would do
        if (known == 0 || size % known != 0) {
            throw new IllegalArgumentException("cannot reshape array of size " + size + " into shape " + text(requested));
        }
        long[] out = requested.clone();
        out[unknown] = size / known;
        return out;
    }

    /**
     * A shape as numpy's reshape messages print it: {@code (4,newaxis)} for any negative length,
     * {@code (6,)} for one dimension.
     */
    static String text(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(shape[i] < 0 ? "newaxis" : Long.toString(shape[i]));
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
