package dev.brine.pickle;

import dev.brine.BrineException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The unpickler's byte source: a buffer over an array or a stream, in the spirit of protobuf's
 * CodedInputStream. Every length is checked against the bytes that are really there before
 * anything is allocated for it, and pickle 4 frames are enforced here: a read that would straddle
 * the end of the current frame is an error.
 *
 * <p>Where a stream is left after a pickle's STOP, so that the next {@code Pickle.load(stream)} reads
 * the next pickle, as repeated {@code pickle.load(f)} calls do: a stream with mark/reset and a
 * {@link FileInputStream} on a regular file are read ahead in blocks and taken back to just after
 * STOP ({@link #finishPickle()}); any other stream (a pipe, {@code Files.newInputStream}, a socket)
 * is read no further than the pickle needs, as CPython's C unpickler reads a file that has no
 * {@code peek}: a whole frame at a time inside frames (protocol 4+), else each opcode's argument
 * by its exact length (one stream read per opcode: wrap such a stream in a BufferedInputStream
 * for speed). A byte array takes none of these paths: all of this is in the refill, never in the
 * per-byte fast path.
 *
 * <p>The fast path of {@link #readByte()} is one comparison and an array load: {@code readLimit}
 * is the smaller of the buffer's end and the current frame's end, so frame checks cost nothing
 * until a boundary is reached.
 */
final class PickleInput {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];
    /** The largest buffer, and so the longest text line: about the most a Java array holds. */
    static final int MAX_BUFFER = Integer.MAX_VALUE - 16;
    // one bounds check and one load instead of a loop over bytes, and no ensure() bookkeeping when the
    // bytes are in the buffer and frame: floats_1m loads 13.4 -> 11.2 ms CPU (brine-bench, interleaved A/B)
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final InputStream in; // null: everything is in buf
    private final SeekableByteChannel channel; // what in reads, when it can go back; else null
    // a FileInputStream's file, repositioned after STOP to just after the pickle; null for other streams
    private final FileChannel seekable;
    // a stream that can neither mark nor seek: never read past what this pickle needs (see fill)
    private final boolean exact;
    private byte[] buf;
    private int pos;
    private int end;
    private int readLimit;
    private long bufStart; // absolute offset of buf[0]
    private long frameEnd = -1; // absolute; -1 when not inside a frame
    private long consumedTo; // absolute: the end of the frame the last STOP was in, consumed from the stream (see giveBack)
    private int lastFillStart; // where in buf the last stream read began (for mark/reset)
    private boolean exhausted;
    long maxLine = Long.MAX_VALUE; // the longest text line (protocol 0 argument) read: Limits.maxAllocation

    /** Reads {@code length} bytes of {@code data} from {@code offset}; the array is not copied. */
    PickleInput(byte[] data, int offset, int length) {
        this.in = null;
        this.channel = null;
        this.seekable = null;
        this.exact = false;
        this.buf = data;
        this.pos = offset;
        this.end = offset + length;
        this.readLimit = end;
        this.bufStart = -offset;
        this.exhausted = true;
    }

    /** Reads from a stream, buffering; see {@link #finishPickle()} for where the stream is left. */
    PickleInput(InputStream in) {
        this(in, null);
    }

    /**
     * Reads from a channel from its current position, buffering; it may go back ({@link #rewind}).
     * The channel is left wherever the buffer's last read left it.
     */
    PickleInput(SeekableByteChannel channel) throws IOException {
        this(Channels.newInputStream(channel), channel);
        this.bufStart = channel.position();
    }

    private PickleInput(InputStream in, SeekableByteChannel channel) {
        this.in = in;
        this.channel = channel;
        FileChannel file = channel == null && !in.markSupported() ? regularFile(in) : null;
        this.seekable = file;
        this.exact = channel == null && !in.markSupported() && file == null;
        this.buf = new byte[CHUNK];
    }

    /**
     * The file of a plain {@link FileInputStream} when it can be repositioned (a regular file, not a
     * pipe or terminal, whose position fails or whose size is 0); else null. Reading the stream and
     * setting the channel's position move one file offset, and a FileInputStream buffers nothing, so
     * setting it after STOP leaves the stream exactly after the pickle. Not for a subclass, which may
     * read otherwise.
     */
    private static FileChannel regularFile(InputStream in) {
        if (in.getClass() != FileInputStream.class) {
            return null;
        }
        FileChannel ch = ((FileInputStream) in).getChannel();
        try {
            return ch.position() >= 0 && ch.size() > 0 ? ch : null;
        } catch (IOException e) {
            return null; // a pipe: "Illegal seek"
        }
    }

    /** Whether {@link #rewind} can go back: a byte array or a channel. */
    boolean canRewind() {
        return in == null || channel != null;
    }

    /**
     * Goes back to {@code offset} (an earlier {@link #offset()}, outside any frame: where a pickle
     * starts) to read from there again. Only when {@link #canRewind()}.
     */
    void rewind(long offset) throws IOException {
        frameEnd = -1;
        if (in == null) {
            pos = (int) (offset - bufStart);
        } else {
            channel.position(offset);
            bufStart = offset;
            pos = 0;
            end = 0;
            lastFillStart = 0;
            exhausted = false;
        }
        updateReadLimit();
    }

    /** The absolute offset of the next byte. */
    long offset() {
        return bufStart + pos;
    }

    /**
     * Whether no byte is left (checked before reading a pickle's first opcode, to tell EOF from
     * truncation). The stream is asked again even when it ended before: a file may have grown since,
     * as CPython's Unpickler reads a pickle appended after an EOFError. What this reads stays
     * buffered for the pickle that follows ({@link #finishPickle()} gives back what it does not use).
     */
    boolean atEnd() throws IOException {
        if (pos < end) {
            return false;
        }
        exhausted = false;
        return !fill(1);
    }

    /**
     * {@link #atEnd()} that leaves a stream where it was, for a caller that reads the stream itself
     * between pickles: a FileInputStream's file is read a byte at its position without moving it, a
     * stream with mark/reset a byte and reset (one byte, not a buffer's block a load then reads again).
     * A stream that can do neither is read one byte, kept for the next pickle; a channel is read ahead.
     */
    boolean atEndGivingBack() throws IOException {
        if (pos < end || in == null || channel != null) {
            return atEnd();
        }
        if (seekable != null) {
            return seekable.read(ByteBuffer.allocate(1), seekable.position()) < 0;
        }
        if (in.markSupported()) {
            try {
                in.mark(1);
                int b = in.read();
                in.reset();
                return b < 0;
            } catch (RuntimeException e) {
                throw sourceFailed(e);
            }
        }
        return atEnd();
    }

    /**
     * What the source stream throws is a failure of this read, whatever its type: an {@link UncheckedIOException}
     * (what NIO and HTTP stream adapters throw) gives its IOException, another runtime exception is wrapped in one.
     * So the unpickler does not take it for a malformed pickle (its safety net makes runtime exceptions that), and
     * a caller sees it alike wherever in the pickle it came.
     */
    private static IOException sourceFailed(RuntimeException e) {
        return e instanceof UncheckedIOException ? ((UncheckedIOException) e).getCause()
                : new IOException("the input stream failed: " + e, e);
    }

    /**
     * Reads an opcode's byte. An opcode may start right where a frame ends: the frame is then over and
     * reading goes on outside frames (an argument that reaches past a frame's end is an error).
     */
    int readOpcode() throws IOException {
        if (pos < readLimit) {
            return buf[pos++] & 0xff;
        }
        if (frameEnd >= 0 && offset() >= frameEnd) {
            frameEnd = -1;
            updateReadLimit();
        }
        ensure(1);
        return buf[pos++] & 0xff;
    }

    /**
     * Reads the next byte when it is {@code b} and already in the buffer and frame, and says whether
     * it did; else reads nothing (not even to fill the buffer or leave a frame that has ended).
     */
    boolean skipIfNext(int b) {
        if (pos < readLimit && (buf[pos] & 0xff) == b) {
            pos++;
            return true;
        }
        return false;
    }

    int readByte() throws IOException {
        if (pos < readLimit) {
            return buf[pos++] & 0xff;
        }
        ensure(1);
        return buf[pos++] & 0xff;
    }

    int readUInt16() throws IOException {
        if (pos + 2 > readLimit) {
            ensure(2);
        }
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    int readInt32() throws IOException {
        if (pos + 4 > readLimit) { // the fast path skips ensure()'s frame and refill bookkeeping
            ensure(4);
        }
        int v = (int) INT_LE.get(buf, pos);
        pos += 4;
        return v;
    }

    long readUInt32() throws IOException {
        return readInt32() & 0xffffffffL;
    }

    long readInt64() throws IOException {
        if (pos + 8 > readLimit) {
            ensure(8);
        }
        long v = (long) LONG_LE.get(buf, pos);
        pos += 8;
        return v;
    }

    double readFloat64BigEndian() throws IOException {
        if (pos + 8 > readLimit) {
            ensure(8);
        }
        long v = (long) LONG_BE.get(buf, pos);
        pos += 8;
        return Double.longBitsToDouble(v);
    }

    /**
     * Reads {@code n} bytes. From a stream, a large declared length is read in chunks, so an
     * input that claims gigabytes but holds a few bytes fails as truncated after allocating only
     * what arrived.
     */
    byte[] readBytes(long n) throws IOException {
        if (n == 0) {
            return EMPTY;
        }
        long left = bytesLeft();
        int len = argumentLength(n, left);
        if (len <= CHUNK || in == null) {
            ensure(len);
            byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return out;
        }
        checkFrame(len);
        // a file that holds the whole argument gets one array of its size; a stream, whose length is a claim until
        // the bytes arrive, grows one as they do (doubling: the old and new arrays coexist, twice the argument at peak)
        byte[] out = new byte[left >= len ? len : Math.min(len, 4 * CHUNK)];
        int got = 0;
        while (got < len) {
            if (pos >= end && !fill(1, len - got)) {
                throw truncated(len);
            }
            int take = Math.min(end - pos, len - got);
            if (got + take > out.length) {
                out = grown(out, (int) Math.min(len, Math.max((long) out.length * 2, got + take)));
            }
            System.arraycopy(buf, pos, out, got, take);
            pos += take;
            got += take;
        }
        updateReadLimit();
        return out;
    }

    /** {@code n}, an argument's declared length, when an array can hold it; else why not, as an exception. */
    private int argumentLength(long n, long left) throws UnpicklingException {
        if (n < 0) {
            throw truncated(n);
        }
        if (n > MAX_BUFFER) {
            if (left >= 0 && left < n) {
                throw truncated(n);
            }
            // a valid pickle may hold such an argument (CPython writes and reads one): not truncated, too big here
            throw new UnpicklingException("an argument of " + n + " bytes: more than a Java byte[] holds (" + MAX_BUFFER
                    + "), so Brine cannot read it (an array that big reads from an .npy file or an archive)", offset(), null);
        }
        return (int) n;
    }

    /** A UTF-8 (surrogatepass) string of {@code n} bytes; ASCII is decoded without a detour. */
    String readUtf8(long n) throws IOException {
        if (n >= 0 && n <= CHUNK) {
            int len = (int) n;
            if (pos + len > readLimit) {
                ensure(len);
            }
            int start = pos;
            pos = start + len;
            // two overlapping word reads for a short string, not a byte loop whose exit depends on
            // its length: strings_300k loads 11.01 -> 9.00 and 11.29 -> 8.88 ms (AbCompare, 40 rounds)
            if (AsciiStrings.isAscii(buf, start, len)) {
                return new String(buf, start, len, StandardCharsets.ISO_8859_1);
            }
            return decodeOrFail(buf, start, len, start);
        }
        return readLongUtf8(n);
    }

    /**
     * A string longer than the buffer, decoded as its bytes come (see {@link LongUtf8Decoder}). As CPython reads the
     * whole argument before decoding it, a truncated argument is reported as truncated even after invalid UTF-8.
     */
    private String readLongUtf8(long n) throws IOException {
        try {
            return readLongUtf8Growing(n);
        } catch (OutOfMemoryError e) { // the decoder's arrays grew with what arrived: unreachable again now
            throw tooBigForHeap();
        }
    }

    /**
     * {@code Arrays.copyOf} where what arrives decides the size (a stream's argument, a protocol 0 line that has not
     * ended yet): the heap running out there is this input's refusal, not the JVM's error. The failed allocation
     * took nothing, so the heap is as it was.
     */
    private byte[] grown(byte[] a, int length) throws UnpicklingException {
        try {
            return Arrays.copyOf(a, length);
        } catch (OutOfMemoryError e) {
            throw tooBigForHeap();
        }
    }

    private UnpicklingException tooBigForHeap() {
        return new UnpicklingException("an argument that went on arriving grew past what the Java heap holds ("
                + Runtime.getRuntime().maxMemory() + " bytes at most): an endless stream, or a pickle to read with a"
                + " bigger heap (-Xmx)", offset(), null);
    }

    private String readLongUtf8Growing(long n) throws IOException {
        long at = offset();
        long left = bytesLeft();
        int len = argumentLength(n, left);
        checkFrame(len);
        if (in == null && end - pos < len) {
            throw truncated(len);
        }
        LongUtf8Decoder text = new LongUtf8Decoder(left >= len ? len : 4 * CHUNK, len);
        boolean valid = true;
        int remaining = len;
        while (remaining > 0) {
            int wanted = Math.min(4, remaining); // a whole UTF-8 sequence, unless the argument ends first
            if (end - pos < wanted && !fill(wanted, remaining)) {
                throw truncated(len);
            }
            int take = Math.min(end - pos, remaining);
            int stop = valid ? text.decode(buf, pos, pos + take, take == remaining) : pos + take;
            if (stop < 0) {
                valid = false; // the rest is read, not decoded
                stop = pos + take;
            }
            remaining -= stop - pos;
            pos = stop;
        }
        updateReadLimit();
        if (!valid) {
            throw new UnpicklingException("invalid UTF-8 in the string argument starting at byte " + at, at, null);
        }
        return text.result();
    }

    private String decodeOrFail(byte[] b, int off, int len, int start) throws UnpicklingException {
        String s = Utf8.decode(b, off, len);
        if (s == null) {
            long at = bufStart + start;
            throw new UnpicklingException("invalid UTF-8 in the string argument starting at byte " + at, at, null);
        }
        return s;
    }

    /** Reads up to and including a newline; returns the line without it, as Latin-1 text. */
    String readLine() throws IOException {
        int scan = pos;
        while (true) {
            for (int i = scan; i < end; i++) {
                if (buf[i] == '\n') {
                    if (i - pos > maxLine) { // a whole line already buffered is read into memory too
                        throw new dev.brine.LimitExceededException("maxAllocation", "the text argument at offset "
                                + offset() + " is " + (i - pos) + " bytes long, more than the " + maxLine + " allowed");
                    }
                    checkFrame(i + 1 - pos);
                    String line = new String(buf, pos, i - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    updateReadLimit();
                    return line;
                }
            }
            int consumed = end - pos;
            long limit = lineLimit();
            if (consumed >= limit) {
                throw new dev.brine.LimitExceededException("maxAllocation", "the text argument at offset " + offset()
                        + " has no newline in its first " + consumed + " bytes, and a line is limited to " + limit + " bytes"
                        + (limit == maxLine ? "" : " (about the most a Java array holds)"));
            }
            if (!fill(consumed + 1)) {
                throw new UnpicklingException("pickle data was truncated: no newline ends the argument", offset(), null);
            }
            scan = pos + consumed;
        }
    }

    /** Starts a frame of {@code length} bytes at the current offset (FRAME opcode). */
    void startFrame(long length, long opcodeOffset) throws UnpicklingException {
        if (frameEnd >= 0 && offset() < frameEnd) {
            throw new UnpicklingException("beginning of a new frame before end of current frame", opcodeOffset, "FRAME");
        }
        if (length < 0) {
            throw new UnpicklingException("negative frame length", opcodeOffset, "FRAME");
        }
        if (length > Long.MAX_VALUE - offset()) { // its end would overflow, and a negative end means "no frame"
            throw new UnpicklingException("frame length " + length + " runs past any input: read would overflow",
                    opcodeOffset, "FRAME");
        }
        frameEnd = offset() + length;
        updateReadLimit();
    }

    /**
     * Called after STOP: gives back to the stream what was read past this pickle ({@link #giveBack()}).
     * A STOP before the end of its frame leaves the rest of the frame here, for the next load.
     */
    void finishPickle() throws IOException {
        if (frameEnd >= 0 && offset() < frameEnd) {
            bufferRestOfFrame();
            consumedTo = frameEnd;
        }
        // the next pickle has no frame until it reads a FRAME: the rest of this one is bytes it reads first, as
        // CPython's C reader reads them from its buffer (it checks no frame's end: a read that runs past the rest
        // goes on in the stream)
        frameEnd = -1;
        updateReadLimit();
        giveBack();
    }

    /**
     * Takes the stream back to just after what the pickles read so far consumed, so that whoever reads it
     * next (the caller, a fresh Unpickler, this one's next load) starts there: just after STOP, or after
     * the frame that STOP is in. A {@link FileInputStream}'s file is set back by the bytes read ahead
     * (relative to where it is now, not to where reading began: the caller may have read or moved it
     * between two loads); a stream with mark/reset is reset to the last read's start and skipped forward.
     * A stream that can do neither was read no further (see {@link #ours}); a channel is left where it is.
     */
    private void giveBack() throws IOException {
        int keep = (int) Math.max(pos, consumedTo - bufStart);
        if (in == null || channel != null || keep >= end) {
            return;
        }
        if (seekable != null) {
            seekable.position(seekable.position() - (end - keep)); // see regularFile
        } else if (in.markSupported()) {
            try {
                in.reset();
                long skip = keep - lastFillStart;
                while (skip > 0) {
                    long s = in.skip(skip);
                    if (s <= 0) {
                        throw new BrineException("stream could not be repositioned after STOP");
                    }
                    skip -= s;
                }
            } catch (RuntimeException e) {
                throw sourceFailed(e);
            }
        } else {
            return;
        }
        end = keep; // the bytes given back are read again from the stream, wherever the caller leaves it
        exhausted = false; // the stream has them again (a read that met its end took none of them)
        updateReadLimit();
    }

    /**
     * STOP came before the end of its frame (CPython never writes that: its frames end with STOP).
     * CPython's C reader reads a whole frame before running it, so it consumes the rest of the frame
     * from the stream (a fresh unpickler, as {@code pickle.load(f)} makes, starts after it) and
     * refuses a frame that runs past the end of the input ("pickle data was truncated"), even when
     * STOP comes first; its Unpickler object keeps the rest in its buffer, and its next load reads
     * the pickles there first. So does this: the rest is buffered here (growing with the bytes that
     * arrive, not allocated for the frame's declared length) and read by the next load.
     */
    private void bufferRestOfFrame() throws IOException {
        long rest = frameEnd - offset();
        if (in == null) {
            if (rest > end - pos) {
                throw frameTruncated(rest - (end - pos));
            }
            return;
        }
        long most = Math.min(maxLine, MAX_BUFFER);
        while (end - pos < rest) {
            if (end - pos >= most) { // only once that many bytes have arrived: a frame running past the input is truncated
                throw new dev.brine.LimitExceededException("maxAllocation", "the frame this STOP is in goes on for " + rest
                        + " bytes after it, which would be kept for the next load; at most " + most + " are");
            }
            // at most twice what has arrived at a time: a claimed length is trusted only as its bytes arrive
            if (!fill((int) Math.min(Math.min(rest, most), Math.max(CHUNK, 2L * (end - pos))))) {
                throw frameTruncated(rest - (end - pos));
            }
        }
    }

    private static UnpicklingException frameTruncated(long missing) {
        return new UnpicklingException("pickle data was truncated: the input ends " + missing
                + " bytes before the end of the frame this STOP is in", -1, null);
    }

    private void ensure(int n) throws IOException {
        checkFrame(n);
        if (end - pos < n && !fill(n)) {
            throw truncated(n);
        }
        updateReadLimit();
    }

    private void checkFrame(long n) throws UnpicklingException {
        if (frameEnd >= 0) {
            long at = offset();
            // only an opcode may begin where a frame ends (readOpcode): an argument read here straddles it
            if (at + n > frameEnd) {
                throw new UnpicklingException("read of " + n + " bytes straddles the end of a frame", at, null);
            }
        }
    }

    /** Makes at least {@code n} bytes available from pos; false at end of input. */
    private boolean fill(int n) throws IOException {
        return fill(n, n);
    }

    /**
     * {@link #fill(int)} for a reader that will go on to use up to {@code wanted} bytes from pos (a
     * long argument read in pieces): an {@link #exact} stream may then be read that far at once.
     */
    private boolean fill(int n, long wanted) throws IOException {
        if (in == null || exhausted) {
            return end - pos >= n;
        }
        if (pos > 0) {
            int keep = end - pos;
            System.arraycopy(buf, pos, buf, 0, keep);
            bufStart += pos;
            end = keep;
            pos = 0;
        }
        if (buf.length < n) {
            buf = grown(buf, grownLength(buf.length, n));
        }
        while (end - pos < n) {
            lastFillStart = end;
            int room = buf.length - end;
            if (exact) {
                room = (int) Math.min(room, ours(n, wanted));
            }
            int r;
            try {
                if (in.markSupported()) {
                    in.mark(buf.length);
                }
                r = in.read(buf, end, room);
            } catch (RuntimeException e) {
                throw sourceFailed(e);
            }
            if (r < 0) {
                exhausted = true;
                break;
            }
            end += r;
        }
        updateReadLimit();
        return end - pos >= n;
    }

    /**
     * How many bytes after the buffered ones surely belong to this pickle, so that an {@link #exact}
     * stream is read no further (at least the {@code n - (end - pos)} still needed): inside a frame,
     * the rest of the frame (CPython reads a frame whole, even when STOP comes first: see
     * {@link #bufferRestOfFrame}); outside, what the reader said it wants.
     * A frame's declared length is only a bound here: the buffer grows to what is needed, no further.
     */
    private long ours(int n, long wanted) {
        long buffered = end - pos;
        long needed = Math.max(n, wanted) - buffered;
        if (frameEnd >= 0) {
            needed = Math.max(needed, frameEnd - (bufStart + end));
        }
        return Math.max(needed, n - buffered);
    }

    /**
     * The longest text line read, as a long: maxLine, but at most what a Java array holds (an int
     * count of the bytes read never reaches the default maxLine of 2^31, so without the cap the
     * limit could not fire and the buffer's growth overflowed instead).
     */
    long lineLimit() {
        return Math.min(maxLine, MAX_BUFFER);
    }

    /**
     * The buffer's next length when {@code needed} bytes (at most {@link #MAX_BUFFER}) must fit:
     * double, computed as a long so that a buffer past 1 GiB does not overflow to a negative
     * length (which made it grow a byte at a time), and capped at what a Java array holds.
     */
    static int grownLength(int current, int needed) {
        return (int) Math.min(MAX_BUFFER, Math.max(needed, 2L * current));
    }

    private void updateReadLimit() {
        if (frameEnd >= 0 && frameEnd - bufStart < end) {
            readLimit = (int) Math.max(pos, frameEnd - bufStart);
        } else {
            readLimit = end;
        }
    }

    /** The bytes left in the input from the current position, when a file or channel says; else -1. */
    private long bytesLeft() throws IOException {
        long buffered = end - pos;
        if (in == null) {
            return buffered;
        }
        if (channel != null) {
            return buffered + Math.max(0, channel.size() - channel.position());
        }
        if (seekable != null) {
            return buffered + Math.max(0, seekable.size() - seekable.position());
        }
        return -1;
    }

    private UnpicklingException truncated(long wanted) {
        return new UnpicklingException("pickle data was truncated: " + wanted + " bytes wanted", offset(), null);
    }
}
