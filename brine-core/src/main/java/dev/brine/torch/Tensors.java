package dev.brine.torch;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.Storage;
import java.util.Arrays;

/** Turns a torch tensor's (storage, offset, size, stride) into an NDArray, checking every number. */
final class Tensors {
    private Tensors() {
    }

    /**
     * The tensor of {@code dtype} whose elements are at {@code offset + sum(index[i] * stride[i])}
     * (in elements) of {@code bytes}: a view sharing the bytes when the layout is C or Fortran
     * contiguous, else a C-order copy of at most {@code copyBudget} bytes; with metadata {@code bits}
     * ({@link #NEG}, {@link #CONJ}) always a copy, of the values torch resolves them to (see
     * {@link #resolve}).
     */
    static NDArray rebuild(Storage bytes, DType dtype, long offset, long[] size, long[] stride, int bits,
            Limits limits, long copyBudget) throws BrineException {
        if (size.length != stride.length) {
            throw new BrineException("tensor size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride)
                    + " differ in length");
        }
        if (size.length > NDArray.MAX_DIMS) {
            throw new BrineException("tensor has " + size.length + " dimensions, more than the " + NDArray.MAX_DIMS
                    + " an NDArray may have");
        }
        if (offset < 0) {
            throw new BrineException("negative storage offset " + offset);
        }
        long n = 1;
        try {
            for (int i = 0; i < size.length; i++) {
                if (size[i] < 0 || stride[i] < 0) {
                    throw new BrineException("negative size or stride in size " + Arrays.toString(size) + ", stride "
                            + Arrays.toString(stride));
                }
                n = Math.multiplyExact(n, size[i]);
            }
        } catch (ArithmeticException e) {
            throw new BrineException("tensor size " + Arrays.toString(size) + " overflows");
        }
        if (n > limits.maxArrayElements()) {
            throw new LimitExceededException("maxArrayElements", "tensor of size " + Arrays.toString(size) + " has " + n
                    + " elements, more than the " + limits.maxArrayElements() + " allowed");
        }
        int item = dtype.itemsize();
        long available = bytes.size() / item;
        if (n == 0) {
            try {
                return resolve(NDArray.wrap(dtype, Order.C, size, Storage.allocate(0)), bits, true, limits);
            } catch (IllegalArgumentException e) { // the other dimensions' product overflows: torch holds it, numpy not
                throw new BrineException("tensor of size " + Arrays.toString(size) + " has no elements, but its other"
                        + " dimensions multiply beyond 2^63 bytes of " + dtype.name() + ": numpy refuses that shape (array is"
                        + " too big), and an NDArray cannot hold it either");
            }
        }
        long last;
        try {
            last = offset;
            for (int i = 0; i < size.length; i++) {
                last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            }
        } catch (ArithmeticException e) {
            throw new BrineException("tensor extent overflows: size " + Arrays.toString(size) + ", stride "
                    + Arrays.toString(stride) + ", offset " + offset);
        }
        if (last >= available) {
            throw new BrineException("tensor of size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride)
                    + " at offset " + offset + " reaches element " + last + " of a storage of " + available + " " + dtype.name()
                    + " elements");
        }
        if (contiguous(size, stride, true)) {
            return resolve(NDArray.wrap(dtype, Order.C, size, bytes.view(offset * item, n * item)), bits, false, limits);
        }
        if (contiguous(size, stride, false)) {
            return resolve(NDArray.wrap(dtype, Order.F, size, bytes.view(offset * item, n * item)), bits, false, limits);
        }
        // a stride of 0 repeats stored elements: n need not fit in the storage, nor n * item in a long
        long total = n > Long.MAX_VALUE / item ? Long.MAX_VALUE : n * item;
        if (total > limits.maxAllocation()) {
            throw new LimitExceededException("maxAllocation", "a strided tensor of " + total
                    + " bytes must be copied, more than the " + limits.maxAllocation() + " allowed");
        }
        if (total > copyBudget) { // checked before allocating, where the unpickler's check comes after
            throw new LimitExceededException("maxBytesRatio", "a strided tensor of " + total + " bytes (size "
                    + Arrays.toString(size) + ", stride " + Arrays.toString(stride) + ") must be copied from "
                    + bytes.size() + " stored bytes, more than maxBytesRatio times the checkpoint's storages allow ("
                    + copyBudget + ")");
        }
        return resolve(NDArray.wrap(dtype, Order.C, size, gather(bytes, item, offset, size, stride, n)), bits, true,
                limits);
    }

