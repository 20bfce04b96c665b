package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sequences of calls on one {@link Unpickler}, against the same calls on CPython's pickle over the same
 * bytes: the end of the input told apart from a damaged pickle.
 */
class UnpicklerSequenceDifferentialTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void python() {
        Python.require();
    }

    private static final String ENDS = """
            import io, pickle, sys
            good = pickle.dumps([1, 2], 2) + pickle.dumps('two', 2)
            cases = [good, good + b'\\x80\\x02\\xff', good + b'\\x80\\x02X\\x05\\x00\\x00\\x00ab', good + b'\\x80']
            for data in cases:
                f = io.BytesIO(data)
                out = []
                while True:
                    try:
                        out.append(pickle.load(f))
                    except Exception as e:
                        out.append(type(e).__name__)
                        break
                print(data.hex(), repr(out))
            """;

    /**
     * The end of the input is an EndOfPicklesException (CPython's EOFError), a damaged or truncated pickle
     * after it an UnpicklingException of another class (CPython's UnpicklingError): a loop that reads until
     * the end no longer takes a bad pickle for the end of the data.
     */
    @Test
    void theEndOfTheInputIsToldApartFromABadPickleAsCPythonTellsThem() throws IOException {
        String[] lines = Python.checkText(ENDS).strip().split("\n");
        assertEquals(4, lines.length);
        for (String line : lines) {
            byte[] data = java.util.HexFormat.of().parseHex(line.split(" ")[0]);
            String expected = line.substring(line.indexOf(' ') + 1);
            ByteArrayInputStream in = new ByteArrayInputStream(data);
            List<Object> out = new ArrayList<>();
            while (true) {
                try {
                    out.add(Pickle.load(in));
                } catch (EndOfPicklesException e) {
                    out.add("EOFError");
                    break;
                } catch (UnpicklingException e) {
                    out.add("UnpicklingError");
                    break;
                }
            }
            assertEquals(expected, PythonRepr.repr(out), line);
            Unpickler u = new Unpickler(data, UnpicklerOptions.DEFAULT);
            u.load();
            u.load();
            UnpicklingException e = assertThrows(UnpicklingException.class, u::load);
            assertEquals(expected.contains("EOFError"), e instanceof EndOfPicklesException, e.getMessage());
        }
        // a file's name in front of the message keeps the class
        Path empty = tmp.resolve("empty.pkl");
        Files.write(empty, new byte[0]);
        BrineException e = assertThrows(BrineException.class, () -> Pickle.load(empty));
        assertInstanceOf(EndOfPicklesException.class, e, e.getMessage());
        assertTrue(e.getMessage().startsWith(empty.toString()), e.getMessage());
    }
}
