package dev.brine.pickle;

import java.io.ByteArrayOutputStream;

/**
 * The argument of protocol 0's STRING opcode: a quoted Python 2 string literal, decoded as
 * {@code codecs.escape_decode} does. Malformed quoting or escapes give {@code null}.
 */
final class Py2StringLiteral {
    private Py2StringLiteral() {
    }

    /** The bytes of a quoted literal read as Latin-1 text, or {@code null} when it is malformed. */
    static byte[] decode(String line) {
        int n = line.length();
        if (n < 2 || line.charAt(0) != line.charAt(n - 1) || (line.charAt(0) != '\'' && line.charAt(0) != '"')) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        int end = n - 1;
        for (int i = 1; i < end; i++) {
            char c = line.charAt(i);
            if (c > 0xff) {
                return null;
            }
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (++i >= end) {
                return null; // trailing backslash
            }
            char e = line.charAt(i);
            switch (e) {
                case '\n' -> { }
                case '\\' -> out.write('\\');
                case '\'' -> out.write('\'');
                case '"' -> out.write('"');
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 't' -> out.write('\t');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 'v' -> out.write(0x0b);
                case 'a' -> out.write(0x07);
                case 'x' -> {
                    int hi = i + 1 < end ? Character.digit(line.charAt(i + 1), 16) : -1;
                    int lo = i + 2 < end ? Character.digit(line.charAt(i + 2), 16) : -1;
                    if (hi < 0 || lo < 0) {
                        return null; // invalid \x escape
                    }
                    out.write(hi * 16 + lo);
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        int digits = 1;
                        while (digits < 3 && i + 1 < end && line.charAt(i + 1) >= '0' && line.charAt(i + 1) <= '7') {
                            v = v * 8 + (line.charAt(++i) - '0');
                            digits++;
                        }
                        out.write(v & 0xff);
                    } else {
                        out.write('\\'); // unknown escapes are kept, as Python does
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }
}
