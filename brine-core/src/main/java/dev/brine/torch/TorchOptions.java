package dev.brine.torch;

import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import dev.brine.py.Global;
import java.util.List;
import java.util.Objects;

/**
 * How {@link TorchCheckpoint#load(java.nio.file.Path, TorchOptions)} reads a checkpoint, and which
 * Java classes {@link TorchCheckpoint#save(Object, java.nio.file.Path, TorchOptions)} writes (its
 * {@link #registry()}, the one thing a save uses), so one options object both saves and loads a
 * checkpoint of one's own classes. Immutable;
 * {@link #DEFAULT} is the equivalent of {@code torch.load(path, weights_only=True)}: only tensors,
 * storages, dtypes, {@code torch.Size}, {@code torch.device}, {@code OrderedDict} and the builtin
 * globals torch's allowlist holds ({@link #weightsOnlyBuiltins()}) are allowed, every other global
 * is refused, tensors are read into the heap.
 *
 * <p>What a save writes, the same options load back: a save refuses a value that pickles under a
 * global its options' load would refuse (see {@link TorchCheckpoint#save(Object, java.nio.file.Path,
 * TorchOptions)}), so a file saved with {@link #DEFAULT} loads with {@code torch.load(path)}.
 */
public final class TorchOptions {
    /**
     * The globals of {@link ClassRegistry#builtins()} that {@code torch.load(weights_only=True)} also allows
     * ({@code _get_allowed_globals} in {@code torch/_weights_only_unpickler.py}, torch 2.13): the rest of
     * what CPython writes for builtin values ({@code datetime}'s types, {@code decimal.Decimal},
     * {@code frozenset}, {@code bytes()} of nothing, {@code object} and the {@code copyreg} helpers of
     * plain objects) torch refuses as "not an allowed global by default". ({@code collections.Counter},
     * which torch allows, Brine does not read.)
     */
    private static final List<String> WEIGHTS_ONLY_BUILTINS = List.of("_codecs.encode", "builtins.set",
            "builtins.bytearray", "builtins.complex", "collections.OrderedDict");
    private static final ClassRegistry WEIGHTS_ONLY = weightsOnly(ClassRegistry.builtins());

    /**
     * weights_only-equivalent globals ({@link #weightsOnlyBuiltins()} and torch's), other globals refused,
     * heap reads, default limits.
     */
    public static final TorchOptions DEFAULT = builder().build(); // after WEIGHTS_ONLY, its registry

    /** {@code builtins} without the globals torch's weights_only allowlist lacks; their writers stay. */
    private static ClassRegistry weightsOnly(ClassRegistry builtins) {
        ClassRegistry.Builder b = builtins.toBuilder();
        for (Global g : builtins.globals()) {
            if (!WEIGHTS_ONLY_BUILTINS.contains(g.module() + "." + g.name())) {
                b.remove(g.module(), g.name());
            }
        }
        return b.build();
    }

    private final ClassRegistry registry;
    private final boolean genericObjects;
    private final boolean mmap;
    private final boolean keepParameters;
    private final Limits limits;

    private TorchOptions(Builder b) {
        this.registry = b.registry;
        this.genericObjects = b.genericObjects;
        this.mmap = b.mmap;
        this.keepParameters = b.keepParameters;
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
        b.keepParameters = keepParameters;
        b.limits = limits;
        return b;
    }

    /**
     * Python's builtin globals that {@code torch.load(weights_only=True)} trusts, the default
     * {@link #registry()}: {@code set}, {@code bytearray}, {@code complex}, {@code bytes} (as
     * {@code _codecs.encode}) and {@code OrderedDict}. Its writers are those of
     * {@link ClassRegistry#builtins()}, so that a save names what it would write before refusing it.
     */
    public static ClassRegistry weightsOnlyBuiltins() {
        return WEIGHTS_ONLY;
    }

    /**
     * The globals trusted besides torch's own: {@link #weightsOnlyBuiltins()} by default. Like
     * {@code torch.serialization.add_safe_globals}, give a registry with your classes to allow more:
     * {@link ClassRegistry#builtins()} for the dates, times, {@code Decimal}s, frozensets and plain objects
     * CPython pickles (files one trusts: Brine builds them without running anything, but torch then
     * needs {@code weights_only=False}), {@code NumpyPickles.standardRegistry()} for numpy values too; torch's tensor,
     * storage, dtype, Size and device globals are always added on top. numpy's arrays, scalars and
     * dtypes are not in the default, as {@code torch.load(weights_only=True)} refuses them too
     * ({@code numpy._core.multiarray._reconstruct} "was not an allowed global by default", torch 2.13);
     * Brine reads them without running anything, so allowing them is safe (the CLI does).
     *
     * <p>When saving, the registry's Java classes are written as it names them; tensors, devices and
     * sizes are always torch's, and numpy's scalars and dtypes numpy's unless the registry writes
     * them otherwise. A value whose global the registry does not read is refused, unless
     * {@link #genericObjects()} is on.
     */
    public ClassRegistry registry() {
        return registry;
    }

    /**
     * Whether other globals become inert {@link dev.brine.py.GenericObject}s instead of errors. A save with
     * it on writes any global (such options read anything back), and so is how to write values outside the
     * registry, such as inert objects read so, into a file torch loads only with {@code weights_only=False}.
     */
    public boolean genericObjects() {
        return genericObjects;
    }

    /**
     * Whether tensors are read-only views of a memory mapping of the checkpoint's storage records
     * rather than heap copies (torch's {@code mmap=True}). Mapped records are not CRC-checked (that
     * would read them all); big-endian checkpoints are always read into the heap. Records under 64 KiB are read
     * into read-only direct buffers and one file maps at most 32,768 records ({@link dev.brine.ndarray.FileMappings}:
     * a process holds only about 65,000 mappings).
     */
    public boolean mmap() {
        return mmap;
    }

    /**
     * Whether a {@code torch.nn.Parameter} reads as a {@link TorchParameter} (its data and {@code requires_grad},
     * written back as a Parameter; its Python attributes are dropped, as a tensor's are) rather than as its {@link dev.brine.ndarray.NDArray} (the default,
     * which a save writes as a plain tensor). Turn it on to load and save a whole model ({@code torch.save(model)},
     * read with {@link #genericObjects()}) or a list of Parameters and keep them Parameters; state dicts hold plain
     * tensors either way. Saving writes a {@code TorchParameter} whatever this says.
     */
    public boolean keepParameters() {
        return keepParameters;
    }

    /** The safety limits for the pickle, the ZIP and heap reads. */
    public Limits limits() {
        return limits;
    }

    /** Builds {@link TorchOptions}. */
    public static final class Builder {
        private ClassRegistry registry = WEIGHTS_ONLY;
        private boolean genericObjects;
        private boolean mmap;
        private boolean keepParameters;
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

        /** Read {@code torch.nn.Parameter}s as {@link TorchParameter}s (see {@link TorchOptions#keepParameters()}). */
        public Builder keepParameters(boolean on) {
            this.keepParameters = on;
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
