package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brine.testing.Python;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@link Printable} against CPython's {@code str.isprintable}, on every code point. */
class PrintableTest {

    @Test
    void printableIsPythons() throws IOException {
        Python.require();
        String script = "import sys\n"
                + "sys.stdout.buffer.write(bytes(chr(c).isprintable() for c in range(0x110000)))\n";
        byte[] python = Python.check(script, new byte[0]);
        assertEquals(0x110000, python.length);
        for (int cp = 0; cp < 0x110000; cp++) {
            if ((python[cp] != 0) != Printable.isPrintable(cp)) {
                fail(String.format("U+%04X: python says %s", cp, python[cp] != 0));
            }
        }
    }
}
