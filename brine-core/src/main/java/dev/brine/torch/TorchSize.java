package dev.brine.torch;

import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.Reduction;
import dev.brine.py.Tuple;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A {@code torch.Size} value found in a checkpoint, such as the {@code t.shape} in
 * {@code torch.save({'shape': t.shape})}: immutable, equal to another {@code TorchSize} of the same
 * dimensions. It is kept apart from a plain {@link Tuple} so that it is written back as a
 * {@code torch.Size}, which torch then loads as one (a tuple would come back as {@code (2, 3)}).
 *
 * <p>In Python a {@code torch.Size} is a tuple and equals the tuple of its dimensions; in Java it
 * equals only a {@code TorchSize}: compare {@link #dims()} or {@link #asList()} with a shape instead.
 * The dimensions are whatever the file holds; like torch, no limit is put on their number or sign.
 */
public final class TorchSize {
    private final long[] dims;

    private TorchSize(long[] dims) {
        this.dims = dims;
    }

    /**
     * {@code torch.Size([d0, d1, ...])}; {@code of()} is the empty size of a 0-d tensor. Each call gives a
     * new object: one object written twice is written once and referred to again, as pickle does.
     */
    public static TorchSize of(long... dims) {
        return new TorchSize(dims.clone());
    }

    /** The dimensions, a copy (for {@code NDArray} shapes and the like). */
    public long[] dims() {
        return dims.clone();
    }

    /** The number of dimensions, {@code len(size)}. */
    public int size() {
        return dims.length;
    }

    /** Dimension {@code i}, {@code size[i]} for {@code 0 <= i < size()}. */
    public long get(int i) {
        return dims[i];
    }

    /** The dimensions as an unmodifiable list, for comparing with a list or a {@link Tuple}'s {@code asList()}. */
    public List<Long> asList() {
        return new Dims();
    }

    /** How torch pickles it: {@code torch.Size((d0, d1, ...))}, the dimensions as a tuple of ints. */
    public Reduction reduction() {
        Object[] items = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) {
            items[i] = dims[i];
        }
        return Reduction.call(TorchGlobals.SIZE, Tuple.of(items));
    }

    /**
     * {@code registry} able to write sizes too, as {@link #reduction()}: for a plain pickle or a model
     * archive of what a checkpoint held (a checkpoint's own writer writes them already). The pickle then
     * names the global {@code torch.Size}: Python needs torch installed to load it.
     */
    public static ClassRegistry writable(ClassRegistry registry) {
        return registry.toBuilder().registerWriter(TorchSize.class, TorchSize::reduction).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchSize && Arrays.equals(dims, ((TorchSize) o).dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code torch.Size([2, 3])}, as Python's {@code repr} and {@code str} print it. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("torch.Size([");
        for (int i = 0; i < dims.length; i++) {
            out.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return out.append("])").toString();
    }

    /** The read-only list view of the dimensions. */
    private final class Dims extends AbstractList<Long> implements RandomAccess {
        @Override
        public Long get(int i) {
            return dims[i];
        }

        @Override
        public int size() {
            return dims.length;
        }
    }
}
