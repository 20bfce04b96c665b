package dev.brine.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a safetensors header says about one tensor: its name, element type, shape and where its
 * bytes lie in the data buffer ({@code data_offsets}, relative to the end of the header).
 */
public final class TensorInfo {
    private final String name;
    private final SafeTensorsDType dtype;
    private final long[] shape;
    private final long begin;
    private final long end;

    /** A tensor entry; the shape is copied. */
    public TensorInfo(String name, SafeTensorsDType dtype, long[] shape, long begin, long end) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.begin = begin;
        this.end = end;
    }

    /** The tensor's name (its key in the header). */
    public String name() {
        return name;
    }

    /** The element type. */
    public SafeTensorsDType dtype() {
        return dtype;
    }

    /** The shape (a copy); empty for a 0-d tensor. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements: the product of the shape, 1 for 0-d. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d; // checked when the header was read
        }
        return n;
    }

    /** The first data byte, relative to the start of the data buffer. */
    public long begin() {
        return begin;
    }

    /** One past the last data byte, relative to the start of the data buffer. */
    public long end() {
        return end;
    }

    /** The number of data bytes: {@code end - begin}. */
    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TensorInfo)) {
            return false;
        }
        TensorInfo t = (TensorInfo) o;
        return name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape) && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + ": " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
