package dev.brine.npy;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import java.util.Arrays;
import java.util.Objects;

/**
 * What an NPY file's header says: the element type, the memory order, the shape, the format
 * version and where the data starts. Readable on its own, without reading the data.
 */
public final class NpyHeader {
    private final DType dtype;
    private final boolean fortranOrder;
    private final long[] shape;
    private final NpyVersion version;
    private final long dataOffset;

    /** A header; {@code dataOffset} is the byte where the data starts (a multiple of 64 for numpy's files). */
    public NpyHeader(DType dtype, boolean fortranOrder, long[] shape, NpyVersion version, long dataOffset) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.fortranOrder = fortranOrder;
        this.shape = shape.clone();
        this.version = Objects.requireNonNull(version, "version");
        this.dataOffset = dataOffset;
    }

    /** The element type the {@code descr} describes. */
    public DType dtype() {
        return dtype;
    }

    /** The {@code descr} as numpy writes it: a type string or a list of field tuples. */
    public Object descr() {
        return dtype.descr();
    }

    /** The {@code fortran_order} flag. */
    public boolean fortranOrder() {
        return fortranOrder;
    }

    /** The memory order: {@link Order#F} when {@code fortran_order} is true. */
    public Order order() {
        return fortranOrder ? Order.F : Order.C;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** The format version. */
    public NpyVersion version() {
        return version;
    }

    /** The byte offset of the data from the start of the file. */
    public long dataOffset() {
        return dataOffset;
    }

    /** The number of elements: the product of the shape (1 for 0-d). */
    public long elementCount() {
        return NDArray.elementCount(shape);
    }

    /**
     * Whether the array holds Python objects (dtype {@code object}, or a structured type with an
     * object field): its data is then a pickle, read only by {@link Npy#readObjectArray} and
     * {@link NpzFile#objectArray}, and {@link #dataLength()} is what numpy's array would take in
     * memory, not the length of the data in the file.
     */
    public boolean holdsObjects() {
        return dtype.hasObject();
    }

    /** The number of data bytes: elements times itemsize. */
    public long dataLength() {
        return NDArray.byteSize(dtype, shape);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyHeader)) {
            return false;
        }
        NpyHeader h = (NpyHeader) o;
        return dtype.equals(h.dtype) && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape)
                && version == h.version && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, fortranOrder, Arrays.hashCode(shape), version, dataOffset);
    }

    /** Like the header text: {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3,)} v1.0 @128}. */
    @Override
    public String toString() {
        String d;
        try {
            d = dtype.descrRepr();
        } catch (IllegalStateException e) {
            d = dtype.str();
        }
        return "{'descr': " + d + ", 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': "
                + NpyFormat.shapeRepr(shape) + "} v" + version + " @" + dataOffset;
    }
}
