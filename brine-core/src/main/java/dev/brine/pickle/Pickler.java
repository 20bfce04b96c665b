package dev.brine.pickle;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PyCallable;
import dev.brine.mapping.PythonName;
import dev.brine.mapping.PythonTruth;
import dev.brine.mapping.PythonNames;
import dev.brine.mapping.Reducer;
import dev.brine.mapping.Reduction;
import dev.brine.mapping.StateVersion;
import dev.brine.mapping.StateVersions;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyScalar;
import dev.brine.py.ByteArray;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.GlobalAccess;
import dev.brine.py.OrderedDict;
import dev.brine.py.PersistentId;
import dev.brine.py.PickleBuffer;
import dev.brine.py.PyFloat;
import dev.brine.py.Tuple;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Writes pickles of protocols 0–5 with the same opcode choices, memo indices and frames as
 * CPython's C pickler, so that the same object graph gives the same bytes.
 *
 * <p>Like Python's {@code Pickler}, the memo lives as long as the Pickler: objects written by one
 * {@link #dump} and met again in a later one are written as memo references, and must then be read
 * by one Unpickler. Use a fresh Pickler per object (as {@link Pickle#dump} does) for independent
 * pickles in one stream, or call {@link #clearMemo()}.
 *
 * <p>A {@link dev.brine.py.GenericObject} is written back to the opcodes it was read from, at the
 * protocol asked for: a global as its {@link dev.brine.py.Global.Form} says (a method through
 * {@code getattr} at every protocol); below protocol 2, an object made with {@code cls.__new__(cls)}
 * as {@code copyreg._reduce_ex} writes it, {@code copyreg._reconstructor(cls, base, value)}, the base
 * {@code list} or {@code dict} when it holds appended or set items (an empty list or dict subclass
 * cannot be told from a plain object, and is written as one: base {@code object}, which Python
 * refuses to make of it), and one made with arguments as {@code copyreg.__newobj__(cls, *args)},
 * which loads as the same object (CPython would name a base that the pickle does not give). An
 * object read from protocol 0 or 1 keeps the base that pickle named, and is written there byte for
 * byte as CPython writes it.
 */
public final class Pickler {
    private static final int BATCHSIZE = 1000;
    /** The stack of the thread that takes over structures too deep for the caller's stack. */
    private static final long DEEP_STACK_BYTES = 512L << 20;
    /** Frames of its own on top of the pickler's that make a stack overflow a hook's (far more than a writer needs). */
    private static final int HOOK_OWN_FRAMES = 512;
    /** CPython passes one interned "latin1" string for every bytes object below protocol 3. */
    private static final String LATIN1 = "latin1";
    private static final Global CODECS_ENCODE = new Global("_codecs", "encode");
    private static final Global BYTES = new Global("builtins", "bytes");
    private static final Global BYTEARRAY = new Global("builtins", "bytearray");
    private static final Global SET = new Global("builtins", "set");
    private static final Global FROZENSET = new Global("builtins", "frozenset");
    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global RECONSTRUCTOR = new Global("copyreg", "_reconstructor");
    private static final Global NEWOBJ = new Global("copyreg", "__newobj__");
    private static final Global NEWOBJ_EX = new Global("copyreg", "__newobj_ex__");
    private static final Global PARTIAL = new Global("functools", "partial");
    private static final Global GETATTR = new Global("builtins", "getattr");
    private static final Global OBJECT = new Global("builtins", "object");
    private static final Global LIST = new Global("builtins", "list");
    private static final Global DICT = new Global("builtins", "dict");
    private static final Global COMPLEX = new Global("builtins", "complex");
    private static final Global INT = new Global("builtins", "int");
    private static final Global FLOAT = new Global("builtins", "float");
    private static final Global STR = new Global("builtins", "str");

    private final PickleOutput out;
    private final PicklerOptions options;
    private final int proto;
    private final boolean bin;
    private final int maxDepth; // the options' values, read once per save(): kept here
    private final PersistentIdHook persistentId;
    private final IdentityMemo memo = new IdentityMemo();
    private int prefetchSink; // see prefetchMemo
    private final Map<Global, Integer> globalMemo = new HashMap<>();
    // globals read from getattr that may be classes (NAME_OR_ATTRIBUTE), by name: found by a class's
    // name, never by another of them (see saveGetattrGlobal)
    private final Map<Global, Integer> getattrClasses = new HashMap<>();
    private final Map<String, Integer> moduleMemo = new HashMap<>();
    private final Map<String, Integer> functionModuleMemo = new HashMap<>(); // see moduleMemoFor
    private final Map<String, Integer> nameMemo = new HashMap<>();
    private final byte[] header = new byte[9];
    /**
     * Whether user code (a class's getState, a writer registered for a class of the user's) has run in this
     * dump; see {@link #tooDeepAfterHooks}.
     */
    private boolean userCodeRan;
    /** Whether the persistent id hook is the user's (Brine's own archives give one of theirs, which runs no user code). */
    private final boolean persistentIdIsUsers;

    /** A pickler writing to {@code out} with {@code options}. */
    public Pickler(OutputStream out, PicklerOptions options) {
        // a null stream would otherwise mean "in memory" below, and the pickle would be built and dropped
        this(new PickleOutput(Objects.requireNonNull(out, "out")), options);
    }

    /** A pickler writing to {@code out}, a stream's or (with no stream) the in-memory one of {@link #dumps}. */
    private Pickler(PickleOutput out, PicklerOptions options) {
        this.out = out;
        this.options = options;
        this.proto = options.protocol();
        this.bin = proto >= 1;
        this.maxDepth = options.maxDepth();
        this.persistentId = options.persistentId();
        this.persistentIdIsUsers = persistentId != null && !isLibraryType(persistentId.getClass());
    }

    private Pickler(PicklerOptions options) {
        this(new PickleOutput(null), options);
    }

    /** The pickle of {@code obj} as bytes. */
    public static byte[] dumps(Object obj, PicklerOptions options) throws BrineException {
        Pickler p = new Pickler(options);
        try {
            p.dump(obj);
        } catch (BrineException e) {
            throw e;
        } catch (IOException e) {
            throw new PicklingException("unexpected I/O error writing to memory", e);
        }
        return p.out.toByteArray();
    }

    /** Forgets the objects written so far (Python's {@code clear_memo}). */
    public void clearMemo() {
        memo.clear();
        Arrays.fill(recentKeys, null);
        globalMemo.clear();
        getattrClasses.clear();
        moduleMemo.clear();
        functionModuleMemo.clear();
        nameMemo.clear();
    }

    /**
     * Writes one pickle of {@code obj}. Each dump starts from an empty output buffer, as CPython's does: a dump that
     * failed (an object that cannot be pickled, a hook that threw, a stream that threw an {@link IOException}) leaves
     * nothing buffered behind, and the next dump writes its pickle alone. What the stream had already taken of the
     * failed dump stays there: a payload of 64 KiB or more goes to it at once, as in CPython, and so does each complete
     * 64 KiB of the pickle (at protocols 0 to 3 CPython keeps those until the end of the dump; Brine does not, to bound
     * its memory). As in CPython, the memo keeps the objects that the failed dump had met, and a later dump may refer
     * to them: call {@link #clearMemo()} after a failure to write pickles that one Unpickler can read.
     */
    public void dump(Object obj) throws IOException {
        out.reset();
        boolean written = false;
        try {
            writePickle(obj);
            written = true;
        } finally {
            if (!written) {
                out.reset(); // nothing of a failed dump stays buffered (the next dump would drop it anyway): free it now
            }
        }
    }

    private void writePickle(Object obj) throws IOException {
        int memoAtStart = memo.size();
        long sentAtStart = out.sent();
        userCodeRan = false;
        try {
            writeProto();
            save(obj, 0, false);
        } catch (StackOverflowError e) {
            // writing recurses once per level of nesting; the caller's thread may have a small stack.
            // Like javac, redo the work on a thread of our own with a big stack, from the state the dump
            // began in, when no user code has run (see userCodeRan) and the stream has taken none of it
            // (deep structures overflow early, so in practice it has not; a dump in memory always can).
            if (userCodeRan) {
                throw tooDeepAfterHooks(e);
            }
            if (out.sent() != sentAtStart) {
                throw tooDeepAfterSent(out.sent() - sentAtStart, e);
            }
            forgetSince(memoAtStart);
            out.reset();
            writeProto();
            saveOnDeepStack(obj);
        }
        out.write(Opcode.STOP.code());
        out.commitFrame();
        out.setFraming(false);
        out.flushAll();
    }

    private void writeProto() {
        if (proto >= 2) {
            out.write(Opcode.PROTO.code(), proto);
        }
        if (proto >= 4) {
            out.setFraming(true);
        }
    }

    /**
     * Takes the memo back to its first {@code size} entries, as it was when a dump that is to be redone began: the
     * redone dump then gives the same memo indices and refers to the same earlier objects as a dump that had not
     * overflowed (CPython's, on a big enough stack). The tables keyed by value lose the entries made since.
     */
    private void forgetSince(int size) {
        memo.truncate(size);
        Arrays.fill(recentKeys, null); // their indices may be among those forgotten
        for (Map<?, Integer> byValue : List.of(globalMemo, getattrClasses, moduleMemo, functionModuleMemo, nameMemo)) {
            byValue.values().removeIf(index -> index >= size);
        }
    }

    private void saveOnDeepStack(Object obj) throws IOException {
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(null, () -> {
            try {
                save(obj, 0, false);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "brine-pickler-deep", DEEP_STACK_BYTES);
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PicklingException("interrupted while pickling a deep structure", e);
        }
        Throwable t = failure[0];
        if (t instanceof StackOverflowError) {
            throw tooDeep();
        } else if (t instanceof IOException) {
            throw (IOException) t;
        } else if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        } else if (t instanceof Error) {
            throw (Error) t;
        }
    }

    /**
     * The overflow of a dump in which user code had run: redoing it on a thread of Brine's own would run each hook
     * again there (Python runs a {@code __getstate__} once, on the caller's thread), deadlock a synchronized
     * {@code getState} whose lock the caller holds, and, for a hook that dumps through Brine itself, start a new
     * thread at every level of its recursion until memory runs out.
     */
    private PicklingException tooDeepAfterHooks(StackOverflowError e) {
        return new PicklingException("structure too deep for this thread's stack, after state hooks (getState, registered"
                + " writers, the persistent id hook, the buffer callback) had run, which Brine does not run a second time on a thread of its own: dump it from a thread"
                + " with a bigger stack (new Thread(null, task, name, stackSize)) or lower the nesting"
                + " (PicklerOptions.maxDepth is " + options.maxDepth() + "); a hook that pickles its own object recurses"
                + " without end", e);
    }

    /**
     * The overflow of a dump part of whose pickle the stream had already taken ({@code sent} bytes: a payload of
     * 64 KiB or more, or a full 64 KiB, before the deep part), so that it cannot be started over on a thread of
     * Brine's own.
     */
    private PicklingException tooDeepAfterSent(long sent, StackOverflowError e) {
        return new PicklingException("structure too deep for this thread's stack, after " + sent + " bytes of this"
                + " pickle had gone to the stream, which Brine cannot take back to write it again on a thread of its own"
                + " with a " + (DEEP_STACK_BYTES >> 20) + " MiB stack: dump it from a thread with a bigger stack"
                + " (new Thread(null, task, name, stackSize)), or in memory (Pickle.dumps) and write the bytes, or lower"
                + " the nesting (PicklerOptions.maxDepth is " + options.maxDepth() + ")", e);
    }

    private PicklingException tooDeep() {
        return new PicklingException("structure too deep to pickle even on a " + (DEEP_STACK_BYTES >> 20)
                + " MiB stack; lower the nesting (PicklerOptions.maxDepth is " + options.maxDepth() + ")");
    }

    // ---- dispatch -------------------------------------------------------------------------------

    private void save(Object obj, int depth, boolean persSave) throws IOException {
        out.opcodeBoundary();
        if (depth > maxDepth) {
            throw new PicklingException("nesting deeper than " + options.maxDepth()
                    + " levels (PicklerOptions.maxDepth); is the structure cyclic through a type without a memo?");
        }
        if (!persSave && persistentId != null) {
            Object pid = persistentIdOf(obj);
            if (pid != null) {
                savePers(pid, depth);
                return;
            }
        }
        if (obj instanceof String) { // first: dict keys and most values are strings
            saveString((String) obj);
        } else if (obj == null) {
            out.write(Opcode.NONE.code());
        } else if (obj instanceof Boolean) {
            saveBool((Boolean) obj);
        } else if (obj instanceof Long || obj instanceof Integer || obj instanceof Short || obj instanceof Byte) {
            saveLong(((Number) obj).longValue());
        } else if (obj instanceof Double || obj instanceof Float) {
            saveFloat(((Number) obj).doubleValue());
        } else if (obj instanceof BigInteger) {
            saveBigInteger((BigInteger) obj);
        } else {
            if (obj instanceof byte[] && ((byte[]) obj).length == 0) {
                obj = PySingletons.of((byte[]) obj); // one object, as in CPython (see PySingletons)
            }
            Class<?> type = obj.getClass();
            if (type == LinkedHashMap.class || type == HashMap.class || type == ArrayList.class) {
                // the JDK containers the unpickler builds: nothing is memoized between this lookup and
                // the EMPTY_DICT/EMPTY_LIST that memoizes a fresh one, so one probe finds it or gives it
                // its index, where get() then add() hashed and probed twice
                int index = memo.getOrAdd(obj);
                if (index >= 0) {
                    writeGet(index);
                } else if (type == ArrayList.class) {
                    saveList((List<?>) obj, depth, true);
                } else {
                    saveDict((Map<?, ?>) obj, depth, true);
                }
            } else {
                if (obj instanceof Enum) {
                    obj = options.registry().member(obj); // an alias constant is its member, one object as in Python
                }
                int index = memo.get(obj);
                if (index >= 0) {
                    writeGet(index);
                } else {
                    saveObject(obj, depth);
                }
            }
        }
        out.maybePassOn();
    }

    /** The persistent id hook's answer for {@code obj}; what the hook throws, wrapped as its failure (as {@link #reduce} does a getState's). */
    private Object persistentIdOf(Object obj) throws BrineException {
        userCodeRan |= persistentIdIsUsers;
        try {
            return persistentId.persistentId(obj);
        } catch (BrineException e) {
            throw e;
        } catch (Exception | AssertionError | LinkageError e) {
            throw new PicklingException("the persistent_id hook threw " + e + " for a " + obj.getClass().getName(), e);
        }
    }

    private void saveObject(Object obj, int depth) throws IOException {
        // the JDK containers the unpickler builds, by exact class first: a failed interface test
        // (a dict is not a List) scans the class's interfaces on every call
        Class<?> type = obj.getClass();
        if (obj instanceof byte[]) {
            saveBytes((byte[]) obj, obj);
        } else if (obj instanceof Character) {
            saveCharacter((Character) obj);
        } else if (obj instanceof ByteArray) {
            saveByteArray(((ByteArray) obj).array(), obj, depth);
        } else if (obj instanceof Tuple) {
            saveTuple(((Tuple) obj).toArray(), obj, depth);
        } else if (obj instanceof Object[]) {
            saveTuple((Object[]) obj, obj, depth);
        } else if (obj instanceof List) {
            if (hasOwnReduction(type)) {
                saveContainerObject(obj, depth);
            } else {
                saveList((List<?>) obj, depth);
            }
        } else if (obj instanceof OrderedDict) {
            OrderedDict<?, ?> od = (OrderedDict<?, ?>) obj;
            saveReduce(new Reduction(ORDERED_DICT, Reduction.Style.REDUCE, Tuple.empty(), null,
                    od.hasAttributes() ? new LinkedHashMap<>(od.attributes()) : null, null, od), obj, depth);
        } else if (obj instanceof Map) {
            if (hasOwnReduction(type)) {
                saveContainerObject(obj, depth);
            } else {
                saveDict((Map<?, ?>) obj, depth);
            }
        } else if (obj instanceof FrozenSet) {
            saveFrozenSet((FrozenSet) obj, depth);
        } else if (obj instanceof Set) {
            if (hasOwnReduction(type)) {
                saveContainerObject(obj, depth);
            } else {
                saveSet((Set<?>) obj, depth);
            }
        } else if (obj instanceof Global) {
            saveGlobal((Global) obj, depth);
        } else if (obj instanceof PyCallable) {
            saveGlobal(((PyCallable) obj).global(), depth);
        } else if (obj instanceof PersistentId) {
            savePers(((PersistentId) obj).pid(), depth); // never memoized, as CPython's save_pers memoizes nothing
        } else if (obj instanceof GenericObject) {
            saveGeneric((GenericObject) obj, depth);
        } else if (obj instanceof PickleBuffer) {
            savePickleBuffer((PickleBuffer) obj, depth);
        } else {
            saveReduce(reduce(obj), obj, depth);
        }
    }

    /**
     * Whether a List, Map or Set of class {@code type} is written by its own reduction, not as a plain
     * list, dict or set: it has a registered writer, or it is a {@link PickleState} with
     * {@link PythonName}, the Java form of a Python list, dict or set subclass with a state. (The JDK's
     * ArrayList, HashMap and LinkedHashMap never get here: {@link #save} writes them by exact class.)
     */
    private boolean hasOwnReduction(Class<?> type) {
        if (type.isAnnotationPresent(PythonName.class) && PickleState.class.isAssignableFrom(type)) {
            return true;
        }
        return options.registry().writerFor(type) != null;
    }

    /**
     * A List, Map or Set with a writer of its own, written as CPython writes a list, dict or set subclass:
     * a reduction that makes the object with {@code cls.__new__(cls)} (a {@link PickleState}'s) gets its
     * items the way {@code object.__reduce_ex__} gives them (see {@link #withItems}); any other reduction
     * a writer gives is written as it is.
     */
    private void saveContainerObject(Object obj, int depth) throws IOException {
        Reduction r = reduce(obj);
        if (r.style() == Reduction.Style.NEWOBJ && r.args().isEmpty() && r.listItems() == null && r.dictItems() == null) {
            r = withItems(r, obj);
        }
        saveReduce(r, obj, depth);
    }

    /**
     * {@code r} ({@code cls.__new__(cls)} and a state) with {@code obj}'s items as CPython writes a subclass
     * of list, dict or set. A set subclass reduces by {@code set.__reduce__}: {@code cls(list(obj))} and the
     * state, at every protocol. A list or dict subclass, at protocol 2+, is NEWOBJ then its items appended
     * or set, then BUILD; below 2, {@code copyreg._reduce_ex} writes {@code _reconstructor(cls, list,
     * list(obj))} (or {@code dict}), and the state only when Python finds it true.
     */
    private Reduction withItems(Reduction r, Object obj) {
        Object state = r.state();
        if (obj instanceof Set) {
            return new Reduction(r.callable(), Reduction.Style.REDUCE, Tuple.of(new ArrayList<>((Set<?>) obj)), null,
                    state, null, null);
        }
        if (proto >= 2) {
            List<?> list = obj instanceof List && !((List<?>) obj).isEmpty() ? (List<?>) obj : null;
            Map<?, ?> map = obj instanceof Map && !((Map<?, ?>) obj).isEmpty() ? (Map<?, ?>) obj : null;
            return new Reduction(r.callable(), Reduction.Style.NEWOBJ, Tuple.empty(), null, state, list, map);
        }
        Object base = obj instanceof List ? LIST : DICT;
        Object value = obj instanceof List ? new ArrayList<>((List<?>) obj) : new LinkedHashMap<>((Map<?, ?>) obj);
        Object kept = state != null && state != Reduction.NONE_STATE && isTrue(state) ? state : null;
        return new Reduction(RECONSTRUCTOR, Reduction.Style.REDUCE, Tuple.of(r.callable(), base, value), null, kept,
                null, null);
    }

    private Reduction reduce(Object obj) throws BrineException {
        // a registered enum's writer is the library's (its value function ran at registration): no user code
        boolean libraryEnum = obj instanceof Enum && !(obj instanceof PickleState);
        if (!userCodeRan && !isLibraryType(obj.getClass()) && !libraryEnum) {
            userCodeRan = true; // its getState or registered writer is about to run
        }
        try {
            return reduceWithHooks(obj);
        } catch (PicklingException | LimitExceededException e) {
            throw e; // already says what could not be written
        } catch (BrineException e) {
            if (options.registry().pythonNameOf(obj.getClass()) == null && !hasUsersWriter(obj.getClass())) {
                // a builtin writer refusing a value Python cannot hold (a year beyond 9999): its
                // message already names the value
                throw new PicklingException(e.getMessage(), e);
            }
            throw hookFailed(obj, e.getMessage(), e); // a user's class: name it
        } catch (RuntimeException e) {
            // user code failed, not the pickler: the class's own getState, or a writer registered for it
            throw hookFailed(obj, hookName(obj) + " threw " + e, e);
        } catch (Exception e) {
            // a checked exception the hook threw undeclared (a Kotlin or Scala hook, Lombok's @SneakyThrows)
            throw hookFailed(obj, hookName(obj) + " threw " + e, e);
        } catch (AssertionError | LinkageError e) {
            // errors of the hook's own making (a failed assert, a class it could not initialise), not the JVM's
            throw hookFailed(obj, hookName(obj) + " threw " + e, e);
        } catch (StackOverflowError e) {
            if (!isHooksOwn(e)) {
                throw e; // the structure is too deep for this thread's stack: dump() redoes it on a deep one
            }
            // the hook recursed without end (or too deep for any stack): a bigger stack would only take longer
            throw hookFailed(obj, hookName(obj) + " overflowed the stack (" + e + "): it recurses too deeply,"
                    + " or without end", e);
        }
    }

    /**
     * Whether a stack overflow inside a hook is the hook's own, not the pickler's. Writing recurses once per
     * level of nesting and calls a hook at its object's level, so the stack may have run out there because the
     * hook went deep (recursing without end, typically) or because the levels above it had used nearly all of it.
     * The overflow's stack trace tells them apart: the JVM keeps its innermost frames (1024 by default), and a
     * hook's own overflow fills at least {@link #HOOK_OWN_FRAMES} of them without one of the pickler's. When the
     * JVM keeps fewer frames (or none), this cannot be told, and the overflow is taken for the structure's.
     */
    private static boolean isHooksOwn(StackOverflowError e) {
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length < HOOK_OWN_FRAMES) {
            return false;
        }
        for (int i = 0; i < HOOK_OWN_FRAMES; i++) {
            if (trace[i].getClassName().equals(Pickler.class.getName())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code type} is the JDK's or Brine's own, whose writers are Brine's and run no user code (a date, an
     * array, a complex number): loaded by the JDK's loaders, or from Brine's own jar with Brine's package name (a
     * user's classes shaded into one jar with Brine's share its location, not its package).
     */
    private static boolean isLibraryType(Class<?> type) {
        return LIBRARY_TYPE.get(type);
    }

    /** {@link #isLibraryType}, asked once per class (kept by the class: no class is pinned). */
    private static final ClassValue<Boolean> LIBRARY_TYPE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return isLibraryTypeUncached(type);
        }
    };

    private static boolean isLibraryTypeUncached(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return true;
        }
        java.security.CodeSource source = type.getProtectionDomain().getCodeSource();
        return type.getName().startsWith("dev.brine.") && source != null && BRINE_CODE != null
                && BRINE_CODE.equals(source.getLocation());
    }

    private static final java.net.URL BRINE_CODE = Pickler.class.getProtectionDomain().getCodeSource() == null ? null
            : Pickler.class.getProtectionDomain().getCodeSource().getLocation();

    /** Whether the writer registered for {@code type} is the user's (one of Brine's own runs no user code). */
    private boolean hasUsersWriter(Class<?> type) {
        Reducer<Object> writer = options.registry().writerFor(type);
        return writer != null && !isLibraryType(writer.getClass());
    }

    private static String hookName(Object obj) {
        return obj instanceof PickleState ? "getState()" : "its registered writer";
    }

    /** A failure of user code while writing {@code obj}, naming its class as Python and Java know it. */
    private PicklingException hookFailed(Object obj, String what, Throwable cause) {
        return new PicklingException("cannot pickle " + options.registry().describe(obj.getClass()) + " (Java class "
                + obj.getClass().getName() + "): " + what, cause);
    }

    private Reduction reduceWithHooks(Object obj) throws BrineException {
        Reducer<Object> writer = options.registry().writerFor(obj.getClass());
        if (writer != null) {
            // a writer the user registered for a class of the JDK's or Brine's is user code too
            if (!userCodeRan && !isLibraryType(writer.getClass())) {
                userCodeRan = true;
            }
            Reduction r = writer.reduce(obj, proto);
            if (r == null) {
                throw hookFailed(obj, "its registered writer returned null, not a Reduction", null);
            }
            return r;
        }
        PythonName name = obj.getClass().getAnnotation(PythonName.class);
        if (name != null && obj instanceof PickleState) {
            // null: no BUILD, as Python writes an object whose __getstate__ gives None
            Object state = ((PickleState) obj).getState();
            StateVersion version = obj.getClass().getAnnotation(StateVersion.class);
            if (version != null) {
                // a versioned class saved without its registry still says its version, so that loading
                // does not take today's state for version 1 and migrate it again
                state = versionsOf(version, obj.getClass()).stamp(state);
            }
            return Reduction.newObjectWithState(new Global(name.module(), name.name()), state);
        }
        if (name != null && obj instanceof Record) {
            return RecordComponents.reduce((Record) obj, new Global(name.module(), name.name()));
        }
        throw new PicklingException("cannot pickle '" + UnmappedTypes.sourceName(obj.getClass()) + "'"
                + UnmappedTypes.advice(obj.getClass()));
    }

    /** The versions a {@link StateVersion} annotation declares; a bad value is the annotation's fault, named so. */
    private static StateVersions versionsOf(StateVersion version, Class<?> type) throws PicklingException {
        try {
            return StateVersions.current(version.value());
        } catch (IllegalArgumentException e) {
            throw new PicklingException("cannot pickle " + type.getName() + ": its @StateVersion(" + version.value()
                    + ") is not a version: " + e.getMessage(), e);
        }
    }

    // ---- atoms ----------------------------------------------------------------------------------

    private void saveBool(boolean v) {
        if (proto >= 2) {
            out.write(v ? Opcode.NEWTRUE.code() : Opcode.NEWFALSE.code());
        } else {
            out.writeAscii(v ? "I01\n" : "I00\n");
        }
    }

    private void saveLong(long v) throws PicklingException {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            if (!bin) {
                out.writeAscii("I" + v + "\n");
            } else {
                out.writeBinInt((int) v); // BININT1, BININT2 or BININT, as CPython chooses
            }
            return;
        }
        saveBigInteger(BigInteger.valueOf(v));
    }

    private void saveBigInteger(BigInteger v) throws PicklingException {
        if (v.bitLength() < 32) {
            saveLong(v.longValue());
            return;
        }
        if (proto >= 2) {
            byte[] be = v.toByteArray(); // minimal two's complement, big-endian
            int n = be.length;
            if (n < 256) {
                out.write(Opcode.LONG1.code(), n);
            } else {
                out.writeOpLE(Opcode.LONG4.code(), n, 4);
            }
            byte[] le = new byte[n];
            for (int i = 0; i < n; i++) {
                le[i] = be[n - 1 - i];
            }
            out.write(le);
        } else {
            out.writeAscii("L" + decimal(v) + "L\n");
        }
    }

    /**
     * The decimal digits LONG writes at protocols 0 and 1, refused beyond CPython's limit on int to
     * string conversion ({@code sys.get_int_max_str_digits()}, 4300 by default), as CPython's pickler
     * refuses them; no reader would take more, and converting a huge int to decimal is quadratic
     * (a 1 MB int took 11 s). Protocol 2+ writes ints in binary, without limit.
     */
    private String decimal(BigInteger v) throws PicklingException {
        try {
            return PyNumbers.intRepr(v);
        } catch (PyText.PyError e) {
            throw new PicklingException("cannot pickle an int of " + v.bitLength() + " bits at protocol " + proto
                    + ": ValueError: " + e.getMessage() + " (CPython's pickler refuses it too; protocol 2 or"
                    + " higher writes ints in binary, without that limit)");
        }
    }

    private void saveFloat(double v) {
        if (bin) {
            out.writeBinFloat(v);
        } else {
            out.writeAscii("F" + PyFloat.repr(v) + "\n");
        }
    }

    // ---- strings and bytes ----------------------------------------------------------------------

    /** Writes {@code s}, or a memo reference to it, and returns its memo index. */
    private int saveString(String s) throws IOException {
        if (s.isEmpty()) {
            s = PySingletons.of(s); // one object, as in CPython, so that a second one is a memo reference
        }
        if (s.length() > MAX_BUFFERED_CHARS) {
            return saveLargeString(s);
        }
        int index = memo.getOrAdd(s);
        if (index >= 0) {
            writeGet(index);
            return index;
        }
        if (proto >= 4 && s.length() <= PickleOutput.SMALL_STRING) {
            out.writeSmallUnicode(s, true, true);
        } else {
            writeString(s);
            writePut(memo.size() - 1);
        }
        return memo.size() - 1;
    }

    /** Strings of at most this many chars (3 UTF-8 bytes each) stay in the buffer: their write cannot fail. */
    private static final int MAX_BUFFERED_CHARS = (PickleOutput.FRAME_SIZE_TARGET - 1) / 3;

    /**
     * A string that may go straight to the stream, memoized after it is written, as CPython's {@code save_str} does:
     * when the stream fails while taking it, the memo that outlives the failed dump does not hold it (one lookup
     * more than saveString's, next to a payload of 64 KiB).
     */
    private int saveLargeString(String s) throws IOException {
        int index = memo.get(s);
        if (index >= 0) {
            writeGet(index);
            return index;
        }
        writeString(s);
        memoize(s);
        return memo.size() - 1;
    }

    /**
     * A Java {@code Character} as the one-character Python str it stands for (the same bytes as that
     * {@code String}; a lone surrogate as CPython writes one, with {@code surrogatepass}), memoized by the
     * Character's own identity: the memo is an identity map, and the str is a fresh object each time.
     * A Character reads back as a {@code String}.
     */
    private void saveCharacter(Character c) throws IOException {
        writeString(String.valueOf(c.charValue()));
        memoize(c);
    }

    private void writeString(String s) throws IOException {
        if (s.length() > LARGE_STRING_CHARS) {
            writeStringInPieces(s);
            return;
        }
        if (!bin) {
            out.write(Opcode.UNICODE.code());
            out.write(RawUnicodeEscape.encode(s));
            out.write('\n');
            return;
        }
        if (s.length() <= PickleOutput.SMALL_STRING) {
            out.writeSmallUnicode(s, proto >= 4, false);
            return;
        }
        byte[] utf8 = Utf8.encode(s); // at most 3 bytes a char: fits an array below LARGE_STRING_CHARS
        int n = utf8.length;
        int h;
        if (binaryStringOpcode(n, proto) == Opcode.SHORT_BINUNICODE) {
            header[0] = (byte) Opcode.SHORT_BINUNICODE.code();
            header[1] = (byte) n;
            h = 2;
        } else {
            h = sizedHeader(Opcode.BINUNICODE, n, 4);
        }
        out.writeLarge(header, h, utf8, 0, n);
    }

    /**
     * Strings longer than this are encoded and written a piece at a time ({@link #pieceChars} chars):
     * their UTF-8 (3 bytes a char at most) or protocol 0 escapes (up to 10) may not fit one Java array,
     * and need not be held whole. At 4 Mi chars a string's bytes are well over 64 KiB, so they go
     * outside frames either way, and the pieces write the bytes the whole string would.
     */
    static final int LARGE_STRING_CHARS = 1 << 22;

    /** The chars encoded at a time beyond LARGE_STRING_CHARS; a field so that a test can make it small. */
    int pieceChars = 1 << 20;

    /**
     * The opcode CPython writes a str of {@code n} UTF-8 bytes with at a binary protocol, as its
     * {@code save_str} chooses; null where CPython refuses (OverflowError: beyond 4 GiB below protocol 4).
     */
    static Opcode binaryStringOpcode(long n, int proto) {
        if (n <= 0xff && proto >= 4) {
            return Opcode.SHORT_BINUNICODE;
        } else if (n <= 0xffffffffL) {
            return Opcode.BINUNICODE;
        } else if (proto >= 4) {
            return Opcode.BINUNICODE8;
        }
        return null;
    }

    /** A long string (see LARGE_STRING_CHARS): the length first, then the bytes a piece at a time. */
    private void writeStringInPieces(String s) throws IOException {
        long n;
        int h;
        if (!bin) {
            n = RawUnicodeEscape.encodedLength(s, 0, s.length());
            header[0] = (byte) Opcode.UNICODE.code();
            h = 1;
        } else {
            n = Utf8.encodedLength(s);
            Opcode op = binaryStringOpcode(n, proto);
            if (op == null) {
                throw new PicklingException("cannot pickle a str of " + n + " UTF-8 bytes at protocol " + proto
                        + ": serializing a string larger than 4 GiB requires pickle protocol 4 or higher"
                        + " (CPython's OverflowError)");
            }
            h = sizedHeader(op, n, op == Opcode.BINUNICODE8 ? 8 : 4);
        }
        out.beginPieces(header, h, n + (bin ? 0 : 1));
        int length = s.length();
        for (int i = 0; i < length; ) {
            int end = pieceEnd(i, length, pieceChars);
            if (end < length && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
                end = end - 1 > i ? end - 1 : end + 1; // a pair is one character (one UTF-8 sequence, one \U escape)
            }
            byte[] piece = bin ? Utf8.encode(s.substring(i, end)) : RawUnicodeEscape.encode(s, i, end);
            out.writePiece(piece, 0, piece.length);
            i = end;
        }
        out.endPieces();
        if (!bin) {
            out.write('\n');
        }
    }

    /**
     * Where the piece that starts at char {@code i} ends: {@code pieceChars} on, or the string's end. In longs: a str
     * of more than 2^31 - 2^20 chars (a Latin-1 one, which Java holds up to 2^31 - 1) made {@code i + pieceChars}
     * overflow, and the write failed with a StringIndexOutOfBoundsException.
     */
    static int pieceEnd(int i, int length, int pieceChars) {
        return (int) Math.min(length, (long) i + pieceChars);
    }

    private int sizedHeader(Opcode op, long n, int width) {
        header[0] = (byte) op.code();
        for (int i = 0; i < width; i++) {
            header[1 + i] = (byte) (n >>> (8 * i));
        }
        return 1 + width;
    }

    private void saveBytes(byte[] data, Object obj) throws IOException {
        if (proto < 3) {
            // the latin-1 text CPython decodes the bytes into: one object per character when it is one
            Reduction r = data.length == 0 ? Reduction.call(BYTES)
                    : Reduction.call(CODECS_ENCODE, data.length == 1 ? PySingletons.latin1Char(data[0])
                            : new String(data, StandardCharsets.ISO_8859_1), LATIN1);
            saveReduce(r, obj, 0);
            return;
        }
        writeBytesData(data, 0, data.length);
        memoize(obj);
    }

    private void writeBytesData(byte[] data, int off, int n) throws IOException {
        out.writeLarge(header, bytesHeader(n), data, off, n);
    }

    /** SHORT_BINBYTES or BINBYTES for {@code n} bytes into {@link #header}; returns its length. */
    private int bytesHeader(int n) {
        if (n <= 0xff) {
            header[0] = (byte) Opcode.SHORT_BINBYTES.code();
            header[1] = (byte) n;
            return 2;
        }
        return sizedHeader(Opcode.BINBYTES, n, 4);
    }

    private void saveByteArray(byte[] data, Object obj, int depth) throws IOException {
        if (proto < 5) {
            Reduction r = data.length == 0 ? Reduction.call(BYTEARRAY) : Reduction.call(BYTEARRAY, (Object) data.clone());
            saveReduce(r, obj, depth);
            return;
        }
        int h = sizedHeader(Opcode.BYTEARRAY8, data.length, 8);
        out.writeLarge(header, h, data, 0, data.length);
        memoize(obj);
    }

    private void savePickleBuffer(PickleBuffer buffer, int depth) throws IOException {
        if (proto < 5) {
            throw new PicklingException("a PickleBuffer can only be pickled with protocol >= 5");
        }
        BufferCallback callback = options.bufferCallback();
        if (callback != null && outOfBand(callback, buffer)) {
            out.write(Opcode.NEXT_BUFFER.code());
            if (buffer.isReadOnly()) {
                out.write(Opcode.READONLY_BUFFER.code());
            }
            return;
        }
        ByteBuffer view = buffer.data(); // written from where it lies: heap, direct or mapped, no copy here
        int h = buffer.isReadOnly() ? bytesHeader(view.remaining()) : sizedHeader(Opcode.BYTEARRAY8, view.remaining(), 8);
        out.writeLarge(header, h, view);
        memoize(buffer);
    }

    /**
     * Whether the buffer callback takes {@code buffer} out of band; what it throws, wrapped as its failure (as
     * {@link #persistentIdOf} does the persistent id hook's). It is the user's code: a dump that overflows the
     * stack after it ran is not redone on a thread of Brine's, which would offer the caller the buffers again.
     */
    private boolean outOfBand(BufferCallback callback, PickleBuffer buffer) throws BrineException {
        userCodeRan = true;
        try {
            return callback.outOfBand(buffer);
        } catch (BrineException e) {
            throw e;
        } catch (Exception | AssertionError | LinkageError e) {
            throw new PicklingException("the buffer callback threw " + e + " for a PickleBuffer of " + buffer.size()
                    + " bytes", e);
        }
    }

    // ---- containers -----------------------------------------------------------------------------

    private void saveTuple(Object[] items, Object obj, int depth) throws IOException {
        int n = items.length;
        if (n == 0) {
            if (bin) {
                out.write(Opcode.EMPTY_TUPLE.code());
            } else {
                out.write(Opcode.MARK.code());
                out.write(Opcode.TUPLE.code());
            }
            return;
        }
        if (n <= 3 && proto >= 2) {
            for (Object item : items) {
                save(item, depth + 1, false);
            }
            int index = memo.get(obj);
            if (index >= 0) { // recursive: the tuple was memoized while saving its items
                for (int i = 0; i < n; i++) {
                    out.write(Opcode.POP.code());
                }
                writeGet(index);
                return;
            }
            out.write(n == 1 ? Opcode.TUPLE1.code() : n == 2 ? Opcode.TUPLE2.code() : Opcode.TUPLE3.code());
            memoize(obj);
            return;
        }
        out.write(Opcode.MARK.code());
        for (Object item : items) {
            save(item, depth + 1, false);
        }
        int index = memo.get(obj);
        if (index >= 0) {
            if (bin) {
                out.write(Opcode.POP_MARK.code());
            } else {
                for (int i = 0; i <= n; i++) {
                    out.write(Opcode.POP.code());
                }
            }
            writeGet(index);
            return;
        }
        out.write(Opcode.TUPLE.code());
        memoize(obj);
    }

    private void saveList(List<?> list, int depth) throws IOException {
        saveList(list, depth, false);
    }

    /** {@code added}: the memo gave the list its index already (see save); only its PUT is written. */
    private void saveList(List<?> list, int depth, boolean added) throws IOException {
        if (bin) {
            out.write(Opcode.EMPTY_LIST.code());
        } else {
            out.write(Opcode.MARK.code());
            out.write(Opcode.LIST.code());
        }
        memoize(list, added);
        if (list.isEmpty()) {
            return;
        }
        if (!bin) {
            batchAppends(list.iterator(), depth);
            return;
        }
        int size = list.size();
        if (size == 1) {
            save(list.get(0), depth + 1, false);
            out.write(Opcode.APPEND.code());
            return;
        }
        if (list instanceof RandomAccess && persistentId == null && depth + 1 <= maxDepth) {
            saveIndexedBatches(list, depth); // save()'s other checks (persistent ids, depth) cannot apply
            return;
        }
        Iterator<?> it = list.iterator();
        int total = 0;
        while (total < size) {
            out.write(Opcode.MARK.code());
            int batch = 0;
            while (total < size && batch < BATCHSIZE) {
                save(it.next(), depth + 1, false);
                total++;
                batch++;
            }
            out.write(Opcode.APPENDS.code());
        }
    }

    /**
     * The batches of a random-access list whose items need no persistent-id or depth check: runs of
     * ints and floats go to PickleOutput's bulk loops, anything else through save().
     */
    private void saveIndexedBatches(List<?> list, int depth) throws IOException {
        int size = list.size();
        int memoAtStart = memo.size();
        for (int start = 0; start < size; start += BATCHSIZE) {
            int end = Math.min(size, start + BATCHSIZE);
            if (start > 0) { // the memo's growth hint: what the items so far added, scaled to the whole list
                memo.expect((int) Math.min(Integer.MAX_VALUE,
                        memo.size() + (long) (memo.size() - memoAtStart) * (size - start) / start));
            }
            out.write(Opcode.MARK.code());
            boolean prefetched = false;
            int i = start;
            while (i < end) {
                Object item = list.get(i);
                int next = item instanceof Long ? out.writeBinIntRun(list, i, end)
                        : item instanceof Double ? out.writeBinFloatRun(list, i, end)
                        : item instanceof String ? saveStringRun(list, i, end) : i;
                if (next == i) { // not a run (or an int beyond 32 bits): the general path
                    if (!prefetched) { // strings took the run above
                        prefetchMemo(list, i, end);
                        prefetched = true;
                    }
                    save(item, depth + 1, false);
                    next = i + 1;
                }
                i = next;
            }
            out.write(Opcode.APPENDS.code());
        }
    }

    /**
     * Saves the strings from {@code i} on, up to the first item that is not one, and returns where
     * it stopped: what save() does for a string, without its checks for persistent ids and depth,
     * so the loop stays small (strings_300k dumps 15.0-15.7 -> 14.6-14.8 ms when save() still tested
     * strings seventh; since it tests them first, 14.26 / 14.43 -> 14.12 / 14.26 ms; AbCompare).
     * Doing each batch's memo lookups first, in a loop of their own, was slower (14 -> 17 ms).
     */
    private int saveStringRun(List<?> list, int i, int end) throws IOException {
        Object item;
        while (i < end && (item = list.get(i)) instanceof String) {
            Object ahead;
            if (i + STRING_TOUCH_AHEAD < end && (ahead = list.get(i + STRING_TOUCH_AHEAD)) instanceof String) {
                prefetchSink += memo.touch(ahead);
            }
            out.opcodeBoundary();
            saveString((String) item);
            out.maybePassOn();
            i++;
        }
        return i;
    }

    /**
     * How far ahead saveStringRun touches the memo slot of a later string, so that its cache miss
     * overlaps the strings in between: strings_300k dumps 12.90 -> 12.26, 12.74 -> 12.54 and
     * 13.40 -> 12.53 ms (AbCompare; 4 and 8 ahead gained less, 32 and 64 no more); records_200k
     * unchanged. Before strings were copied whole (AsciiStrings) the same idea gained nothing.
     */
    private static final int STRING_TOUCH_AHEAD = 16;

    /**
     * Touches the memo slots of a batch's containers and of their values before the batch is saved.
     * Saving a record does enough work between two memo lookups that the CPU cannot overlap their
     * cache misses (the memo of a big pickle is far bigger than the caches); a tight loop of
     * independent reads can, and leaves the slots in cache for the real lookups. Measured with
     * AbCompare, dumps: records_200k 110 → 94 ms, records_2m 1.82 → 1.12 s. Not done for runs of
     * strings, whose loop touches a few items ahead instead ({@link #STRING_TOUCH_AHEAD}), nor for
     * runs of ints and floats.
     * Wrong guesses cost time only: the memo is unchanged.
     */
    private void prefetchMemo(List<?> list, int start, int end) {
        int sink = 0;
        for (int i = start; i < end; i++) {
            if (i + MAP_TOUCH_AHEAD < end) {
                // brings in the map, and its entry-set view, a few items before its entries are walked;
                // the JDK's maps only (by exact class: no interface test, and a size() known to be cheap)
                Object ahead = list.get(i + MAP_TOUCH_AHEAD);
                if (ahead != null && (ahead.getClass() == LinkedHashMap.class || ahead.getClass() == HashMap.class)) {
                    sink += ((Map<?, ?>) ahead).entrySet().size();
                }
            }
            Object item = list.get(i);
            if (item instanceof String || !isMemoized(item)) { // String first: a final class is a cheap test
                continue;
            }
            sink += memo.touch(item);
            if (item instanceof Map && ((Map<?, ?>) item).size() <= PREFETCH_MAX_VALUES) { // records, not tables
                // entrySet(), which saveDict uses too: values() would add a second view to each map
                for (Map.Entry<?, ?> e : ((Map<?, ?>) item).entrySet()) {
                    Object v = e.getValue();
                    if (isMemoized(v)) {
                        sink += memo.touch(v);
                    }
                }
            }
        }
        prefetchSink += sink; // keeps the JIT from dropping the reads
    }

    private static final int PREFETCH_MAX_VALUES = 32;

    /**
     * How far ahead prefetchMemo reads a map before walking its entries. Walking a map is a chain
     * of dependent loads that starts at the map itself; when the records are scattered over the heap
     * (as a young collection with two GC threads leaves them) that first miss is the chain's longest
     * link, and reading it a few items early overlaps it with the walks in between. Dumps,
     * AbCompare: records_200k 74.4 -> 66.7 and 78.7 -> 67.6 ms with two GC threads, 57.5 -> 57.2 and
     * 58.4 -> 58.7 ms with the records in allocation order (one GC thread); records_2m 896 -> 828 ms.
     * 16 ahead slowed the ordered layout (58.4 -> 64.7 ms); so did reading the first entry too, and
     * a separate pass over the batch's maps first (55.7 -> 59.2 ms). Reading the map through its
     * entry-set view (a separate object, which LinkedHashMap keeps once made, wherever it was
     * allocated) rather than {@code size()} alone: 64.7 -> 61.9 and 65.7 -> 62.0 ms scattered,
     * 53.3 -> 54.4 and 52.4 -> 52.6 ms ordered, records_2m 833 -> 831 ms. Those figures test
     * {@code instanceof Map}; the exact-class test that replaced it is 1-2% slower on records
     * (63.2 / 64.5 and 63.7 / 64.1 ms) but adds no failing interface test per item to a list of
     * other objects, and reads only maps whose {@code size()} is a field.
     */
    private static final int MAP_TOUCH_AHEAD = 8;

    private static boolean isMemoized(Object o) {
        return !(o == null || o instanceof Long || o instanceof Double || o instanceof Boolean);
    }

    /** The generic batching CPython uses for iterators: a lone trailing item uses APPEND. */
    private void batchAppends(Iterator<?> items, int depth) throws IOException {
        if (!bin) {
            while (items.hasNext()) {
                save(items.next(), depth + 1, false);
                out.write(Opcode.APPEND.code());
            }
            return;
        }
        int n;
        do {
            if (!items.hasNext()) {
                return;
            }
            Object first = items.next();
            if (!items.hasNext()) {
                save(first, depth + 1, false);
                out.write(Opcode.APPEND.code());
                return;
            }
            out.write(Opcode.MARK.code());
            save(first, depth + 1, false);
            n = 1;
            while (items.hasNext() && n < BATCHSIZE) {
                save(items.next(), depth + 1, false);
                n++;
            }
            out.write(Opcode.APPENDS.code());
        } while (n == BATCHSIZE);
    }

    private void saveDict(Map<?, ?> map, int depth) throws IOException {
        saveDict(map, depth, false);
    }

    /** {@code added}: as for {@link #saveList(List, int, boolean)}. */
    private void saveDict(Map<?, ?> map, int depth, boolean added) throws IOException {
        if (bin) {
            out.write(Opcode.EMPTY_DICT.code());
        } else {
            out.write(Opcode.MARK.code());
            out.write(Opcode.DICT.code());
        }
        memoize(map, added);
        if (map.isEmpty()) {
            return;
        }
        if (!bin) {
            batchSetItems(map.entrySet().iterator(), depth);
            PythonEqualKeys.requireDistinct(map.keySet(), "dict key", options.registry());
            return;
        }
        int size = map.size();
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        if (size == 1) {
            Map.Entry<?, ?> e = it.next();
            requireHashable(e.getKey(), "dict key");
            save(e.getKey(), depth + 1, false);
            save(e.getValue(), depth + 1, false);
            out.write(Opcode.SETITEM.code());
            return;
        }
        // CPython's batch_dict_exact: after a full batch it starts another, so a dict of 1000 (2000, ...)
        // items ends with an empty MARK SETITEMS
        boolean keysByPosition = persistentId == null && depth + 1 <= maxDepth;
        int otherKeys = 0; // keys that are not strings: only those can be equal in Python and not in Java
        int batch;
        do {
            out.write(Opcode.MARK.code());
            batch = 0;
            while (it.hasNext() && batch < BATCHSIZE) {
                Map.Entry<?, ?> e = it.next();
                Object key = e.getKey();
                if (keysByPosition && batch < RECENT_KEYS && key instanceof String) {
                    saveRecentKey((String) key, batch);
                } else {
                    otherKeys += otherKeyWeight(key);
                    requireHashable(key, "dict key");
                    save(key, depth + 1, false);
                }
                save(e.getValue(), depth + 1, false);
                batch++;
            }
            out.write(Opcode.SETITEMS.code());
        } while (batch == BATCHSIZE);
        if (otherKeys > 1) {
            PythonEqualKeys.requireDistinct(map.keySet(), "dict key", options.registry());
        }
    }

    /**
     * Saves a dict's string key, the {@code position}-th of its batch, as save() would (no
     * persistent-id hook, depth already checked), without the memo lookup when the previous dict
     * had this very object at this position: records share their key objects, and each key is
     * then one BINGET whose index is already known. The memo lookup of a key hits, so it costs
     * instructions rather than cache misses, five per record: records_200k dumps 64.6 -> 63.6 and
     * 66.9 -> 63.6 ms (53.2 -> 52.0 ms in allocation order), records_2m 842 -> 812 ms (AbCompare).
     */
    private void saveRecentKey(String key, int position) throws IOException {
        out.opcodeBoundary();
        if (recentKeys[position] == key) {
            writeGet(recentKeyIndex[position]);
        } else {
            recentKeyIndex[position] = saveString(key);
            recentKeys[position] = key;
        }
        out.maybePassOn();
    }

    private static final int RECENT_KEYS = 8;
    // the string keys of the last dicts written, by position, and their memo indices: valid until clearMemo
    private final Object[] recentKeys = new Object[RECENT_KEYS];
    private final int[] recentKeyIndex = new int[RECENT_KEYS];

    /**
     * Refuses a dict key or set item Python cannot hash, as the reader does (Python could not have
     * made the dict, and no reader loads it: {@code unhashable type: 'list'}). Strings and ints, the
     * usual keys, cost one class test. A Java array writes as a tuple, so its items are checked.
     */
    private static void requireHashable(Object key, String what) throws PicklingException {
        if (key instanceof String || key instanceof Long) {
            return;
        }
        try {
            dev.brine.py.Hashing.requireHashable(key instanceof Object[] ? Tuple.of((Object[]) key) : key);
        } catch (BrineException e) {
            throw new PicklingException("cannot pickle a " + what + ": " + e.getMessage()
                    + " (Python refuses it, and no reader loads it)", e);
        }
    }

    private void batchSetItems(Iterator<? extends Map.Entry<?, ?>> items, int depth) throws IOException {
        if (!bin) {
            while (items.hasNext()) {
                Map.Entry<?, ?> e = items.next();
                requireHashable(e.getKey(), "dict key");
                save(e.getKey(), depth + 1, false);
                save(e.getValue(), depth + 1, false);
                out.write(Opcode.SETITEM.code());
            }
            return;
        }
        int n;
        do {
            if (!items.hasNext()) {
                return;
            }
            Map.Entry<?, ?> first = items.next();
            requireHashable(first.getKey(), "dict key");
            if (!items.hasNext()) {
                save(first.getKey(), depth + 1, false);
                save(first.getValue(), depth + 1, false);
                out.write(Opcode.SETITEM.code());
                return;
            }
            out.write(Opcode.MARK.code());
            save(first.getKey(), depth + 1, false);
            save(first.getValue(), depth + 1, false);
            n = 1;
            while (items.hasNext() && n < BATCHSIZE) {
                Map.Entry<?, ?> e = items.next();
                requireHashable(e.getKey(), "dict key");
                save(e.getKey(), depth + 1, false);
                save(e.getValue(), depth + 1, false);
                n++;
            }
            out.write(Opcode.SETITEMS.code());
        } while (n == BATCHSIZE);
    }

    /**
     * How a key counts towards the check that keys distinct in Java are distinct in Python, which runs from two on:
     * a str equals only a str in both (0), another key may equal one of another type (1), and a numpy scalar or a
     * Character may equal a str too ({@code np.str_('a') == 'a'}; a Character is written as a str), so one alone
     * beside strings is checked (2).
     */
    private static int otherKeyWeight(Object key) {
        return key instanceof String ? 0 : key instanceof NumpyScalar || key instanceof Character ? 2 : 1;
    }

    private void saveSet(Set<?> set, int depth) throws IOException {
        int others = 0;
        for (Object item : set) {
            requireHashable(item, "set item");
            others += otherKeyWeight(item);
        }
        if (others > 1) {
            PythonEqualKeys.requireDistinct(set, "set item", options.registry());
        }
        if (proto < 4) {
            saveReduce(Reduction.call(SET, new ArrayList<>(set)), set, depth);
            return;
        }
        out.write(Opcode.EMPTY_SET.code());
        memoize(set);
        if (set.isEmpty()) {
            return;
        }
        // like CPython's save_set (and dicts): a full batch is always followed by another, maybe empty
        Iterator<?> it = set.iterator();
        int batch;
        do {
            out.write(Opcode.MARK.code());
            batch = 0;
            while (it.hasNext() && batch < BATCHSIZE) {
                save(it.next(), depth + 1, false);
                batch++;
            }
            out.write(Opcode.ADDITEMS.code());
        } while (batch == BATCHSIZE);
    }

    private void saveFrozenSet(FrozenSet set, int depth) throws IOException {
        int others = 0;
        for (Object item : set) {
            requireHashable(item, "frozenset item");
            others += otherKeyWeight(item);
        }
        if (others > 1) {
            PythonEqualKeys.requireDistinct(set, "frozenset item", options.registry());
        }
        if (proto < 4) {
            saveReduce(Reduction.call(FROZENSET, new ArrayList<>(set)), set, depth);
            return;
        }
        out.write(Opcode.MARK.code());
        for (Object item : set) {
            save(item, depth + 1, false);
        }
        int index = memo.get(set);
        if (index >= 0) {
            out.write(Opcode.POP_MARK.code());
            writeGet(index);
            return;
        }
        out.write(Opcode.FROZENSET.code());
        memoize(set);
    }

    // ---- globals, reductions, persistent ids -------------------------------------------------

    private static boolean isEmptyOrNull(String part) {
        return part == null || part.isEmpty(); // a Global made in Java may hold a null part
    }

    private void saveGlobal(Global g, int depth) throws IOException {
        if (isEmptyOrNull(g.module()) || isEmptyOrNull(g.name())) { // CPython's reader refuses either (an empty line, no module '')
            throw new PicklingException("can't pickle global " + dev.brine.py.PythonRepr.repr(g.module() + "." + g.name())
                    + ": a global needs a module and a name, and no reader loads one without");
        }
        Integer known = globalMemo.get(g);
        if (g.form() != Global.Form.NAME) { // read from getattr: the memo was checked for this very object
            if (known != null && g.form() == Global.Form.NAME_OR_ATTRIBUTE) {
                writeGet(known); // a class (also) named in Java, or getattr's parent of another global
            } else {
                saveGetattrGlobal(g, depth);
            }
            return;
        }
        if (known == null) {
            known = getattrClasses.get(g);
        }
        if (known != null) {
            writeGet(known);
            return;
        }
        if (proto >= 2) {
            Integer code = options.extensions().codeOf(g);
            if (code != null) {
                if (code <= 0xff) {
                    out.write(Opcode.EXT1.code(), code);
                } else if (code <= 0xffff) {
                    out.writeOpLE(Opcode.EXT2.code(), code, 2);
                } else {
                    out.writeOpLE(Opcode.EXT4.code(), code, 4);
                }
                return;
            }
        }
        int dot = g.name().lastIndexOf('.');
        if (proto >= 4) {
            saveName(moduleMemoFor(g), g.module());
            saveName(nameMemo, g.name());
            out.write(Opcode.STACK_GLOBAL.code());
        } else if (dot >= 0) {
            saveNested(g, dot, depth);
        } else {
            writeGlobalOpcode(g);
        }
        globalMemo.put(g, memo.size());
        writePut(memo.size());
        memo.reserve();
    }

    /** GLOBAL of {@code g}, under its Python 2 name below protocol 3 when fixing imports. */
    private void writeGlobalOpcode(Global g) throws PicklingException {
        Global written = proto < 3 && options.fixImports() ? PythonNames.toPython2(g) : g;
        String problem = TextLineName.problem(written.module(), proto);
        if (problem == null) {
            problem = TextLineName.problem(written.name(), proto);
        }
        if (problem != null) {
            // repr: the name may hold a newline or terminal escapes
            throw new PicklingException("can't pickle global " + dev.brine.py.PythonRepr.repr(g.module() + "." + g.name())
                    + " at protocol " + proto + ": " + problem
                    + " (STACK_GLOBAL, protocol 4+, writes any name)");
        }
        out.write(Opcode.GLOBAL.code());
        out.write(Utf8.encode(written.module()));
        out.write('\n');
        out.write(Utf8.encode(written.name()));
        out.write('\n');
    }

    /**
     * A global read from {@code getattr(parent, 'name')} ({@link Global.Form#NAME_OR_ATTRIBUTE} or
     * {@link Global.Form#ATTRIBUTE}), which the memo refers to only as this very object, as in the
     * pickle it was read from (two methods of one name are two objects there). An attribute, and a
     * nested class below protocol 4, is written through getattr with the parent and the name the
     * pickle gave, so each of those is written once and then from the memo as there; a nested class
     * at protocol 4+ is one dotted name. A class is also remembered by its name for a parent or an
     * equal global made in Java ({@link #getattrClasses}); an attribute is not a class.
     */
    private void saveGetattrGlobal(Global g, int depth) throws IOException {
        int dot = g.name().lastIndexOf('.');
        boolean attribute = g.form() == Global.Form.ATTRIBUTE;
        if (attribute && dot < 0) {
            throw new PicklingException("cannot pickle the attribute " + g + ": its name has no parent"
                    + " (getattr(parent, 'name') needs a dotted name, e.g. dict.fromkeys)");
        }
        if (!attribute && proto >= 2 && options.extensions().codeOf(g) != null) {
            saveGlobal(new Global(g.module(), g.name()), depth); // a class: EXT, as CPython's save_global
            return;
        }
        if (attribute || (proto < 4 && dot >= 0)) {
            Object parent = GlobalAccess.parent(g);
            String lastName = GlobalAccess.attribute(g);
            if (!readFrom(g, dot, parent, lastName)) { // made in Java, or its name changed on reading
                parent = new Global(g.module(), g.name().substring(0, dot));
                lastName = new String(g.name().substring(dot + 1)); // never an object the caller's graph holds
            }
            saveReduce(Reduction.call(GETATTR, parent, lastName), g, depth);
        } else {
            if (proto >= 4) {
                saveName(moduleMemoFor(g), g.module());
                saveName(nameMemo, g.name());
                out.write(Opcode.STACK_GLOBAL.code());
            } else {
                writeGlobalOpcode(g);
            }
            memoize(g);
        }
        if (!attribute) {
            getattrClasses.putIfAbsent(g, memo.get(g));
        }
    }

    /** Whether {@code parent} and {@code lastName} are getattr's arguments that {@code g}'s name was read from. */
    private static boolean readFrom(Global g, int dot, Object parent, String lastName) {
        if (lastName == null || dot < 0 || g.name().length() != dot + 1 + lastName.length()
                || !g.name().endsWith(lastName)) {
            return false;
        }
        Global p = parent instanceof Global ? (Global) parent
                : parent instanceof PyCallable ? ((PyCallable) parent).global() : null;
        return p != null && java.util.Objects.equals(p.module(), g.module())
                && g.name().regionMatches(0, p.name(), 0, dot) && p.name().length() == dot;
    }

    /**
     * A nested name ({@code HelpFormatter._Section}) below protocol 4, where GLOBAL can only name a
     * module attribute: CPython writes {@code getattr(parent, lastname)} as a reduction, and saves the
     * parent as any object (a global again, nested itself or not, or a memo reference), then memoizes
     * the result as the global. The last name is a string of its own, as CPython splits the name anew.
     */
    private void saveNested(Global g, int dot, int depth) throws IOException {
        Global parent = new Global(g.module(), g.name().substring(0, dot));
        String lastName = new String(g.name().substring(dot + 1)); // never an object the caller's graph holds
        saveReduce(Reduction.call(GETATTR, parent, lastName), null, depth);
    }

    /**
     * The table of module names for {@code g}'s module: CPython's builtin functions ({@code getattr},
     * {@code len}) hold a {@code __module__} string of their own, not the interned one of the builtin
     * types, so {@code [getattr, dict]} writes "builtins" twice at protocol 4+, and so does a method
     * of a builtin type ({@code getattr(dict, 'fromkeys')}). CPython 3.11.
     */
    private Map<String, Integer> moduleMemoFor(Global g) {
        return "builtins".equals(g.module()) && BUILTIN_FUNCTIONS.contains(g.name()) ? functionModuleMemo : moduleMemo;
    }

    /** The functions of CPython's builtins module whose {@code __module__} is "builtins" ({@code open} is io's). */
    private static final Set<String> BUILTIN_FUNCTIONS = Set.of("__build_class__", "__import__", "abs", "all",
            "any", "ascii", "bin", "breakpoint", "callable", "chr", "compile", "delattr", "dir", "divmod", "eval",
            "exec", "format", "getattr", "globals", "hasattr", "hash", "hex", "id", "input", "isinstance",
            "issubclass", "iter", "aiter", "len", "locals", "max", "min", "next", "anext", "oct", "ord", "pow",
            "print", "repr", "round", "setattr", "sorted", "sum", "vars");

    /**
     * Module names are interned in CPython, so equal module names share one memo entry, and so do equal
     * qualified names. A qualified name is not the module's string even when equal ({@code datetime.datetime}
     * writes "datetime" twice: a C type's {@code __qualname__} is a fresh string), so each has its own table.
     */
    private void saveName(Map<String, Integer> names, String name) throws IOException {
        out.opcodeBoundary();
        Integer known = names.get(name);
        if (known != null) {
            writeGet(known);
            return;
        }
        if (names == moduleMemo) {
            saveModuleName(name);
            return;
        }
        writeString(name);
        names.put(name, memo.size());
        writePut(memo.size());
        memo.reserve();
    }

    /**
     * A module name not written yet. CPython writes it with the memo it writes data with, and its module
     * names are interned, as are the identifier-like strs of Python code: so a str of the data that is the
     * very module string (the key of {@code {'re': re.compile('a')}} and {@code re._compile}'s module) is
     * one memo entry, whichever comes first. Brine keeps identity as read, so the same object is written
     * once here too: found in, and then put in, the identity memo (once per module, off the strings' path).
     */
    private void saveModuleName(String module) throws IOException {
        int shared = memo.get(module);
        if (shared >= 0) {
            writeGet(shared);
            moduleMemo.put(module, shared);
            return;
        }
        writeString(module);
        moduleMemo.put(module, memo.size());
        writePut(memo.size());
        memo.add(module);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * A generic object; one whose state a reduce's {@code state_setter} set is written as CPython writes it:
     * the object without a state, then {@code setter(obj, state)} and POP.
     */
    private void saveGeneric(GenericObject g, int depth) throws IOException {
        Reduction r = reductionOf(g);
        if (g.stateSetter() == null || r.state() == null) {
            saveReduce(r, g, depth);
            return;
        }
        saveReduce(new Reduction(r.callable(), r.style(), r.args(), r.kwargs(), null, r.listItems(), r.dictItems()), g, depth);
        // pickle.py's save_reduce: the setter, the object (a memo reference by now) and the state, TUPLE2 at every
        // protocol and not memoized, REDUCE, and POP to drop what the setter returns
        save(g.stateSetter(), depth + 1, false);
        save(g, depth + 1, false);
        save(g.state(), depth + 1, false);
        out.write(Opcode.TUPLE2.code());
        out.write(Opcode.REDUCE.code());
        out.write(Opcode.POP.code());
    }

    private Reduction reductionOf(GenericObject g) {
        if (proto < 2 && g.creation() == GenericObject.Creation.NEWOBJ && g.args().isEmpty()) {
            return reconstructed(g);
        }
        if (proto >= 2 && g.creation() == GenericObject.Creation.REDUCE && RECONSTRUCTOR.equals(g.callable())) {
            Reduction upgraded = newObjectOf(g);
            if (upgraded != null) {
                return upgraded;
            }
        }
        if (proto >= 2 && g.creation() == GenericObject.Creation.REDUCE && NEWOBJ.equals(g.callable())
                && g.args().size() == 1 && g.args().get(0) instanceof Global) {
            // copyreg.__newobj__(cls), read from protocol 0 or 1: CPython's save_reduce writes that call as NEWOBJ
            Object state = g.hasState() ? (g.state() == null ? Reduction.NONE_STATE : g.state()) : null;
            return new Reduction(g.args().get(0), Reduction.Style.NEWOBJ, Tuple.empty(), null, state,
                    g.listItems().isEmpty() ? null : g.listItems(), g.dictItems().isEmpty() ? null : g.dictItems());
        }
        Reduction.Style style = switch (g.creation()) {
            case REDUCE -> Reduction.Style.REDUCE;
            case NEWOBJ -> Reduction.Style.NEWOBJ;
            case NEWOBJ_EX -> Reduction.Style.NEWOBJ_EX;
        };
        Object state = g.hasState() ? (g.state() == null ? Reduction.NONE_STATE : g.state()) : null;
        return new Reduction(g.callable(), style, g.args(), g.kwargs(), state,
                g.listItems().isEmpty() ? null : g.listItems(), g.dictItems().isEmpty() ? null : g.dictItems());
    }

    /**
     * A generic object that protocol 2+ made with {@code cls.__new__(cls)}, below protocol 2 as
     * {@code copyreg._reduce_ex} (what {@code object.__reduce_ex__} gives for protocols 0 and 1)
     * writes it: {@code copyreg._reconstructor(cls, base, base(obj))}, base being the first builtin
     * type in the class's MRO, and its state only when Python calls it true ({@code if dict:}). The
     * pickle does not name the base; the object's items do: appended items make it a {@code list}
     * subclass, set items a {@code dict} one ({@code object.__new__} refuses to make either), and
     * without items it is taken for a plain class, base {@code object} and no value. So an empty
     * list or dict subclass is written as a plain object, which Python refuses to load (it cannot
     * be told apart). A generic object made with arguments ({@code __getnewargs__}: subclasses of
     * int, str, tuple, namedtuples) is written as {@code copyreg.__newobj__(cls, *args)}, which loads
     * as the same object, where CPython would name a base the pickle does not give.
     */
    private static Reduction reconstructed(GenericObject g) {
        Global base = OBJECT;
        Object value = null;
        Map<Object, Object> dictItems = g.dictItems().isEmpty() ? null : g.dictItems();
        if (!g.listItems().isEmpty()) {
            base = LIST;
            value = new ArrayList<>(g.listItems()); // list(obj): a new list
        } else if (dictItems != null) {
            base = DICT;
            value = new LinkedHashMap<>(dictItems); // dict(obj): a new dict
            dictItems = null;
        }
        Object state = g.hasState() && isTrue(g.state()) ? g.state() : null;
        return new Reduction(RECONSTRUCTOR, Reduction.Style.REDUCE, Tuple.of(g.callable(), base, value), null,
                state, null, dictItems); // dict items beside list items only in a pickle made by hand: kept
    }

    /**
     * A {@code copyreg._reconstructor(cls, base, value)} read from a protocol 0 or 1 pickle, from protocol 2
     * as CPython writes the object it makes ({@code object.__reduce_ex__(2)}): {@code cls.__new__(cls,
     * *base.__getnewargs__(obj))} by NEWOBJ, a list subclass's items appended and a dict subclass's set,
     * the state as it was (copyreg wrote it only when true, as protocol 2 writes {@code __dict__} only when
     * not empty). So {@code brine convert} of an old pickle to a newer protocol writes CPython's bytes.
     * Null, and the call is written as it was read (it loads as the same object), where the pickle does not
     * tell what CPython would write: a tuple base (a namedtuple's {@code __getnewargs__} gives its fields,
     * a plain tuple subclass's the tuple), a base other than the builtins copyreg names, a value of the
     * wrong type (a pickle made by hand), a class that is not a plain name.
     */
    private static Reduction newObjectOf(GenericObject g) {
        Tuple a = g.args();
        if (a.size() != 3 || !(a.get(0) instanceof Global) || !g.kwargs().isEmpty()) {
            return null;
        }
        Global cls = (Global) a.get(0);
        Object base = a.get(1);
        Global b = base instanceof PyCallable ? ((PyCallable) base).global() : base instanceof Global ? (Global) base : null;
        Object value = a.get(2);
        Tuple args;
        List<Object> listItems = g.listItems().isEmpty() ? null : g.listItems();
        Map<Object, Object> dictItems = g.dictItems().isEmpty() ? null : g.dictItems();
        if (OBJECT.equals(b) && value == null) {
            args = Tuple.empty();
        } else if (LIST.equals(b) && value instanceof List && dictItems == null) {
            args = Tuple.empty();
            List<Object> items = new ArrayList<>((List<?>) value); // list.__init__(obj, value), then any appended
            items.addAll(g.listItems());
            listItems = items.isEmpty() ? null : items;
        } else if (DICT.equals(b) && value instanceof Map && listItems == null) {
            args = Tuple.empty();
            Map<Object, Object> items = new LinkedHashMap<>((Map<?, ?>) value);
            items.putAll(g.dictItems());
            dictItems = items.isEmpty() ? null : items;
        } else if (COMPLEX.equals(b) && value instanceof dev.brine.py.Complex c && listItems == null && dictItems == null) {
            args = Tuple.of(c.real(), c.imag());
        } else if (isValueOf(b, value) && listItems == null && dictItems == null) {
            args = Tuple.of(value); // int, float, str and bytes: __getnewargs__ is (base(obj),)
        } else {
            return null;
        }
        Object state = g.hasState() ? (g.state() == null ? Reduction.NONE_STATE : g.state()) : null;
        return new Reduction(cls, Reduction.Style.NEWOBJ, args, null, state, listItems, dictItems);
    }

    /** Whether {@code value} is what Brine reads for an instance of the builtin {@code base}: int, float, str or bytes. */
    private static boolean isValueOf(Global base, Object value) {
        return INT.equals(base) ? value instanceof Long || value instanceof BigInteger
                : FLOAT.equals(base) ? value instanceof Double
                : STR.equals(base) ? value instanceof String
                : BYTES.equals(base) && value instanceof byte[];
    }

    /** Python's truth of a state, where Java can tell (PythonTruth), numpy scalars and one-element arrays included. */
    private static boolean isTrue(Object v) {
        if (v instanceof NumpyScalar) {
            return isTrue(((NumpyScalar) v).value()); // numpy scalars are false when zero, as the value they hold
        } else if (v instanceof NDArray && ((NDArray) v).size() == 1) {
            // an array of one element is as true as it; Python refuses to tell for other sizes (ValueError)
            return isTrue(((NDArray) v).get(new long[((NDArray) v).shape().length]));
        }
        return PythonTruth.isTrue(v);
    }

    /**
     * What CPython writes for NEWOBJ_EX at protocols 2 and 3 ({@code save_reduce} in pickle.py and
     * _pickle.c): {@code functools.partial(cls.__new__, cls, *args, **kwargs)}, called with no
     * arguments. The partial pickles as its {@code __reduce__} gives it, {@code partial(func)} with
     * the state {@code (func, (cls, *args), kwargs or None, None)}, and {@code cls.__new__} as
     * {@code getattr(cls, '__new__')}. CPython names the class that defines {@code __new__}, which
     * Java cannot know; naming {@code cls} finds the same method, and is what CPython writes for the
     * usual case of a class with {@code __getnewargs_ex__} and its own {@code __new__}.
     */
    private static GenericObject newWithKeywords(Reduction r) {
        GenericObject newMethod = GenericObject.reduced(GETATTR, Tuple.of(r.callable(), "__new__"));
        Object[] args = new Object[r.args().size() + 1];
        args[0] = r.callable();
        System.arraycopy(r.args().toArray(), 0, args, 1, r.args().size());
        Map<Object, Object> kwargs = r.kwargs() == null || r.kwargs().isEmpty() ? null : new LinkedHashMap<>(r.kwargs());
        GenericObject partial = GenericObject.reduced(PARTIAL, Tuple.of(newMethod));
        partial.setState(Tuple.of(newMethod, Tuple.of(args), kwargs, null));
        return partial;
    }

    private void saveReduce(Reduction r, Object obj, int depth) throws IOException {
        switch (r.style()) {
            case NEWOBJ -> {
                if (proto >= 2) {
                    save(r.callable(), depth + 1, false);
                    save(r.args(), depth + 1, false);
                    out.write(Opcode.NEWOBJ.code());
                } else if (r.args().isEmpty()) {
                    // what object.__reduce_ex__ gives for protocols 0 and 1, its state only when true
                    save(RECONSTRUCTOR, depth + 1, false);
                    save(Tuple.of(r.callable(), OBJECT, null), depth + 1, false);
                    out.write(Opcode.REDUCE.code());
                    if (r.state() != null && (r.state() == Reduction.NONE_STATE || !isTrue(r.state()))) {
                        r = new Reduction(r.callable(), r.style(), r.args(), r.kwargs(), null, r.listItems(), r.dictItems());
                    }
                } else {
                    // CPython writes _reconstructor(cls, base, base(obj)) here, ignoring __getnewargs__;
                    // NEWOBJ's class and arguments do not tell the base (an int subclass's (5,) is also
                    // what a plain class's __getnewargs__ may give, and int.__new__ refuses that class),
                    // so guessing one could write a pickle CPython refuses. __newobj__ is NEWOBJ itself:
                    // it loads exactly as the protocol 2+ pickle read did, so it is written, not refused.
                    // (Read from protocols 0 and 1, the base is known and kept: the object stays the
                    // _reconstructor call it was read as, written back byte for byte.)
                    Object[] args = new Object[r.args().size() + 1];
                    args[0] = r.callable();
                    System.arraycopy(r.args().toArray(), 0, args, 1, r.args().size());
                    save(NEWOBJ, depth + 1, false);
                    save(Tuple.of(args), depth + 1, false);
                    out.write(Opcode.REDUCE.code());
                }
            }
            case NEWOBJ_EX -> {
                if (proto >= 4) {
                    save(r.callable(), depth + 1, false);
                    save(r.args(), depth + 1, false);
                    save(r.kwargs(), depth + 1, false);
                    out.write(Opcode.NEWOBJ_EX.code());
                } else if (proto >= 2) {
                    save(newWithKeywords(r), depth + 1, false);
                    save(Tuple.empty(), depth + 1, false);
                    out.write(Opcode.REDUCE.code());
                } else { // CPython's reducers give no __newobj_ex__ below protocol 2; a plain call
                    save(NEWOBJ_EX, depth + 1, false);
                    save(Tuple.of(r.callable(), r.args(), r.kwargs()), depth + 1, false);
                    out.write(Opcode.REDUCE.code());
                }
            }
            default -> {
                save(r.callable(), depth + 1, false);
                save(r.args(), depth + 1, false);
                out.write(Opcode.REDUCE.code());
            }
        }
        if (obj != null) {
            int index = memo.get(obj);
            if (index >= 0) { // recursive reduction: drop the copy, use the memo
                out.write(Opcode.POP.code());
                writeGet(index);
                return;
            }
            memoize(obj);
        }
        if (r.listItems() != null) {
            batchAppends(r.listItems().iterator(), depth);
        }
        if (r.dictItems() != null) {
            batchSetItems(r.dictItems().entrySet().iterator(), depth);
            PythonEqualKeys.requireDistinct(r.dictItems().keySet(), "dict key", options.registry());
        }
        if (r.state() != null) {
            save(r.state() == Reduction.NONE_STATE ? null : r.state(), depth + 1, false);
            out.write(Opcode.BUILD.code());
        }
    }

    private void savePers(Object pid, int depth) throws IOException {
        if (bin) {
            save(pid, depth + 1, true);
            out.write(Opcode.BINPERSID.code());
            return;
        }
        String s = persistentIdLine(pid);
        out.write(Opcode.PERSID.code());
        out.writeAscii(s);
        out.write('\n');
    }

    /**
     * The text PERSID writes for {@code pid}: its Python {@code str()}, as CPython's save_pers writes it
     * ({@code Decimal('1.5')} as {@code 1.5}, a date as {@code 2020-01-02}, a tuple as its repr), refused as CPython
     * refuses it when not ASCII. Refused too: a pid whose str Brine cannot give exactly (see
     * {@link dev.brine.py.PythonRepr#strIsPythons}), and one holding a newline, which CPython writes as it is, so that
     * its pickle reads a different id and the rest of the line as opcodes.
     */
    private static String persistentIdLine(Object pid) throws PicklingException {
        String s = dev.brine.py.PythonRepr.str(pid);
        if (!(pid instanceof String) && (!dev.brine.py.PythonRepr.strIsPythons(pid)
                || s.length() > dev.brine.py.PythonRepr.MAX_OUTPUT)) {
            throw new PicklingException("cannot write the persistent id " + dev.brine.py.PythonRepr.brief(pid)
                    + " at protocol 0, which writes str(pid): Brine cannot tell the text Python's str() gives it;"
                    + " return a str from the persistent id hook, or write at protocol 1 or more");
        }
        if (!isAscii(s)) {
            throw new PicklingException("persistent IDs in protocol 0 must be ASCII strings; str(pid) is "
                    + dev.brine.py.PythonRepr.brief(s));
        }
        if (s.indexOf('\n') >= 0) {
            throw new PicklingException("a persistent id at protocol 0 is one line, and str(pid) "
                    + dev.brine.py.PythonRepr.brief(s) + " holds a newline (CPython writes it as it is, and its pickle"
                    + " then reads another id); write at protocol 1 or more");
        }
        return s;
    }

    // ---- memo ---------------------------------------------------------------------------------

    private void memoize(Object obj) throws PicklingException {
        writePut(memo.size());
        memo.add(obj);
    }

    /** {@link #memoize}, or only its PUT when {@code added} (the memo's latest entry is {@code obj}). */
    private void memoize(Object obj, boolean added) throws PicklingException {
        if (added) {
            writePut(memo.size() - 1);
        } else {
            memoize(obj);
        }
    }

    private void writePut(int index) {
        if (proto >= 4) {
            out.write(Opcode.MEMOIZE.code());
        } else if (bin) {
            if (index < 256) {
                out.write(Opcode.BINPUT.code(), index);
            } else {
                out.writeOpLE(Opcode.LONG_BINPUT.code(), index, 4);
            }
        } else {
            out.writeAscii("p" + index + "\n");
        }
    }

    private void writeGet(int index) {
        if (bin) {
            if (index < 256) {
                out.write(Opcode.BINGET.code(), index);
            } else {
                out.writeOpLE(Opcode.LONG_BINGET.code(), index, 4);
            }
        } else {
            out.writeAscii("g" + index + "\n");
        }
    }
}
