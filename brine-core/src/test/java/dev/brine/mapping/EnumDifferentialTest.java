package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Java enum registered with {@code registerEnum} is written as CPython writes the members of the Python
 * {@code enum.Enum}, {@code IntEnum} or {@code Flag} of the same values, {@code Color(value)}, and those pickles read
 * back as the constants; a value no member has is refused by both. Oracle: CPython's pickle of the same members, with
 * the same classes defined in {@code __main__}.
 */
class EnumDifferentialTest {
    enum Color {
        RED(1L), GREEN("g"), BLUE(Tuple.of(1L, 2L)), ALIAS(1L), NOTHING(null);

        final Object value;

        Color(Object value) {
            this.value = value;
        }
    }

    enum Level {
        LOW, HIGH
    }

    @PythonName(module = "__main__", name = "Perm")
    enum Perm {
        R(4), W(2), RW(6) {
            @Override
            public String toString() { // a constant with a body: a subclass of Perm
                return "rw";
            }
        };

        final int bits;

        Perm(int bits) {
            this.bits = bits;
        }
    }

    /** Values whose Java types differ from what a pickle reads back (Integer items, a float, a char, bytes). */
    enum Odd {
        B(new byte[] {1, 2}), T(Tuple.of(3, 4)), F(0.5f), C('c'), NAN(Double.NaN);

        final Object value;

        Odd(Object value) {
            this.value = value;
        }
    }

    private static final String CLASSES = String.join("\n",
            "import enum",
            "class Color(enum.Enum):",
            "    RED = 1",
            "    GREEN = 'g'",
            "    BLUE = (1, 2)",
            "    ALIAS = 1",
            "    NOTHING = None",
            "class Level(enum.IntEnum):",
            "    LOW = 1",
            "    HIGH = 2",
            "class Perm(enum.Flag):",
            "    R = 4",
            "    W = 2",
            "    RW = 6",
            "class Odd(enum.Enum):",
            "    B = b'\\x01\\x02'",
            "    T = (3, 4)",  // not (1, 2): CPython would share that constant with Color.BLUE's
            "    F = 0.5",
            "    C = 'c'",
            "    NAN = float('nan')",
            "");

    private static ClassRegistry registry() {
        return ClassRegistry.builtins().toBuilder()
                .registerEnum("__main__", "Color", Color.class, c -> c.value)
                .registerEnum("__main__", "Level", Level.class, l -> l.ordinal() + 1) // an Integer: written as an int
                .registerEnum(Perm.class, p -> p.bits)
                .registerEnum("__main__", "Odd", Odd.class, o -> o.value)
                .build();
    }

