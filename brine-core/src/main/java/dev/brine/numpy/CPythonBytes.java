package dev.brine.numpy;

/**
 * The bytes objects numpy's reductions hand to the pickler, with CPython's identities: numpy makes a
 * scalar's and an array's data, and a datetime unit, with {@code PyBytes_FromStringAndSize}, which
 * returns CPython's one cached object for each single byte value (and for the empty bytes, which the
 * pickler already keeps as one object). A pickle of two such objects of the same byte, say the
 * {@code b'b'} of every {@code _reconstruct} call, an {@code np.int8(98)} and an array holding
 * {@code b'b'}, then writes it once and refers to it with a memo GET after that; so does Brine, by
 * giving the pickler the one array of that byte here. The arrays are only ever read by the pickler,
 * never handed out or changed.
 */
final class CPythonBytes {
    private static final byte[][] ONE_BYTE = new byte[256][];

    static {
        for (int b = 0; b < ONE_BYTE.length; b++) {
            ONE_BYTE[b] = new byte[] {(byte) b};
        }
    }

    private CPythonBytes() {
    }

    /** CPython's object for bytes equal to {@code data}: the cached one of a single byte, else {@code data}. */
    static byte[] of(byte[] data) {
        return data.length == 1 ? ONE_BYTE[data[0] & 0xff] : data;
    }

    /** CPython's cached one-byte bytes object of {@code b}. */
    static byte[] of(char b) {
        return ONE_BYTE[b & 0xff];
    }
}
