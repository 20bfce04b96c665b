package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PyCallable;
import dev.brine.py.Global;
import dev.brine.testing.Python;
import dev.brine.testing.StateHolder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Registered nested classes read in strict mode (no generic objects) from CPython's pickles at
 * protocols 0 to 5. Below protocol 4 CPython names {@code mod.Outer.Inner} as
 * {@code getattr(mod.Outer, 'Inner')} ({@code __builtin__.getattr} at protocols 0-2), where neither
 * {@code builtins.getattr} nor an unregistered {@code mod.Outer} may be handed out: only the
 * registered nested name comes back, and the same classes unregistered are refused with the message
 * protocol 4's STACK_GLOBAL of the dotted name gives. The hostile uses of getattr and of a name kept
 * for it are in {@link StrictNestedGlobalTest}.
 */
class StrictNestedGlobalDifferentialTest {
    static final String MODULE = "brine_strict_nested";

    /** {@code brine_strict_nested.Outer.Inner}. */
    static final class Inner extends StateHolder {
    }

    /** {@code brine_strict_nested.Outer.Mid.Inner}, nested twice. */
    static final class Deep extends StateHolder {
    }

    /** Both nested classes registered, their parents not. */
    static final ClassRegistry REGISTRY = ClassRegistry.builtins().toBuilder()
            .register(MODULE, "Outer.Inner", Inner.class, Inner::new)
            .register(MODULE, "Outer.Mid.Inner", Deep.class, Deep::new)
            .build();
    static final UnpicklerOptions STRICT = UnpicklerOptions.builder().registry(REGISTRY).build();

    /** The module, made in sys.modules, and {@code instance(cls, **state)}. */
    static final String SETUP = """
            import pickle, sys, types
            m = types.ModuleType('brine_strict_nested')
            sys.modules['brine_strict_nested'] = m
            exec('''
            class Outer:
                class Inner:
                    pass
                class Mid:
                    class Inner:
                        pass
            ''', m.__dict__)
            Outer = m.Outer
            def instance(cls, **state):
                o = cls.__new__(cls)
                o.__dict__.update(state)
                return o
            """;

    static final Global INNER = new Global(MODULE, "Outer.Inner");
    static final Global DEEP = new Global(MODULE, "Outer.Mid.Inner");

