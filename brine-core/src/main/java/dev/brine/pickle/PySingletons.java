package dev.brine.pickle;

/**
 * The values CPython keeps one object of, whatever made them: the empty str and bytes, and each str of
 * one character below U+0100 (its decoders, the unpickler's among them, return that object). An
 * object graph CPython unpickles holds each such value as that one object, so its pickle refers to a
 * second occurrence by memo (a BINGET), even where the pickle it read had written them apart; the
 * pickler writes a Java string or byte array of such a value as that one object too, whichever Java
 * objects hold it, so that its bytes are what CPython writes after reading the same pickle.
 *
 * <p>Not one-byte bytes: CPython keeps one object of each too, but its unpickler makes a new one for
 * each SHORT_BINBYTES (protocol 3 and later), and which kind a Java byte array stands for cannot be
 * told. The objects here are memo keys and data the pickler only reads; they never leave it.
 */
final class PySingletons {
    private static final String[] CHARS = new String[256];
    private static final byte[] NO_BYTES = new byte[0];

    static {
        for (int c = 0; c < 256; c++) {
            CHARS[c] = String.valueOf((char) c);
        }
    }

    private PySingletons() {
    }

    /** The one object of {@code s}'s value when CPython keeps one (length 0 or 1, below U+0100), else {@code s}. */
    static String of(String s) {
        if (s.isEmpty()) {
            return "";
        }
        char c = s.charAt(0);
        return s.length() == 1 && c < 256 ? CHARS[c] : s;
    }

    /** The one empty bytes object when {@code b} is empty, else {@code b}. */
    static byte[] of(byte[] b) {
        return b.length == 0 ? NO_BYTES : b;
    }
}
