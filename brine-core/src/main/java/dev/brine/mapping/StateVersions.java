package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.PythonRepr;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The state version of a class and the migrations from its older versions: long-term
 * serialization for classes whose state changes shape over the years.
 *
 * <p><b>How the version is recorded.</b> A versioned state is a dict (a Java {@code Map} with
 * string keys) and the version is one more key, {@value #VERSION_KEY}, holding an int. Python can
 * therefore still load such files with plain {@code pickle}: a class without {@code __setstate__}
 * simply gets a {@code __version__} attribute, and one with {@code __setstate__} can read it (as
 * {@code brine.Versioned} in {@code python/brine.py} does). A state that carries no
 * {@value #VERSION_KEY} key, whatever its form (a dict, or the seed's {@code (W, b)} tuple), is
 * version {@value #UNVERSIONED}: the class as it was before it started counting. Versions are
 * whole numbers from 1 up.
 *
 * <p><b>How loading migrates.</b> A state of version {@code v} goes through the migration from
 * {@code v}, then from {@code v + 1}, and so on up to the current version; the class's own
 * {@link PickleState#setState} then sees only current states, without the version key. Register
 * the class with {@link ClassRegistry.Builder#registerVersioned} and both directions are
 * automatic:
 *
 * <pre>{@code
 * StateVersions versions = StateVersions.current(3)
 *         .migration(1, s -> {                       // v1 pickled the tuple (W, b)
 *             Tuple t = (Tuple) s;
 *             Map<String, Object> m = new LinkedHashMap<>();
 *             m.put("W", t.get(0));
 *             m.put("b", t.get(1));
 *             return m;
 *         })
 *         .migration(2, s -> {                       // v3 renamed W and b
 *             Map<String, Object> m = StateVersions.dict(s);
 *             m.put("weights", m.remove("W"));
 *             m.put("bias", m.remove("b"));
 *             return m;
 *         });
 * ClassRegistry registry = NumpyPickles.standardRegistry().toBuilder()
 *         .registerVersioned(Model.class, Model::new, versions)
 *         .build();
 * }</pre>
 *
 * The class says its current version itself too, with {@link StateVersion} ({@code @StateVersion(3)}
 * here), which {@code registerVersioned} requires of a class with {@link PythonName} and checks
 * against {@link #current()}: a pickler without the registry entry then still stamps the state it
 * writes through the annotation, so no save can write today's state bare (which would read as
 * version 1 and be migrated again). Loading still needs the registry, which holds the migrations. A
 * class that is pickled without a registry entry can instead call {@link #stamp} from its
 * {@code getState} and {@link #upgrade} from its {@code setState} itself (stamping twice is
 * harmless: the key is replaced). Immutable.
 */
public final class StateVersions {
    /** The dict key that holds the state version: {@value}. */
    public static final String VERSION_KEY = "__version__";
    /** The version of a state without {@value #VERSION_KEY}: {@value}. */
    public static final int UNVERSIONED = 1;

    private final int current;
    private final Map<Integer, StateMigration> migrations;

    private StateVersions(int current, Map<Integer, StateMigration> migrations) {
        this.current = current;
        this.migrations = Collections.unmodifiableMap(migrations);
    }

    /** A class whose states are now at {@code version} (1 or more), with no migrations yet. */
    public static StateVersions current(int version) {
        if (version < UNVERSIONED) {
            throw new IllegalArgumentException("state versions start at " + UNVERSIONED + ": " + version);
        }
        return new StateVersions(version, new TreeMap<>());
    }

    /**
     * These versions plus the step from version {@code from} to {@code from + 1}.
     *
     * @throws IllegalArgumentException if {@code from} is not below the current version or
     *     already has a step
     */
    public StateVersions migration(int from, StateMigration step) {
        Objects.requireNonNull(step, "step");
        if (from < UNVERSIONED || from >= current) {
            throw new IllegalArgumentException("a migration goes from a version in [" + UNVERSIONED + ", " + current
                    + ") to the next; " + from + " is outside");
        }
        if (migrations.containsKey(from)) {
            throw new IllegalArgumentException("there is already a migration from version " + from);
        }
        Map<Integer, StateMigration> m = new TreeMap<>(migrations);
        m.put(from, step);
        return new StateVersions(current, m);
    }

    /** The version states are written at. */
    public int current() {
        return current;
    }

    /**
     * The oldest version that can still be loaded: the start of the unbroken chain of migrations
     * that ends at the current version (the current version itself when there are none).
     */
    public int oldest() {
        int v = current;
        while (migrations.containsKey(v - 1)) {
            v--;
        }
        return v;
    }

    /**
     * The version {@code state} was written at: its {@value #VERSION_KEY} entry when it is a dict
     * holding one, else {@value #UNVERSIONED}.
     *
     * @throws BrineException if the entry is not a whole number of at least 1, or is beyond an int
     *     (newer than any class reads)
     */
    public static int versionOf(Object state) throws BrineException {
        BigInteger v = version(state);
        if (v.compareTo(MAX_VERSION) > 0) {
            throw new BrineException("state version " + v + " is newer than any version a class can have here (at most "
                    + MAX_VERSION + "): the file was written by something newer");
        }
        return v.intValue();
    }

    private static final BigInteger MAX_VERSION = BigInteger.valueOf(Integer.MAX_VALUE);

    /**
     * The whole-number version of {@code state}, however large: one beyond an int is still a version,
     * only newer than any class reads (Python's ints have no bound; brine.py says "newer" too).
     */
    private static BigInteger version(Object state) throws BrineException {
        if (!(state instanceof Map) || !((Map<?, ?>) state).containsKey(VERSION_KEY)) {
            return BigInteger.valueOf(UNVERSIONED);
        }
        Object v = ((Map<?, ?>) state).get(VERSION_KEY);
        BigInteger n;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            n = BigInteger.valueOf(((Number) v).longValue());
        } else if (v instanceof BigInteger) {
            n = (BigInteger) v;
        } else {
            throw new BrineException("the state's " + VERSION_KEY + " must be an int, not " + describe(v));
        }
        if (n.signum() < 1) {
            throw new BrineException("the state's " + VERSION_KEY + " must be at least " + UNVERSIONED + ", not " + n);
        }
        return n;
    }

    /**
     * The state to pickle: {@code state} (which must be a dict with string keys) with
     * {@value #VERSION_KEY} set to the current version, put first so that it reads first in a
     * disassembly. {@code state} itself is not changed.
     *
     * @throws BrineException if {@code state} is not a {@code Map} with string keys
     */
    public Map<String, Object> stamp(Object state) throws BrineException {
        Map<String, Object> fields = dict(state);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(VERSION_KEY, (long) current);
        fields.remove(VERSION_KEY);
        out.putAll(fields);
        return out;
    }

    /**
     * {@code state}, of whatever version it was written at, migrated to the current version, with
     * its {@value #VERSION_KEY} key removed: what the class's {@code setState} expects. A dict
     * state keeps its other keys whatever they are (str or not), as {@code upgrade} in
     * {@code python/brine.py} does; each migration sees the state without the version key.
     *
     * @throws BrineException if the state is newer than the current version, older than
     *     {@link #oldest()}, or a migration refuses it
     */
    public Object upgrade(Object state) throws BrineException {
        BigInteger written = version(state);
        if (written.compareTo(BigInteger.valueOf(current)) > 0) {
            throw new BrineException("state version " + written + " is newer than version " + current
                    + ", the newest this class reads: the file was written by a newer version of the class");
        }
        int version = written.intValue();
        if (version < oldest()) {
            throw new BrineException("state version " + version + " is older than version " + oldest()
                    + ", the oldest this class migrates from" + (version == UNVERSIONED
                    ? " (a state without " + VERSION_KEY + " is version " + UNVERSIONED + ")" : ""));
        }
        Object s = withoutVersion(state);
        for (int v = version; v < current; v++) {
            try {
                s = migrations.get(v).migrate(s);
            } catch (BrineException e) {
                throw new BrineException("migrating the state from version " + v + " to " + (v + 1) + ": "
                        + e.getMessage(), e);
            } catch (Exception | AssertionError | LinkageError e) {
                // a migration is user code: its failure on odd input is a bad file, not a crash (what it threw
                // undeclared, @SneakyThrows, included)
                throw new BrineException("migrating the state from version " + v + " to " + (v + 1) + " failed: " + e, e);
            } catch (StackOverflowError e) {
                // reading does not recurse: the stack the migration ran out of was its own
                throw new BrineException("migrating the state from version " + v + " to " + (v + 1)
                        + " overflowed the stack (" + e + "): the migration recurses too deeply, or without end", e);
            }
            s = withoutVersion(s);
        }
        return s;
    }

    /**
     * {@code state} as a fresh mutable dict with string keys, for migrations and
     * {@code setState} code that reads dict states.
     *
     * @throws BrineException if it is not a {@code Map} with string keys
     */
    public static Map<String, Object> dict(Object state) throws BrineException {
        if (!(state instanceof Map)) {
            throw new BrineException("a versioned state must be a dict with str keys, not " + describe(state));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) state).entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw new BrineException("a versioned state must be a dict with str keys, not key " + describe(e.getKey()));
            }
            out.put((String) e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * {@code state} without {@value #VERSION_KEY}: a fresh dict of its other entries, whatever its keys, or
     * the state itself when it is no dict. As {@code _without_version} in {@code python/brine.py}: a version 1
     * state is in whatever form the class had before it counted, a dict of int keys included, and only the
     * migrations (with {@link #dict} when they want str keys) know what that form is.
     */
    private static Object withoutVersion(Object state) {
        if (state instanceof Map) {
            Map<Object, Object> m = new LinkedHashMap<>((Map<?, ?>) state);
            m.remove(VERSION_KEY);
            return m;
        }
        return state;
    }

    /** The value's Python type and repr ({@code bytes b'2'}): a Java toString of a byte[] said nothing. */
    private static String describe(Object v) {
        return v == null ? "None" : PythonTypeNames.of(v) + " " + PythonRepr.brief(v);
    }

    @Override
    public String toString() {
        return "StateVersions(current " + current + ", migrations from " + migrations.keySet() + ")";
    }
}
