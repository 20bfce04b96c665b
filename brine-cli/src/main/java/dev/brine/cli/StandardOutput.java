package dev.brine.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * Standard output that remembers why a write failed. The verbs print through a {@link java.io.PrintWriter} over
 * {@link System#out}, and both swallow an {@link IOException} (a full disk, {@code > /dev/full}, a closed pipe),
 * leaving only a flag: {@link Main#execute} checks the flag after the verb and, since the exception is gone by
 * then, takes the reason from here, as {@code cat} and Python say it ("No space left on device").
 */
final class StandardOutput extends FilterOutputStream {
    private static volatile IOException failure;

    private StandardOutput(OutputStream out) {
        super(out);
    }

    /** Installs the process's standard output, buffered as the JVM's own is, with its failures remembered. */
    static void install() {
        System.setOut(over(new FileOutputStream(FileDescriptor.out)));
    }

    /** A print stream over {@code out} whose write failures {@link #failure} tells (tests give it /dev/full). */
    static PrintStream over(OutputStream out) {
        // autoflush, as the JVM's own System.out: nothing printed stays in the buffer when the process exits
        return new PrintStream(new BufferedOutputStream(new StandardOutput(out), 8192), true, charset());
    }

    /** The verbs' writer over {@link System#out}, one for every verb, as picocli would make it. */
    static PrintWriter writer() {
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, charset())), true);
    }

    /**
     * Flushes {@code writer} and tells whether anything written to it was lost: the writer and System.out each
     * swallow the failure, so both are asked ({@code checkError} flushes).
     */
    static boolean lost(PrintWriter writer) {
        boolean lost = writer.checkError();
        return System.out.checkError() || lost;
    }

    /** What the JVM's System.out and picocli encode standard output with. */
    private static Charset charset() {
        String encoding = System.getProperty("sun.stdout.encoding");
        return encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
    }

    /** Forgets an earlier run's failure (in-process runs, as the tests make, share the class). */
    static void reset() {
        failure = null;
    }

    /** The first write failure since {@link #reset}, or null (also when System.out is not one of these). */
    static IOException failure() {
        return failure;
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len); // FilterOutputStream's own would write byte by byte
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw remember(e);
        }
    }

    private static IOException remember(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }
}
