package dev.brine.numpy;

import dev.brine.ndarray.DType;
import dev.brine.py.PythonRepr;
import dev.brine.py.Unhashable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A numpy array of dtype {@code object}, or of any dtype that holds objects (a structured type with
 * an object field, whose items are then tuples): a dtype, a shape and Python values in storage order.
 * numpy pickles such arrays with their items as a list; Brine reads them only when asked
 * ({@link NumpyPickles#addTo(dev.brine.mapping.ClassRegistry.Builder, NumpyNames, boolean)}).
 */
public final class ObjectArray implements Unhashable {
    private final DType dtype;
    private final long[] shape;
    private final List<Object> items;
    private final boolean fortran;

    /** An object array of {@code shape} holding {@code items} (C order unless {@code fortran}). */
    public ObjectArray(long[] shape, List<?> items, boolean fortran) {
        this(DType.OBJECT, shape, items, fortran);
    }

    /**
     * An array of {@code dtype}, which must hold objects ({@link DType#hasObject()}), of {@code shape}
     * holding {@code items} as numpy's pickle lists them (C order unless {@code fortran}).
     */
    public ObjectArray(DType dtype, long[] shape, List<?> items, boolean fortran) {
        if (!dtype.hasObject()) {
            throw new IllegalArgumentException(dtype + " holds no objects");
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.items = new ArrayList<>(items);
        this.fortran = fortran;
    }

    /** The dtype: {@code object}, or a type with an object inside. */
    public DType dtype() {
        return dtype;
    }

    /** The shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The items in storage order; live. */
    public List<Object> items() {
        return items;
    }

    /** Whether the items are in Fortran order. */
    public boolean isFortran() {
        return fortran;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectArray && ((ObjectArray) o).dtype.equals(dtype) && Arrays.equals(((ObjectArray) o).shape, shape)
                && ((ObjectArray) o).items.equals(items) && ((ObjectArray) o).fortran == fortran;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + items.hashCode();
    }

    @Override
    public String toString() {
        String type = dtype.equals(DType.OBJECT) ? "object" : dtype.toString().substring("dtype(".length(),
                dtype.toString().length() - 1);
        return "array(" + PythonRepr.repr(items) + ", dtype=" + type + ", shape=" + Arrays.toString(shape) + ")";
    }

    /** {@code numpy.ndarray}: an array is mutable, so Python refuses it as a dict key or set item. */
    @Override
    public String pythonTypeName() {
        return "numpy.ndarray";
    }
}
