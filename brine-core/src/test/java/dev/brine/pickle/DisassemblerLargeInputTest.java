package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs too big or too deep for the differential corpus: huge arguments, huge declared lengths,
 * deep MARK nesting. The expected listings follow from pickletools' format, which the differential
 * tests pin down on smaller inputs.
 */
class DisassemblerLargeInputTest {
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String) {
                out.writeBytes(((String) p).getBytes(StandardCharsets.ISO_8859_1));
            } else if (p instanceof byte[]) {
                out.writeBytes((byte[]) p);
            } else if (p instanceof Character) {
                out.write((Character) p);
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    private static byte[] le8(long n) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (n >>> (8 * i));
        }
        return b;
    }

    private static byte[] le4(int n) {
        return Arrays.copyOf(le8(n), 4);
    }

    private static String listing(byte[] data, boolean stream) throws IOException {
        StringBuilder out = new StringBuilder();
        if (stream) {
            Disassembler.disassemble(new ByteArrayInputStream(data), out);
        } else {
            Disassembler.disassemble(data, out);
        }
        return out.toString();
    }

    @Test
    void hugeBytesArgumentIsPrintedWhole() throws IOException {
        byte[] payload = new byte[12 << 20];
        Arrays.fill(payload, (byte) 'a');
        payload[0] = 0;
        byte[] data = bytes(0x80, 4, 0x8e, le8(payload.length), payload, 0x94, '.');
        String expected = "    0: \\x80 PROTO      4\n"
                + "    2: \\x8e BINBYTES8  b'\\x00" + "a".repeat(payload.length - 1) + "'\n"
                + (payload.length + 11) + ": \\x94 MEMOIZE    (as 0)\n"
                + (payload.length + 12) + ": .    STOP\n"
                + "highest protocol among opcodes = 4\n";
        assertEquals(expected, listing(data, false));
        assertEquals(expected, listing(data, true));
    }

    @Test
    void longLong4ValuesAreScanned() throws IOException {
        int n = 30 << 20;
        for (int fill : new int[] {0x00, 0xff}) {
            byte[] value = new byte[n];
            Arrays.fill(value, (byte) fill);
            value[0] = 5;
            byte[] data = bytes(0x8b, le4(n), value, '.');
            String expected = "    0: \\x8b LONG4      " + (fill == 0 ? "5" : "-251") + "\n"
                    + (n + 5) + ": .    STOP\n"
                    + "highest protocol among opcodes = 2\n";
            assertEquals(expected, listing(data, false));
            assertEquals(expected, listing(data, true));
        }
        // a value of millions of digits: pickletools prints the offset, then repr() refuses it
        byte[] value = new byte[n];
        Arrays.fill(value, (byte) 1);
        byte[] data = bytes(0x8b, le4(n), value, '.');
        for (boolean stream : new boolean[] {false, true}) {
            StringBuilder out = new StringBuilder();
            DisassemblyException e = assertThrows(DisassemblyException.class, () -> {
                if (stream) {
                    Disassembler.disassemble(new ByteArrayInputStream(data), out);
                } else {
                    Disassembler.disassemble(data, out);
                }
            });
            assertEquals("    0: ", out.toString());
            assertEquals("ValueError: Exceeds the limit (4300 digits) for integer string conversion; "
                    + "use sys.set_int_max_str_digits() to increase the limit", e.pythonErrorLine());
        }
    }

    @Test
    void hugeDeclaredLengthsCostOnlyWhatIsThere() throws IOException {
        for (long claimed : new long[] {1L << 30, 1L << 40, Long.MAX_VALUE - 33}) {
            byte[] data = bytes(0x8e, le8(claimed), "abc");
            for (boolean stream : new boolean[] {false, true}) {
                DisassemblyException e = assertThrows(DisassemblyException.class, () -> listing(data, stream));
                assertEquals("expected " + claimed + " bytes in a bytes8, but only 3 remain", e.getMessage());
                assertEquals(0, e.offset());
                assertEquals("BINBYTES8", e.opcode());
            }
        }
        // a stream that never ends in time is read as far as the data goes, not allocated up front
        InputStream endless = new SequenceInputStream(new ByteArrayInputStream(bytes('B', le4(-1))),
                new ByteArrayInputStream(new byte[1 << 20]));
        DisassemblyException e = assertThrows(DisassemblyException.class,
                () -> Disassembler.disassemble(endless, new StringBuilder()));
        assertEquals("expected 4294967295 bytes in a bytes4, but only 1048576 remain", e.getMessage());
    }

    @Test
    void deepNestingUsesNoJavaStack() throws IOException {
        int depth = 200_000;
        byte[] data = bytes("(".repeat(depth), "N", "l".repeat(depth), ".");
        for (boolean stream : new boolean[] {false, true}) {
            StringBuilder out = new StringBuilder();
            Disassembler.Options flat = Disassembler.Options.DEFAULT.withIndentLevel(0);
            if (stream) {
                Disassembler.disassemble(new ByteArrayInputStream(data), out, flat);
            } else {
                Disassembler.disassemble(data, out, flat);
            }
            String[] lines = out.toString().split("\n");
            assertEquals(2 * depth + 3, lines.length);
            assertEquals(String.format("%5d: l    LIST       (MARK at 0)", 2 * depth), lines[2 * depth]);
            assertEquals("highest protocol among opcodes = 0", lines[lines.length - 1]);
        }
    }

    @Test
    void missingFilesFailBeforeAnythingIsPrinted(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.pkl");
        Files.write(good, bytes("N."));
        StringBuilder out = new StringBuilder();
        assertThrows(NoSuchFileException.class,
                () -> Disassembler.disassembleFiles(List.of(good, dir.resolve("missing.pkl")), out,
                        Disassembler.Options.DEFAULT));
        assertEquals("", out.toString());
        Disassembler.disassembleFiles(List.of(good, good), out, Disassembler.Options.DEFAULT);
        String one = "    0: N    NONE\n    1: .    STOP\nhighest protocol among opcodes = 0\n";
        assertEquals("==> " + good + " <==\n" + one + "==> " + good + " <==\n" + one, out.toString());
        assertTrue(out.length() > 0);
    }
}
