package dev.brine.pickle;

import dev.brine.mapping.ClassRegistry;
import java.util.Objects;

/**
 * How a {@link Pickler} writes: protocol, the registry that maps Java classes to Python, hooks and
 * the nesting limit. Immutable; {@link #DEFAULT} writes protocol 5 (the highest) with the builtins.
 */
public final class PicklerOptions {
    /** Protocol 5, builtins registry, no hooks. */
    public static final PicklerOptions DEFAULT = builder().build();

    private final int protocol;
    private final ClassRegistry registry;
    private final PersistentIdHook persistentId;
    private final BufferCallback bufferCallback;
    private final ExtensionRegistry extensions;
    private final boolean fixImports;
    private final int maxDepth;

    private PicklerOptions(Builder b) {
        if (b.bufferCallback != null && b.protocol < 5) {
            // CPython refuses it too (pickle.Pickler raises ValueError): below protocol 5 no buffer goes out of band,
            // and a callback never called would hide that the buffers went into the pickle
            throw new IllegalArgumentException("buffer_callback needs protocol >= 5, not " + b.protocol);
        }
        this.protocol = b.protocol;
        this.registry = b.registry;
        this.persistentId = b.persistentId;
        this.bufferCallback = b.bufferCallback;
        this.extensions = b.extensions;
        this.fixImports = b.fixImports;
        this.maxDepth = b.maxDepth;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options equal to these but for the protocol. */
    public PicklerOptions withProtocol(int protocol) {
        return toBuilder().protocol(protocol).build();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocol = protocol;
        b.registry = registry;
        b.persistentId = persistentId;
        b.bufferCallback = bufferCallback;
        b.extensions = extensions;
        b.fixImports = fixImports;
        b.maxDepth = maxDepth;
        return b;
    }

    /** The protocol, 0–5. */
    public int protocol() {
        return protocol;
    }

    /** Maps Java classes to Python reductions. */
    public ClassRegistry registry() {
        return registry;
    }

    /** The persistent_id hook, or {@code null}. */
    public PersistentIdHook persistentId() {
        return persistentId;
    }

    /** The protocol 5 buffer callback, or {@code null} (buffers then stay in band). */
    public BufferCallback bufferCallback() {
        return bufferCallback;
    }

    /** Extension codes to write with EXT1/2/4 instead of names. */
    public ExtensionRegistry extensions() {
        return extensions;
    }

    /** Whether Python 3 names are written as their Python 2 forms below protocol 3, like CPython. */
    public boolean fixImports() {
        return fixImports;
    }

    /** The deepest nesting written before failing with a PicklingException. */
    public int maxDepth() {
        return maxDepth;
    }

    /** Builds {@link PicklerOptions}. */
    public static final class Builder {
        private int protocol = Opcode.HIGHEST_PROTOCOL;
        private ClassRegistry registry = dev.brine.numpy.NumpyPickles.standardRegistry();
        private PersistentIdHook persistentId;
        private BufferCallback bufferCallback;
        private ExtensionRegistry extensions = ExtensionRegistry.EMPTY;
        private boolean fixImports = true;
        private int maxDepth = 1_000;

        private Builder() {
        }

        /** The protocol, 0–5; -1 means the highest, as in Python. */
        public Builder protocol(int protocol) {
            if (protocol < 0) {
                protocol = Opcode.HIGHEST_PROTOCOL;
            }
            if (protocol > Opcode.HIGHEST_PROTOCOL) {
                throw new IllegalArgumentException("pickle protocol must be <= " + Opcode.HIGHEST_PROTOCOL + ": " + protocol);
            }
            this.protocol = protocol;
            return this;
        }

        /** The class registry (start from {@code ClassRegistry.builtins().toBuilder()}). */
        public Builder registry(ClassRegistry registry) {
            this.registry = Objects.requireNonNull(registry);
            return this;
        }

        /** The persistent_id hook. */
        public Builder persistentId(PersistentIdHook hook) {
            this.persistentId = hook;
            return this;
        }

        /**
         * The buffer callback: offered each out-of-band-capable buffer (protocol 5). {@link #build} throws
         * IllegalArgumentException when a callback is set below protocol 5, as CPython's Pickler raises ValueError.
         */
        public Builder bufferCallback(BufferCallback callback) {
            this.bufferCallback = callback;
            return this;
        }

        /** Extension codes. */
        public Builder extensions(ExtensionRegistry extensions) {
            this.extensions = Objects.requireNonNull(extensions);
            return this;
        }

        /** Python 2 names below protocol 3 (default true, as in CPython). */
        public Builder fixImports(boolean on) {
            this.fixImports = on;
            return this;
        }

        /**
         * The deepest nesting to write (default 1,000, which a default 1 MiB thread stack holds at every
         * protocol; CPython 3.11 stops at about 500 nested lists). Writing recurses, so a much higher
         * value may need a bigger thread stack.
         */
        public Builder maxDepth(int depth) {
            if (depth <= 0) {
                throw new IllegalArgumentException("maxDepth must be positive");
            }
            this.maxDepth = depth;
            return this;
        }

        /** The options. */
        public PicklerOptions build() {
            return new PicklerOptions(this);
        }
    }
}
