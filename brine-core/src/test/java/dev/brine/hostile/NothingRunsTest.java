package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pickles that name dangerous callables: refused by default with the name in the message, inert
 * generic objects on request, and in neither case is anything run, loaded or initialised.
 */
class NothingRunsTest {
    static final Path MARKER = Path.of(System.getProperty("java.io.tmpdir"), "brine-pwned-by-pickle");
    /** Canary.MARKER, spelled out: naming the Canary class here would initialise it. */
    static final String CANARY_MARKER = System.getProperty("java.io.tmpdir") + "/brine-canary-initialised";
    static final String[][] GLOBALS = {
        {"os", "system"}, {"posix", "system"}, {"nt", "system"}, {"subprocess", "Popen"}, {"subprocess", "check_output"},
        {"builtins", "eval"}, {"builtins", "exec"}, {"builtins", "getattr"}, {"builtins", "__import__"},
        {"__builtin__", "eval"}, {"java.lang", "Runtime"}, {"java.lang.Runtime", "getRuntime"},
        {"java.lang", "ProcessBuilder"}, {"java.lang.reflect", "Method"}, {"javax.naming", "InitialContext"},
        {"javax.script", "ScriptEngineManager"}, {"dev.brine.hostile", "Canary"}, {"dev.brine.hostile.Canary", "sing"},
    };

    /** The ways a pickle can call a global with one string argument (a shell command). */
    enum Form { GLOBAL_REDUCE_P0, GLOBAL_REDUCE_P2, STACK_GLOBAL_P4, INST, OBJ, NEWOBJ, NEWOBJ_EX, BUILD }

    static byte[] call(String module, String name, String arg, Form form) {
        Bytes b = new Bytes();
        String global = "c" + module + "\n" + name + "\n";
        switch (form) {
            case GLOBAL_REDUCE_P0 -> b.ascii(global).op('(').ascii("V" + arg + "\n").op('t').op('R');
            case GLOBAL_REDUCE_P2 -> b.u8(0x80, 2).ascii(global).op('X').u32(arg.length()).ascii(arg).u8(0x85).op('R');
            case STACK_GLOBAL_P4 -> b.u8(0x80, 4).u8(0x8c, module.length()).ascii(module).u8(0x8c, name.length())
                    .ascii(name).u8(0x93).u8(0x8c, arg.length()).ascii(arg).u8(0x85).op('R');
            case INST -> b.op('(').ascii("V" + arg + "\n").ascii("i" + module + "\n" + name + "\n");
            case OBJ -> b.op('(').ascii(global).ascii("V" + arg + "\n").op('o');
            case NEWOBJ -> b.u8(0x80, 2).ascii(global).op('X').u32(arg.length()).ascii(arg).u8(0x85).u8(0x81);
            case NEWOBJ_EX -> b.u8(0x80, 4).ascii(global).op('X').u32(arg.length()).ascii(arg).u8(0x85).op('}').u8(0x92);
            case BUILD -> b.u8(0x80, 2).ascii(global).op(')').op('R').op('}').op('X').u32(4).ascii("cmd_").op('X')
                    .u32(arg.length()).ascii(arg).op('s').op('b');
            default -> throw new IllegalStateException();
        }
        return b.op('.').bytes();
    }

    static Stream<Object[]> cases() {
        List<Object[]> all = new ArrayList<>();
        for (String[] g : GLOBALS) {
            for (Form f : Form.values()) {
                all.add(new Object[] {g[0], g[1], f});
            }
        }
        return all.stream();
    }

    @BeforeAll
    @AfterAll
    static void noTraces() throws Exception {
        Files.deleteIfExists(MARKER);
        Files.deleteIfExists(Path.of(CANARY_MARKER));
    }

    @ParameterizedTest(name = "{0}.{1} {2}")
    @MethodSource("cases")
    void refusedByDefaultAndInertOnRequest(String module, String name, Form form) throws Exception {
        byte[] data = call(module, name, "touch " + MARKER, form);
        String msg = Bounded.refuses(module + "." + name, () -> Pickle.loads(data)).getMessage();
        String shown = module.equals("__builtin__") ? "builtins." + name : module + "." + name;
        assertTrue(msg.contains("'" + module + "." + name + "' is not allowed") || msg.contains("'" + shown + "'"), msg);
        Object generic = Pickle.loads(data, UnpicklerOptions.builder().genericObjects(true).build());
        assertInstanceOf(GenericObject.class, generic);
        GenericObject g = (GenericObject) generic;
        Object callable = g.callable() instanceof Global ? g.callable() : g.type();
        // like CPython, protocols below 3 read Python 2 names as their Python 3 forms (__builtin__ -> builtins)
        boolean py3Names = form == Form.STACK_GLOBAL_P4 || form == Form.NEWOBJ_EX;
        Global mapped = py3Names ? null : dev.brine.mapping.PythonNames.toPython3(module, name);
        assertEquals(mapped != null ? mapped : new Global(module, name), callable);
        assertTrue(g.toString().contains(name), g.toString());
        assertNoTrace();
    }

    static void assertNoTrace() {
        assertFalse(Files.exists(MARKER), "a command in a pickle ran");
        assertFalse(Files.exists(Path.of(CANARY_MARKER)), "a class named in a pickle was initialised");
        assertNull(System.getProperty("brine.canary"), "a class named in a pickle was initialised");
    }

    @Test
    void noClassNamedInAFileIsEverLoaded() throws Exception {
        // a fresh JVM that logs every class it loads reads pickles naming the canary, both ways
        Path out = Files.createTempFile("brine-classload", ".log");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), ReadCanaryPickles.class.getName())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM hung");
            String log = Files.readString(out);
            assertEquals(0, p.exitValue(), log.lines().filter(l -> !l.contains("[class,load]")).reduce("", (a, b) -> a + b + "\n"));
            assertTrue(log.contains("dev.brine.pickle.Unpickler"), "the class-load log is not working");
            assertTrue(log.contains("read " + Form.values().length * 2 + " canary pickles"), "the child did not finish");
            assertFalse(log.contains("dev.brine.hostile.Canary "), "the Canary class was loaded");
        } finally {
            Files.deleteIfExists(out);
        }
        assertNoTrace();
    }

    /** The child JVM's main: reads the canary pickles in every form, refused and generic. */
    public static final class ReadCanaryPickles {
        public static void main(String[] args) throws Exception {
            int n = 0;
            for (Form f : Form.values()) {
                byte[] data = call("dev.brine.hostile", "Canary", "x", f);
                try {
                    Pickle.loads(data);
                    throw new AssertionError("not refused: " + f);
                } catch (dev.brine.BrineException expected) {
                    n++;
                }
                Pickle.loads(data, UnpicklerOptions.builder().genericObjects(true).build());
                n++;
            }
            System.out.println("read " + n + " canary pickles");
            if (new File(CANARY_MARKER).exists()) {
                System.exit(3);
            }
        }
    }
}
