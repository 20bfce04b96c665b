package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code java} block of the README that starts with {@code // example: Name} is a complete
 * program: this test compiles it against Brine and runs it in a fresh folder, so the README's code
 * can never drift from what works. Each runs twice, in two folders, and must write the same bytes both times.
 */
class ReadmeExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("```java\\n(// example: (\\w+)\\n.*?)```", Pattern.DOTALL);

    @TempDir
    Path tmp;

    static List<String[]> examples() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = BLOCK.matcher(readme);
        List<String[]> out = new ArrayList<>();
        while (m.find()) {
            out.add(new String[] {m.group(2), m.group(1)});
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> readmeExamplesCompileAndRun() throws IOException {
        List<String[]> examples = examples();
        assertFalse(examples.isEmpty(), "the README has no examples");
        return examples.stream().map(ex -> DynamicTest.dynamicTest(ex[0], () -> {
            Map<String, byte[]> first = filesWritten(compileAndRun(ex[0], ex[1], "first"));
            Map<String, byte[]> second = filesWritten(compileAndRun(ex[0], ex[1], "second"));
            // a user copying an example gets the same bytes on every run (ordered maps, no clocks)
            assertEquals(first.keySet(), second.keySet(), ex[0] + " wrote different files in two runs");
            first.forEach((file, bytes) -> assertArrayEquals(bytes, second.get(file),
                    ex[0] + " wrote " + file + " differently in two runs"));
        }));
    }

    /** The files a run left in its folder (its sources and classes aside), by name. */
    private static Map<String, byte[]> filesWritten(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = dir.relativize(f).toString();
                if (!name.endsWith(".java") && !name.endsWith(".class")) {
                    out.put(name, Files.readAllBytes(f));
                }
            }
        }
        return out;
    }

    private Path compileAndRun(String name, String source, String run) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(run).resolve(name));
        Path src = dir.resolve(name + ".java");
        Files.writeString(src, source);
        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-cp", classpath, "-d", dir.toString(), src.toString());
        assertEquals(0, rc, "README example " + name + " does not compile");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", dir + File.pathSeparator + classpath, name)
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + " did not finish");
        assertEquals(0, p.exitValue(), "README example " + name + " failed:\n" + output);
        return dir;
    }
}
