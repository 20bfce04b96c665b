package dev.brine.torch;

import dev.brine.mapping.PythonNames;
import dev.brine.pickle.ArgKind;
import dev.brine.pickle.Opcode;
import dev.brine.py.Global;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The globals a pickle Brine just wrote names, read from its opcodes without building anything: what a
 * save checks against the globals its options load ({@link CheckpointWriter}). A checkpoint's pickle is
 * protocol 2, so every name is a GLOBAL (or INST) argument, mapped to its Python 3 name as torch's reader
 * maps it ({@code __builtin__.frozenset} is {@code builtins.frozenset}).
 */
final class PickledGlobals {
    private PickledGlobals() {
    }

    /** The distinct globals of the first pickle in {@code data}, in the order first named. */
    static Set<Global> of(byte[] data) {
        Set<Global> out = new LinkedHashSet<>();
        int i = 0;
        while (i < data.length) {
            Opcode op = Opcode.of(data[i++]);
            if (op == null || op == Opcode.STOP) {
                break; // Brine's own output: nothing malformed to report, only the end to find
            }
            if (op.arg() == ArgKind.STRINGNL_NOESCAPE_PAIR) {
                int moduleEnd = lineEnd(data, i);
                int nameEnd = lineEnd(data, moduleEnd + 1);
                out.add(python3(text(data, i, moduleEnd), text(data, moduleEnd + 1, nameEnd)));
                i = nameEnd + 1;
            } else {
                i = skipArgument(op.arg(), data, i);
            }
        }
        return out;
    }

    private static Global python3(String module, String name) {
        Global mapped = PythonNames.toPython3(module, name);
        return mapped != null ? mapped : new Global(module, name);
    }

    /** The offset after the argument of kind {@code kind} that starts at {@code i}. */
    private static int skipArgument(ArgKind kind, byte[] data, int i) {
        if (kind.fixedSize() >= 0) {
            return i + kind.fixedSize();
        }
        switch (kind) {
            case STRING1, BYTES1, UNICODESTRING1, LONG1:
                return i + 1 + (data[i] & 0xff);
            case STRING4, BYTES4, UNICODESTRING4, LONG4:
                return i + 4 + (int) little(data, i, 4);
            case BYTES8, BYTEARRAY8, UNICODESTRING8:
                return Math.toIntExact(i + 8 + little(data, i, 8));
            default: // the text kinds, each one line
                return lineEnd(data, i) + 1;
        }
    }

    private static long little(byte[] data, int at, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) {
            v = (v << 8) | (data[at + k] & 0xff);
        }
        return v;
    }

    private static int lineEnd(byte[] data, int from) {
        int i = from;
        while (i < data.length && data[i] != '\n') {
            i++;
        }
        return i;
    }

    private static String text(byte[] data, int from, int to) {
        return new String(data, from, to - from, StandardCharsets.UTF_8);
    }
}
