package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.archive.ModelArchive;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User code that fails while Brine saves or loads (getState, setState, a factory, a record's
 * accessor or constructor, a registered writer) ends in Brine's own exceptions, which name the
 * class as Python knows it and keep what the user code threw as the cause. Before, a getState
 * that threw escaped raw, and a setState that threw read as "malformed pickle (ClassCastException)".
 */
class HookFailureTest {
    @TempDir
    Path tmp;

    private static final IllegalStateException BOOM = new IllegalStateException("boom");

    @PythonName(module = "m", name = "Throws")
    static final class Throws implements PickleState {
        @Override
        public Object getState() {
            throw BOOM;
        }

        @Override
        public void setState(Object state) {
        }
    }

    @PythonName(module = "m", name = "Checked")
    static final class Checked implements PickleState {
        @Override
        public Object getState() throws BrineException {
            throw new BrineException("no state today");
        }

        @Override
        public void setState(Object state) {
        }
    }

    /** Casts its state as users do: a state of another shape throws ClassCastException. */
    @PythonName(module = "m", name = "Model")
    static final class Model implements PickleState {
        Object w;

        @Override
        public Object getState() {
            return new LinkedHashMap<>(Map.of("w", 1L));
        }

        @Override
        @SuppressWarnings("unchecked")
        public void setState(Object state) {
            w = ((Map<String, Object>) state).get("w");
        }
    }

    @PythonName(module = "m", name = "Rec")
    record Rec(long a) {
        Rec {
            if (a < 0) {
                throw new IllegalArgumentException("a must not be negative");
            }
        }
    }

    @PythonName(module = "m", name = "BadRec")
    record BadRec(long a) {
        @Override
        public long a() {
            throw BOOM;
        }
    }

    static final class Plain {
    }

    private static final ClassRegistry REGISTRY = ClassRegistry.builtins().toBuilder()
            .register(Throws.class, Throws::new)
            .register(Checked.class, Checked::new)
            .register(Model.class, Model::new)
            .register(Endless.class, Endless::new)
            .registerRecord(Rec.class)
            .registerRecord(BadRec.class)
            .registerWriter(Plain.class, p -> {
                throw BOOM;
            })
            .build();
    private static final PicklerOptions WRITE = PicklerOptions.builder().registry(REGISTRY).build();
    private static final UnpicklerOptions READ = UnpicklerOptions.builder().registry(REGISTRY).build();

    @Test
    void getStateThatThrowsIsNamedInEveryWayToSave() throws Exception {
        PicklingException e = assertThrows(PicklingException.class, () -> Pickler.dumps(new Throws(), WRITE));
        assertEquals("cannot pickle m.Throws (Java class " + Throws.class.getName()
                + "): getState() threw java.lang.IllegalStateException: boom", e.getMessage());
        assertSame(BOOM, e.getCause());

        e = assertThrows(PicklingException.class, () -> Pickle.dump(new Throws(), new ByteArrayOutputStream(), WRITE));
        assertSame(BOOM, e.getCause());

        // nested: the class at fault is named, not the container
        e = assertThrows(PicklingException.class, () -> Pickler.dumps(Map.of("k", new Throws()), WRITE));
        assertTrue(e.getMessage().startsWith("cannot pickle m.Throws "), e.getMessage());

        Path file = tmp.resolve("model.zip");
        BrineException a = assertThrows(BrineException.class, () -> ModelArchive.dump(new Throws(), file,
                dev.brine.archive.ArchiveOptions.builder().registry(REGISTRY).build()));
        assertTrue(a.getMessage().contains("cannot pickle m.Throws"), a.getMessage());
        assertInstanceOf(PicklingException.class, a.getCause());
        assertSame(BOOM, a.getCause().getCause());
        assertTrue(Files.notExists(file), "a failed save leaves no file");
    }

    @Test
    void annotatedButUnregisteredClassesAreNamedToo() {
        PicklingException e = assertThrows(PicklingException.class,
                () -> Pickler.dumps(new Throws(), PicklerOptions.builder().build()));
        assertTrue(e.getMessage().startsWith("cannot pickle m.Throws "), e.getMessage());
        assertSame(BOOM, e.getCause());
    }

    @Test
    void checkedExceptionsFromGetStateNameTheClass() {
        PicklingException e = assertThrows(PicklingException.class, () -> Pickler.dumps(new Checked(), WRITE));
        assertEquals("cannot pickle m.Checked (Java class " + Checked.class.getName() + "): no state today",
                e.getMessage());
    }

