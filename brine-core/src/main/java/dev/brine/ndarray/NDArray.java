package dev.brine.ndarray;

import dev.brine.py.Complex;
import dev.brine.py.Unhashable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A numpy-style n-dimensional array: a {@link DType}, a shape of 0 to {@value #MAX_DIMS}
 * dimensions, and contiguous elements in C (row-major) or Fortran (column-major) order held in a
 * {@link Storage} that may exceed 2 GiB and may be memory-mapped.
 *
 * <p>Element values follow the Python ↔ Java contract: {@link #get(long...)} gives Boolean, Long
 * (BigInteger for uint64 values above {@code Long.MAX_VALUE}), Double, {@link Complex}, String
 * ({@code U}), byte[] ({@code S}, trailing NULs removed as numpy does; {@code V} whole),
 * {@link TimeValue} for datetime64/timedelta64, a {@code Map<String, Object>} for records and an
 * NDArray for subarray fields (of the shape numpy gives {@code a[i]['field']}: every level of a
 * subarray of subarrays expanded). Elements are read honouring the dtype's byte order.
 *
 * <p>Arrays are mutable (unless mapped read-only). Two arrays are equal when dtype, shape and
 * values are equal, whatever their memory order; floats compare as {@link Double#equals} does, so
 * NaN equals NaN and {@code -0.0} differs from {@code 0.0} (unlike numpy's {@code array_equal}), long
 * doubles by the same rule on their exact 80-bit value (not through a double, which would lose 11 bits); arrays whose items have no bytes are equal when dtype and shape are. The optional
 * {@link #memberName()} (which archive member an array came from) does not take part in equality.
 *
 * <p>The {@code to...Array} methods throw IllegalStateException for more elements than one Java array holds,
 * or than the heap holds.
 */
public final class NDArray implements Unhashable {
    /** The most dimensions an array may have. */
    public static final int MAX_DIMS = 32;

    private final DType dtype;
    private final long[] shape;
    private final Order order;
    private final Storage storage;
    private final long size;
    private final long[] strides;
    private final String memberName;

    private NDArray(DType dtype, long[] shape, Order order, Storage storage, String memberName) {
        this.dtype = dtype;
        this.shape = shape;
        this.order = order;
        this.storage = storage;
        try {
            byteSize(dtype, shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype.name() + " is too large");
        }
        this.size = elementCount(shape);
        this.strides = strides(shape, order, dtype.itemsize());
        this.memberName = memberName;
    }

    // ---------------------------------------------------------------- creating

    /**
     * An array of {@code shape} whose elements are the bytes of {@code storage}, laid out in
     * {@code order} in the dtype's byte order. The storage is shared, not copied. A subarray dtype
     * adds its shape after the array's in either order, as numpy does, every level of a nested one outermost first
     * ({@code dtype((('<i4', (2,)), (3,)))} adds {@code (3, 2)}), and the array's dtype is the innermost base.
     *
     * @throws IllegalArgumentException if the storage size is not {@code size * itemsize}, the
     *     shape is negative or too large, or the dtype holds objects
     */
    public static NDArray wrap(DType dtype, Order order, long[] shape, Storage storage) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(storage, "storage");
        long[] s = checkShape(shape);
        DType t = dtype;
        if (t.kind() == DType.Kind.SUBARRAY) {
            // every level of a nested subarray, outermost first, after the array's own dimensions
            // whatever the order: numpy's np.ndarray(shape, dtype, buffer, order='F').shape
            s = concat(s, t.elementShape());
            s = checkShape(s);
            t = t.elementBase();
        }
        if (t.hasObject()) {
            throw new IllegalArgumentException("object arrays cannot be held as raw bytes");
        }
        long bytes = checkedByteSize(t, s);
        if (storage.size() != bytes) {
            throw new IllegalArgumentException("storage holds " + storage.size() + " bytes but shape "
                    + Arrays.toString(s) + " of " + t.str() + " needs " + bytes);
        }
        return new NDArray(t, s, order, storage, null);
    }

    /** A zero-filled C-order array. */
    public static NDArray zeros(DType dtype, long... shape) {
        return zeros(dtype, Order.C, shape);
    }

    /**
     * A zero-filled array in {@code order}. A subarray dtype adds its shape after {@code shape}, in
     * either order, as numpy's {@code zeros} does.
     */
    public static NDArray zeros(DType dtype, Order order, long... shape) {
        DType t = dtype.elementBase();
        long[] s = checkShape(shape);
        if (dtype.kind() == DType.Kind.SUBARRAY) {
            s = checkShape(concat(s, dtype.elementShape()));
        }
        return wrap(t, order, s, Storage.allocate(checkedByteSize(t, s)));
    }

    /**
     * An array over {@code raw}, the elements' bytes in {@code order} and the dtype's byte order
     * (the bytes are copied).
     */
    public static NDArray fromBytes(DType dtype, Order order, byte[] raw, long... shape) {
        return wrap(dtype, order, shape, Storage.wrap(raw.clone()));
    }

    /** A 0-d array holding {@code value} (see {@link #set(Object, long...)} for accepted values). */
    public static NDArray scalar(DType dtype, Object value) {
        NDArray a = zeros(dtype);
        a.set(value);
        return a;
    }

    /**
     * An array of {@code dtype} filled from {@code values} in C order, each stored as
     * {@link #set(Object, long...)} would. Without a shape it is 1-d.
     */
    public static NDArray fromValues(DType dtype, List<?> values, long... shape) {
        long[] s = shape.length == 0 ? new long[] {values.size()} : shape;
        NDArray a = zeros(dtype, s);
        if (a.size != values.size()) {
            throw new IllegalArgumentException(values.size() + " values for shape " + Arrays.toString(s));
        }
        for (int i = 0; i < values.size(); i++) {
            Elements.set(a.dtype, a.storage, (long) i * a.dtype.itemsize(), values.get(i));
        }
        return a;
    }

    /** A {@code bool} array from {@code data} in C order; without a shape it is 1-d. */
    public static NDArray of(boolean[] data, long... shape) {
        NDArray a = zeros(DType.BOOL, shapeFor(data.length, shape));
        for (int i = 0; i < data.length; i++) {
            a.storage.putByte(i, (byte) (data[i] ? 1 : 0));
        }
        return a;
    }

    /** An {@code int8} array from {@code data} in C order; without a shape it is 1-d. */
    public static NDArray of(byte[] data, long... shape) {
        NDArray a = zeros(DType.INT8, shapeFor(data.length, shape));
        a.storage.put(0, data, 0, data.length);
        return a;
    }

    /** An {@code int16} array from {@code data} in C order. */
    public static NDArray of(short[] data, long... shape) {
        NDArray a = zeros(DType.INT16, shapeFor(data.length, shape));
        a.fillBulk(data.length, (buf, from, count) -> buf.asShortBuffer().put(data, from, count));
        return a;
    }

    /** A {@code uint16} array from {@code data} in C order. */
    public static NDArray of(char[] data, long... shape) {
        NDArray a = zeros(DType.UINT16, shapeFor(data.length, shape));
        a.fillBulk(data.length, (buf, from, count) -> buf.asCharBuffer().put(data, from, count));
        return a;
    }

    /** An {@code int32} array from {@code data} in C order. */
    public static NDArray of(int[] data, long... shape) {
        NDArray a = zeros(DType.INT32, shapeFor(data.length, shape));
        a.fillBulk(data.length, (buf, from, count) -> buf.asIntBuffer().put(data, from, count));
        return a;
    }

    /** An {@code int64} array from {@code data} in C order. */
    public static NDArray of(long[] data, long... shape) {
        NDArray a = zeros(DType.INT64, shapeFor(data.length, shape));
        a.fillBulk(data.length, (buf, from, count) -> buf.asLongBuffer().put(data, from, count));
        return a;
    }

    /** A {@code float32} array from {@code data} in C order. */
    public static NDArray of(float[] data, long... shape) {
        NDArray a = zeros(DType.FLOAT32, shapeFor(data.length, shape));
        a.fillBulk(data.length, (buf, from, count) -> buf.asFloatBuffer().put(data, from, count));
        return a;
    }

    /** A {@code float64} array from {@code data} in C order. */
    public static NDArray of(double[] data, long... shape) {
        NDArray a = zeros(DType.FLOAT64, shapeFor(data.length, shape));
        a.fillBulk(data.length, (buf, from, count) -> buf.asDoubleBuffer().put(data, from, count));
        return a;
    }

    /** A {@code complex128} array from {@code data} in C order. */
    public static NDArray of(Complex[] data, long... shape) {
        NDArray a = zeros(DType.COMPLEX128, shapeFor(data.length, shape));
        for (int i = 0; i < data.length; i++) {
            Elements.set(a.dtype, a.storage, 16L * i, data[i]);
        }
        return a;
    }

    /** A {@code <U<n>} array from {@code data} in C order, {@code n} being the longest string's code points (at least 1). */
    public static NDArray of(String[] data, long... shape) {
        int n = 1;
        for (String s : data) {
            n = Math.max(n, s.codePointCount(0, s.length()));
        }
        NDArray a = zeros(DType.unicode(n), shapeFor(data.length, shape));
        for (int i = 0; i < data.length; i++) {
            Elements.set(a.dtype, a.storage, (long) i * a.dtype.itemsize(), data[i]);
        }
        return a;
    }

    /** This array's elements under another member name (the storage is shared). */
    public NDArray withMemberName(String name) {
        return new NDArray(dtype, shape, order, storage, name);
    }

    // ---------------------------------------------------------------- shape

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int ndim() {
        return shape.length;
    }

    /** The number of elements (1 for a 0-d array). */
    public long size() {
        return size;
    }

    /** The number of data bytes: {@code size() * dtype().itemsize()}. */
    public long nbytes() {
        return storage.size();
    }

    /** The memory order of the elements. */
    public Order order() {
        return order;
    }

    /**
     * Whether the elements lie in C order, which is also true of a Fortran-order array with at
     * most one dimension longer than 1 (numpy's {@code flags.c_contiguous}).
     */
    public boolean isCContiguous() {
        if (order == Order.C || size == 0) {
            return true;
        }
        int longDims = 0;
        for (long d : shape) {
            if (d > 1) {
                longDims++;
            }
        }
        return longDims <= 1;
    }

    /** The bytes behind the elements, shared (changes show through). */
    public Storage storage() {
        return storage;
    }

    /**
     * Whether writes are refused (a read-only memory mapping: {@code Npy.map(path, false)}, and the mmap options of
     * torch checkpoints and safetensors, {@code NpzFile.map}); a {@link #copy()} is writable.
     */
    public boolean isReadOnly() {
        return storage.isReadOnly();
    }

    /** The archive member this array was read from or is to be written as, or {@code null}. */
    public String memberName() {
        return memberName;
    }

    /** A copy of the raw element bytes in memory order and the dtype's byte order. */
    public byte[] rawBytes() {
        byte[] out = new byte[toIntSize(storage.size(), "bytes")];
        storage.get(0, out, 0, out.length);
        return out;
    }

    // ---------------------------------------------------------------- elements

    /** The byte offset of the element at {@code index} (one index per dimension). */
    public long offsetOf(long... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("array is " + shape.length + "-dimensional, but " + index.length
                    + " indices were given");
        }
        long off = 0;
        for (int i = 0; i < index.length; i++) {
            long k = index[i];
            if (k < 0) {
                k += shape[i];
            }
            if (k < 0 || k >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + index[i] + " is out of bounds for axis " + i
                        + " with size " + shape[i]);
            }
            off += k * strides[i];
        }
        return off;
    }

    /** The byte offset of the element number {@code flat} counting in C order. */
    long offsetOfFlat(long flat) {
        if (order == Order.C || isCContiguous()) {
            return flat * dtype.itemsize();
        }
        long off = 0;
        long rest = flat;
        for (int i = shape.length - 1; i >= 0; i--) {
            long d = shape[i];
            off += (rest % d) * strides[i];
            rest /= d;
        }
        return off;
    }

    /**
     * The element as a boxed value (see the class comment for the Java types). Negative indices count from the end.
     *
     * @throws IllegalStateException for a {@code U} item (or a record's field) holding a code unit that is no
     *     code point (above 0x10FFFF: numpy's str holds it, a Java String cannot), naming the element and the unit
     */
    public Object get(long... index) {
        long off = offsetOf(index);
        try {
            return Elements.get(dtype, storage, off);
        } catch (IllegalStateException e) {
            throw at(Arrays.toString(index), e);
        }
    }

    /** {@code e} (an element with no Java value of its kind) saying which element, as {@code "element [3]: ..."}. */
    private static IllegalStateException at(String index, IllegalStateException e) {
        return new IllegalStateException("element " + index + ": " + e.getMessage(), e);
    }

    /** The element as a double (bool, integers, floats, bfloat16, 8-bit floats; datetime counts). */
    public double getDouble(long... index) {
        return Elements.getDouble(dtype, storage, offsetOf(index));
    }

    /** The element as a long (bool, integers, uint64 as its bit pattern, datetime counts; floats truncated). */
    public long getLong(long... index) {
        return Elements.getLong(dtype, storage, offsetOf(index));
    }

    /** The element as a boolean: non-zero is true (NaN too; a complex when either part is non-zero). */
    public boolean getBoolean(long... index) {
        return elementIsTrue(offsetOf(index));
    }

    private boolean elementIsTrue(long off) {
        return Elements.isTrue(dtype, storage, off);
    }

    /** The element as a complex number (real types have imaginary part 0). */
    public Complex getComplex(long... index) {
        return Elements.getComplex(dtype, storage, offsetOf(index));
    }

    /**
     * Stores {@code value} at {@code index}: a Boolean, Number (BigInteger up to 2^64-1 for
     * uint64), {@link Complex}, String (text for {@code U}, ASCII for {@code S}), byte[]
     * ({@code S}/{@code V}, truncated or NUL-padded), {@link TimeValue}, a Map of field values for
     * records, an NDArray or flat List for subarrays. Conversions follow numpy's casts, and, as
     * numpy 2's {@code a[i] = value}, an integer element refuses a number it cannot hold rather than
     * wrapping it ({@code Python integer 300 out of bounds for int8}); a float stored there is
     * truncated towards zero, and NaN or an infinity refused. Also as numpy refuses them: a Complex
     * in anything but a complex or bool element (numpy raises TypeError rather than keep the real part),
     * a Python float (a Double or Float) in a datetime64/timedelta64 element, integral or not (store a
     * long count or a {@link TimeValue}), an integer beyond a double's range in a float or complex element of up to
     * 8 bytes. An integer stored in a long double is rounded once, from all its digits.
     *
     * @throws IllegalArgumentException for a value the element cannot hold or a value of the wrong kind
     * @throws IllegalStateException when the array {@link #isReadOnly() is read-only} (a read-only mapping: change
     *     a {@link #copy()}); the other setters too
     */
    public void set(Object value, long... index) {
        Elements.set(dtype, storage, offsetOf(index), value);
    }

    /**
     * Stores a double at {@code index}, converted as numpy stores a Python float there
     * ({@code a[i] = 3.7}): into an integer element it is truncated towards zero, and NaN, infinities
     * and values out of the type's range are refused, as numpy 2 refuses them; a datetime64/timedelta64
     * element refuses every double, as numpy refuses a Python float there.
     *
     * @throws IllegalArgumentException for NaN, an infinity or an out-of-range value in an integer element,
     *     and for any value in a datetime64/timedelta64 element
     */
    public void setDouble(double value, long... index) {
        long off = offsetOf(index);
        if (IntegerBounds.applies(dtype)) {
            Elements.setLong(dtype, storage, off, IntegerBounds.truncate(dtype, value).longValue());
        } else {
            Elements.setDouble(dtype, storage, off, Elements.notIntoTime(dtype, value));
        }
    }

    /**
     * Stores a long at {@code index}, converted as numpy stores a Python int there. An integer
     * element that cannot hold it is refused (numpy 2's {@code OverflowError}: int8 takes -128 to 127),
     * except that a uint64 element takes the long as its bit pattern, as {@link #getLong} gives it
     * ({@code -1} stores 2^64-1; {@link #set} with a BigInteger is the other way to store such values).
     *
     * @throws IllegalArgumentException {@code Python integer 300 out of bounds for int8}
     */
    public void setLong(long value, long... index) {
        long off = offsetOf(index);
        if (!(dtype.kind() == DType.Kind.UINT && dtype.itemsize() == 8)) {
            IntegerBounds.check(dtype, value);
        }
        Elements.setLong(dtype, storage, off, value);
    }

    /** Stores a boolean at {@code index} as 1 or 0. */
    public void setBoolean(boolean value, long... index) {
        Elements.setLong(dtype, storage, offsetOf(index), value ? 1 : 0);
    }

    // ---------------------------------------------------------------- to Java arrays

    /** All elements in C order as booleans, as numpy's {@code astype(bool)}: non-zero (NaN, either part of a complex) is true. */
    public boolean[] toBooleanArray() {
        int n = toIntSize(size, "elements");
        boolean[] out = allocate(n, boolean[]::new);
        for (int i = 0; i < n; i++) {
            long off = offsetOfFlat(i);
            out[i] = elementIsTrue(off);
        }
        return out;
    }

    /** All elements in C order as bytes (numbers cast as numpy's {@code astype(int8)}). */
    public byte[] toByteArray() {
        int n = toIntSize(size, "elements");
        byte[] out = allocate(n, byte[]::new);
        if (fastPath(DType.Kind.INT, DType.Kind.UINT, 1)) {
            storage.get(0, out, 0, n);
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (byte) Elements.getLong(dtype, storage, offsetOfFlat(i));
        }
        return out;
    }

    /** All elements in C order as shorts. */
    public short[] toShortArray() {
        int n = toIntSize(size, "elements");
        short[] out = allocate(n, short[]::new);
        if (fastPath(DType.Kind.INT, DType.Kind.UINT, 2)) {
            forEachBulk(n, 2, (buf, from, count) -> buf.asShortBuffer().get(out, from, count));
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (short) Elements.getLong(dtype, storage, offsetOfFlat(i));
        }
        return out;
    }

    /** All elements in C order as chars (unsigned 16-bit). */
    public char[] toCharArray() {
        int n = toIntSize(size, "elements");
        char[] out = allocate(n, char[]::new);
        if (fastPath(DType.Kind.UINT, DType.Kind.INT, 2)) {
            forEachBulk(n, 2, (buf, from, count) -> buf.asCharBuffer().get(out, from, count));
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (char) Elements.getLong(dtype, storage, offsetOfFlat(i));
        }
        return out;
    }

    /** All elements in C order as ints. */
    public int[] toIntArray() {
        int n = toIntSize(size, "elements");
        int[] out = allocate(n, int[]::new);
        if (fastPath(DType.Kind.INT, DType.Kind.UINT, 4)) {
            forEachBulk(n, 4, (buf, from, count) -> buf.asIntBuffer().get(out, from, count));
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = (int) Elements.getLong(dtype, storage, offsetOfFlat(i));
        }
        return out;
    }

    /** All elements in C order as longs (uint64 as bit patterns, datetimes as counts). */
    public long[] toLongArray() {
        int n = toIntSize(size, "elements");
        long[] out = allocate(n, long[]::new);
        if (fastPath(DType.Kind.INT, DType.Kind.UINT, 8)) {
            forEachBulk(n, 8, (buf, from, count) -> buf.asLongBuffer().get(out, from, count));
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = Elements.getLong(dtype, storage, offsetOfFlat(i));
        }
        return out;
    }

    /** All elements in C order as floats, each rounded once as numpy's {@code astype(float32)} rounds it. */
    public float[] toFloatArray() {
        int n = toIntSize(size, "elements");
        float[] out = allocate(n, float[]::new);
        if (fastPath(DType.Kind.FLOAT, DType.Kind.FLOAT, 4)) {
            forEachBulk(n, 4, (buf, from, count) -> buf.asFloatBuffer().get(out, from, count));
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = Elements.getFloat(dtype, storage, offsetOfFlat(i));
        }
        return out;
    }

    /** All elements in C order as doubles. */
    public double[] toDoubleArray() {
        int n = toIntSize(size, "elements");
        double[] out = allocate(n, double[]::new);
        if (fastPath(DType.Kind.FLOAT, DType.Kind.FLOAT, 8)) {
            forEachBulk(n, 8, (buf, from, count) -> buf.asDoubleBuffer().get(out, from, count));
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = Elements.getDouble(dtype, storage, offsetOfFlat(i));
        }
        return out;
    }

    /**
     * All elements in C order as boxed values, as {@link #get(long...)} gives them.
     *
     * @throws IllegalStateException when the elements are more than one Java array holds, or their boxed values
     *     more than the heap holds (10^8 records of no bytes, from a file of 128 bytes, are some 10 GB of maps),
     *     or for an element {@link #get(long...)} refuses
     */
    public Object[] toObjectArray() {
        int n = toIntSize(size, "elements");
        try {
            Object[] out = new Object[n];
            for (int i = 0; i < n; i++) {
                try {
                    out[i] = Elements.get(dtype, storage, offsetOfFlat(i));
                } catch (IllegalStateException e) {
                    throw at(i + " (in C order)", e);
                }
            }
            return out;
        } catch (OutOfMemoryError e) { // what was built is unreachable again: the heap is back as it was
            throw tooLargeForHeap("boxed values");
        }
    }

    /**
     * A Java array of {@code n} elements, or, where the heap cannot hold it, the IllegalStateException the
     * {@code to...Array} methods document: a mapped array of a billion doubles is more than most heaps.
     */
    private <T> T allocate(int n, java.util.function.IntFunction<T> array) {
        try {
            return array.apply(n);
        } catch (OutOfMemoryError e) {
            throw tooLargeForHeap("elements");
        }
    }

    private IllegalStateException tooLargeForHeap(String what) {
        return new IllegalStateException("array of " + size + " " + dtype.name() + " elements: its " + what
                + " are more than the Java heap holds (" + Runtime.getRuntime().maxMemory() + " bytes at most)");
    }

    private boolean fastPath(DType.Kind k1, DType.Kind k2, int itemsize) {
        return (dtype.kind() == k1 || dtype.kind() == k2) && dtype.itemsize() == itemsize && isCContiguous();
    }

    private interface BulkReader {
        void read(ByteBuffer buf, int from, int count);
    }

    /** Runs {@code reader} over the storage chunk by chunk, in the dtype's byte order (see eachRun). */
    private void forEachBulk(int n, int itemsize, BulkReader reader) {
        eachRun(n, itemsize, false, reader);
    }

    /** Runs {@code writer} over the writable storage chunk by chunk, in the dtype's byte order (see eachRun). */
    private void fillBulk(int n, BulkReader writer) {
        eachRun(n, dtype.itemsize(), true, writer);
    }

    /**
     * Hands {@code body} the storage's elements in the largest runs that lie in one chunk, as
     * buffers in the dtype's byte order. A view that starts inside a 1 GiB chunk can have an
     * element across the chunk's end: that one element goes through a copy of its bytes (written
     * back when {@code writing}), so every other element still moves in one bulk transfer.
     */
    private void eachRun(int n, int itemsize, boolean writing, BulkReader body) {
        ByteOrder bo = dtype.byteOrder();
        int done = 0;
        long pos = 0;
        while (done < n) {
            ByteBuffer run = storage.run(pos, (long) (n - done) * itemsize);
            int count = run.remaining() / itemsize;
            if (count > 0) {
                body.read(run.order(bo), done, count);
            } else {
                byte[] item = new byte[itemsize];
                storage.get(pos, item, 0, itemsize);
                body.read(ByteBuffer.wrap(item).order(bo), done, 1);
                if (writing) {
                    storage.put(pos, item, 0, itemsize);
                }
                count = 1;
            }
            done += count;
            pos += (long) count * itemsize;
        }
    }

    // ---------------------------------------------------------------- copies and conversions

    /** A heap copy with its own storage, in the same order. */
    public NDArray copy() {
        return new NDArray(dtype, shape, order, storage.copy(), memberName);
    }

    /** This array in {@code target} order: itself if already so, else a rearranged copy. */
    public NDArray toOrder(Order target) {
        if (target == order) {
            return this;
        }
        NDArray out = new NDArray(dtype, shape, target, Storage.allocate(storage.size()), memberName);
        if (isCContiguous() && out.isCContiguous()) {
            storage.copyTo(0, out.storage, 0, storage.size());
            return out;
        }
        int item = dtype.itemsize();
        for (long i = 0; i < size; i++) {
            storage.copyTo(offsetOfFlat(i), out.storage, out.offsetOfFlat(i), item);
        }
        return out;
    }

    /**
     * A copy converted to {@code target}, as numpy's {@code astype} with unsafe casting for
     * numbers; the same type only changes byte order; other kinds must match exactly.
     *
     * <p>As numpy: integers reach floats with one rounding (exactly into a long double, which also
     * converts back exactly); long doubles and complex256 reach each other (and another byte order, which
     * for every type is a byte swap) bit for bit, float32 and complex64 with one rounding from the 64-bit
     * mantissa, float16 through a double as numpy does; a value is true when non-zero (a long double on
     * its 80 bits, 1e-4000 too), a complex when either part is; datetime64/timedelta64 counts
     * are rescaled between units (flooring towards the past, years and months through the calendar
     * for datetimes and as their 400-year averages for timedeltas, NaT kept, overflow wrapping),
     * and kept as they are between datetime and timedelta and to or from numbers. Floats out of an
     * integer's range, infinities and NaN give what numpy gives on x86-64 (C leaves it undefined
     * and numpy warns): the smallest value of the integer the machine converts through, e.g.
     * {@code -2**63} for int64 and 0 for int8 (through int32). numpy is not consistent with itself
     * there for uint32 (and for complex sources): its vector loop and the scalar loop that finishes an
     * array differ, so the same NaN or 5e9 gives 2147483648 or 0, 0 or 705032704, by the array's length
     * and the element's place in it. Brine gives the vector loop's result wherever the element is
     * (for float32, float64 and complex sources); do not rely on any of these values.
     *
     * @throws IllegalArgumentException for conversions between non-numeric kinds, to generic time
     *     units, or between time units whose conversion factor overflows (numpy raises too)
     */
    public NDArray astype(DType target) {
        if (target.equals(dtype)) {
            return copy();
        }
        NDArray out = new NDArray(target, shape, order, Storage.allocate(checkedByteSize(target, shape)), memberName);
        boolean numeric = (dtype.isNumeric() || isTime(dtype)) && (target.isNumeric() || isTime(target));
        boolean sameKindReordered = dtype.equals(target.withByteOrder(dtype.byteOrderChar() == '|' ? '<' : dtype.byteOrderChar()));
        if (!numeric && !sameKindReordered && dtype.kind() != target.kind()) {
            throw new IllegalArgumentException("cannot convert " + dtype.name() + " to " + target.name());
        }
        if (sameKindReordered && (numeric || dtype.kind() == DType.Kind.UNICODE)) {
            byteSwapInto(out);
            return out;
        }
        long[] timeFactor = isTime(dtype) && isTime(target) && dtype.kind() == target.kind()
                ? Casts.conversionFactor(dtype, target) : null;
        int si = dtype.itemsize();
        int ti = target.itemsize();
        for (long i = 0; i < size; i++) {
            long so = i * si;
            long to = i * ti;
            if (dtype.kind() == DType.Kind.UNICODE && target.kind() == DType.Kind.UNICODE) {
                // code units as they are: not every one is a code point a String could carry
                Elements.copyUnicode(dtype, storage, so, target, out.storage, to);
            } else if (timeFactor != null) {
                long c = Elements.getLong(dtype, storage, so);
                Elements.setLong(target, out.storage, to, Casts.convertTime(c, dtype, target, timeFactor));
            } else if (numeric) {
                convertNumber(target, out.storage, to, so);
            } else {
                Elements.set(target, out.storage, to, Elements.get(dtype, storage, so));
            }
        }
        return out;
    }

    /**
     * The elements into {@code out}, of the same type in the other byte order, each byte-swapped as numpy's cast
     * does it: every bit kept (a long double's padding, a signalling NaN's payload, code units that are no
     * code points), where converting the values would lose some.
     */
    private void byteSwapInto(NDArray out) {
        int item = dtype.itemsize();
        int unit = dtype.kind() == DType.Kind.COMPLEX ? item / 2 : dtype.kind() == DType.Kind.UNICODE ? 4 : item;
        byte[] b = new byte[item];
        for (long i = 0; i < size; i++) {
            storage.get(i * item, b, 0, item);
            for (int u = 0; u < item; u += unit) {
                Elements.reverse(b, u, unit);
            }
            out.storage.put(i * item, b, 0, item);
        }
    }

    /** One numeric (or time count) element at {@code so} converted to {@code target} at {@code to}, as numpy casts. */
    private void convertNumber(DType target, Storage out, long to, long so) {
        DType.Kind sk = dtype.kind();
        DType.Kind tk = target.kind();
        if (tk == DType.Kind.BOOL) {
            // non-zero is true: NaN too, as in C, a complex when either part is, a long double on its own 80 bits
            out.putByte(to, (byte) (Elements.isTrue(dtype, storage, so) ? 1 : 0));
        } else if (Elements.holdsExtended(dtype) && Elements.holdsExtended(target)) {
            // long double to long double (complex256 and back): every bit, not a double's 53 and range
            Elements.copyExtended(dtype, storage, so, target, out, to);
        } else if (sk == DType.Kind.COMPLEX && Elements.isExtendedComplex(dtype) && (tk == DType.Kind.INT || tk == DType.Kind.UINT)) {
            // the real long double to an integer exactly as a long double converts (not through a double,
            // whose out-of-range results differ: numpy's c32 -> int16 of NaN is -32768, a double's path gives 0)
            boolean be = dtype.byteOrderChar() == '>';
            int half = dtype.itemsize() / 2;
            Elements.setLong(target, out, to, Casts.extendedToInteger(Elements.extendedMantissa(half, storage, so, be),
                    Elements.extendedSignExp(half, storage, so, be), target));
        } else if (sk == DType.Kind.COMPLEX) {
            convertComplex(target, out, to, so);
        } else if (!sk.isFloat()) {
            // bool, integers and time counts: one rounding into floats, exact into long doubles
            Elements.setInteger(target, out, to, Elements.getLong(dtype, storage, so), sk == DType.Kind.UINT);
        } else if (tk == DType.Kind.INT || tk == DType.Kind.UINT || isTime(target)) {
            Elements.setLong(target, out, to, floatToInteger(so, isTime(target) ? DType.INT64 : target));
        } else if (Elements.isExtended(dtype) && roundsOnceFromMantissa(target)) {
            Elements.setDouble(target, out, to, roundedToOdd(so));
        } else if (Elements.isHalfFloatPair(dtype, target)) {
            Elements.convertHalfFloat(dtype, storage, so, target, out, to);
        } else {
            Elements.setDouble(target, out, to, Elements.getDouble(dtype, storage, so));
        }
    }

    /**
     * A complex element to a complex (both parts) or to anything else but bool (its real part, numpy's
     * ComplexWarning); a complex256's parts rounded once to float32 as numpy rounds them, not twice through a double.
     */
    private void convertComplex(DType target, Storage out, long to, long so) {
        double real;
        double imag;
        if (Elements.isExtendedComplex(dtype) && roundsOnceFromMantissa(target)) {
            real = roundedToOdd(so);
            imag = roundedToOdd(so + dtype.itemsize() / 2);
        } else {
            Complex c = Elements.getComplex(dtype, storage, so);
            real = c.real();
            imag = c.imag();
        }
        if (target.kind() == DType.Kind.COMPLEX) {
            Elements.setComplex(target, out, to, real, imag);
        } else {
            Elements.setDouble(target, out, to, real);
        }
    }

    /**
     * Whether a long double reaches {@code target}'s floats (a complex's parts) with one rounding from its 64-bit
     * mantissa: float32 (numpy's direct cast), bfloat16 and the 8-bit floats. Not float16, which numpy reaches
     * through a double (1 + 2**-11 + 2**-63 becomes 1.0, the tie the double leaves), nor float64 itself.
     */
    private static boolean roundsOnceFromMantissa(DType target) {
        int part = target.kind() == DType.Kind.COMPLEX ? target.itemsize() / 2 : target.itemsize();
        boolean half = part == 2 && (target.kind() == DType.Kind.FLOAT || target.kind() == DType.Kind.COMPLEX);
        return part < 8 && !half;
    }

    /**
     * The long double at {@code so} (this array's, or one part of its complex256) rounded to a double towards odd,
     * so that rounding it once more to float32/float16 rounds once from the 64-bit mantissa, as numpy's direct cast does.
     */
    private double roundedToOdd(long so) {
        boolean be = dtype.byteOrderChar() == '>';
        int n = dtype.kind() == DType.Kind.COMPLEX ? dtype.itemsize() / 2 : dtype.itemsize();
        return Floats.extendedToDoubleRoundedToOdd(Elements.extendedMantissa(n, storage, so, be), Elements.extendedSignExp(n, storage, so, be));
    }

    /** The float at {@code so} cast to the integer type {@code target} as numpy's loops do on x86-64. */
    private long floatToInteger(long so, DType target) {
        if (Elements.isExtended(dtype)) {
            boolean be = dtype.byteOrderChar() == '>';
            int n = dtype.itemsize();
            return Casts.extendedToInteger(Elements.extendedMantissa(n, storage, so, be),
                    Elements.extendedSignExp(n, storage, so, be), target);
        }
        // numpy vectorises float32/float64 to uint32 with a different out-of-range result than half's
        boolean vectorUint32 = dtype.kind() == DType.Kind.FLOAT && (dtype.itemsize() == 4 || dtype.itemsize() == 8);
        return Casts.floatToInteger(Elements.getDouble(dtype, storage, so), target, vectorUint32);
    }

    private static boolean isTime(DType t) {
        return t.kind() == DType.Kind.DATETIME || t.kind() == DType.Kind.TIMEDELTA;
    }

    /**
     * The same elements under another shape with the same element count, read and placed in C index
     * order whatever the memory order, as numpy's {@code reshape} (order='C'). Like numpy, it is a
     * view sharing the storage when the layout allows (a C-contiguous array, or a Fortran one only
     * gaining or losing dimensions of length 1), and otherwise a C-order copy.
     *
     * <p>One dimension may be negative, usually {@code -1}: it is inferred from the element count, as
     * numpy does ({@code reshape(-1)} flattens, {@code reshape(3, -1)} of 6 elements is {@code (3, 2)});
     * numpy takes any negative length so, {@code reshape(-2)} and {@code reshape(2, -3)} alike.
     *
     * @throws IllegalArgumentException with numpy's message when the element counts differ or more than
     *     one dimension is negative
     */
    public NDArray reshape(long... newShape) {
        long[] s = checkShape(ReshapeShape.resolve(newShape, size));
        if (elementCount(s) != size) {
            throw new IllegalArgumentException("cannot reshape array of size " + size + " into shape " + ReshapeShape.text(s));
        }
        if (isCContiguous()) {
            return new NDArray(dtype, s, Order.C, storage, memberName);
        }
        if (Arrays.equals(withoutOnes(shape), withoutOnes(s))) {
            // the C index order of the elements is unchanged and the memory stays column-major
            return new NDArray(dtype, s, Order.F, storage, memberName);
        }
        return toOrder(Order.C).reshape(s);
    }

    private static long[] withoutOnes(long[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    // ---------------------------------------------------------------- object methods

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NDArray)) {
            return false;
        }
        NDArray a = (NDArray) o;
        if (!dtype.equals(a.dtype) || !Arrays.equals(shape, a.shape)) {
            return false;
        }
        if (dtype.itemsize() == 0) { // items of no bytes hold no values: dtype and shape decide (10^10 of them fit in 128 bytes)
            return true;
        }
        boolean sameLayout = order == a.order || (isCContiguous() && a.isCContiguous());
        int item = dtype.itemsize();
        for (long i = 0; i < size; i++) {
            long p = sameLayout ? i * item : offsetOfFlat(i);
            long q = sameLayout ? i * item : a.offsetOfFlat(i);
            if (!Elements.equal(dtype, storage, p, a.storage, q)) {
                return false;
            }
        }
        return true;
    }

    /** Hashes dtype, shape and up to the first 64 elements in C order (consistent with equals). */
    @Override
    public int hashCode() {
        int h = 31 * dtype.hashCode() + Arrays.hashCode(shape);
        long n = Math.min(size, 64);
        for (long i = 0; i < n; i++) {
            h = 31 * h + Elements.hash(dtype, storage, offsetOfFlat(i));
        }
        return h;
    }

    /** numpy's {@code repr}: {@code array([1., 2., 3.], dtype=float32)}, summarised with {@code ...} past 1000 elements. */
    @Override
    public String toString() {
        return ArrayFormatter.repr(this);
    }

    // ---------------------------------------------------------------- helpers

    private static long[] shapeFor(int length, long[] shape) {
        if (shape.length == 0) {
            return new long[] {length};
        }
        long n;
        try {
            n = elementCount(shape);
        } catch (ArithmeticException e) {
            n = -1;
        }
        if (n != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
        }
        return shape;
    }

    private static long checkedByteSize(DType t, long[] shape) {
        try {
            return byteSize(t, shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + t.name() + " is too large");
        }
    }

    private static long[] checkShape(long[] shape) {
        // callers pass user shapes; the constructor checks their byte size
        Objects.requireNonNull(shape, "shape");
        if (shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("arrays have at most " + MAX_DIMS + " dimensions, not " + shape.length);
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        return shape.clone();
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The number of elements of {@code shape}: its product, 1 for 0-d. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * The data bytes an array of {@code shape} and {@code dtype} needs. Also checks that the
     * non-zero dimensions alone fit in 63 bits, so strides cannot overflow even for empty arrays.
     *
     * @throws ArithmeticException when the size overflows a long
     */
    public static long byteSize(DType dtype, long[] shape) {
        long n = dtype.itemsize();
        long nonZero = Math.max(1, dtype.itemsize());
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
            if (d > 0) {
                nonZero = Math.multiplyExact(nonZero, d);
            }
        }
        return n;
    }

    private static long[] strides(long[] shape, Order order, int itemsize) {
        long[] st = new long[shape.length];
        long s = itemsize;
        if (order == Order.C) {
            for (int i = shape.length - 1; i >= 0; i--) {
                st[i] = s;
                s *= Math.max(1, shape[i]);
            }
        } else {
            for (int i = 0; i < shape.length; i++) {
                st[i] = s;
                s *= Math.max(1, shape[i]);
            }
        }
        return st;
    }

    private static int toIntSize(long n, String what) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("array has " + n + " " + what + ", too many for one Java array");
        }
        return (int) n;
    }

    /** {@code numpy.ndarray}: an array is mutable, so Python refuses it as a dict key or set item. */
    @Override
    public String pythonTypeName() {
        return "numpy.ndarray";
    }
}
