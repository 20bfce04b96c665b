package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A protocol 4 pickle whose STACK_GLOBAL names {@code builtins.'len\n0cbuiltins\nprint\n(V…\ntR0cbuiltins\nlen'}:
 * CPython refuses to load it (no such attribute), and show and convert read it as an inert name. Written with
 * the text GLOBAL opcode (protocols 0 to 3), its newlines would end the line early and the rest would be
 * read as opcodes, a call of builtins.print; convert must refuse, naming the global, and leave no file.
 * At protocol 4 the name is carried whole, and CPython reads it back as the same (missing) attribute.
 */
class GlobalNameInjectionCliTest {
    @TempDir
    Path tmp;

    private static final String NAME = "len\\n0cbuiltins\\nprint\\n(VPWNED: a call injected by brine convert\\ntR0cbuiltins\\nlen";

    private static final String WRITE = String.join("\n",
            "import pickle, sys",
            "name = '" + NAME + "'",
            "def su(s):",
            "    b = s.encode(); return b'\\x8c' + bytes([len(b)]) + b",
            "open(sys.argv[1], 'wb').write(b'\\x80\\x04' + su('builtins') + su(name) + b'\\x93.')",
            "try:",
            "    pickle.load(open(sys.argv[1], 'rb')); print('loaded')",
            "except AttributeError:",
            "    print('refused')");

    private static final String READ_NAME = String.join("\n",
            "import io, pickle, sys",
            "class Names(pickle.Unpickler):",
            "    def find_class(self, module, name):",
            "        return (module, name)",
            "print(Names(open(sys.argv[1], 'rb')).load() == ('builtins', '" + NAME + "'))",
            "try:",
            "    pickle.load(open(sys.argv[1], 'rb')); print('loaded')",
            "except AttributeError:",
            "    print('refused')");

    @Test
    void convertRefusesToWriteTheNameAsATextLineAndLeavesNoFile() throws Exception {
        Python.require();
        Path in = tmp.resolve("in").resolve("stack-global-newline.pkl");
        Files.createDirectories(in.getParent());
        assertEquals("refused", Python.checkText(WRITE, in).strip());
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        for (int p = 0; p <= 3; p++) {
            Path out = outDir.resolve("p" + p + ".pkl");
            CliTest.Run r = CliTest.run("convert", in.toString(), out.toString(), "--protocol", String.valueOf(p));
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("can't pickle global 'builtins.len\\n0cbuiltins\\nprint\\n(VPWNED")
                    && r.err().contains("protocol " + p) // one error line, after the warning that the file names the global
                    && r.err().lines().filter(l -> !l.startsWith("brine: warning: ")).count() == 1, r.err());
            try (Stream<Path> left = Files.list(outDir)) {
                assertEquals(List.of(), left.toList(), "convert --protocol " + p + " left a file");
            }
        }
        Path out4 = outDir.resolve("p4.pkl");
        CliTest.Run r = CliTest.run("convert", in.toString(), out4.toString(), "--protocol", "4");
        assertEquals(0, r.status(), r.err());
        assertEquals("True\nrefused", Python.checkText(READ_NAME, out4).strip());
    }
}
