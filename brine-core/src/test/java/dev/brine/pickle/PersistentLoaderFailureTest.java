package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the persistent loader throws is the hook's failure, not a malformed pickle: CPython lets persistent_load's
 * exception propagate from load(); Brine ends in an UnpicklingException that names the hook and the id, with the
 * hook's exception as its cause, whatever it is (a RuntimeException, an AssertionError, a checked exception thrown
 * undeclared, a stack overflow). A BrineException passes as the hook made it.
 */
class PersistentLoaderFailureTest {
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** CPython's pickle of [1, <persistent id 'k'>] at protocol 2, and that its persistent_load's error propagates. */
    private static byte[] cpythonPickle() throws IOException {
        String out = Python.checkText(String.join("\n",
                "import io, pickle",
                "class P(pickle.Pickler):",
                "    def persistent_id(self, o):",
                "        return 'k' if o == 'stored' else None",
                "f = io.BytesIO(); P(f, 2).dump([1, 'stored'])",
                "class U(pickle.Unpickler):",
                "    def persistent_load(self, pid):",
                "        raise KeyError(pid)",
                "try:",
                "    U(io.BytesIO(f.getvalue())).load()",
                "    raise SystemExit('persistent_load was not called')",
                "except KeyError as e:",
                "    assert e.args == ('k',)",
                "class V(pickle.Unpickler):",
                "    def persistent_load(self, pid):",
                "        return 'loaded ' + pid",
                "print(f.getvalue().hex(), V(io.BytesIO(f.getvalue())).load())")).strip();
        String[] f = out.split(" ", 2);
        assertEquals("[1, 'loaded k']", f[1]);
        return HexFormat.of().parseHex(f[0]);
    }

    private static UnpicklerOptions loader(PersistentLoader l) {
        return UnpicklerOptions.builder().persistentLoader(l).build();
    }

    @Test
    void whatTheLoaderThrowsIsNamedAsTheHooksWithItsCause() throws IOException {
        Python.require();
        byte[] pickle = cpythonPickle();
        assertEquals(List.of(1L, "loaded k"), Pickle.loads(pickle, loader(pid -> "loaded " + pid)));
        for (Throwable t : new Throwable[] {new IllegalStateException("no such storage"), new AssertionError("assert"),
                new IOException("disk gone"), new Exception("checked, undeclared")}) {
            UnpicklingException e = assertThrows(UnpicklingException.class,
                    () -> Pickle.loads(pickle, loader(pid -> {
                        sneaky(t);
                        return null;
                    })), t.toString());
            assertSame(t, e.getCause());
            assertTrue(e.getMessage().startsWith("the persistent_load hook threw " + t + " for the persistent id 'k'"),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("malformed"), e.getMessage());
            assertEquals("BINPERSID", e.opcode());
        }
    }

    @Test
    void aLoaderThatOverflowsTheStackIsNamed() throws IOException {
        Python.require();
        byte[] pickle = cpythonPickle();
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(pickle, loader(PersistentLoaderFailureTest::endless)));
        assertTrue(e.getCause() instanceof StackOverflowError, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().startsWith("the persistent_load hook overflowed the stack"), e.getMessage());
    }

    private static Object endless(Object pid) throws BrineException {
        return endless(pid);
    }

    @Test
    void aBrineExceptionPassesAsTheHookMadeIt() throws IOException {
        Python.require();
        byte[] pickle = cpythonPickle();
        BrineException refused = new BrineException("archive member data/k is missing");
        BrineException e = assertThrows(BrineException.class, () -> Pickle.loads(pickle, loader(pid -> {
            throw refused;
        })));
        assertTrue(e.getMessage().startsWith("archive member data/k is missing"), e.getMessage());
        assertTrue(e == refused || e.getCause() == refused, String.valueOf(e.getCause()));
    }
}
