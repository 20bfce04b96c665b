package dev.brine.pickle;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The pickler's byte sink, with protocol 4 framing exactly as CPython's C pickler does it: a frame
 * opens with the first write after PROTO, closes at the first object boundary once it holds 64 KiB,
 * is dropped when it holds fewer than 4 bytes, and large payloads (64 KiB and more) are written
 * outside any frame. Committed bytes are passed on to the stream so memory stays bounded; without
 * a stream, large payloads are kept by reference and copied once, into toByteArray's result.
 */
final class PickleOutput {
    static final int FRAME_SIZE_TARGET = 64 * 1024;
    private static final int FRAME_HEADER_SIZE = 9;
    private static final int FRAME_SIZE_MIN = 4;
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Without a sink, committed bytes are set aside in blocks of about this size instead of
     * growing one array by doubling: each byte is then copied once (into toByteArray's result)
     * rather than about three times, and no ever-bigger array has to be allocated and zeroed.
     * floats_1m dumps 13.5 -> 11.5 ms best CPU (9 MB out; brine-bench, interleaved A/B); ints_1m,
     * strings_300k and records_200k unchanged.
     */
    private static final int BLOCK = 1 << 20;

    private final OutputStream sink; // null: keep everything (toByteArray)
    private byte[] buf = new byte[8192];
    private int len;
    private final java.util.List<ByteBuffer> segments = new java.util.ArrayList<>(); // without a sink: what left buf, in order
    private long segmentsSize;
    private boolean framing;
    private int frameStart = -1;
    private long sent; // bytes the sink has taken: past taking back

    PickleOutput(OutputStream sink) {
        this.sink = sink;
    }

    void setFraming(boolean on) {
        framing = on;
    }

    /**
     * How many bytes the stream has taken so far: a dump can be started over ({@link #reset}) as long as this has
     * not changed since it began. Without a stream nothing ever leaves (what is set aside is dropped by reset).
     */
    long sent() {
        return sent;
    }

    /** Called before each object is saved: closes the frame when it has reached its target size. */
    void opcodeBoundary() throws IOException {
        if (framing && frameStart >= 0 && len - frameStart - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET) {
            commitFrame();
        }
    }

    /** Closes the open frame, writing its header, or removing the header when the frame is tiny. */
    void commitFrame() throws IOException {
        if (!framing || frameStart < 0) {
            return;
        }
        int frameLen = len - frameStart - FRAME_HEADER_SIZE;
        if (frameLen >= FRAME_SIZE_MIN) {
            buf[frameStart] = (byte) Opcode.FRAME.code();
            long v = frameLen;
            for (int i = 1; i <= 8; i++) {
                buf[frameStart + i] = (byte) v;
                v >>>= 8;
            }
        } else {
            System.arraycopy(buf, frameStart + FRAME_HEADER_SIZE, buf, frameStart, frameLen);
            len -= FRAME_HEADER_SIZE;
        }
        frameStart = -1;
        passOn();
    }

    private void ensure(int n) {
        int need = len + n + (framing && frameStart < 0 ? FRAME_HEADER_SIZE : 0);
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
        if (framing && frameStart < 0) {
            frameStart = len;
            len += FRAME_HEADER_SIZE;
        }
    }

    void write(int b) {
        if (len < buf.length && (!framing || frameStart >= 0)) {
            buf[len++] = (byte) b;
            return;
        }
        ensure(1);
        buf[len++] = (byte) b;
    }

    void write(int op, int b1) {
        ensure(2);
        buf[len++] = (byte) op;
        buf[len++] = (byte) b1;
    }

    void write(byte[] data) {
        write(data, 0, data.length);
    }

    void write(byte[] data, int off, int n) {
        ensure(n);
        System.arraycopy(data, off, buf, len, n);
        len += n;
    }

    /** An opcode followed by a little-endian integer of {@code size} bytes. */
    void writeOpLE(int op, long value, int size) {
        ensure(1 + size);
        buf[len++] = (byte) op;
        for (int i = 0; i < size; i++) {
            buf[len++] = (byte) value;
            value >>>= 8;
        }
    }

    /**
     * An int in 32 bits as BININT1 (0..0xff), BININT2 (0..0xffff) or BININT. Written without
     * branching on the value: the opcode and width are computed (conditional moves), four bytes are
     * stored and the length advances by the width only; the bytes past it are overwritten by what
     * comes next and never leave the buffer. Random ints of mixed widths made the three-way branch
     * mispredict on most values: ints_1m dumps 9.9 -> 7.3 ms best CPU (brine-bench, interleaved A/B).
     */
    void writeBinInt(int v) {
        ensure(5);
        len = putBinInt(buf, len, v);
    }

    /** Stores {@code v} as writeBinInt does at {@code b[p]} (5 bytes of room) and returns where it ends. */
    private static int putBinInt(byte[] b, int p, int v) {
        int width = (v & ~0xff) == 0 ? 1 : (v & ~0xffff) == 0 ? 2 : 4;
        b[p] = (byte) (width == 1 ? 'K' : width == 2 ? 'M' : 'J');
        INT_LE.set(b, p + 1, v);
        return p + 1 + width;
    }

    /**
     * Writes {@code items[from, to)} as BININT1/BININT2/BININT for as long as they are {@code Long}s
     * in the 32-bit range, and returns the index of the first item it did not write: a list
     * batch's run of ints in one loop over local variables, with the same frame boundaries the
     * per-item path makes (a frame that reached its target is closed before the next item). The
     * per-item path re-read and re-stored the buffer's fields around every int: ints_1m dumps
     * 7.9 -> 3.0 ms best CPU (brine-bench AbCompare, 40 interleaved rounds).
     */
    int writeBinIntRun(java.util.List<?> items, int from, int to) throws IOException {
        int i = from;
        while (i < to) {
            opcodeBoundary();
            ensure(5 * (to - i));
            byte[] b = buf;
            int p = len;
            int end = i + itemsBeforeFrameEnd(p, 5, to - i);
            int k = i;
            for (; k < end; k++) {
                Object o = items.get(k);
                long v;
                if (!(o instanceof Long) || (int) (v = (Long) o) != v) {
                    break;
                }
                p = putBinInt(b, p, (int) v);
            }
            len = p;
            maybePassOn();
            boolean other = k < end;
            i = k;
            if (other) {
                break;
            }
        }
        return i;
    }

    /** Like {@link #writeBinIntRun} for a run of {@code Double}s as BINFLOAT: floats_1m dumps 8.1 -> 4.2 ms. */
    int writeBinFloatRun(java.util.List<?> items, int from, int to) throws IOException {
        int i = from;
        while (i < to) {
            opcodeBoundary();
            ensure(9 * (to - i));
            byte[] b = buf;
            int p = len;
            int end = i + itemsBeforeFrameEnd(p, 9, to - i);
            int k = i;
            for (; k < end; k++) {
                Object o = items.get(k);
                if (!(o instanceof Double)) {
                    break;
                }
                p = putBinFloat(b, p, (Double) o);
            }
            len = p;
            maybePassOn();
            boolean other = k < end;
            i = k;
            if (other) {
                break;
            }
        }
        return i;
    }

    /**
     * How many of {@code left} items of at most {@code maxBytes} each can be written from {@code p} so that
     * each starts before the open frame's end, as the per-item path's boundaries require (at least one: the
     * frame is open and not full when this is asked). The runs' inner loops are then counted loops with one exit,
     * where they tested the frame's end after every item: ints_1m dumps 4.61 -> 3.60 and 4.75 -> 3.77 ms, floats_1m
     * 4.95 -> 4.72 and 4.95 -> 4.64 ms, ints_10m 39.3 -> 38.3 and 38.5 -> 38.1 ms (AbCompare, both orders).
     */
    private int itemsBeforeFrameEnd(int p, int maxBytes, int left) {
        if (!framing || frameStart < 0) {
            return left;
        }
        long room = (long) frameStart + FRAME_HEADER_SIZE + FRAME_SIZE_TARGET - p;
        return (int) Math.min(left, Math.max(1, (room + maxBytes - 1) / maxBytes));
    }

    /**
     * BINFLOAT: the opcode and the IEEE 754 bits big-endian in one store, where writeOpLE looped over
     * bytes: floats_1m dumps 10.4 -> 8.8 ms best CPU (brine-bench, interleaved A/B).
     */
    void writeBinFloat(double v) {
        ensure(9);
        len = putBinFloat(buf, len, v);
    }

    private static int putBinFloat(byte[] b, int p, double v) {
        b[p] = 'G';
        LONG_BE.set(b, p + 1, Double.doubleToRawLongBits(v));
        return p + 9;
    }

    /** Strings of at most this many chars are encoded straight into the buffer by writeSmallUnicode. */
    static final int SMALL_STRING = 0xff;

    /**
     * A string of at most {@link #SMALL_STRING} chars as SHORT_BINUNICODE (when {@code shortOpcode}
     * and its UTF-8 fits 255 bytes) or BINUNICODE, encoded straight into the buffer, then MEMOIZE
     * when {@code memoize} (the protocol 4+ pickler's commonest string: one capacity check for
     * the three, strings_300k dumps 13.04 -> 12.69 and 12.66 -> 12.11 ms against a separate
     * MEMOIZE). No intermediate byte[] for ASCII (strings_300k dumps 23.0 -> 21.2 ms best CPU) nor
     * for the other strings (every tenth of strings_300k has one non-ASCII char: 21.8 -> 21.2 ms;
     * AbCompare); ASCII strings are copied whole when AsciiStrings can read them.
     */
    void writeSmallUnicode(String s, boolean shortOpcode, boolean memoize) {
        int n = s.length();
        ensure(6 + 3 * n);
        byte[] b = buf;
        int header = shortOpcode ? 2 : 5;
        int at = len + header;
        int i = 0;
        if (AsciiStrings.copyIfAscii(s, b, at)) { // one copy instead of a loop: see AsciiStrings
            i = n;
        }
        while (i < n) { // ASCII, the common case, needs no further checks
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            b[at + i] = (byte) c;
            i++;
        }
        int size = i == n ? n : Utf8.encodeInto(s, i, b, at + i) - at;
        if (shortOpcode && size > 0xff) { // too long for one length byte after all: make room for four
            System.arraycopy(b, at, b, at + 3, size);
            header = 5;
        }
        if (header == 2) {
            b[len] = (byte) Opcode.SHORT_BINUNICODE.code();
            b[len + 1] = (byte) size;
        } else {
            b[len] = (byte) Opcode.BINUNICODE.code();
            INT_LE.set(b, len + 1, size);
        }
        len += header + size;
        if (memoize) {
            b[len++] = (byte) Opcode.MEMOIZE.code();
        }
    }

    /** Writes an ASCII string (protocol 0 arguments). */
    void writeAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /**
     * A header and a payload; payloads of 64 KiB and more go outside frames (after closing the
     * current one) and straight to the stream, as CPython's {@code _Pickler_write_bytes} does.
     */
    void writeLarge(byte[] header, int headerLen, byte[] data, int off, int n) throws IOException {
        if (n < FRAME_SIZE_TARGET) { // the common small string or bytes: no buffer views
            write(header, 0, headerLen);
            write(data, off, n);
            return;
        }
        writeLarge(header, headerLen, ByteBuffer.wrap(data, off, n));
    }

    /** {@link #writeLarge(byte[], int, byte[], int, int)} of the bytes remaining in {@code data}, a heap, direct or mapped buffer. */
    void writeLarge(byte[] header, int headerLen, ByteBuffer data) throws IOException {
        int n = data.remaining();
        if (n < FRAME_SIZE_TARGET) {
            write(header, 0, headerLen);
            ensure(n);
            data.duplicate().get(buf, len, n);
            len += n;
            return;
        }
        boolean wasFraming = framing;
        commitFrame();
        framing = false;
        write(header, 0, headerLen);
        if (sink != null) {
            flushAll();
            sent += n; // counted first: a sink that fails part way may have taken some
            writeToSink(data.duplicate());
        } else {
            keepByReference(data.duplicate());
        }
        framing = wasFraming;
    }

    private boolean framingBeforePieces;

    /**
     * Starts a large payload of {@code n} bytes (64 KiB or more) that the caller then writes in
     * pieces ({@link #writePiece}) and closes with {@link #endPieces}: the same bytes as
     * {@link #writeLarge}, outside any frame, without the payload ever being one array (a str's
     * UTF-8 may be more than the 2 GiB a Java array holds).
     */
    void beginPieces(byte[] header, int headerLen, long n) throws IOException {
        requireArrayRoom(headerLen + n);
        framingBeforePieces = framing;
        commitFrame();
        framing = false;
        write(header, 0, headerLen);
    }

    /** A piece of the payload begun by {@link #beginPieces}; {@code data} must not change afterwards. */
    void writePiece(byte[] data, int off, int n) throws IOException {
        if (sink != null) {
            flushAll();
            sent += n; // counted first: a sink that fails part way may have taken some
            sink.write(data, off, n);
        } else {
            keepByReference(ByteBuffer.wrap(data, off, n));
        }
    }

    void endPieces() {
        framing = framingBeforePieces;
    }

    /**
     * Refuses, before anything is written or kept, {@code more} bytes that would take a pickle built
     * in memory past what one Java array holds (toByteArray's result); a stream takes any size.
     */
    void requireArrayRoom(long more) throws PicklingException {
        long total = segmentsSize + len + more;
        if (sink == null && total > MAX_ARRAY) {
            throw new PicklingException("the pickle would be at least " + total + " bytes, more than a Java byte[] holds;"
                    + " dump it to a stream or file instead");
        }
    }

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8; // the largest array the JVM allocates

    /** A payload to the stream: straight from its array, or in slices through buf (a direct or mapped buffer). */
    private void writeToSink(ByteBuffer data) throws IOException {
        if (data.hasArray()) {
            sink.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
            return;
        }
        while (data.hasRemaining()) {
            int n = Math.min(data.remaining(), buf.length);
            data.get(buf, 0, n);
            sink.write(buf, 0, n);
        }
    }

    /**
     * Keeps a large payload (an array's bytes, typically the array's own storage, mapped or not) by
     * reference instead of copying it into buf: {@link #toByteArray} then copies it once, straight
     * into the result. What buf holds so far is copied out (it is small next to the payload) so
     * that buf can be reused. In-band protocol 5 dumps of a 64 MiB float64 array: 3 copies of the
     * data -> 1 (with NumpyPickles passing the array's storage itself), 0.16x -> 0.80x of a memory
     * copy (ArrayWorkloads). The payload must not change before toByteArray; dumps() returns only
     * after it.
     */
    private void keepByReference(ByteBuffer data) {
        if (len > 0) {
            addSegment(ByteBuffer.wrap(Arrays.copyOf(buf, len)));
            len = 0;
        }
        addSegment(data);
    }

    private void addSegment(ByteBuffer bytes) {
        segments.add(bytes);
        segmentsSize += bytes.remaining();
    }

    /** Writes what is complete to the stream when no frame is open and enough has gathered. */
    private void passOn() throws IOException {
        if (sink != null && frameStart < 0 && len >= FRAME_SIZE_TARGET) {
            flushAll();
        } else if (sink == null && frameStart < 0 && len >= BLOCK) {
            setAside();
        }
    }

    /** Keeps the committed buffer as a block and starts a new one (no frame is open). */
    private void setAside() {
        addSegment(ByteBuffer.wrap(buf, 0, len));
        buf = new byte[BLOCK + FRAME_SIZE_TARGET + 2 * FRAME_HEADER_SIZE];
        len = 0;
    }

    /** After each opcode of unframed protocols, pass on full buffers. */
    void maybePassOn() throws IOException {
        if (!framing) {
            passOn();
        }
    }

    void flushAll() throws IOException {
        if (sink != null && len > 0) {
            int n = len;
            // emptied before the write: bytes a failing sink refused are not sent again by a later flush
            len = 0;
            sent += n;
            sink.write(buf, 0, n);
        }
    }

    /**
     * Drops whatever is buffered or set aside and any open frame, as CPython's {@code _Pickler_ClearBuffer} does at
     * the start of each dump: what a failed dump left must not go out in front of the next pickle. Bytes the sink
     * already took stay taken.
     */
    void reset() {
        len = 0;
        frameStart = -1;
        framing = false;
        segments.clear();
        segmentsSize = 0;
    }

    byte[] toByteArray() throws PicklingException {
        if (segments.isEmpty()) {
            return Arrays.copyOf(buf, len);
        }
        long total = segmentsSize + len;
        if (total > MAX_ARRAY) {
            throw new PicklingException("the pickle is " + total + " bytes, more than a Java byte[] holds;"
                    + " dump it to a stream or file instead");
        }
        byte[] all = new byte[(int) total];
        int at = 0;
        for (ByteBuffer segment : segments) {
            int n = segment.remaining();
            segment.get(all, at, n);
            at += n;
        }
        System.arraycopy(buf, 0, all, at, len);
        return all;
    }
}
