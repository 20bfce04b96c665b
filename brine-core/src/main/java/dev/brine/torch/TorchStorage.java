package dev.brine.torch;

import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.Storage;
import java.util.Objects;

/**
 * A storage saved on its own in a checkpoint — {@code torch.save(t.untyped_storage())} or a typed
 * storage — rather than through a tensor. Tensors read as {@link NDArray}s; a storage reached
 * directly reads as this: its element type and its bytes (shared with the tensors that view it).
 * Put one in an object given to {@link TorchCheckpoint#save} to write a bare storage.
 */
public final class TorchStorage {
    private final TorchDType dtype;
    private final boolean untyped;
    private final Storage bytes;

    /**
     * A typed storage of {@code dtype} over {@code bytes} (little-endian elements, not copied), or,
     * when {@code untyped}, a {@code torch.UntypedStorage} of the raw bytes (the dtype is then
     * {@link TorchDType#UINT8}).
     *
     * @throws IllegalArgumentException when the bytes are not a whole number of elements, or torch
     *     has no typed storage class for {@code dtype} (uint16 and the newer types are stored untyped)
     */
    public TorchStorage(TorchDType dtype, boolean untyped, Storage bytes) {
        this.dtype = untyped ? TorchDType.UINT8 : Objects.requireNonNull(dtype, "dtype");
        this.untyped = untyped;
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        if (!untyped && dtype.storageClass() == null) {
            throw new IllegalArgumentException("torch has no typed storage for " + dtype + "; use an untyped storage");
        }
        if (bytes.size() % this.dtype.itemsize() != 0) {
            throw new IllegalArgumentException(bytes.size() + " bytes are not a whole number of " + this.dtype
                    + " elements");
        }
    }

    /** An untyped storage of {@code bytes}. */
    public static TorchStorage untyped(Storage bytes) {
        return new TorchStorage(TorchDType.UINT8, true, bytes);
    }

    /** The element type ({@link TorchDType#UINT8} for an untyped storage). */
    public TorchDType dtype() {
        return dtype;
    }

    /** Whether this is a {@code torch.UntypedStorage}. */
    public boolean isUntyped() {
        return untyped;
    }

    /** The bytes, shared. */
    public Storage bytes() {
        return bytes;
    }

    /** The number of elements ({@code storage.size()} in torch; bytes for an untyped storage). */
    public long size() {
        return bytes.size() / dtype.itemsize();
    }

    /**
     * The elements as a 1-d array sharing the bytes.
     *
     * @throws IllegalStateException when the dtype has no NDArray type
     */
    public NDArray toArray() {
        if (dtype.arrayType() == null) {
            throw new IllegalStateException(dtype + " has no NDArray type");
        }
        return NDArray.wrap(dtype.arrayType(), Order.C, new long[] {size()}, bytes);
    }

    @Override
    public String toString() {
        return (untyped ? "torch.UntypedStorage" : "torch." + dtype.storageClass()) + " of " + size() + " elements";
    }
}
