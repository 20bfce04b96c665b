package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A buffer callback below protocol 5 is refused when the options are built, as CPython's {@code pickle.Pickler}
 * raises {@code ValueError: buffer_callback needs protocol >= 5}: below 5 every buffer goes into the pickle, and a
 * callback that is silently never called would hide it. Protocol 5 (and -1, the highest) take it.
 */
class BufferCallbackProtocolDifferentialTest {
    @Test
    void aBufferCallbackNeedsProtocol5AsInCPython() throws IOException {
        Python.require();
        List<String> cpython = Python.checkText(String.join("\n",
                "import pickle, io",
                "for p in range(-1, 6):",
                "    try:",
                "        pickle.Pickler(io.BytesIO(), protocol=p, buffer_callback=lambda b: None)",
                "        print(p, 'ok')",
                "    except ValueError as e:",
                "        print(p, e)"))
                .lines().toList();
        assertEquals(7, cpython.size());
        for (String line : cpython) {
            int p = Integer.parseInt(line.substring(0, line.indexOf(' ')));
            String said = line.substring(line.indexOf(' ') + 1);
            PicklerOptions.Builder b = PicklerOptions.builder().protocol(p).bufferCallback(buffer -> false);
            if (said.equals("ok")) {
                assertDoesNotThrow(b::build, line);
            } else {
                assertEquals("buffer_callback needs protocol >= 5", said);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build, line);
                assertTrue(e.getMessage().startsWith(said), e.getMessage());
                // and from options built at 5 first
                PicklerOptions five = PicklerOptions.builder().protocol(5).bufferCallback(buffer -> false).build();
                assertThrows(IllegalArgumentException.class, () -> five.withProtocol(p), line);
            }
        }
    }
}
