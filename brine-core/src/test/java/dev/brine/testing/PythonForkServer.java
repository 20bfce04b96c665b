package dev.brine.testing;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One python3 that imports numpy, torch and safetensors once and forks a child per script
 * ({@code forkserver.py} beside this class): a fresh interpreter spends about two seconds importing
 * torch, and the suite runs several hundred torch scripts. A child is what {@code python3 -c script
 * args} would be (its own {@code __main__}, {@code sys.argv}, standard streams and exit code), so the
 * tests cannot tell; nothing a script does outlives its child. Not thread-safe: {@link Python}
 * serializes runs.
 */
final class PythonForkServer {
    /** A run ended without a reply: the server has gone, and a new one is needed. */
    static final class ServerEndedException extends IOException {
        ServerEndedException(String message) {
            super(message);
        }
    }

    private static final long TIMEOUT_MINUTES = 10;

    private final Process process;
    private final OutputStream requests;
    private final InputStream replies;
    private final Path serverErrors;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "python fork server watchdog");
        t.setDaemon(true);
        return t;
    });

    private PythonForkServer(Process process, Path serverErrors) {
        this.process = process;
        this.requests = new BufferedOutputStream(process.getOutputStream());
        this.replies = process.getInputStream();
        this.serverErrors = serverErrors;
    }

    /** A running server, or null when {@code exe} cannot be started (then nothing can run Python). */
    static PythonForkServer start(String exe) throws IOException {
        String source;
        try (InputStream in = PythonForkServer.class.getResourceAsStream("forkserver.py")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path errors = Files.createTempFile("brine-forkserver", ".err");
        errors.toFile().deleteOnExit();
        Process p;
        try {
            p = new ProcessBuilder(exe, "-c", source).redirectError(errors.toFile()).start();
        } catch (IOException e) {
            Files.deleteIfExists(errors);
            return null;
        }
        return new PythonForkServer(p, errors);
    }

    /** Runs {@code script} in a forked child with {@code stdin}; {@code args} become {@code sys.argv[1:]}. */
    Python.Result run(String script, byte[] stdin, String... args) throws IOException {
        Path dir = Files.createTempDirectory("brine-python");
        Path in = dir.resolve("stdin");
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        try {
            Files.write(in, stdin);
            field(script.getBytes(StandardCharsets.UTF_8));
            field(Integer.toString(args.length).getBytes(StandardCharsets.US_ASCII));
            for (String a : args) {
                field(a.getBytes(StandardCharsets.UTF_8));
            }
            for (Path p : new Path[] {in, out, err}) {
                field(p.toString().getBytes(StandardCharsets.UTF_8));
            }
            requests.flush();
            long pid = Long.parseLong(line());
            ScheduledFuture<?> kill = watchdog.schedule(
                    () -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly), TIMEOUT_MINUTES, TimeUnit.MINUTES);
            int code = Integer.parseInt(line());
            if (!kill.cancel(false)) {
                throw new IOException("python3 timed out");
            }
            return new Python.Result(code, Files.readAllBytes(out),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            if (!process.isAlive() || e instanceof ServerEndedException) {
                ServerEndedException ended = new ServerEndedException("the python fork server ended: "
                        + Files.readString(serverErrors, StandardCharsets.UTF_8));
                ended.initCause(e);
                throw ended;
            }
            throw e;
        } finally {
            for (Path p : new Path[] {in, out, err, dir}) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void field(byte[] bytes) throws IOException {
        requests.write(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        requests.write(':');
        requests.write(bytes);
    }

    /** One reply line; the server writes whole lines, unbuffered. */
    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = replies.read()) != '\n') {
            if (c < 0) {
                throw new ServerEndedException("no reply");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
