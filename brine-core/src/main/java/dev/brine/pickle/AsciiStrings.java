package dev.brine.pickle;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads an ASCII string's bytes straight from the JDK's own storage, so that the pickler copies a
 * short string with one {@code System.arraycopy} instead of a loop of {@code charAt} calls.
 *
 * <p>Why: since JDK 9 a string whose chars all fit in Latin-1 keeps them as a {@code byte[]} (the
 * "compact strings" {@code value} field, with {@code coder} 0), which is exactly its UTF-8 when
 * every byte is below 0x80. No public method says whether a string is stored that way without
 * reading its chars one by one, and that loop, whose exit depends on each string's length,
 * mispredicts a branch per string: strings_300k dumps 13.76 → 12.68 ms and 15.40 → 13.05 ms
 * (AbCompare, two runs), records_200k 78.6 → 75.8 ms in the second. Stand-alone, copying 300,000
 * strings of 4 to 16 chars took 6.1 ms by {@code charAt} and 4.0 ms this way.
 *
 * <p>How, and when not: the two fields are read through {@code sun.misc.Unsafe} (module
 * {@code jdk.unsupported}, no command-line flag needed), looked up once, and only if a self-check
 * on known strings passes; otherwise, and on JDK 24 and later (where the first use of these
 * {@code Unsafe} methods prints a deprecation warning), {@link #copyIfAscii} always answers
 * {@code false} and the pickler uses its {@code charAt} loop, which gives the same bytes. The
 * storage is only ever read, never handed out or written.
 */
final class AsciiStrings {
    /** Whether strings are read from their storage; false means every answer is {@code null}. */
    static final boolean ENABLED;
    private static final MethodHandle GET_BYTE; // (Object, long) byte, bound to the Unsafe instance
    private static final MethodHandle GET_OBJECT; // (Object, long) Object
    private static final long CODER_OFFSET;
    private static final long VALUE_OFFSET;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** The last JDK whose {@code Unsafe} field reads are silent (JEP 471; JDK 24 warns, JEP 498). */
    private static final int LAST_QUIET_JDK = 23;

    static {
        MethodHandle getByte = null;
        MethodHandle getObject = null;
        long coder = -1;
        long value = -1;
        if (Runtime.version().feature() <= LAST_QUIET_JDK) {
            try {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                Object unsafe = theUnsafe.get(null);
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                MethodHandle offset = lookup.findVirtual(unsafeClass, "objectFieldOffset",
                        MethodType.methodType(long.class, Field.class)).bindTo(unsafe);
                Field coderField = String.class.getDeclaredField("coder");
                Field valueField = String.class.getDeclaredField("value");
                if (coderField.getType() == byte.class && valueField.getType() == byte[].class) {
                    coder = (long) offset.invoke(coderField);
                    value = (long) offset.invoke(valueField);
                    getByte = lookup.findVirtual(unsafeClass, "getByte",
                            MethodType.methodType(byte.class, Object.class, long.class)).bindTo(unsafe);
                    getObject = lookup.findVirtual(unsafeClass, "getObject",
                            MethodType.methodType(Object.class, Object.class, long.class)).bindTo(unsafe);
                }
            } catch (Throwable e) { // no Unsafe, no such fields, a security manager: the charAt loop it is
                getByte = null;
            }
        }
        GET_BYTE = getByte;
        GET_OBJECT = getObject;
        CODER_OFFSET = coder;
        VALUE_OFFSET = value;
        ENABLED = getByte != null && selfCheck();
    }

    private AsciiStrings() {
    }

    /**
     * Copies {@code s} into {@code dst} at {@code at} and returns true when it is an ASCII string
     * this class can read (stored as Latin-1, every char below 0x80); else returns false and
     * writes nothing. Writes exactly {@code s.length()} bytes. The check and the copy share their
     * reads: a string of 4 to 16 bytes is two overlapping 4- or 8-byte loads, tested and stored as
     * they are, where a check and then {@code System.arraycopy} read the bytes twice and called
     * the copy stub for a few bytes: strings_300k dumps 12.90 -> 12.75, 12.58 -> 11.79 and 12.21
     * -> 11.49 ms (AbCompare, 40 rounds, order swapped); records_200k within noise.
     */
    static boolean copyIfAscii(String s, byte[] dst, int at) {
        if (!ENABLED) {
            return false;
        }
        byte[] v = storageIfLatin1(s);
        if (v == null || v.length != s.length()) {
            return false;
        }
        int n = v.length;
        if (n > 16) {
            if (!isAscii(v)) {
                return false;
            }
            System.arraycopy(v, 0, dst, at, n);
            return true;
        }
        if (n >= 8) {
            long head = (long) LONG_LE.get(v, 0);
            long tail = (long) LONG_LE.get(v, n - 8);
            if (((head | tail) & 0x8080808080808080L) != 0) {
                return false;
            }
            LONG_LE.set(dst, at, head);
            LONG_LE.set(dst, at + n - 8, tail);
            return true;
        }
        if (n >= 4) {
            int head = (int) INT_LE.get(v, 0);
            int tail = (int) INT_LE.get(v, n - 4);
            if (((head | tail) & 0x80808080) != 0) {
                return false;
            }
            INT_LE.set(dst, at, head);
            INT_LE.set(dst, at + n - 4, tail);
            return true;
        }
        int seen = 0;
        for (byte b : v) {
            seen |= b;
        }
        if ((seen & 0x80) != 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            dst[at + i] = v[i];
        }
        return true;
    }

    private static byte[] storageIfLatin1(String s) {
        try {
            if ((byte) GET_BYTE.invokeExact((Object) s, CODER_OFFSET) != 0) {
                return null;
            }
            return (byte[]) (Object) GET_OBJECT.invokeExact((Object) s, VALUE_OFFSET);
        } catch (Throwable e) { // getByte and getObject throw nothing on a valid offset
            throw new AssertionError(e);
        }
    }

    /** {@link #isAscii(byte[], int, int)} of all of {@code v}. */
    static boolean isAscii(byte[] v) {
        return isAscii(v, 0, v.length);
    }

    /**
     * Whether none of the {@code n} bytes at {@code v[off]} has its top bit set, with at most two
     * overlapping reads for up to 16 bytes: a loop whose exit depends on the length mispredicts
     * once per string (the unpickler's check of each string's bytes too: see PickleInput.readUtf8).
     */
    static boolean isAscii(byte[] v, int off, int n) {
        if (n >= 8) {
            long seen = (long) LONG_LE.get(v, off + n - 8);
            for (int i = off, last = off + n - 8; i < last; i += 8) {
                seen |= (long) LONG_LE.get(v, i);
            }
            return (seen & 0x8080808080808080L) == 0;
        }
        int seen = 0;
        if (n >= 4) {
            seen = (int) INT_LE.get(v, off) | (int) INT_LE.get(v, off + n - 4);
        } else {
            for (int i = off; i < off + n; i++) {
                seen |= v[i];
            }
        }
        return (seen & 0x80808080) == 0;
    }

    /** The fields must hold what this class assumes, on strings whose storage is known. */
    private static boolean selfCheck() {
        try {
            String ascii = new String(new char[] {'a', 'b', 'c'});
            String latin1 = new String(new char[] {'a', '\u00e9'});
            String wide = new String(new char[] {'a', '\u0100'});
            byte[] a = storageIfLatin1(ascii);
            byte[] l = storageIfLatin1(latin1);
            return a != null && Arrays.equals(a, "abc".getBytes(StandardCharsets.US_ASCII))
                    && l != null && Arrays.equals(l, new byte[] {'a', (byte) 0xe9})
                    && storageIfLatin1(wide) == null;
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }
}