    /** Each case: the Python expression and the Java value that reads from it and writes it. */
    private static Map<String, Object> cases() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("instance(Outer.Inner, a=1, b='x')", holding(new Inner(), state("a", 1L, "b", "x")));
        c.put("instance(Outer.Mid.Inner, a=2)", holding(new Deep(), state("a", 2L)));
        c.put("Outer.Mid.Inner", DEEP);
        c.put("[instance(Outer.Inner, a=1), instance(Outer.Mid.Inner, a=2), Outer.Inner, Outer.Mid.Inner,"
                + " instance(Outer.Mid.Inner, a=[3])]",
                List.of(holding(new Inner(), state("a", 1L)), holding(new Deep(), state("a", 2L)), INNER, DEEP,
                        holding(new Deep(), state("a", new ArrayList<>(List.of(3L))))));
        return c;
    }

    static <T extends StateHolder> T holding(T holder, Object state) {
        holder.setState(state);
        return holder;
    }

    static Map<Object, Object> state(Object... kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** CPython's pickle of each case at protocols 0 to 5, as hex, in the order of {@code cases}. */
    private static List<String> cpythonHex(Map<String, Object> cases, List<String> lines) throws IOException {
        Python.require();
        for (String expr : cases.keySet()) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + "\t" + expr);
            }
        }
        return Python.eachLine(SETUP, "pickle.dumps(eval(line.split('\\t')[1]), int(line.split('\\t')[0])).hex()",
                null, lines);
    }

    /** A class read back is the registry's callable: compared by its name. */
    private static Object names(Object v) {
        if (v instanceof PyCallable) {
            return ((PyCallable) v).global();
        }
        if (v instanceof List) {
            return ((List<?>) v).stream().map(StrictNestedGlobalDifferentialTest::names).toList();
        }
        return v;
    }

    static byte[] dumps(Object value, int protocol) throws IOException {
        return Pickle.dumps(value, PicklerOptions.builder().registry(REGISTRY).protocol(protocol).build());
    }

    @Test
    void cpythonsRegisteredNestedClassesLoadInStrictModeAtEveryProtocolAndWriteBackTheSame() throws IOException {
        Map<String, Object> cases = cases();
        List<String> lines = new ArrayList<>();
        List<String> cpython = cpythonHex(cases, lines);
        List<String> differences = new ArrayList<>();
        int i = 0;
        for (Object value : cases.values()) {
            for (int p = 0; p <= 5; p++, i++) {
                byte[] data = HexFormat.of().parseHex(cpython.get(i));
                if (p < 3 && !new String(data, java.nio.charset.StandardCharsets.ISO_8859_1).contains("__builtin__\ngetattr")) {
                    differences.add(lines.get(i) + "\n  CPython did not use __builtin__.getattr");
                }
                Object read = Pickle.loads(data, STRICT);
                if (!names(read).equals(value)) {
                    differences.add(lines.get(i) + "\n  read as " + read);
                }
                String written = HexFormat.of().formatHex(dumps(value, p));
                if (!written.equals(cpython.get(i))) {
                    differences.add(lines.get(i) + "\n  CPython " + cpython.get(i) + "\n  Brine   " + written);
                }
                String again = HexFormat.of().formatHex(dumps(read, p));
                if (!again.equals(cpython.get(i))) {
                    differences.add(lines.get(i) + "\n  CPython " + cpython.get(i) + "\n  again   " + again);
                }
                Object roundTrip = Pickle.loads(dumps(value, p), STRICT);
                if (!names(roundTrip).equals(value)) {
                    differences.add(lines.get(i) + "\n  Brine's own read as " + roundTrip);
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    /**
     * Unregistered, the same pickles are refused at every protocol with one message: the nested
     * name, as STACK_GLOBAL gives it at protocol 4; below it, at the getattr REDUCE that names it.
     * Registering only the outer class changes nothing: its attributes are not registered with it.
     */
    @Test
    void unregisteredNestedClassesAreRefusedAtEveryProtocolWithTheirNestedName() throws IOException {
        Map<String, Object> cases = cases();
        List<String> lines = new ArrayList<>();
        List<String> cpython = cpythonHex(cases, lines);
        ClassRegistry outerOnly = ClassRegistry.builtins().toBuilder()
                .register(MODULE, "Outer", Inner.class, Inner::new).build();
        List<UnpicklerOptions> refusing = List.of(UnpicklerOptions.DEFAULT,
                UnpicklerOptions.builder().registry(outerOnly).build());
        List<String> differences = new ArrayList<>();
        int i = 0;
        for (Object value : cases.values()) {
            String nested = value instanceof Inner || value instanceof List ? "Outer.Inner" : "Outer.Mid.Inner";
            String expected = "global '" + MODULE + "." + nested + "' is not allowed: register it";
            for (int p = 0; p <= 5; p++, i++) {
                byte[] data = HexFormat.of().parseHex(cpython.get(i));
                for (UnpicklerOptions options : refusing) {
                    UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(data, options),
                            lines.get(i));
                    String opcode = p < 4 ? "REDUCE" : "STACK_GLOBAL";
                    if (!e.getMessage().startsWith(expected) || !opcode.equals(e.opcode())) {
                        differences.add(lines.get(i) + "\n  " + e.getMessage());
                    }
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    /**
     * A nested class that is registered, its outer class or another nested class that is not: the
     * unregistered one, reached through CPython's memo (a GET of getattr's result) below protocol
     * 4, is refused where it is used, with its name and where it was named.
     */
    @Test
    void anUnregisteredParentLeftAsAValueIsRefused() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            lines.add(p + "\t[instance(Outer.Mid.Inner, a=1), Outer.Mid]");
            lines.add(p + "\t[Outer.Mid.Inner, Outer]");
        }
        List<String> cpython = Python.eachLine(SETUP,
                "pickle.dumps(eval(line.split('\\t')[1]), int(line.split('\\t')[0])).hex()", null, lines);
        for (int i = 0; i < lines.size(); i++) {
            int p = i / 2;
            byte[] data = HexFormat.of().parseHex(cpython.get(i));
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(data, STRICT), lines.get(i));
            String name = i % 2 == 0 ? "Outer.Mid" : "Outer";
            assertTrue(e.getMessage().startsWith("global '" + MODULE + "." + name + "' is not allowed"),
                    lines.get(i) + ": " + e.getMessage());
            if (p >= 4) {
                assertEquals("STACK_GLOBAL", e.opcode(), lines.get(i));
            } else {
                // getattr(Outer, 'Mid'), or Outer, was memoized, fetched by GET and appended: refused there
                assertTrue(e.opcode().startsWith("APPEND"), lines.get(i) + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("(named by " + (i % 2 == 0 ? "REDUCE" : "GLOBAL") + " at offset "),
                        e.getMessage());
            }
        }
    }
}
