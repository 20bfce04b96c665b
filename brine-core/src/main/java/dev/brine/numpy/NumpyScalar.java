package dev.brine.numpy;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.ScalarFormat;
import dev.brine.py.Tuple;
import java.util.Arrays;
import java.util.Objects;

/**
 * A numpy scalar such as {@code numpy.float32(1.5)}: a dtype and the bytes of one element. It is
 * kept apart from a 0-d array so that it pickles back as a scalar ({@code scalar(dtype, bytes)}).
 */
public final class NumpyScalar {
    private final DType dtype;
    private final byte[] raw;
    private int hash; // cached hashCode; 0 = not yet (as in String)

    /** A scalar of {@code dtype} whose element bytes are {@code raw} (copied). */
    public NumpyScalar(DType dtype, byte[] raw) {
        this.dtype = Objects.requireNonNull(dtype);
        if (raw.length != dtype.itemsize()) {
            throw new IllegalArgumentException(dtype + " scalars have " + dtype.itemsize() + " bytes, not " + raw.length);
        }
        this.raw = raw.clone();
    }

    /** A scalar of {@code dtype} holding {@code value} (as {@link NDArray#set} accepts it). */
    public static NumpyScalar of(DType dtype, Object value) {
        return new NumpyScalar(dtype, NDArray.scalar(dtype, value).rawBytes());
    }

    /** The dtype. */
    public DType dtype() {
        return dtype;
    }

    /** The element's bytes (a copy). */
    public byte[] raw() {
        return raw.clone();
    }

    /**
     * The value as a Java object (Long, Double, Boolean, Complex, String, ...). A scalar of a subarray dtype
     * ({@code scalar(dtype(('i1', (2,))), b'\x01\x02')}, which a hand-made pickle can hold) gives its bytes, a
     * {@code byte[]}, as numpy reads it as {@code np.void(b'\x01\x02')}; {@link #toArray} gives its items.
     */
    public Object value() {
        return isSubarray() ? raw.clone() : toArray().get();
    }

    /** Whether the dtype is a subarray type, whose element numpy holds as an {@code np.void} of its bytes. */
    private boolean isSubarray() {
        return dtype.kind() == DType.Kind.SUBARRAY;
    }

    /** The scalar as a 0-d array; for a subarray dtype, as numpy expands it, an array of the subarray's shape. */
    public NDArray toArray() {
        return NDArray.fromBytes(dtype, Order.C, raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NumpyScalar && ((NumpyScalar) o).dtype.equals(dtype) && Arrays.equals(((NumpyScalar) o).raw, raw);
    }

    /**
     * Seeded per JVM (the hash of a {@link Tuple} of dtype and bytes), not {@code Arrays.hashCode}, whose
     * sums a file can solve: 6,561 int64 scalars with one hash code as dict keys took 0.5 s to load.
     */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Tuple.of(dtype, raw).hashCode();
            hash = h;
        }
        return h;
    }

    /**
     * numpy 2's repr: {@code np.float32(0.1)}, {@code np.True_}, {@code np.int64(3)}; a subarray dtype's scalar as numpy
     * prints that {@code np.void}, its bytes: {@code np.void(b'\x01\x02')}.
     */
    @Override
    public String toString() {
        if (isSubarray()) {
            return raw.length == 0 ? "np.void(b'')" // V0 is no dtype of its own
                    : ScalarFormat.repr(NDArray.fromBytes(DType.voidType(raw.length), Order.C, raw));
        }
        String numpy = ScalarFormat.repr(toArray());
        return numpy != null ? numpy : "np." + dtype.name() + "(" + dev.brine.py.PythonRepr.repr(value()) + ")";
    }
}
