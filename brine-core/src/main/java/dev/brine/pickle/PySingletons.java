package dev.brine.pickle;

/**
 * The values CPython keeps exactly one object of, however they are made: the empty str and the empty
 * bytes. A pickle CPython writes refers to a second one by memo (a BINGET); the pickler writes every
 * empty Java string or byte array as that one object too, whichever Java objects hold it.
 *
 * <p>CPython keeps one object of each one-character str below U+0100 too, but only some of its ways of
 * making one return it: decoding does (and so unpickling, and the latin-1 text that protocols 0 to 2
 * write a bytes object as, {@code _codecs.encode(text, 'latin1')}); {@code str(Decimal('1'))},
 * {@code str(1)} and a str subclass's {@code __getnewargs__} make a new one each time. Which Java strings
 * stand for that object cannot be told, so the pickler keeps the identities it is given, and uses the
 * one object only for the text it decodes itself ({@link #latin1Char}), which is Java's interned
 * string of that char, so a Java literal is that object. (CPython's literals are not always its one
 * object: in 3.11 {@code 'a' is chr(97)} is false while {@code '\xff' is chr(255)} is true; no Java value
 * tells which Python expression it stands for, so the interned string is the choice.) The objects here
 * are memo keys and data the pickler only reads; they never leave it.
 *
 * <p>Why the unpickler does not hand out these objects for the one-character strings it reads, as
 * CPython's decoding does: a str a constructor consumes (a str subclass's argument, a numpy field name)
 * is a new object again when CPython writes it back, and Brine, which keeps such arguments as it read
 * them, would then write a memo reference where CPython writes the string (measured: that change broke
 * SingletonValuesDifferentialTest, NestedSubarrayDifferentialTest and DTypeStringIdentityDifferentialTest).
 * The README documents the case it leaves (a pickle of {@code ['a', b'a']} at protocols 0 to 2).
 */
final class PySingletons {
    private static final byte[] NO_BYTES = new byte[0];
    private static final String[] LATIN1_CHARS = new String[256];

    static {
        for (int c = 0; c < LATIN1_CHARS.length; c++) {
            // interned: the same object as a Java literal of that char, as CPython's literal is its one
            // object too; numpy's byte order '<' (written by dev.brine.numpy as the interned "<") and the
            // text of b'<' below protocol 3 are then one object, written once, as CPython does
            LATIN1_CHARS[c] = String.valueOf((char) c).intern();
        }
    }

    private PySingletons() {
    }

    /** The one empty str object when {@code s} is empty, else {@code s}. */
    static String of(String s) {
        return s.isEmpty() ? "" : s;
    }

    /** The one empty bytes object when {@code b} is empty, else {@code b}. */
    static byte[] of(byte[] b) {
        return b.length == 0 ? NO_BYTES : b;
    }

    /** CPython's one str of the character {@code b} (0-255), as its latin-1 decoder returns it. */
    static String latin1Char(byte b) {
        return LATIN1_CHARS[b & 0xff];
    }
}
