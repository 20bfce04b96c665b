package dev.brine.npy;

/**
 * The identity CPython gives the strings numpy reads from a file: a str of one character below
 * U+0100 is CPython's one object of that character however it is made (the header's
 * {@code literal_eval} of a field name {@code 'x'}, the {@code 'a'} that {@code NpzFile.files} slices
 * from {@code 'a.npy'}), so a pickle of what {@code np.load} returned writes it once and refers to it
 * with a memo GET after that, also where it is the text of a {@code b'x'} below protocol 3. Brine's
 * pickler writes Java's interned string of such a character as that one object (see
 * {@code dev.brine.pickle.PySingletons}); longer strings are new objects, in CPython as here.
 */
final class CPythonStrings {
    private CPythonStrings() {
    }

    /** {@code s}, or the one object of its character when it is a single latin-1 character. */
    static String of(String s) {
        return s.length() == 1 && s.charAt(0) < 0x100 ? s.intern() : s;
    }
}
