package dev.brine.pickle;

import dev.brine.BrineException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The disassembler's byte source. It reads the way {@code pickletools} reads a file: no frame
 * checks, {@code readline} semantics for newline-terminated arguments, and short reads at the end
 * of input (so that error messages can say how many bytes remained).
 *
 * <p>Over an array, arguments are slices of the caller's array and nothing is copied. Over a
 * stream, an argument is read into an array that grows as data arrives, so a length field that
 * claims gigabytes costs only what is really there; the stream is never read past the bytes asked
 * for, so it is left exactly after a pickle's STOP.
 */
abstract class DisInput {
    /** A run of bytes; {@code count} may exceed {@code len} only when the bytes were not kept. */
    static final class Slice {
        final byte[] a;
        final int off;
        final int len;
        /** How many bytes were read: less than asked for at the end of input. */
        final long count;
        /** For lines: whether a newline ended the line (it is not part of the slice). */
        final boolean terminated;

        Slice(byte[] a, int off, int len, long count, boolean terminated) {
            this.a = a;
            this.off = off;
            this.len = len;
            this.count = count;
            this.terminated = terminated;
        }
    }

    /** Receives the bytes of an argument that is scanned rather than kept (see {@link #scan}). */
    interface Scanner {
        void accept(byte[] a, int off, int len);
    }

    static final Slice EMPTY = new Slice(new byte[0], 0, 0, 0, false);

    /** The offset of the next byte, as pickletools prints it. */
    abstract long position();

    /** The next byte, or -1 at the end of input. */
    abstract int read() throws IOException;

    /** Up to {@code n} bytes; fewer only at the end of input. */
    abstract Slice read(long n) throws IOException;

    /** Up to and including the next newline, or the rest of the input when there is none. */
    abstract Slice readLine() throws IOException;

    /** Feeds up to {@code n} bytes to {@code scanner} without keeping them; returns how many there were. */
    abstract long scan(long n, Scanner scanner) throws IOException;

    /** Whether no byte is left. */
    abstract boolean atEnd() throws IOException;

    /** Reads a little-endian integer of {@code size} bytes, or returns null when fewer remain. */
    final Long readLittleEndian(int size) throws IOException {
        Slice s = read(size);
        if (s.len != size) {
            return null;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (s.a[s.off + i] & 0xff);
        }
        return v;
    }

    /** Reads the caller's array in place. */
    static final class ArrayInput extends DisInput {
        private final byte[] data;
        private final int end;
        private int pos;

        ArrayInput(byte[] data, int offset, int end) {
            this.data = data;
            this.pos = offset;
            this.end = end;
        }

        @Override
        long position() {
            return pos;
        }

        @Override
        int read() {
            return pos < end ? data[pos++] & 0xff : -1;
        }

        @Override
        Slice read(long n) {
            int len = (int) Math.min(n, end - pos);
            Slice s = new Slice(data, pos, len, len, false);
            pos += len;
            return s;
        }

        @Override
        Slice readLine() {
            for (int i = pos; i < end; i++) {
                if (data[i] == '\n') {
                    Slice s = new Slice(data, pos, i - pos, i + 1 - pos, true);
                    pos = i + 1;
                    return s;
                }
            }
            Slice s = new Slice(data, pos, end - pos, end - pos, false);
            pos = end;
            return s;
        }

        @Override
        long scan(long n, Scanner scanner) {
            Slice s = read(n);
            scanner.accept(s.a, s.off, s.len);
            return s.len;
        }

        @Override
        boolean atEnd() {
            return pos >= end;
        }
    }

    /** Reads a stream, never past what was asked for. */
    static final class StreamInput extends DisInput {
        private static final int CHUNK = 64 * 1024;
        /** The largest argument held in one Java array. */
        private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

        private final InputStream in;
        private long pos;
        private int peeked = -2; // -2: nothing peeked; otherwise a byte or -1 for end of input

        StreamInput(InputStream in, long position) {
            this.in = in;
            this.pos = position;
        }

        @Override
        long position() {
            return pos;
        }

        @Override
        int read() throws IOException {
            int b;
            if (peeked != -2) {
                b = peeked;
                peeked = -2;
            } else {
                b = in.read();
            }
            if (b >= 0) {
                pos++;
            }
            return b;
        }

        @Override
        boolean atEnd() throws IOException {
            if (peeked == -2) {
                peeked = in.read();
            }
            return peeked < 0;
        }

        @Override
        Slice read(long n) throws IOException {
            if (n <= 0) {
                return EMPTY;
            }
            if (n > MAX_ARRAY) {
                // Only a scan can tell whether this many bytes are there; if they are, they are
                // more than a Java array holds.
                long count = scan(n, (a, off, len) -> { });
                if (count == n) {
                    throw new BrineException("an argument of " + n + " bytes at offset " + (pos - n)
                            + " is too large to disassemble");
                }
                return new Slice(null, 0, 0, count, false);
            }
            int want = (int) n;
            byte[] buf = new byte[Math.min(want, CHUNK)];
            int got = 0;
            if (peeked != -2) {
                if (peeked < 0) {
                    peeked = -2;
                    return new Slice(buf, 0, 0, 0, false);
                }
                buf[got++] = (byte) peeked;
                peeked = -2;
            }
            while (got < want) {
                if (got == buf.length) {
                    buf = Arrays.copyOf(buf, (int) Math.min(want, Math.max(CHUNK, (long) buf.length * 2)));
                }
                int r = in.read(buf, got, buf.length - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
            pos += got;
            return new Slice(buf, 0, got, got, false);
        }

        @Override
        Slice readLine() throws IOException {
            byte[] buf = new byte[128];
            int len = 0;
            while (true) {
                int b = read();
                if (b < 0) {
                    return new Slice(buf, 0, len, len, false);
                }
                if (b == '\n') {
                    return new Slice(buf, 0, len, len + 1L, true);
                }
                if (len == buf.length) {
                    if (len == MAX_ARRAY) {
                        throw new BrineException("a line longer than " + MAX_ARRAY + " bytes at offset "
                                + (pos - len) + " is too long to disassemble");
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min(MAX_ARRAY, (long) len * 2));
                }
                buf[len++] = (byte) b;
            }
        }

        @Override
        long scan(long n, Scanner scanner) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, CHUNK)];
            long count = 0;
            if (n > 0 && peeked != -2) {
                if (peeked < 0) {
                    peeked = -2;
                    return 0;
                }
                buf[0] = (byte) peeked;
                peeked = -2;
                scanner.accept(buf, 0, 1);
                count = 1;
                pos++;
            }
            while (count < n) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n - count));
                if (r < 0) {
                    break;
                }
                scanner.accept(buf, 0, r);
                count += r;
                pos += r;
            }
            return count;
        }
    }
}
