package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.hostile.HostileVectors;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile files of brine-core's suite through {@code brine show}: exit status 1, exactly one
 * line on stderr naming the file, no stack trace, nothing on stdout; in-process for every vector
 * and through the real {@code ./brine} launcher script for a few.
 */
class HostileCliTest {
    private static final Map<String, byte[]> VECTORS = HostileVectors.all();

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeVectors() throws IOException {
        for (Map.Entry<String, byte[]> e : VECTORS.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    static Stream<String> names() {
        return VECTORS.keySet().stream();
    }

    static void assertCleanFailure(Path file, int status, String out, String err) {
        assertEquals(1, status, file + ": " + err);
        assertEquals("", out, file + " printed something");
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), file + ": stderr should be one line: " + err);
        assertTrue(lines.get(0).startsWith("brine: " + file), lines.get(0));
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), err);
        assertTrue(lines.get(0).length() < 2000, "a one-line message of " + lines.get(0).length() + " characters");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void showRefusesEveryHostileFileInOneLine(String name) {
        Path file = dir.resolve(name);
        CliTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliTest.run("show", file.toString()),
                "hang guard");
        assertCleanFailure(file, r.status(), r.out(), r.err());
    }

    @Test
    void showPrintsADangerousGlobalAsInertData() throws Exception {
        Path marker = dir.resolve("pwned");
        String cmd = "touch " + marker;
        byte[] data = ("cos\nsystem\n(V" + cmd + "\ntR.").getBytes(StandardCharsets.US_ASCII);
        Path file = dir.resolve("os-system.pkl");
        Files.write(file, data);
        CliTest.Run r = CliTest.run("show", file.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("os.system") && r.out().contains(cmd), r.out());
        assertFalse(Files.exists(marker), "show ran the command");
    }

    @Test
    void showOfWideSharedStructuresIsBounded() throws Exception {
        // 20 references to the level below, 8 levels: 20^8 items if printed naively, from 400 bytes
        ByteArrayBuilder b = new ByteArrayBuilder().add(0x80, 4).add(')');
        for (int level = 0; level < 8; level++) {
            b.add(0x94).add('(');
            for (int i = 0; i < 20; i++) {
                b.add('h').add(level);
            }
            b.add('t');
        }
        Path file = dir.resolve("wide.pkl");
        Files.write(file, b.add('.').bytes());
        CliTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliTest.run("show", file.toString()));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().length() < 2_000_000, r.out().length() + " characters");
        for (String verb : new String[] {"--json", "--stats"}) {
            CliTest.Run j = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliTest.run("show", verb, file.toString()));
            assertEquals(0, j.status(), j.err());
            assertTrue(j.out().length() < 2_000_000, verb + ": " + j.out().length() + " characters");
        }
        CliTest.Run ls = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliTest.run("ls", file.toString()));
        assertEquals(0, ls.status(), ls.err());
    }

    @Test
    void showOfAHugeIntegerIsFast() throws Exception {
        ByteArrayBuilder b = new ByteArrayBuilder().add(0x80, 2, 0x8b, 0, 0, 0x10, 0); // LONG4 of 1 MiB
        byte[] digits = new byte[1 << 20];
        java.util.Arrays.fill(digits, (byte) 0x5a);
        byte[] data = b.bytes();
        Path file = dir.resolve("huge-int.pkl");
        Files.write(file, data);
        Files.write(file, digits, java.nio.file.StandardOpenOption.APPEND);
        Files.write(file, new byte[] {'.'}, java.nio.file.StandardOpenOption.APPEND);
        for (String flag : new String[] {"--depth=8", "--json"}) {
            CliTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CliTest.run("show", flag, file.toString()));
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("<int of 8388607 bits>"), r.out());
        }
    }

    /** Bytes for a hand-made pickle. */
    static final class ByteArrayBuilder {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        ByteArrayBuilder add(int... bytes) {
            for (int x : bytes) {
                out.write(x);
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /**
     * The real launcher script, run as a subprocess: a copy of {@code ./brine} next to a thin
     * {@code brine-cli/target/brine.jar} whose manifest points at this build's classes (the shaded
     * jar is only made after the tests, in the package phase).
     */
    @Test
    void theLauncherScriptRefusesHostileFilesInOneLine() throws Exception {
        Path root = Files.createDirectories(dir.resolve("launcher"));
        Path script = root.resolve("brine");
        Files.copy(Path.of("").toAbsolutePath().getParent().resolve("brine"), script);
        script.toFile().setExecutable(true);
        Path jar = Files.createDirectories(root.resolve("brine-cli/target")).resolve("brine.jar");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        StringBuilder classPath = new StringBuilder();
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.append(new File(entry).toURI().toURL()).append(' ');
            }
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().trim());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
        List<String> chosen = List.of("length-BINBYTES8.pkl", "million-marks.pkl", "header-code.npy", "shape-overflow.npy",
                "bomb-3GiB.npz", "overlapping-members.npz", "dotdot-name.npz", "truncated-directory.npz", "deep-key.pkl");
        for (String name : chosen) {
            Path file = dir.resolve(name);
            List<String> command = new ArrayList<>(List.of(script.toString(), "show", file.toString()));
            Process p = new ProcessBuilder(command).redirectOutput(root.resolve("out").toFile())
                    .redirectError(root.resolve("err").toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), name + ": the launcher hung");
            assertCleanFailure(file, p.exitValue(), Files.readString(root.resolve("out")), Files.readString(root.resolve("err")));
        }
    }
}
