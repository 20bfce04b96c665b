package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The only way a name in a pickle becomes Java behaviour. An immutable map from Python globals
 * ({@code module.name}) to {@link PyCallable}s for reading, and from Java classes to
 * {@link Reduction}s for writing. Nothing outside it is ever looked up, loaded or instantiated.
 *
 * <p>{@link #builtins()} holds the globals CPython itself emits for builtin types (set, frozenset,
 * bytearray, complex, bytes via {@code _codecs.encode}, {@code copyreg} helpers, Decimal, the
 * datetime types, OrderedDict, uuid.UUID), the builtin types {@code _reconstructor} names as base classes
 * (object, tuple, list, dict, int, float, str: passed as arguments, never called) and nothing else. Add your own classes with a builder:
 *
 * <pre>{@code
 * ClassRegistry registry = ClassRegistry.builtins().toBuilder()
 *         .register(Model.class, Model::new)        // @PythonName(module="mymodel", name="Model")
 *         .build();
 * }</pre>
 *
 * <p>A class whose state changes shape across releases registers with
 * {@link Builder#registerVersioned}: its state carries a version and old states are migrated on
 * load (see {@link StateVersions}); a class with {@link PythonName} also declares its current
 * version with {@link StateVersion}, so that a save without this registry stamps it too.
 *
 * <p>A class registered under several names is read by all of them and written under its
 * {@link PythonName} when it is registered under that, else under its first registration. A name
 * reads as one thing: registering a class under a name that already reads as another class or as
 * one of the library's own globals ({@code builtins.set}, {@code numpy.dtype} ...) is refused;
 * {@link Builder#remove} it first to replace it deliberately.
 *
 * <p>A registration applies to the class and to its subclasses, except a subclass with its own
 * {@link PythonName} that can write itself (a {@link PickleState} or a record): that one is written
 * under its own name, with its own {@link StateVersion} if any, and the superclass's state versions
 * do not migrate its states.
 */
public final class ClassRegistry {
    private static final ClassRegistry BUILTINS = BuiltinGlobals.addTo(new Builder()).build();

    private final Map<Global, PyCallable> callables;
    private final Map<Class<?>, Reducer<Object>> writers;
    private final Map<Class<?>, StateVersions> versions;
    private final Map<Class<?>, Global> names;
    private final Map<Class<?>, EnumClass<?>> enums;
    // writerFor's answer per class (a Reducer or NO_WRITER): the registry is immutable. Kept by each class itself
    // (ClassValue), not in a map of classes: the static builtins registry would keep every class it was ever asked
    // about, and so its class loader, from being unloaded (an application server's redeploys)
    private final ClassValue<Object> writerCache = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            return findWriter(type);
        }
    };
    private static final Object NO_WRITER = new Object();

    private ClassRegistry(Builder b) {
        this.callables = Collections.unmodifiableMap(new LinkedHashMap<>(b.callables));
        this.writers = Collections.unmodifiableMap(new LinkedHashMap<>(b.writers));
        this.versions = Collections.unmodifiableMap(new LinkedHashMap<>(b.versions));
        this.names = Collections.unmodifiableMap(new LinkedHashMap<>(b.names));
        this.enums = Collections.unmodifiableMap(new LinkedHashMap<>(b.enums));
    }

    /** The safe globals CPython emits for builtin types, and nothing else. */
    public static ClassRegistry builtins() {
        return BUILTINS;
    }

    /** An empty builder (not even the builtins: start from {@code builtins().toBuilder()} instead). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this registry's entries. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.callables.putAll(callables);
        b.writers.putAll(writers);
        b.versions.putAll(versions);
        b.names.putAll(names);
        b.enums.putAll(enums);
        return b;
    }

    /**
     * The object Python has for {@code value}: for a constant of an enum registered with
     * {@link Builder#registerEnum}, the member it is (an alias constant is its value's first-declared constant, as
     * Python's {@code Color.ALIAS is Color.RED}), so that writing both writes one object; {@code value} itself
     * otherwise.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object member(Object value) {
        if (value instanceof Enum && !enums.isEmpty()) {
            EnumClass c = enums.get(((Enum<?>) value).getDeclaringClass());
            if (c != null) {
                return c.member((Enum) value);
            }
        }
        return value;
    }

    /**
     * The callable registered for {@code module.name}, or {@code null}. Python 2 names that
     * CPython maps on load ({@code __builtin__}, {@code copy_reg}) are found under their Python 3 names.
     */
    public PyCallable resolve(String module, String name) {
        return resolve(module, name, true);
    }

    /**
     * The callable registered for {@code module.name}, or {@code null}; Python 2 names are mapped
     * only when {@code python2Names} is true. CPython's unpickler maps them only while the pickle's
     * protocol is below 3 (set by its PROTO opcode): in a protocol 3+ pickle {@code __builtin__.set}
     * is a module Python 3 does not have.
     */
    public PyCallable resolve(String module, String name, boolean python2Names) {
        if (python2Names) {
            // as CPython's find_class: a Python 2 name is mapped before anything is looked up, so it never reads
            // as something else registered under its Python 2 spelling (which the builder refuses anyway)
            Global mapped = PythonNames.toPython3(module, name);
            if (mapped != null) {
                return callables.get(mapped);
            }
        }
        return callables.get(new Global(module, name));
    }

    /** Every registered global, in registration order. */
    public Iterable<Global> globals() {
        return callables.keySet();
    }

    /**
     * How to write an instance of {@code type}: the writer registered for it or for its nearest
     * registered superclass, else for the one most specific interface it implements that has a
     * writer, or {@code null}. The walk up the superclasses stops at a class with its own
     * {@link PythonName} that writes itself (a {@link PickleState} or a record): it is written under
     * its own name, not its superclass's.
     *
     * When no class has a writer and several unrelated interfaces of {@code type} do, the writer
     * given refuses to write, saying which (register a writer for the class itself to choose).
     */
    @SuppressWarnings("unchecked")
    public Reducer<Object> writerFor(Class<?> type) {
        Object w = writerCache.get(type);
        return w == NO_WRITER ? null : (Reducer<Object>) w;
    }

    /** writerFor's answer, uncached: a Reducer (perhaps one refusing: interfaces compete) or NO_WRITER. */
    private Object findWriter(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Reducer<Object> w = writers.get(c);
            if (w != null) {
                return w;
            }
            if (writesItself(c)) {
                return NO_WRITER;
            }
        }
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> i : interfacesOf(type)) {
            if (writers.containsKey(i)) {
                candidates.add(i);
            }
        }
        // a writer for a subinterface is more specific than one for the interface it extends
        candidates.removeIf(i -> candidates.stream().anyMatch(j -> j != i && i.isAssignableFrom(j)));
        if (candidates.isEmpty()) {
            return NO_WRITER;
        }
        if (candidates.size() > 1) {
            List<String> names = new ArrayList<>();
            candidates.forEach(i -> names.add(i.getName()));
            String message = "writers are registered for several interfaces of " + type.getName() + " ("
                    + String.join(", ", names) + ") and none for the class or its superclasses: register a writer for "
                    + type.getName() + " to say how it is written";
            return (Reducer<Object>) obj -> {
                throw new BrineException(message);
            };
        }
        return writers.get(candidates.get(0));
    }

    /** Every interface {@code type} implements, its superclasses' and their superinterfaces. */
    private static Set<Class<?>> interfacesOf(Class<?> type) {
        Set<Class<?>> all = new LinkedHashSet<>();
        List<Class<?>> todo = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            todo.addAll(List.of(c.getInterfaces()));
        }
        while (!todo.isEmpty()) {
            Class<?> i = todo.remove(todo.size() - 1);
            if (all.add(i)) {
                todo.addAll(List.of(i.getInterfaces()));
            }
        }
        return all;
    }

    /**
     * Whether {@code c} has its own Python name and writes itself under it without a registry (a
     * {@link PickleState} or a record with {@link PythonName}): registrations for its superclasses
     * (their writers, names and state versions) do not apply to it.
     */
    static boolean writesItself(Class<?> c) {
        return c.getAnnotation(PythonName.class) != null && (PickleState.class.isAssignableFrom(c) || c.isRecord());
    }

    /**
     * The state that BUILD hands to {@code target}'s {@link PickleState#setState}: {@code state}
     * itself, or, when {@code target}'s class was registered with
     * {@link Builder#registerVersioned}, {@code state} migrated from the version it was written at
     * to the current one (see {@link StateVersions#upgrade}).
     */
    public Object upgradeState(Object target, Object state) throws BrineException {
        StateVersions v = target == null ? null : versionsFor(target.getClass());
        if (v == null) {
            return state;
        }
        try {
            return v.upgrade(state);
        } catch (BrineException e) {
            throw new BrineException(describe(target.getClass()) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The versions that apply to {@code type}'s states: its own, else its nearest superclass's (a
     * factory may make a subclass of the class registered), but not across a class registered under
     * a name of its own or with its own {@link PythonName}: a subclass of a versioned class that is
     * known by its own name has states of its own shape, which the superclass's migrations would
     * wreck.
     */
    private StateVersions versionsFor(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            StateVersions v = versions.get(c);
            if (v != null) {
                return v;
            }
            if (names.containsKey(c) || writesItself(c)) {
                return null;
            }
        }
        return null;
    }

    /** The state versions registered for {@code type}, or {@code null} when it is not versioned. */
    public StateVersions versionsOf(Class<?> type) {
        return versions.get(type);
    }

    /**
     * The Python name instances of {@code type} are written as: the name it (or its nearest
     * registered superclass, short of one with its own {@link PythonName}: see {@link #writerFor})
     * is written under by its registrations with {@link Builder#register},
     * {@link Builder#registerVersioned} or {@link Builder#registerRecord} (its {@link PythonName} when
     * it was registered under that, else its first registration), else its {@link PythonName},
     * else {@code null} (a class written by a plain {@link Builder#registerWriter} names itself
     * only in the reduction it returns). Error messages use it to name the class in Python's terms.
     */
    public Global pythonNameOf(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Global g = names.get(c);
            if (g != null) {
                return g;
            }
            if (writesItself(c)) {
                break;
            }
        }
        PythonName n = type.getAnnotation(PythonName.class);
        return n == null ? null : new Global(n.module(), n.name());
    }

    /** {@code type}'s Python name when it has one, else its Java name: for messages. */
    public String describe(Class<?> type) {
        Global g = pythonNameOf(type);
        return g == null ? type.getName() : g.toString();
    }

    /** Collects registrations; {@link #build()} makes the immutable registry. */
    public static final class Builder {
        private final Map<Global, PyCallable> callables = new LinkedHashMap<>();
        private final Map<Class<?>, Reducer<Object>> writers = new LinkedHashMap<>();
        private final Map<Class<?>, StateVersions> versions = new LinkedHashMap<>();
        // the Python name each registered class is written as, for messages (see pythonNameOf)
        private final Map<Class<?>, Global> names = new LinkedHashMap<>();
        private final Map<Class<?>, EnumClass<?>> enums = new LinkedHashMap<>(); // the first registration of each enum

        private Builder() {
        }

        /**
         * Reads {@code callable.global()} through {@code callable}, replacing whatever read that name
         * before: the low-level way the library adds its own globals. Classes register with
         * {@link #register}, {@link #registerVersioned} or {@link #registerRecord}, which refuse a
         * name already taken.
         *
         * @throws IllegalArgumentException if the name is a Python 2 spelling ({@code __builtin__.set}), which CPython,
         *     and so Brine, maps to its Python 3 name before looking anything up: it would never be found
         */
        public Builder registerCallable(PyCallable callable) {
            refusePython2Name(callable.global(), "a callable");
            callables.put(callable.global(), callable);
            return this;
        }

        /** A Python 2 name would never be found: CPython, and so Brine, map it to its Python 3 name before looking. */
        private static void refusePython2Name(Global g, String what) {
            Global python3 = PythonNames.toPython3(g.module(), g.name());
            if (python3 != null) {
                throw new IllegalArgumentException("cannot register " + what + " as " + g + ": that is a Python 2 name,"
                        + " which CPython reads in pickles of protocols 0 to 2 as " + python3 + " (and in later ones as"
                        + " a module Python 3 does not have); register it as " + python3);
            }
        }

        /**
         * Forgets {@code module.name}: it is no longer read, and a class written under it (registered
         * under it as its written name) is no longer written by this registry; its state versions stay as long
         * as another registered name still reads it, and go with the last one. The explicit way to
         * give a name that is taken, one of the library's own included, to another class: remove it,
         * then register the class under it.
         */
        public Builder remove(String module, String name) {
            Global g = new Global(module, name);
            PyCallable removed = callables.remove(g);
            names.entrySet().removeIf(e -> {
                if (!e.getValue().equals(g)) {
                    return false;
                }
                writers.remove(e.getKey());
                return true;
            });
            Class<?> type = removed == null ? null : classOf(removed);
            if (type != null && !isRead(type)) {
                // a class's migrations go with its last name: another name that still reads it (an old one,
                // registered too) must still migrate the old states it reads; so do an enum's values
                versions.remove(type);
                enums.remove(type);
            }
            return this;
        }

        /** Whether some registered name still reads {@code type}. */
        private boolean isRead(Class<?> type) {
            for (PyCallable c : callables.values()) {
                if (classOf(c) == type) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Also reads the old name {@code oldModule.oldName} as the already registered {@code module.name}.
         *
         * @throws IllegalArgumentException if the old name already reads as something else
         */
        public Builder alias(String oldModule, String oldName, String module, String name) {
            PyCallable target = callables.get(new Global(module, name));
            if (target == null) {
                throw new IllegalArgumentException(module + "." + name + " is not registered");
            }
            claim(new Global(oldModule, oldName), target, module + "." + name + " (alias)");
            return this;
        }

        /**
         * Reads {@code g} through {@code callable} unless it already reads as something else: two
         * classes under one name would write one and read the other back (CPython refuses to pickle a
         * class that is not the object its name finds), and a user class under one of the library's
         * names would break every file that uses it, with a message blaming the file.
         */
        private void claim(Global g, PyCallable callable, String what) {
            refusePython2Name(g, what);
            PyCallable existing = callables.get(g);
            if (existing != null && existing != callable && !sameClass(existing, callable)) {
                throw new IllegalArgumentException("cannot register " + what + " as " + g + ": that name already"
                        + " reads as " + describeCallable(existing) + "; a name reads as one class (register it under"
                        + " another name, or remove(\"" + g.module() + "\", \"" + g.name() + "\") first to replace"
                        + " it deliberately)");
            }
            callables.put(g, callable);
        }

        /** Whether two registrations read the same Java class (registering it again is harmless). */
        private static boolean sameClass(PyCallable a, PyCallable b) {
            Class<?> ta = classOf(a);
            return ta != null && ta == classOf(b);
        }

        private static Class<?> classOf(PyCallable c) {
            if (c instanceof StatefulClass) {
                return ((StatefulClass) c).type;
            }
            if (c instanceof EnumClass) {
                return ((EnumClass<?>) c).type();
            }
            return c instanceof RecordClass ? ((RecordClass<?>) c).type() : null;
        }

        private static String describeCallable(PyCallable c) {
            Class<?> type = classOf(c);
            return type != null ? "the registered class " + type.getName() : "one of Brine's own globals (" + c + ")";
        }

        /**
         * Writes instances of {@code type} (and subclasses, but see {@link ClassRegistry#writerFor}) as
         * {@code reducer} says. {@code type} may be an interface: its writer applies to the classes that
         * implement it and have no writer of their own or of a superclass.
         */
        @SuppressWarnings("unchecked")
        public <T> Builder registerWriter(Class<T> type, Reducer<? super T> reducer) {
            writers.put(type, (Reducer<Object>) reducer);
            return this;
        }

        /**
         * Registers a class that saves its own state ({@link PickleState}) under the name its
         * {@link PythonName} annotation gives. It is written as Python writes a plain object
         * ({@code cls.__new__(cls)} then BUILD with the state) and read back by {@code factory}
         * followed by {@link PickleState#setState}. As in Python, a {@code getState()} of null is
         * written without a state (no BUILD, so {@code setState} is not called when it is read), and so,
         * below protocol 2, is a state Python finds false ({@code copyreg._reduce_ex}: an empty map,
         * zero, an empty string ...).
         */
        public <T extends PickleState> Builder register(Class<T> type, Supplier<? extends T> factory) {
            Global g = nameOf(type);
            return register(g.module(), g.name(), type, factory);
        }

        /**
         * Like {@link #register(Class, Supplier)} with the Python name given here. Registering a class
         * that already has a writer (an earlier {@code register} or {@code registerVersioned}) adds a
         * name it is read by, such as its name in old files, and nothing else, with one exception: a
         * class with {@link PythonName} is written under that name once it is registered under it,
         * whatever order the registrations come in, so that a rename takes effect even when the old
         * name is listed first. A class without the annotation is written under its first
         * registration. Its state versions, if any, are kept either way. (Replacing them instead made
         * the order of two registrations decide whether old states were migrated.)
         *
         * @throws IllegalArgumentException if {@code module.name} already reads as another class or
         *     as one of the library's own globals (see {@link #remove}), or is a Python 2 spelling
         *     ({@code __builtin__.set}), which CPython maps to its Python 3 name before looking it up
         */
        public <T extends PickleState> Builder register(String module, String name, Class<T> type,
                                                        Supplier<? extends T> factory) {
            Global g = new Global(module, name);
            Objects.requireNonNull(factory, "factory");
            claim(g, new StatefulClass(g, type, factory), type.getName());
            if (writers.containsKey(type) && !(names.containsKey(type) && takesOverName(type, g))) {
                return this;
            }
            names.put(type, g);
            StateVersions v = versions.get(type);
            return registerWriter(type, v == null ? stateWriter(g) : versionedWriter(g, v));
        }

        /**
         * Whether registering {@code type} under {@code g} changes the name it is written as: only when
         * {@code g} is its {@link PythonName} and it is written under another name so far.
         */
        private boolean takesOverName(Class<?> type, Global g) {
            return g.equals(annotatedName(type)) && !g.equals(names.get(type));
        }

        private static Reducer<Object> stateWriter(Global g) {
            // null: no BUILD, as Python for a None state
            return obj -> Reduction.newObjectWithState(g, ((PickleState) obj).getState());
        }

        private static Reducer<Object> versionedWriter(Global g, StateVersions stateVersions) {
            return obj -> {
                Map<String, Object> state;
                try {
                    state = stateVersions.stamp(((PickleState) obj).getState());
                } catch (BrineException e) {
                    throw new BrineException(g + ": " + e.getMessage(), e);
                }
                return Reduction.newObjectWithState(g, state);
            };
        }

        /**
         * Registers a class whose state has versions (long-term serialization): like
         * {@link #register(Class, Supplier)}, but the state written is {@code getState()} stamped
         * with the current version ({@link StateVersions#stamp}), and a state read back is migrated
         * to the current version before {@code setState} sees it ({@link StateVersions#upgrade}).
         * The class's own {@code getState}/{@code setState} deal only with current states, which
         * must be dicts ({@code Map}s with string keys).
         *
         * @throws IllegalArgumentException if the class has no {@link PythonName}, or has one but no
         *     {@link StateVersion} (a pickler without this registry would write its state without the
         *     version, which a later load takes for version 1), or declares a {@link StateVersion}
         *     other than {@code stateVersions.current()}
         */
        public <T extends PickleState> Builder registerVersioned(Class<T> type, Supplier<? extends T> factory,
                                                                 StateVersions stateVersions) {
            Global g = nameOf(type);
            return registerVersioned(g.module(), g.name(), type, factory, stateVersions);
        }

        /**
         * Like {@link #registerVersioned(Class, Supplier, StateVersions)} with the Python name given
         * here. The class is written with these versions whatever was registered for it before, and
         * under this name, unless it is already registered under its {@link PythonName}, which it is
         * then still written as (see {@link #register(String, String, Class, Supplier)}); register it
         * under its old names with {@link #register} or {@link #alias}.
         *
         * @throws IllegalArgumentException if the class has {@link PythonName} but no
         *     {@link StateVersion}, or declares a {@link StateVersion} other than
         *     {@code stateVersions.current()}
         */
        public <T extends PickleState> Builder registerVersioned(String module, String name, Class<T> type,
                                                                 Supplier<? extends T> factory,
                                                                 StateVersions stateVersions) {
            Objects.requireNonNull(stateVersions, "stateVersions");
            Objects.requireNonNull(factory, "factory");
            checkDeclaredVersion(type, stateVersions);
            Global g = new Global(module, name);
            claim(g, new StatefulClass(g, type, factory), type.getName());
            versions.put(type, stateVersions);
            Global written = names.get(type);
            if (written == null || !written.equals(annotatedName(type))) {
                written = g;
            }
            names.put(type, written);
            return registerWriter(type, versionedWriter(written, stateVersions));
        }

        /**
         * Refuses a versioned class whose saves could go out without the version: one a pickler can
         * write without this registry (it has {@link PythonName}) but that does not say its version
         * itself, or that says another one than the registration.
         */
        private static void checkDeclaredVersion(Class<?> type, StateVersions stateVersions) {
            StateVersion declared = type.getAnnotation(StateVersion.class);
            if (declared == null) {
                if (type.isAnnotationPresent(PythonName.class)) {
                    throw new IllegalArgumentException(type.getName() + " has @PythonName, so it can also be saved"
                            + " without this registry, which would write its state without " + StateVersions.VERSION_KEY
                            + " (read back as version " + StateVersions.UNVERSIONED + " and migrated again): annotate"
                            + " it @StateVersion(" + stateVersions.current() + ")");
                }
            } else if (declared.value() != stateVersions.current()) {
                throw new IllegalArgumentException(type.getName() + " declares @StateVersion(" + declared.value()
                        + ") but is registered with StateVersions.current(" + stateVersions.current()
                        + "): make the two agree");
            }
        }

        /**
         * Registers a record, pickled by its components: {@code module.Name(c1, c2, ...)} through
         * REDUCE, and read back through its canonical constructor. The name comes from
         * {@link PythonName}.
         */
        public <R extends Record> Builder registerRecord(Class<R> type) {
            Global g = nameOf(type);
            return registerRecord(g.module(), g.name(), type);
        }

        /**
         * Like {@link #registerRecord(Class)} with the Python name given here. As for
         * {@link #register(String, String, Class, Supplier)}, a record registered again under another
         * name is read by it too and written as before, unless the new name is its
         * {@link PythonName}: then that is what it is written as.
         */
        public <R extends Record> Builder registerRecord(String module, String name, Class<R> type) {
            Global g = new Global(module, name);
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
            }
            Constructor<R> constructor;
            try {
                constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                for (RecordComponent rc : components) {
                    rc.getAccessor().setAccessible(true);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalArgumentException("record " + type.getName() + " cannot be registered: " + e, e);
            }
            String[] componentNames = new String[components.length];
            for (int i = 0; i < components.length; i++) {
                componentNames[i] = components[i].getName();
            }
            claim(g, new RecordClass<>(g, constructor, types, componentNames), type.getName());
            if (names.containsKey(type) && !takesOverName(type, g)) {
                return this; // another name it is read by (see register)
            }
            names.put(type, g);
            return registerWriter(type, rec -> {
                Object[] values = new Object[components.length];
                for (int i = 0; i < components.length; i++) {
                    try {
                        values[i] = components[i].getAccessor().invoke(rec);
                    } catch (InvocationTargetException e) {
                        // the accessor itself threw: name it and keep what it threw
                        throw new BrineException("its accessor " + components[i].getName() + "() threw "
                                + e.getCause(), e.getCause());
                    } catch (IllegalAccessException e) {
                        throw new BrineException(g + ": cannot read record component " + components[i].getName(), e);
                    }
                }
                return Reduction.call(g, values);
            });
        }

        /**
         * Registers a Java enum as a Python {@code enum.Enum} class, under the name its {@link PythonName} gives:
         * see {@link #registerEnum(String, String, Class, Function)}.
         */
        public <E extends Enum<E>> Builder registerEnum(Class<E> type, Function<? super E, ?> value) {
            Global g = nameOf(type);
            return registerEnum(g.module(), g.name(), type, value);
        }

        /**
         * Registers a Java enum as the Python {@code enum.Enum} (or {@code IntEnum}, {@code StrEnum}, {@code Flag},
         * {@code IntFlag}) class {@code module.name}, whose members have the values {@code value} gives for the
         * constants (an int, a str, a tuple ...: the Python member's {@code .value}). A constant is written as
         * CPython writes a member, {@code module.name(value)} through REDUCE, and that call reads back as the
         * constant of that value, compared as Python compares values ({@code 1 == 1.0}, an Integer or a Long alike).
         * {@code value} is asked once per constant, here. Two constants of one value are one member, as a Python
         * alias is: the first declared is the member, read for that value, and the other is written as it (one
         * object, as {@code Color.ALIAS is Color.RED}). A value no constant has is refused on reading, where Python
         * may accept it: a combination of {@code enum.Flag} members, or a value the class's {@code _missing_}
         * takes, needs a constant of its own. The same enum registered under a second name must have the same
         * values.
         *
         * @throws IllegalArgumentException if the name is taken (see {@link #registerRecord(String, String, Class)}),
         *     {@code value} throws for a constant or gives one the constant itself (or a value nested deeper than
         *     64 tuples and lists), or the enum is registered already with other values
         */
        public <E extends Enum<E>> Builder registerEnum(String module, String name, Class<E> type,
                Function<? super E, ?> value) {
            Global g = new Global(module, name);
            Objects.requireNonNull(value, "value");
            Map<E, Object> values = new java.util.EnumMap<>(type);
            for (E constant : type.getEnumConstants()) {
                try {
                    values.put(constant, value.apply(constant));
                } catch (RuntimeException | AssertionError e) {
                    throw new IllegalArgumentException("enum " + type.getName() + " cannot be registered: its value"
                            + " function threw " + e + " for " + constant.name(), e);
                }
            }
            EnumClass<E> enumClass = new EnumClass<>(g, type, values);
            EnumClass<?> earlier = enums.get(type);
            if (earlier != null && !earlier.sameValues(enumClass)) {
                // its writer writes the first registration's values, which this name would not read back
                throw new IllegalArgumentException("enum " + type.getName() + " is registered already with other values"
                        + " (as " + earlier.global() + "): register it under each name with the same value function");
            }
            claim(g, enumClass, type.getName());
            if (earlier == null) {
                enums.put(type, enumClass);
            }
            if (names.containsKey(type) && !takesOverName(type, g)) {
                return this; // another name it is read by (see register)
            }
            names.put(type, g);
            // an enum constant with a body of its own is a subclass, which finds this writer as its superclass's;
            // an alias is written with its member's value (and Pickler writes the member itself, see member)
            return registerWriter(type, constant -> Reduction.call(g, enumClass.valueOf(constant)));
        }

        /**
         * The immutable registry.
         *
         * @throws IllegalArgumentException if a class that declares a {@link StateVersion} is
         *     registered with {@code register} but not {@code registerVersioned}: its files hold
         *     {@code __version__}, and old ones would reach its {@code setState} unmigrated
         */
        public ClassRegistry build() {
            for (Class<?> type : names.keySet()) {
                StateVersion declared = type.getAnnotation(StateVersion.class);
                if (declared != null && !versions.containsKey(type)) {
                    throw new IllegalArgumentException(type.getName() + " declares @StateVersion(" + declared.value()
                            + "): register it with registerVersioned and its StateVersions, not only register");
                }
            }
            return new ClassRegistry(this);
        }

        /** The name {@code type}'s {@link PythonName} gives, or {@code null}. */
        private static Global annotatedName(Class<?> type) {
            PythonName n = type.getAnnotation(PythonName.class);
            return n == null ? null : new Global(n.module(), n.name());
        }

        private static Global nameOf(Class<?> type) {
            PythonName n = type.getAnnotation(PythonName.class);
            if (n == null) {
                throw new IllegalArgumentException(type.getName()
                        + " has no @PythonName; give its Python module and name when registering it");
            }
            return new Global(n.module(), n.name());
        }
    }

    /** A registered {@link PickleState} class: NEWOBJ (or a no-argument call) makes a fresh instance. */
    static final class StatefulClass implements PyCallable {
        private final Global global;
        private final Class<?> type;
        private final Supplier<?> factory;

        StatefulClass(Global global, Class<?> type, Supplier<?> factory) {
            this.global = global;
            this.type = type;
            this.factory = factory;
        }

        @Override
        public Global global() {
            return global;
        }

        @Override
        public String toString() {
            return GlobalKind.CLASS.repr(global);
        }

        /**
         * {@code cls()}, or, for a class that is a Java {@code Set}, {@code cls(items)}: what CPython
         * writes for a set subclass ({@code set.__reduce__} gives {@code (cls, (list(self),), state)}).
         */
        @Override
        public Object call(Tuple args) throws BrineException {
            if (args.size() == 1 && args.get(0) instanceof List && Set.class.isAssignableFrom(type)) {
                Object made = make();
                @SuppressWarnings("unchecked")
                Collection<Object> set = (Collection<Object>) made;
                set.addAll((List<?>) args.get(0));
                return made;
            }
            if (!args.isEmpty()) {
                throw new BrineException(global + " takes no constructor arguments, got " + args.size());
            }
            return make();
        }

        /**
         * {@code cls.__new__(cls, *args, **kwargs)}: only without arguments, as the class's Java
         * factory takes none. A Python class deriving from int or str, or one with
         * {@code __getnewargs__}, passes its value here; dropping it would load the object without
         * that value and say nothing, so it is refused (register a record or a callable that takes
         * the arguments instead).
         */
        @Override
        public Object newObject(Tuple args, Map<Object, Object> kwargs) throws BrineException {
            if (!args.isEmpty() || (kwargs != null && !kwargs.isEmpty())) {
                throw new BrineException(global + " is registered with its state (PickleState), whose factory takes no"
                        + " arguments, but the pickle creates it with " + PythonRepr.brief(args)
                        + (kwargs == null || kwargs.isEmpty() ? "" : " and keywords " + PythonRepr.brief(kwargs))
                        + ": register a record or a callable that takes them");
            }
            return make();
        }

        /** The factory's fresh instance; what a user's factory throws is named, not taken for bad input. */
        private Object make() throws BrineException {
            Object made;
            try {
                made = factory.get();
            } catch (Exception | AssertionError | LinkageError e) { // also what it threw undeclared (@SneakyThrows)
                throw new BrineException(global + ": its factory threw " + e, e);
            } catch (StackOverflowError e) {
                // reading is iterative: the stack the factory overflowed was its own
                throw new BrineException(global + ": its factory overflowed the stack (" + e + "): it recurses too"
                        + " deeply, or without end", e);
            }
            if (made == null) { // the user's code is wrong, not the file: the object must not read as None
                throw new BrineException(global + ": its factory returned null, not a fresh instance");
            }
            return made;
        }
    }

    /**
     * A registered record: REDUCE with its components calls the canonical constructor, and so do
     * NEWOBJ and NEWOBJ_EX without keywords, which is what a Python stand-in for it, a
     * {@code namedtuple}, writes at protocols 2 to 5 ({@code cls.__new__(cls, *fields)}). Below
     * protocol 2 such a stand-in writes {@code copyreg._reconstructor(cls, tuple, fields)}, which
     * {@link BuiltinGlobals} hands to {@link #fromTuple}. A {@code @dataclass} standing in for it
     * writes {@code cls.__new__(cls)} with no arguments (NEWOBJ, or {@code _reconstructor(cls, object,
     * None)} below protocol 2) and then its fields as the BUILD state: that makes a {@link
     * PendingRecord}, which BUILD completes by component name.
     */
    static final class RecordClass<R extends Record> implements PyCallable {
        private final Global global;
        private final Constructor<R> constructor;
        private final Class<?>[] types;
        private final String[] names;

        RecordClass(Global global, Constructor<R> constructor, Class<?>[] types, String[] names) {
            this.global = global;
            this.constructor = constructor;
            this.types = types;
            this.names = names;
        }

        @Override
        public Global global() {
            return global;
        }

        Class<R> type() {
            return constructor.getDeclaringClass();
        }

        @Override
        public String toString() {
            return GlobalKind.CLASS.repr(global);
        }

        @Override
        public Object call(Tuple args) throws BrineException {
            if (args.size() != types.length) {
                throw new BrineException(global + " takes " + types.length + " arguments, got " + args.size()
                        + " (its components: " + String.join(", ", names) + ")");
            }
            Object[] values = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                values[i] = Coercion.to(types[i], args.get(i), global + " argument " + i + " (" + names[i] + ")");
            }
            return construct(values);
        }

        private R construct(Object[] values) throws BrineException {
            try {
                return constructor.newInstance(values);
            } catch (InvocationTargetException e) {
                throw new BrineException(global + " rejected its arguments: " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException | IllegalArgumentException e) {
                throw new BrineException(global + " could not be created: " + e, e);
            }
        }

        @Override
        public Object newObject(Tuple args, Map<Object, Object> kwargs) throws BrineException {
            if (!kwargs.isEmpty()) {
                // a namedtuple's __new__ takes its fields by keyword too, but nothing Python writes does so
                throw new BrineException(global + " takes its components as positional arguments; NEWOBJ_EX gave"
                        + " keyword arguments " + kwargs.keySet());
            }
            if (args.isEmpty() && types.length > 0) {
                return new PendingRecord(this); // a dataclass: its fields come with BUILD
            }
            return call(args);
        }

        /** {@code tuple.__new__(cls, fields)}: the record whose components are {@code fields}' items. */
        Object fromTuple(Tuple fields) throws BrineException {
            return call(fields);
        }

        /**
         * The record from a dataclass's BUILD state: its fields by name ({@code {'x': 1, ...}}, the
         * instance dict), the same as the slots part of {@code (None, {...})} (a {@code slots=True}
         * dataclass) or both parts of {@code ({...}, {...})}; or its field values in order (a list or
         * tuple: what a frozen slots dataclass's {@code __getstate__} gives).
         */
        Object fromState(Object state) throws BrineException {
            if (state instanceof List || (state instanceof Tuple && !isDictAndSlots((Tuple) state))) {
                return call(state instanceof Tuple ? (Tuple) state : Tuple.of(((List<?>) state).toArray()));
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            if (state instanceof Tuple) {
                addFields(fields, ((Tuple) state).get(0));
                addFields(fields, ((Tuple) state).get(1));
            } else {
                addFields(fields, state);
            }
            List<String> components = List.of(names);
            for (String field : fields.keySet()) {
                if (!components.contains(field)) {
                    throw new BrineException(global + ": the state's field '" + field
                            + "' is not a component of the record (its components are " + components + ")");
                }
            }
            Object[] values = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                if (!fields.containsKey(names[i])) {
                    throw new BrineException(global + ": the state gives no field '" + names[i] + "' (it gives "
                            + fields.keySet() + "; the record's components are " + components + ")");
                }
                values[i] = Coercion.to(types[i], fields.get(names[i]), global + " field '" + names[i] + "'");
            }
            return construct(values);
        }

        /** {@code (dict or None, dict or None)}: the state CPython gives an object with slots. */
        private static boolean isDictAndSlots(Tuple t) {
            return t.size() == 2 && (t.get(0) == null || t.get(0) instanceof Map)
                    && (t.get(1) == null || t.get(1) instanceof Map);
        }

        private void addFields(Map<String, Object> fields, Object part) throws BrineException {
            if (part == null) {
                return;
            }
            if (!(part instanceof Map)) {
                throw new BrineException(global + ": a record's state must be a dict of its fields, (dict, slots dict)"
                        + " or a list of its field values, not " + PythonRepr.brief(part));
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) part).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new BrineException(global + ": a record's state names its fields by str, not by "
                            + PythonRepr.brief(e.getKey()));
                }
                fields.put((String) e.getKey(), e.getValue());
            }
        }
    }

    /**
     * A record whose dataclass stand-in was made by {@code cls.__new__(cls)}: records are immutable,
     * so it is made only when BUILD brings its fields ({@link RecordClass#fromState}).
     */
    static final class PendingRecord implements Deferred {
        private final RecordClass<?> cls;

        PendingRecord(RecordClass<?> cls) {
            this.cls = cls;
        }

        @Override
        public Object complete(Object state) throws BrineException {
            return cls.fromState(state);
        }

        @Override
        public String toString() {
            return cls.global() + " (waiting for its fields)";
        }
    }
}