    @Test
    void membersAreWrittenAsCPythonWritesThemAndReadBackAsTheConstants() throws IOException {
        Python.require();
        String script = CLASSES + String.join("\n",
                "import pickle, struct, sys",
                "value = [Color.RED, Color.GREEN, Color.BLUE, Color.ALIAS, Color.NOTHING, Level.HIGH, Level.LOW, Perm.R,",
                "         Perm.R | Perm.W, {Color.GREEN: Level.LOW}, Odd.B, Odd.T, Odd.F, Odd.C]",
                "for proto in range(6):",
                "    blob = pickle.dumps(value, proto)",
                "    sys.stdout.buffer.write(struct.pack('<i', len(blob)) + blob)",
                "");
        ByteBuffer all = ByteBuffer.wrap(Python.check(script, new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
        ClassRegistry registry = registry();
        // Color.ALIAS is Color.RED in Python: written as RED, one object with it (a memo reference)
        List<Object> value = List.of(Color.RED, Color.GREEN, Color.BLUE, Color.ALIAS, Color.NOTHING, Level.HIGH, Level.LOW,
                Perm.R, Perm.RW, java.util.Map.of(Color.GREEN, Level.LOW), Odd.B, Odd.T, Odd.F, Odd.C);
        List<Object> members = new java.util.ArrayList<>(value);
        members.set(3, Color.RED);
        for (int proto = 0; proto <= 5; proto++) {
            byte[] expected = next(all);
            assertArrayEquals(expected, Pickle.dumps(value, PicklerOptions.builder().protocol(proto).registry(registry).build()),
                    "protocol " + proto);
            List<?> read = (List<?>) Pickle.loads(expected, UnpicklerOptions.builder().registry(registry).build());
            assertEquals(members, read, "protocol " + proto);
            assertSame(Perm.RW, read.get(8));
        }
        // ALIAS is written as RED's value and so read as RED, as Python's Color.ALIAS is Color.RED
        assertSame(Color.RED, Pickle.loads(Pickle.dumps(Color.ALIAS, PicklerOptions.builder().registry(registry).build()),
                UnpicklerOptions.builder().registry(registry).build()));
    }

    @Test
    void aValueNoMemberHasIsRefusedAsCPythonRefusesIt() throws IOException {
        Python.require();
        ClassRegistry registry = registry();
        byte[] three = Pickle.dumps(GenericObject.reduced(new Global("__main__", "Color"), Tuple.of(3L)));
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(three, UnpicklerOptions.builder().registry(registry).build()));
        assertTrue(e.getMessage().contains("3 is not a value of __main__.Color"), e.getMessage());
        Python.Result python = Python.run(CLASSES + "import pickle, sys\npickle.loads(sys.stdin.buffer.read())\n", three);
        assertTrue(python.stderr.contains("ValueError: 3 is not a valid Color"), python.stderr);
        // a value of 2**60 items, shared: t1 = (t0, t0), t2 = (t1, t1) ... (a pickle of 1 KB) is not walked item by item
        Tuple shared = Tuple.of(1L);
        for (int i = 0; i < 60; i++) {
            shared = Tuple.of(shared, shared);
        }
        byte[] huge = Pickle.dumps(GenericObject.reduced(new Global("__main__", "Color"), Tuple.of(shared)));
        assertTrue(huge.length < 2_000, "the pickle is small: " + huge.length);
        assertThrows(UnpicklingException.class, () -> Pickle.loads(huge, UnpicklerOptions.builder().registry(registry).build()));
        // a NaN value is found by no lookup, in CPython as here (nan == nan is false)
        byte[] nan = Pickle.dumps(Odd.NAN, PicklerOptions.builder().registry(registry).build());
        assertThrows(UnpicklingException.class, () -> Pickle.loads(nan, UnpicklerOptions.builder().registry(registry).build()));
        assertTrue(Python.run(CLASSES + "import pickle, sys\npickle.loads(sys.stdin.buffer.read())\n", nan).stderr
                .contains("ValueError: nan is not a valid Odd"));
        // Python's 1 == 1.0 == True finds RED too
        assertSame(Color.RED, Pickle.loads(Pickle.dumps(GenericObject.reduced(new Global("__main__", "Color"), Tuple.of(1.0))),
                UnpicklerOptions.builder().registry(registry).build()));
    }

    @Test
    void aNameTakenOrAValueFunctionThatThrowsIsRefusedAtRegistration() throws IOException {
        assertThrows(IllegalArgumentException.class,
                () -> ClassRegistry.builtins().toBuilder().registerEnum("builtins", "set", Level.class, Level::ordinal));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassRegistry.builtins().toBuilder().registerEnum("m", "Level", Level.class, l -> {
                    throw new IllegalStateException("no value");
                }));
        assertTrue(e.getMessage().contains("LOW"), e.getMessage());
        // a constant as its own value (c -> c) would recurse when written
        assertThrows(IllegalArgumentException.class,
                () -> ClassRegistry.builtins().toBuilder().registerEnum("m", "Level", Level.class, l -> l));
        // a second name with other values: the writer writes the first registration's, which it would not read
        ClassRegistry.Builder b = ClassRegistry.builtins().toBuilder().registerEnum("m", "Level", Level.class, Level::ordinal);
        assertThrows(IllegalArgumentException.class, () -> b.registerEnum("m", "Old", Level.class, l -> l.ordinal() + 100));
        b.registerEnum("m", "Old", Level.class, l -> (long) l.ordinal()); // the same values: read under both names
        ClassRegistry two = b.build();
        assertSame(Level.HIGH, Pickle.loads(Pickle.dumps(GenericObject.reduced(new Global("m", "Old"), Tuple.of(1L))),
                UnpicklerOptions.builder().registry(two).build()));
        // NaN values (nan != nan, so no lookup finds them): the same values again all the same, even nested
        java.util.function.Function<Level, Object> nans = l -> l == Level.LOW ? (Object) Double.NaN
                : Tuple.of(1L, java.util.Arrays.asList(Float.NaN, null));
        ClassRegistry.Builder withNans = ClassRegistry.builtins().toBuilder().registerEnum("m", "Level", Level.class, nans);
        withNans.registerEnum("m", "Old", Level.class, nans);
        assertThrows(IllegalArgumentException.class, () -> withNans.registerEnum("m", "Other", Level.class,
                l -> l == Level.LOW ? (Object) 0.5 : nans.apply(l)));
        assertThrows(IllegalArgumentException.class, () -> withNans.registerEnum("m", "Other", Level.class,
                l -> l == Level.HIGH ? Tuple.of(1L, List.of(2.0)) : nans.apply(l)));
        // a None value (its key is null) registered twice under two names
        ClassRegistry.builtins().toBuilder().registerEnum("m", "Level", Level.class, l -> l == Level.LOW ? null : 1L)
                .registerEnum("m", "Old", Level.class, l -> l == Level.LOW ? null : 1L);
    }

