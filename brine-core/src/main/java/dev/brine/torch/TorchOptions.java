package dev.brine.torch;

import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import java.util.Objects;

/**
 * How {@link TorchCheckpoint#load(java.nio.file.Path, TorchOptions)} reads a checkpoint, and which
 * Java classes {@link TorchCheckpoint#save(Object, java.nio.file.Path, TorchOptions)} writes (its
 * {@link #registry()}, the one thing a save uses), so one options object both saves and loads a
 * checkpoint of one's own classes. Immutable;
 * {@link #DEFAULT} is the equivalent of {@code torch.load(path, weights_only=True)}: only tensors,
 * storages, dtypes, {@code torch.Size}, {@code torch.device}, {@code OrderedDict} and Python's
 * builtin values are allowed, every other global is refused, tensors are read into the heap.
 */
public final class TorchOptions {
    /** weights_only-equivalent globals, other globals refused, heap reads, default limits. */
    public static final TorchOptions DEFAULT = builder().build();

    private final ClassRegistry registry;
    private final boolean genericObjects;
    private final boolean mmap;
    private final Limits limits;

    private TorchOptions(Builder b) {
        this.registry = b.registry;
        this.genericObjects = b.genericObjects;
        this.mmap = b.mmap;
        this.limits = b.limits;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.registry = registry;
        b.genericObjects = genericObjects;
        b.mmap = mmap;
        b.limits = limits;
        return b;
    }

    /**
     * The globals trusted besides torch's own: {@link ClassRegistry#builtins()} by default. Like
     * {@code torch.serialization.add_safe_globals}, give a registry with your classes (or
     * {@code NumpyPickles.standardRegistry()} for numpy values) to allow more; torch's tensor,
     * storage, dtype, Size and device globals are always added on top. numpy's arrays, scalars and
     * dtypes are not in the default, as {@code torch.load(weights_only=True)} refuses them too
     * ({@code numpy._core.multiarray._reconstruct} "was not an allowed global by default", torch 2.13);
     * Brine reads them without running anything, so allowing them is safe (the CLI does).
     *
     * <p>When saving, the registry's Java classes are written as it names them; tensors, devices and
     * sizes are always torch's, and numpy's scalars and dtypes numpy's unless the registry writes
     * them otherwise.
     */
    public ClassRegistry registry() {
        return registry;
    }

    /** Whether other globals become inert {@link dev.brine.py.GenericObject}s instead of errors. */
    public boolean genericObjects() {
        return genericObjects;
    }

    /**
     * Whether tensors are read-only views of a memory mapping of the checkpoint's storage records
     * rather than heap copies (torch's {@code mmap=True}). Mapped records are not CRC-checked (that
     * would read them all); big-endian checkpoints are always read into the heap.
     */
    public boolean mmap() {
        return mmap;
    }

    /** The safety limits for the pickle, the ZIP and heap reads. */
    public Limits limits() {
        return limits;
    }

    /** Builds {@link TorchOptions}. */
    public static final class Builder {
        private ClassRegistry registry = ClassRegistry.builtins();
        private boolean genericObjects;
        private boolean mmap;
        private Limits limits = Limits.DEFAULT;

        private Builder() {
        }

        /** The globals trusted besides torch's own (see {@link TorchOptions#registry()}). */
        public Builder registry(ClassRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Read other globals as inert generic objects rather than refusing them. */
        public Builder genericObjects(boolean on) {
            this.genericObjects = on;
            return this;
        }

        /**
         * Memory-map the storages instead of reading them into the heap. The file truncated while mapped makes
         * the next access to a lost page throw the JVM's {@link java.lang.InternalError} (torch's process gets
         * SIGBUS), not an IOException: see {@link dev.brine.npy.Npy#map(java.nio.file.Path, boolean)}.
         */
        public Builder mmap(boolean on) {
            this.mmap = on;
            return this;
        }

        /** The safety limits. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The options. */
        public TorchOptions build() {
            return new TorchOptions(this);
        }
    }
}