    @Test
    void registeredWriterThatThrowsNamesTheJavaClass() {
        PicklingException e = assertThrows(PicklingException.class, () -> Pickler.dumps(new Plain(), WRITE));
        assertEquals("cannot pickle " + Plain.class.getName() + " (Java class " + Plain.class.getName()
                + "): its registered writer threw java.lang.IllegalStateException: boom", e.getMessage());
        assertSame(BOOM, e.getCause());
    }

    @Test
    void registeredWriterThatReturnsNullNamesTheJavaClass() {
        PicklerOptions nullWriter = PicklerOptions.builder().registry(ClassRegistry.builtins().toBuilder()
                .registerWriter(Plain.class, p -> null).build()).build();
        PicklingException e = assertThrows(PicklingException.class, () -> Pickler.dumps(new Plain(), nullWriter));
        assertEquals("cannot pickle " + Plain.class.getName() + " (Java class " + Plain.class.getName()
                + "): its registered writer returned null, not a Reduction", e.getMessage());
    }

    /** A user's writer for a class without a Python name refusing a value: the message names the class too. */
    @Test
    void registeredWriterThatRefusesNamesTheJavaClass() {
        BrineException refusal = new BrineException("negative amount");
        PicklerOptions refusing = PicklerOptions.builder().registry(ClassRegistry.builtins().toBuilder()
                .registerWriter(Plain.class, p -> {
                    throw refusal;
                }).build()).build();
        PicklingException e = assertThrows(PicklingException.class, () -> Pickler.dumps(new Plain(), refusing));
        assertEquals("cannot pickle " + Plain.class.getName() + " (Java class " + Plain.class.getName()
                + "): negative amount", e.getMessage());
        assertSame(refusal, e.getCause());
    }

    @Test
    void recordAccessorThatThrowsIsNamed() {
        for (PicklerOptions options : new PicklerOptions[] {WRITE, PicklerOptions.builder().build()}) {
            PicklingException e = assertThrows(PicklingException.class, () -> Pickler.dumps(new BadRec(1), options));
            assertEquals("cannot pickle m.BadRec (Java class " + BadRec.class.getName()
                    + "): its accessor a() threw java.lang.IllegalStateException: boom", e.getMessage());
            assertSame(BOOM, e.getCause().getCause());
        }
    }

