package dev.brine.hostile;

import java.io.InputStream;

/** A stream that gives {@code head} and then {@code fill} forever: input that grows until something stops it. */
final class EndlessStream extends InputStream {
    private final byte[] head;
    private final int fill;
    private long at;

    EndlessStream(byte[] head, int fill) {
        this.head = head.clone();
        this.fill = fill;
    }

    @Override
    public int read() {
        return at < head.length ? head[(int) at++] & 0xff : fill;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            b[off + i] = (byte) read();
        }
        return len;
    }
}
