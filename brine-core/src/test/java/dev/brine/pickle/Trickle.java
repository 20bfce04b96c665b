package dev.brine.pickle;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A stream over bytes that hands over only a few per read and supports no mark/reset, so that a
 * reader's buffer is refilled often and an opcode or its argument is split at every boundary.
 */
final class Trickle extends InputStream {
    private final ByteArrayInputStream in;
    private final int step;
    private final SplittableRandom random; // null: always {@code step} bytes

    /** At most {@code step} bytes per read. */
    Trickle(byte[] data, int step) {
        this(data, step, null);
    }

    /** 1 to {@code maxStep} bytes per read, drawn from {@code random}; always {@code maxStep} when it is null. */
    Trickle(byte[] data, int maxStep, SplittableRandom random) {
        this.in = new ByteArrayInputStream(data);
        this.step = maxStep;
        this.random = random;
    }

    @Override
    public int read() {
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        int n = random == null ? step : 1 + random.nextInt(step);
        return in.read(b, off, Math.min(len, n));
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
