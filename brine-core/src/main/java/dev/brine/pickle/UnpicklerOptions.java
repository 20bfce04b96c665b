package dev.brine.pickle;

import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import java.util.Objects;

/**
 * How an {@link Unpickler} reads: which globals it trusts, what it does with the rest, its limits
 * and hooks. Immutable; {@link #DEFAULT} trusts {@link ClassRegistry#builtins()} plus numpy arrays, dtypes and scalars
 * ({@link dev.brine.numpy.NumpyPickles#standardRegistry()}) and refuses
 * every other global.
 */
public final class UnpicklerOptions {
    /** Python builtins and numpy data types only, other globals refused, default limits. */
    public static final UnpicklerOptions DEFAULT = builder().build();

    /** How Python 2 {@code str} values (STRING, BINSTRING, SHORT_BINSTRING) are decoded. */
    public enum Py2Strings {
        /** As Python 3's default {@code encoding='ASCII'}: non-ASCII bytes are an error. */
        ASCII,
        /** {@code encoding='latin1'}: every byte maps to a char (what numpy's own pickles need). */
        LATIN1,
        /** {@code encoding='bytes'}: kept as {@code byte[]}. */
        BYTES
    }

    /**
     * How {@link Unpickler#loadNext()} (and so {@link Pickle#loadAll}) carries the memo from one pickle
     * of a stream to the next. {@link Unpickler#load()} never clears it: that is {@link #ONE_PICKLER}.
     */
    public enum StreamMemo {
        /**
         * Found out pickle by pickle: each pickle is read with a memo of its own unless it refers to
         * entries of the memo the earlier ones left; from then on with that memo (see
         * {@link Unpickler#loadNext()}, also for the one case the two cannot be told apart).
         */
        AUTO,
        /** A memo of its own for each pickle: what {@code pickle.dump} in a loop writes, repeated {@code pickle.load} reads. */
        EACH_PICKLE,
        /** One memo across the stream: what one {@code Pickler}'s several {@code dump} calls write, one {@code Unpickler} reads. */
        ONE_PICKLER
    }

    private final ClassRegistry registry;
    private final boolean genericObjects;
    private final Limits limits;
    private final PersistentLoader persistentLoader;
    private final ExtensionRegistry extensions;
    private final Py2Strings py2Strings;
    private final StreamMemo streamMemo;

    private UnpicklerOptions(Builder b) {
        this.registry = b.registry;
        this.genericObjects = b.genericObjects;
        this.limits = b.limits;
        this.persistentLoader = b.persistentLoader;
        this.extensions = b.extensions;
        this.py2Strings = b.py2Strings;
        this.streamMemo = b.streamMemo;
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
        b.limits = limits;
        b.persistentLoader = persistentLoader;
        b.extensions = extensions;
        b.py2Strings = py2Strings;
        b.streamMemo = streamMemo;
        return b;
    }

    /** The globals that resolve to Java code. */
    public ClassRegistry registry() {
        return registry;
    }

    /** Whether unknown globals become inert {@link dev.brine.py.GenericObject}s instead of errors. */
    public boolean genericObjects() {
        return genericObjects;
    }

    /** The safety limits. */
    public Limits limits() {
        return limits;
    }

    /** The persistent_load hook, or {@code null} (persistent ids are then an error). */
    public PersistentLoader persistentLoader() {
        return persistentLoader;
    }

    /** The extension codes EXT1/2/4 may use. */
    public ExtensionRegistry extensions() {
        return extensions;
    }

    /** How Python 2 strings decode. */
    public Py2Strings py2Strings() {
        return py2Strings;
    }

    /** How the memo goes from one pickle of a stream to the next in {@link Unpickler#loadNext()}. */
    public StreamMemo streamMemo() {
        return streamMemo;
    }

    /** Builds {@link UnpicklerOptions}. */
    public static final class Builder {
        private ClassRegistry registry = dev.brine.numpy.NumpyPickles.standardRegistry();
        private boolean genericObjects;
        private Limits limits = Limits.DEFAULT;
        private PersistentLoader persistentLoader;
        private ExtensionRegistry extensions = ExtensionRegistry.EMPTY;
        private Py2Strings py2Strings = Py2Strings.ASCII;
        private StreamMemo streamMemo = StreamMemo.AUTO;

        private Builder() {
        }

        /** The globals to trust (start from {@code ClassRegistry.builtins().toBuilder()}). */
        public Builder registry(ClassRegistry registry) {
            this.registry = Objects.requireNonNull(registry);
            return this;
        }

        /** Read unknown globals as inert generic objects rather than refusing them. */
        public Builder genericObjects(boolean on) {
            this.genericObjects = on;
            return this;
        }

        /** The safety limits. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** The persistent_load hook. */
        public Builder persistentLoader(PersistentLoader loader) {
            this.persistentLoader = loader;
            return this;
        }

        /** The extension codes. */
        public Builder extensions(ExtensionRegistry extensions) {
            this.extensions = Objects.requireNonNull(extensions);
            return this;
        }

        /** How Python 2 strings decode. */
        public Builder py2Strings(Py2Strings mode) {
            this.py2Strings = Objects.requireNonNull(mode);
            return this;
        }

        /** How the memo goes from one pickle of a stream to the next in {@link Unpickler#loadNext()} (default {@code AUTO}). */
        public Builder streamMemo(StreamMemo mode) {
            this.streamMemo = Objects.requireNonNull(mode);
            return this;
        }

        /** The options. */
        public UnpicklerOptions build() {
            return new UnpicklerOptions(this);
        }
    }
}
