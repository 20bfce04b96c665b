package dev.brine.pickle;

/**
 * Whether a module or qualified name can be written as a line of the text GLOBAL opcode and read
 * back as the same name. CPython's reader takes the line up to the first {@code '\n'} and decodes
 * it as strict UTF-8 (the C unpickler and pickle.py alike), so a name holding {@code '\n'} would
 * end early and let the rest of it be read as opcodes (a name read from STACK_GLOBAL may hold
 * anything), and a lone surrogate cannot be decoded. CPython's pickler writes the line in ASCII
 * below protocol 3 and in strict UTF-8 from protocol 3 on ({@code save_global}); other characters,
 * {@code '\r'} and NUL among them, read back unchanged.
 */
final class TextLineName {
    private TextLineName() {
    }

    /** Why {@code s} cannot be a GLOBAL line at protocol {@code proto}, or null when it can. */
    static String problem(String s, int proto) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                return "a newline ends the text GLOBAL opcode's line";
            } else if (c > 0x7f && proto < 3) {
                return "a non-ASCII name needs protocol 3 or higher";
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "a lone surrogate is not UTF-8";
            }
        }
        return null;
    }
}