    @Test
    void setStateThatRefusesItsStateIsNamedWithOffsetAndOpcode() throws Exception {
        // what Python writes for an m.Model whose state is a tuple, not the dict Model expects
        GenericObject g = GenericObject.newObject(new Global("m", "Model"), Tuple.empty());
        g.setState(Tuple.of(1L, 2L));
        byte[] pickle = Pickle.dumps(g, 2);
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(pickle, READ));
        assertEquals("BUILD", e.opcode());
        assertEquals(pickle.length - 2, e.offset());
        assertTrue(e.getMessage().startsWith("m.Model.setState refused its state of type tuple:"
                + " java.lang.ClassCastException"), e.getMessage());
        assertInstanceOf(ClassCastException.class, e.getCause());
        // a state of the right shape still loads
        assertEquals(1L, ((Model) Pickle.loads(Pickler.dumps(new Model(), WRITE), READ)).w);
    }

    @Test
    void factoryThatThrowsIsNamed() throws Exception {
        ClassRegistry r = ClassRegistry.builtins().toBuilder().register(Model.class, () -> {
            throw BOOM;
        }).build();
        byte[] pickle = Pickler.dumps(new Model(), WRITE);
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(pickle, UnpicklerOptions.builder().registry(r).build()));
        assertEquals("NEWOBJ", e.opcode());
        assertTrue(e.getMessage().startsWith("m.Model: its factory threw java.lang.IllegalStateException: boom"),
                e.getMessage());
        assertSame(BOOM, e.getCause().getCause());
    }

    /** A factory that gives null: the object must not read as None, and a state must not be blamed on the file. */
    @Test
    void factoryThatReturnsNullIsNamed() throws Exception {
        UnpicklerOptions nullFactory = UnpicklerOptions.builder().registry(ClassRegistry.builtins().toBuilder()
                .register(Model.class, () -> null).build()).build();
        GenericObject stateless = GenericObject.newObject(new Global("m", "Model"), Tuple.empty());
        for (byte[] pickle : List.of(Pickler.dumps(new Model(), WRITE), Pickle.dumps(stateless, 2), Pickle.dumps(stateless, 0))) {
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(pickle, nullFactory));
            assertTrue(e.getMessage().startsWith("m.Model: its factory returned null, not a fresh instance"),
                    e.getMessage());
        }
    }

    @Test
    void recordConstructorThatRefusesItsArgumentsIsNamed() throws Exception {
        byte[] pickle = Pickle.dumps(GenericObject.reduced(new Global("m", "Rec"), Tuple.of(-1L)), 2);
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(pickle, READ));
        assertEquals("REDUCE", e.opcode());
        assertTrue(e.getMessage().startsWith("m.Rec rejected its arguments: java.lang.IllegalArgumentException"),
                e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e.getCause().getCause());
    }

    @PythonName(module = "m", name = "Deep")
    static final class Deep implements PickleState {
        @Override
        public Object getState() {
            return 1L;
        }

        @Override
        public void setState(Object state) {
            throw new StackOverflowError();
        }
    }

    @Test
    void aStackOverflowInSetStateIsItsFailure() throws Exception {
        ClassRegistry r = ClassRegistry.builtins().toBuilder().register(Deep.class, Deep::new).build();
        byte[] pickle = Pickler.dumps(new Deep(), PicklerOptions.builder().registry(r).build());
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(pickle, UnpicklerOptions.builder().registry(r).build()));
        assertTrue(e.getMessage().startsWith("m.Deep.setState overflowed the stack (java.lang.StackOverflowError)"),
                e.getMessage());
        assertEquals("BUILD", e.opcode());
        assertInstanceOf(StackOverflowError.class, e.getCause());
    }

    /** Throws {@code t} without declaring it, as Kotlin, Scala or Lombok's {@code @SneakyThrows} code does. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneak(Throwable t) throws E {
        throw (E) t;
    }

    /** Hooks that throw what they do not declare: a checked exception, or an Error of their own making. */
    @PythonName(module = "m", name = "Sneaky")
    static final class Sneaky implements PickleState {
        static Throwable toThrow;
        boolean failOnSave;

        @Override
        public Object getState() {
            if (failOnSave) {
                throw sneak(toThrow);
            }
            return Map.of("training_set", "missing.save");
        }

        @Override
        public void setState(Object state) {
            throw sneak(toThrow); // reloading its training set failed
        }
    }

    /**
     * A hook's undeclared checked exception (an IOException reloading a file, a plain Exception) or its AssertionError
     * ends in the Pickling/UnpicklingException that names the class, the hook's throwable the cause, as a
     * RuntimeException does: it escaped raw (an IOException from getState read as "unexpected I/O error writing to
     * memory"). Also from a factory, a migration and the persistent id hook.
     */
    @Test
    void undeclaredCheckedExceptionsAndAssertionErrorsFromHooksAreNamed() throws Exception {
        ClassRegistry r = ClassRegistry.builtins().toBuilder().register(Sneaky.class, Sneaky::new).build();
        PicklerOptions write = PicklerOptions.builder().registry(r).build();
        UnpicklerOptions read = UnpicklerOptions.builder().registry(r).build();
        for (Throwable t : new Throwable[] {new java.nio.file.NoSuchFileException("missing.save"),
            new AssertionError("invariant"), new Exception("checked")}) {
            Sneaky.toThrow = t;
            byte[] pickle = Pickler.dumps(new Sneaky(), write);
            UnpicklingException loading = assertThrows(UnpicklingException.class, () -> Pickle.loads(pickle, read));
            assertEquals("m.Sneaky.setState refused its state of type dict: " + t, loading.getMessage().replaceAll(" at offset.*", ""));
            assertEquals("BUILD", loading.opcode());
            assertSame(t, loading.getCause());
            Sneaky failing = new Sneaky();
            failing.failOnSave = true;
            PicklingException saving = assertThrows(PicklingException.class, () -> Pickler.dumps(failing, write));
            assertEquals("cannot pickle m.Sneaky (Java class " + Sneaky.class.getName() + "): getState() threw " + t,
                    saving.getMessage());
            assertSame(t, saving.getCause());

            ClassRegistry sneakyFactory = ClassRegistry.builtins().toBuilder().register(Sneaky.class, () -> {
                throw sneak(t);
            }).build();
            UnpicklingException made = assertThrows(UnpicklingException.class,
                    () -> Pickle.loads(pickle, UnpicklerOptions.builder().registry(sneakyFactory).build()));
            assertTrue(made.getMessage().startsWith("m.Sneaky: its factory threw " + t), made.getMessage());

            PicklingException pid = assertThrows(PicklingException.class, () -> Pickler.dumps(List.of(1L),
                    PicklerOptions.builder().persistentId(o -> {
                        throw sneak(t);
                    }).build()));
            assertEquals("the persistent_id hook threw " + t + " for a java.util.ImmutableCollections$List12", pid.getMessage());
            assertSame(t, pid.getCause());
        }
    }

    /** A getState whose state holds the pickle of its own object, through Brine: a recursion without end. */
    @PythonName(module = "m", name = "SelfDump")
    static final class SelfDump implements PickleState {
        static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Object getState() {
            CALLS.incrementAndGet();
            try {
                return Pickle.dumps(this, PicklerOptions.builder().registry(REGISTRY).build());
            } catch (BrineException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void setState(Object state) {
        }
    }

    /**
     * A hook that pickles its own object through Brine recurses without end, as CPython's RecursionError says of the
     * same {@code __getstate__}; it fails at once, on the caller's thread, where each nested dump overflowed into a
     * fresh 512 MiB-stack thread of Brine's until the heap ran out (a raw OutOfMemoryError after minutes).
     */
    @Test
    void aHookThatPicklesItsOwnObjectFailsAtOnceOnTheCallersThread() throws Exception {
        dev.brine.testing.Python.require();
        assertEquals(List.of("-"), dev.brine.testing.Python.eachLine(
                "import pickle\nclass M:\n    def __getstate__(self): return pickle.dumps(self, 5)",
                "pickle.dumps(M(), 5)", "RecursionError", List.of("M")));
        SelfDump.CALLS.set(0);
        int threadsBefore = Thread.activeCount();
        Object result = dev.brine.testing.OnThread.call("caller", 1 << 20, () -> Pickler.dumps(new SelfDump(), WRITE));
        PicklingException e = assertInstanceOf(PicklingException.class, result);
        assertTrue(e.getMessage().startsWith("cannot pickle m.SelfDump "), e.getMessage());
        assertTrue(SelfDump.CALLS.get() < 100_000, "each level ran once: " + SelfDump.CALLS.get());
        assertTrue(Thread.activeCount() <= threadsBefore, "no thread of Brine's left running");
    }

    /** Hooks that recurse without end, a bug in user code; records the threads its getState ran on. */
    @PythonName(module = "m", name = "Endless")
    static final class Endless implements PickleState {
        static final java.util.Set<String> GETSTATE_THREADS = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private static long recurse(long n) {
            return recurse(n + 1) + 1;
        }

        @Override
        public Object getState() {
            GETSTATE_THREADS.add(Thread.currentThread().getName());
            return recurse(0);
        }

        @Override
        public void setState(Object state) {
            recurse(0);
        }
    }

    /**
     * A getState that recurses without end is its own failure, named with its class, the overflow as the
     * cause, as for any hook that throws; and at once: it is not run again on the pickler's deep stack (512
     * MiB, where it took seconds to overflow and then read as "structure too deep to pickle", naming nothing).
     * CPython likewise ends in the hook's own RecursionError.
     */
    @Test
    void aGetStateThatRecursesWithoutEndIsNamedAndNotRetriedOnADeepStack() throws Exception {
        dev.brine.testing.Python.require();
        assertEquals(java.util.List.of("-"), dev.brine.testing.Python.eachLine(
                "import pickle\nclass R:\n    def __getstate__(self): return self.__getstate__()",
                "pickle.dumps(R())", "RecursionError", java.util.List.of("R")));
        Endless.GETSTATE_THREADS.clear();
        PicklingException e = assertThrows(PicklingException.class, () -> Pickler.dumps(java.util.List.of(new Endless()), WRITE));
        assertEquals("cannot pickle m.Endless (Java class " + Endless.class.getName() + "): getState() overflowed the stack"
                + " (java.lang.StackOverflowError): it recurses too deeply, or without end", e.getMessage());
        assertInstanceOf(StackOverflowError.class, e.getCause());
        assertEquals(java.util.Set.of(Thread.currentThread().getName()), Endless.GETSTATE_THREADS);
    }

    @Test
    void aSetStateOrFactoryThatRecursesWithoutEndIsNamed() throws Exception {
        GenericObject g = GenericObject.newObject(new Global("m", "Endless"), Tuple.empty());
        g.setState(1L);
        byte[] withState = Pickle.dumps(g, 2); // NEWOBJ, then BUILD with the state 1
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(withState, READ));
        assertTrue(e.getMessage().startsWith("m.Endless.setState overflowed the stack (java.lang.StackOverflowError)"
                + " with its state of type int"), e.getMessage());
        assertEquals("BUILD", e.opcode());
        assertInstanceOf(StackOverflowError.class, e.getCause());

        ClassRegistry endlessFactory = ClassRegistry.builtins().toBuilder().register(Endless.class, () -> {
            Endless.recurse(0);
            return new Endless();
        }).build();
        e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(withState, UnpicklerOptions.builder().registry(endlessFactory).build()));
        assertTrue(e.getMessage().startsWith("m.Endless: its factory overflowed the stack (java.lang.StackOverflowError)"),
                e.getMessage());
        assertEquals("NEWOBJ", e.opcode());
        assertInstanceOf(StackOverflowError.class, e.getCause().getCause());
    }

    @PythonName(module = "m", name = "V")
    @dev.brine.mapping.StateVersion(2)
    static final class Versioned implements PickleState {
        @Override
        public Object getState() {
            return Map.of("w", 1L);
        }

        @Override
        public void setState(Object state) {
        }
    }

    /** A migration that recurses without end is named, with its versions and the class, as a throwing one is. */
    @Test
    void aMigrationThatRecursesWithoutEndIsNamed() throws Exception {
        ClassRegistry endlessMigration = ClassRegistry.builtins().toBuilder().registerVersioned(Versioned.class,
                Versioned::new, dev.brine.mapping.StateVersions.current(2).migration(1, s -> {
                    Endless.recurse(0);
                    return s;
                })).build();
        GenericObject v1 = GenericObject.newObject(new Global("m", "V"), Tuple.empty());
        v1.setState(Map.of("w", 1L)); // no __version__: version 1
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(Pickle.dumps(v1, 2),
                UnpicklerOptions.builder().registry(endlessMigration).build()));
        assertTrue(e.getMessage().startsWith("m.V: migrating the state from version 1 to 2 overflowed the stack"
                + " (java.lang.StackOverflowError)"), e.getMessage());
        assertEquals("BUILD", e.opcode());
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertInstanceOf(StackOverflowError.class, cause);
    }

    /** A chain of objects whose getState gives the next, counting its calls and the threads they ran on. */
    @PythonName(module = "m", name = "Link")
    static final class Link implements PickleState {
        static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();
        static final Set<String> THREADS = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Link next;

        @Override
        public Object getState() {
            CALLS.incrementAndGet();
            THREADS.add(Thread.currentThread().getName());
            return next == null ? null : Tuple.of(next);
        }

        @Override
        public void setState(Object state) {
            next = (Link) ((Tuple) state).get(0);
        }
    }

    /**
     * A structure too deep for the calling thread's stack, after getState hooks ran: Python runs each
     * {@code __getstate__} once, on the caller's thread, so Brine does not redo the dump on a thread of its own
     * (which ran every hook again there, lost the caller's thread-locals, and deadlocked a synchronized getState
     * whose lock the caller held); it says what to do instead, and done so (a thread with a bigger stack, the
     * caller's own) each hook runs once, on that thread. The pickle is then CPython's bytes for the same chain.
     */
    @Test
    void aStructureTooDeepForTheCallersStackAfterHooksRanIsRefusedNotRedone() throws Exception {
        Python.require();
        int links = 20_000;
        Link first = new Link();
        Link last = first;
        for (int i = 1; i < links; i++) {
            last.next = new Link();
            last = last.next;
        }
        ClassRegistry r = ClassRegistry.builtins().toBuilder().register(Link.class, Link::new).build();
        PicklerOptions deep = PicklerOptions.builder().registry(r).protocol(4).maxDepth(4 * links).build();
        Link head = first;
        Link.CALLS.set(0);
        Link.THREADS.clear();
        Object small = dev.brine.testing.OnThread.call("small-stack", 256 << 10, () -> Pickler.dumps(head, deep));
        PicklingException e = assertInstanceOf(PicklingException.class, small);
        assertTrue(e.getMessage().startsWith("structure too deep for this thread's stack, after state hooks (getState,"
                + " registered writers, the persistent id hook, the buffer callback) had run, which Brine does not run a second time on a thread of its own: dump it"
                + " from a thread with a bigger stack"), e.getMessage());
        assertEquals(Set.of("small-stack"), Link.THREADS);
        assertTrue(Link.CALLS.get() < links, "no hook ran twice: " + Link.CALLS.get());

        Link.CALLS.set(0);
        Link.THREADS.clear();
        byte[] pickle = assertInstanceOf(byte[].class, dev.brine.testing.OnThread.call("big-stack", 512L << 20, () -> Pickler.dumps(head, deep)));
        assertEquals(links, Link.CALLS.get());
        assertEquals(Set.of("big-stack"), Link.THREADS);
        Object loaded = Pickle.loads(pickle, UnpicklerOptions.builder().registry(r).build());
        int n = 0;
        for (Link l = (Link) loaded; l != null; l = l.next) {
            n++;
        }
        assertEquals(links, n);
        // CPython writes the same bytes for the same chain (its recursion limit raised, on a big stack)
        String python = String.join("\n", "import pickle, sys, threading",
                "sys.setrecursionlimit(200000); threading.stack_size(512 << 20)",
                "class Link:",
                "    def __init__(self): self.next = None",
                "    def __reduce_ex__(self, proto):",
                "        return (copyreg.__newobj__, (Link,), None if self.next is None else (self.next,))",
                "import copyreg; Link.__module__ = 'm'; Link.__qualname__ = 'Link'",
                "mod = type(sys)('m'); mod.Link = Link; sys.modules['m'] = mod",
                "def run():",
                "    first = Link(); last = first",
                "    for i in range(1, " + links + "):",
                "        last.next = Link(); last = last.next",
                "    sys.stdout.buffer.write(pickle.dumps(first, 4))",
                "t = threading.Thread(target=run); t.start(); t.join()");
        assertArrayEquals(Python.check(python, new byte[0]), pickle);
    }

    /** A writer the user registers for a JDK class is user code too: run once, on the caller's thread. */
    @Test
    void aUsersWriterForAJdkClassIsNotRunAgainOnADeepStack() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        ClassRegistry r = ClassRegistry.builtins().toBuilder().registerWriter(java.util.UUID.class, u -> {
            calls.incrementAndGet();
            return dev.brine.mapping.Reduction.call(new Global("uuid", "UUID"), u.toString());
        }).build();
        int levels = 20_000;
        List<Object> top = new ArrayList<>();
        List<Object> at = top;
        for (int i = 1; i < levels; i++) {
            List<Object> inner = new ArrayList<>();
            at.add(new java.util.UUID(i, i));
            at.add(inner);
            at = inner;
        }
        PicklerOptions deep = PicklerOptions.builder().registry(r).maxDepth(4 * levels).build();
        Object result = dev.brine.testing.OnThread.call("small-stack", 256 << 10, () -> Pickler.dumps(top, deep));
        PicklingException e = assertInstanceOf(PicklingException.class, result);
        assertTrue(e.getMessage().startsWith("structure too deep for this thread's stack, after state hooks"), e.getMessage());
        assertTrue(calls.get() < levels, "no writer call ran twice: " + calls.get());
    }

    /** A plain structure (lists only: no user code) too deep for the caller's stack is still written, on a deep one. */
    @Test
    void aPlainStructureTooDeepForASmallStackIsStillWrittenOnADeepOne() throws Exception {
        int levels = 20_000;
        List<Object> top = new ArrayList<>();
        List<Object> at = top;
        for (int i = 1; i < levels; i++) {
            List<Object> inner = new ArrayList<>();
            at.add(inner);
            at = inner;
        }
        PicklerOptions deep = PicklerOptions.builder().maxDepth(4 * levels).build();
        byte[] pickle = assertInstanceOf(byte[].class, dev.brine.testing.OnThread.call("small-stack", 256 << 10, () -> Pickler.dumps(top, deep)));
        Object loaded = Pickle.loads(pickle);
        int n = 0;
        for (Object l = loaded; l instanceof List<?> list; l = list.isEmpty() ? null : list.get(0)) {
            n++;
        }
        assertEquals(levels, n);
    }

    /** What {@code task} returns on a new thread of {@code stackSize} bytes, or what it threw. */
    @Test
    void theRegistryKnowsThePythonNameAClassIsWrittenAs() {
        assertEquals(new Global("m", "Rec"), REGISTRY.pythonNameOf(Rec.class));
        assertEquals(new Global("m", "Deep"), REGISTRY.pythonNameOf(Deep.class)); // from @PythonName
        assertEquals(null, REGISTRY.pythonNameOf(Plain.class));
    }
}
