package dev.brine.pickle;

import java.io.IOException;

/**
 * The disassembler's output: a buffer in front of the caller's {@link Appendable}, so that a repr
 * of a huge argument goes out in pieces instead of being built whole, and a column counter in
 * Python's units (code points, which is what {@code len(line)} counts for the annotation column).
 */
final class DisOutput {
    private static final int FLUSH_AT = 8192;

    private final Appendable out;
    private final StringBuilder buf = new StringBuilder(FLUSH_AT + 64);
    private long column;

    DisOutput(Appendable out) {
        this.out = out;
    }

    /** Code points written since the last {@link #resetColumn()}. */
    long column() {
        return column;
    }

    void resetColumn() {
        column = 0;
    }

    /** Text without surrogate pairs (names, numbers, messages): one char is one code point. */
    void text(CharSequence s) throws IOException {
        buf.append(s);
        column += s.length();
        maybeFlush();
    }

    void ch(char c) throws IOException {
        buf.append(c);
        column++;
        maybeFlush();
    }

    void codePoint(int cp) throws IOException {
        buf.appendCodePoint(cp);
        column++;
        maybeFlush();
    }

    void spaces(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            ch(' ');
        }
    }

    /** Ends a line as {@code print} does. */
    void newline() throws IOException {
        buf.append('\n');
        column = 0;
        maybeFlush();
    }

    /** Hands everything buffered to the caller's Appendable. */
    void flush() throws IOException {
        if (buf.length() > 0) {
            out.append(buf);
            buf.setLength(0);
        }
    }

    private void maybeFlush() throws IOException {
        if (buf.length() >= FLUSH_AT) {
            flush();
        }
    }
}
