package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The disassembler's API without Python: an error's offset and opcode, and a memo and indent carried from one
 * pickle to the next (DisassemblerTest compares the listings themselves with pickletools).
 */
class DisassemblerApiTest {
    @Test
    void errorsCarryOffsetAndOpcode() {
        DisassemblyException e = assertThrows(DisassemblyException.class,
                () -> Disassembler.disassemble("Np0\ng7\n.".getBytes(StandardCharsets.ISO_8859_1), new StringBuilder()));
        assertEquals("memo key 7 has never been stored into", e.getMessage());
        assertEquals("ValueError", e.pythonType());
        assertEquals(4, e.offset());
        assertEquals("GET", e.opcode());
    }

    @Test
    void explicitMemoAndIndent() throws IOException {
        Map<BigInteger, String> memo = new HashMap<>();
        StringBuilder out = new StringBuilder();
        byte[] first = {(byte) 0x80, 2, ']', 'q', 0, '(', 'K', 1, 'e', '.'};
        assertEquals(first.length, Disassembler.dis(first, 0, out, memo, 1, 0));
        assertEquals(Map.of(BigInteger.ZERO, "list"), memo);
        byte[] second = {'x', (byte) 0x80, 2, 'h', 0, '.'};
        assertEquals(second.length, Disassembler.dis(second, 1, out, memo, 1, 0));
        assertEquals("    0: \\x80 PROTO      2\n"
                + "    2: ]    EMPTY_LIST\n"
                + "    3: q    BINPUT     0\n"
                + "    5: (    MARK\n"
                + "    6: K     BININT1    1\n"
                + "    8: e     APPENDS    (MARK at 5)\n"
                + "    9: .    STOP\n"
                + "highest protocol among opcodes = 2\n"
                + "    1: \\x80 PROTO      2\n"
                + "    3: h    BINGET     0\n"
                + "    5: .    STOP\n"
                + "highest protocol among opcodes = 2\n", out.toString());
    }
}