    /** An alias beside its member is one key in Python (both are written as the member): refused, as equal keys are. */
    @Test
    void anAliasBesideItsMemberAsKeysIsRefused() throws IOException {
        PicklerOptions options = PicklerOptions.builder().registry(registry()).build();
        java.util.Map<Object, Object> dict = new java.util.LinkedHashMap<>();
        dict.put(Color.RED, "a");
        dict.put(Color.ALIAS, "b");
        assertThrows(dev.brine.pickle.PicklingException.class, () -> Pickle.dumps(dict, options));
        assertThrows(dev.brine.pickle.PicklingException.class,
                () -> Pickle.dumps(new java.util.LinkedHashSet<>(List.of(Color.RED, Color.ALIAS)), options));
        assertThrows(dev.brine.pickle.PicklingException.class,
                () -> Pickle.dumps(dev.brine.py.FrozenSet.of(Color.ALIAS, Color.RED), options));
        // distinct members stay distinct keys
        java.util.Map<Object, Object> two = new java.util.LinkedHashMap<>();
        two.put(Color.RED, "a");
        two.put(Color.GREEN, "b");
        assertEquals(two, assertInstanceOf(java.util.Map.class, Pickle.loads(Pickle.dumps(two, options),
                UnpicklerOptions.builder().registry(registry()).build())));
    }

    /** Decimal('0.5') == 0.5 in Python (exact values), so it finds the member of 0.5; Decimal('0.1') != 0.1. */
    @Test
    void aDecimalFindsTheMemberOfTheFloatItEquals() throws IOException {
        Python.require();
        ClassRegistry registry = registry();
        Global odd = new Global("__main__", "Odd");
        byte[] half = Pickle.dumps(GenericObject.reduced(odd, Tuple.of(new java.math.BigDecimal("0.50"))));
        assertSame(Odd.F, Pickle.loads(half, UnpicklerOptions.builder().registry(registry).build()));
        assertEquals("Odd.F", new String(Python.check(CLASSES + "import pickle, sys\nprint(pickle.loads(sys.stdin.buffer.read()))\n",
                half), java.nio.charset.StandardCharsets.UTF_8).strip());
        byte[] tenth = Pickle.dumps(GenericObject.reduced(new Global("__main__", "Odd"), Tuple.of(new java.math.BigDecimal("0.1"))));
        assertThrows(UnpicklingException.class, () -> Pickle.loads(tenth, UnpicklerOptions.builder().registry(registry).build()));
    }

    /**
     * A registered enum's writer runs no user code (its values were taken at registration), so a structure too deep
     * for the caller's stack is still written on Brine's own deep thread, as one of plain values is.
     */
    @Test
    void aStructureTooDeepForTheStackIsWrittenAgainOnADeepThreadWithEnumsInIt() throws Exception {
        int levels = 50_000;
        List<Object> top = new java.util.ArrayList<>();
        List<Object> at = top;
        for (int i = 0; i < levels; i++) {
            List<Object> inner = new java.util.ArrayList<>();
            at.add(Color.ALIAS);
            at.add(inner);
            at = inner;
        }
        PicklerOptions deep = PicklerOptions.builder().registry(registry()).maxDepth(2 * levels).build();
        Object result = dev.brine.testing.OnThread.call("small-stack", 256 << 10, () -> Pickle.dumps(top, deep));
        byte[] pickle = assertInstanceOf(byte[].class, result, () -> String.valueOf(result));
        assertTrue(pickle.length > levels, "written whole: " + pickle.length + " bytes");
    }

    private static byte[] next(ByteBuffer all) {
        byte[] blob = new byte[all.getInt()];
        all.get(blob);
        return blob;
    }
}
