package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.LimitExceededException;
import dev.brine.archive.ModelArchive;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Naming the file never changes what a {@code catch} clause catches: the entry points that take a
 * path throw the same exception class as the ones that take bytes ({@code catch (UnpicklingException
 * e)} catches {@code Pickle.load(Path)}'s failure as it catches {@code Pickle.loads}'), with the file
 * in front of the same message, offset and opcode.
 */
class ExceptionTypeWithContextTest {
    @Test
    void pickleLoadOfAPathThrowsWhatLoadsThrows(@TempDir Path dir) throws IOException {
        Python.require();
        // CPython's own pickle, cut short: pickle.loads refuses it too (the oracle that it is bad)
        byte[] whole = Python.check("import pickle, sys; sys.stdout.buffer.write(pickle.dumps({'a': 'b' * 30, 'c': [1, 2]}, 2))",
                new byte[0]);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 12);
        Python.Result py = Python.run("import pickle, sys; pickle.loads(sys.stdin.buffer.read())", cut);
        assertTrue(py.exitCode != 0 && (py.stderr.contains("UnpicklingError") || py.stderr.contains("EOFError")), py.stderr);
        Path file = dir.resolve("trunc.pkl");
        Files.write(file, cut);

        UnpicklingException fromBytes = assertThrows(UnpicklingException.class, () -> Pickle.loads(cut));
        UnpicklingException fromPath = assertThrows(UnpicklingException.class, () -> Pickle.load(file));
        assertEquals(file + ": " + fromBytes.getMessage(), fromPath.getMessage());
        assertEquals(fromBytes.offset(), fromPath.offset());
        assertEquals(fromBytes.opcode(), fromPath.opcode());
        UnpicklingException all = assertThrows(UnpicklingException.class, () -> Pickle.loadAll(file, UnpicklerOptions.DEFAULT));
        assertEquals(file + ": " + fromBytes.getMessage(), all.getMessage());

        // a limit stays a LimitExceededException, naming its limit
        Path deep = dir.resolve("deep.pkl");
        Files.write(deep, "((((I1\nt.".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // MARKs four deep
        UnpicklerOptions shallow = UnpicklerOptions.builder().limits(Limits.builder().maxDepth(2).build()).build();
        LimitExceededException limit = assertThrows(LimitExceededException.class, () -> Pickle.load(deep, shallow));
        assertTrue(limit.getMessage().startsWith(deep + ": "), limit.getMessage());
        assertEquals("maxDepth", limit.limit());
    }

    @Test
    void withContextKeepsEverySubclass() {
        UnpicklingException u = new UnpicklingException("stack underflow", 12, "APPEND");
        UnpicklingException uc = u.withContext("f.pkl");
        assertEquals("f.pkl: stack underflow at offset 12 (opcode APPEND)", uc.getMessage());
        assertEquals(12, uc.offset());
        assertEquals("APPEND", uc.opcode());
        assertSame(u, uc.getCause());
        // told of its opcode afterwards, the location stays in front
        assertEquals("f.pkl: stack underflow at offset 3 (opcode POP)", uc.atOpcode(3, "POP").getMessage());

        PicklingException p = new PicklingException("cannot pickle 'int[]'");
        assertEquals("out.pkl: cannot pickle 'int[]'", p.withContext("out.pkl").getMessage());
        assertInstanceOf(PicklingException.class, p.withContext("out.pkl"));

        DisassemblyException d = new DisassemblyException("ValueError", "memo key 3 has never been stored into", 7, "GET");
        DisassemblyException dc = d.withContext("f.pkl");
        assertEquals("ValueError", dc.pythonType());
        assertEquals(7, dc.offset());
        assertEquals("f.pkl: memo key 3 has never been stored into", dc.getMessage());
    }

    @Test
    void savingAnArchiveOfAnUnpicklableValueIsAPicklingException(@TempDir Path dir) {
        Path file = dir.resolve("model.zip");
        PicklingException e = assertThrows(PicklingException.class,
                () -> ModelArchive.dump(Map.of("w", new int[] {1, 2}), file));
        assertTrue(e.getMessage().startsWith("cannot save " + file + ": cannot pickle 'int[]'"), e.getMessage());
        assertTrue(Files.notExists(file), "nothing saved");
        assertInstanceOf(BrineException.class, e);
    }
}
