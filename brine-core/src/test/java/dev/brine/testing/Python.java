package dev.brine.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real thing — CPython with numpy (and torch, safetensors where installed) — as the
 * oracle for differential tests. When the environment variable {@code BRINE_REQUIRE_PYTHON=1} is
 * set (as {@code .ci/run} does), a missing interpreter or module fails the test instead of
 * skipping it. {@code BRINE_PYTHON} names the interpreter (default {@code python3}). Scripts run
 * in children forked from one interpreter that has imported numpy, torch and safetensors
 * ({@link PythonForkServer}: {@code mvn verify} went from 15:40 to 4:46 minutes on a 2-vCPU
 * machine); {@code BRINE_PYTHON_FORKSERVER=0} runs each in a fresh {@code python3 -c} instead.
 */
public final class Python {
    private static final String EXE = System.getenv().getOrDefault("BRINE_PYTHON", "python3");
    private static Boolean numpyAvailable;

    private Python() {
    }

    /** Whether missing Python must fail tests rather than skip them. */
    public static boolean required() {
        return "1".equals(System.getenv("BRINE_REQUIRE_PYTHON"));
    }

    /** Skips (or, when required, fails) the calling test unless python3 can import {@code modules}. */
    public static void require(String... modules) {
        boolean ok = modules.length == 0 ? has("sys") : true;
        for (String m : modules) {
            if ("numpy".equals(m)) {
                if (numpyAvailable == null) {
                    numpyAvailable = has("numpy");
                }
                ok &= numpyAvailable;
            } else {
                ok &= has(m);
            }
        }
        if (!ok) {
            String msg = "python3 with " + String.join(", ", modules) + " is needed for this test";
            if (required()) {
                fail(msg + " (BRINE_REQUIRE_PYTHON=1)");
            }
            Assumptions.abort(msg); // only outside CI: .ci/run sets BRINE_REQUIRE_PYTHON=1, which fails above
        }
    }

    private static boolean has(String module) {
        try {
            return run("import " + module, new byte[0]).exitCode == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** What a Python run returned. */
    public static final class Result {
        public final int exitCode;
        public final byte[] stdout;
        public final String stderr;

        Result(int exitCode, byte[] stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** Standard output as UTF-8 text. */
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs {@code script} with {@code stdin}; {@code args} become {@code sys.argv[1:]}. As {@code python3 -c
     * script args} would, in a child forked from {@link PythonForkServer} (numpy and torch already imported), or
     * in a fresh interpreter when {@code BRINE_PYTHON_FORKSERVER=0} or the server cannot start.
     */
    public static synchronized Result run(String script, byte[] stdin, String... args) throws IOException {
        if (forkServer == null && !"0".equals(System.getenv("BRINE_PYTHON_FORKSERVER"))) {
            forkServer = PythonForkServer.start(EXE);
        }
        if (forkServer != null) {
            try {
                return forkServer.run(script, stdin, args);
            } catch (PythonForkServer.ServerEndedException e) {
                forkServer = null; // the next run starts another
                throw e;
            }
        }
        return runFresh(script, stdin, args);
    }

    private static PythonForkServer forkServer;

    /** Runs {@code script} in a fresh {@code python3 -c}. */
    static Result runFresh(String script, byte[] stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(EXE);
        cmd.add("-c");
        cmd.add(script);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outPump = pump(p.getInputStream(), out);
        Thread errPump = pump(p.getErrorStream(), err);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException ignored) {
            // the script may not read its input
        }
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("python3 timed out");
            }
            outPump.join();
            errPump.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code script} and returns its standard output, failing the test on a non-zero exit. */
    public static byte[] check(String script, byte[] stdin, String... args) throws IOException {
        Result r = run(script, stdin, args);
        if (r.exitCode != 0) {
            fail("python3 failed (" + r.exitCode + "):\n" + r.stderr);
        }
        return r.stdout;
    }

    /**
     * The oracle of a line-by-line differential test: runs {@code setup} (imports, helper functions),
     * then the Python expression {@code expression} of {@code line} for each of {@code lines} (none may
     * hold a newline), and returns its values, in order, one per line. A line whose expression raises
     * {@code refusal} (an exception class, or null to let every exception fail the run) gives "-".
     */
    public static List<String> eachLine(String setup, String expression, String refusal, List<String> lines)
            throws IOException {
        String call = "out.append(" + expression + ")";
        String script = String.join("\n",
                "import sys",
                setup,
                "out = []",
                "for line in sys.stdin.read().split('\\n'):",
                refusal == null ? "    " + call
                        : "    try:\n        " + call + "\n    except " + refusal + ":\n        out.append('-')",
                "sys.stdout.buffer.write('\\n'.join(out).encode('utf-8'))");
        byte[] out = check(script, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        List<String> values = List.of(new String(out, StandardCharsets.UTF_8).split("\n", -1));
        if (values.size() != lines.size()) {
            fail("python3 gave " + values.size() + " values for " + lines.size() + " lines");
        }
        return values;
    }

    /** Like {@link #check} with a file argument. */
    public static String checkText(String script, Path... files) throws IOException {
        String[] args = new String[files.length];
        for (int i = 0; i < files.length; i++) {
            args[i] = files[i].toString();
        }
        return new String(check(script, new byte[0], args), StandardCharsets.UTF_8);
    }

    private static Thread pump(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(out);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