    /** Whether elements lie without gaps in C ({@code c}) or Fortran order; dimensions of 1 do not count. */
    static boolean contiguous(long[] size, long[] stride, boolean c) {
        long expected = 1;
        for (int k = 0; k < size.length; k++) {
            int i = c ? size.length - 1 - k : k;
            if (size[i] == 1) {
                continue;
            }
            if (stride[i] != expected) {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    /** Copies the strided elements into fresh C-order storage, a run of the last dimension at a time. */
    private static Storage gather(Storage src, int item, long offset, long[] size, long[] stride, long n) {
        Storage out = Storage.allocate(n * item);
        int nd = size.length;
        long inner = size[nd - 1];
        long innerStride = stride[nd - 1];
        long[] index = new long[nd];
        long dst = 0;
        long rows = n / inner;
        for (long r = 0; r < rows; r++) {
            long base = offset;
            for (int i = 0; i < nd - 1; i++) {
                base += index[i] * stride[i];
            }
            if (innerStride == 1) {
                src.copyTo(base * item, out, dst, inner * item);
                dst += inner * item;
            } else {
                for (long j = 0; j < inner; j++) {
                    src.copyTo((base + j * innerStride) * item, out, dst, item);
                    dst += item;
                }
            }
            for (int i = nd - 2; i >= 0; i--) {
                if (++index[i] < size[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
        return out;
    }

    /** {@code torch._utils.set_tensor_metadata}'s neg bit: the stored values are the negated tensor's. */
    static final int NEG = 1;
    /** The conj bit: the stored values are the conjugated (complex) tensor's. */
    static final int CONJ = 2;

    /**
     * The values of a tensor whose metadata sets {@code bits} ({@link #NEG}, {@link #CONJ}) over the
     * stored values {@code a}: what torch's {@code resolve_neg()} and {@code resolve_conj()} give, in
     * fresh storage ({@code a} may view bytes other tensors view; they keep the stored values).
     * Negation is IEEE's (the sign bit flips; torch's arithmetic may also quiet a NaN or drop its
     * payload) for floats and two's complement, wrapping, for integers; conjugation negates the
     * imaginary part. Refused as torch refuses to compute them: neg of bool, uint16–64 and the 8-bit
     * floats, conj of a tensor that is not complex.
     *
     * @param copied whether {@code a} already has storage of its own (a strided tensor's copy)
     */
    static NDArray resolve(NDArray a, int bits, boolean copied, Limits limits) throws BrineException {
        if (bits == 0) {
            return a;
        }
        DType t = a.dtype();
        boolean complex = t.kind() == DType.Kind.COMPLEX;
        if ((bits & CONJ) != 0 && !complex) {
            throw new BrineException("the conj bit is set on a tensor of " + t.name() + " (only complex tensors are"
                    + " conjugated; torch fails on it too)");
        }
        if ((bits & NEG) != 0 && !negatable(t)) {
            throw new BrineException("the neg bit is set on a tensor of " + t.name() + ", which torch cannot negate"
                    + " either");
        }
        if (!copied && a.size() > 0) {
            if (a.nbytes() > limits.maxAllocation()) {
                throw new LimitExceededException("maxAllocation", "a tensor of " + a.nbytes() + " bytes with the "
                        + ((bits & NEG) != 0 ? "neg" : "conj") + " bit must be copied to be resolved, more than the "
                        + limits.maxAllocation() + " allowed");
            }
            a = a.copy();
        }
        Storage s = a.storage();
        int unit = swapUnit(t);
        long n = s.size() / unit;
        for (long i = 0; i < n; i++) {
            boolean imaginary = complex && (i & 1) == 1;
            if ((bits & NEG) != 0 ^ ((bits & CONJ) != 0 && imaginary)) {
                negate(s, i * unit, t.kind(), unit);
            }
        }
        return a;
    }

    private static boolean negatable(DType t) {
        return switch (t.kind()) {
            case INT, BFLOAT16 -> true;
            case FLOAT -> t.itemsize() <= 8; // not an x87 long double
            case COMPLEX -> t.itemsize() <= 16;
            case UINT -> t.itemsize() == 1;
            default -> false;
        };
    }

    private static void negate(Storage s, long p, DType.Kind kind, int unit) {
        boolean integer = kind == DType.Kind.INT || kind == DType.Kind.UINT;
        switch (unit) {
            case 1 -> s.putByte(p, (byte) -s.getByte(p));
            case 2 -> s.putShort(p, (short) (integer ? -s.getShort(p, false) : s.getShort(p, false) ^ 0x8000), false);
            case 4 -> s.putInt(p, integer ? -s.getInt(p, false) : s.getInt(p, false) ^ 0x80000000, false);
            default -> s.putLong(p, integer ? -s.getLong(p, false) : s.getLong(p, false) ^ Long.MIN_VALUE, false);
        }
    }

    /** Reverses the bytes of every {@code unit}-byte group of {@code s} in place (big-endian files). */
    static void swap(Storage s, int unit) {
        if (unit <= 1) {
            return;
        }
        long n = s.size() / unit;
        for (long i = 0; i < n; i++) {
            long p = i * unit;
            switch (unit) {
                case 2 -> s.putShort(p, s.getShort(p, true), false);
                case 4 -> s.putInt(p, s.getInt(p, true), false);
                case 8 -> s.putLong(p, s.getLong(p, true), false);
                default -> {
                    for (int a = 0, b = unit - 1; a < b; a++, b--) {
                        byte x = s.getByte(p + a);
                        s.putByte(p + a, s.getByte(p + b));
                        s.putByte(p + b, x);
                    }
                }
            }
        }
    }

    /** The byte-swap unit of a dtype: the item size, or half of it for complex numbers. */
    static int swapUnit(DType t) {
        return t.kind() == DType.Kind.COMPLEX ? t.itemsize() / 2 : t.itemsize();
    }
}
