package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several pickles in one file, against CPython reading the same file: written one {@code pickle.dump}
 * at a time (each numbers its memo from 0) they read as repeated {@code pickle.load} reads them, through
 * {@link Pickle#loadAll} or an {@link Unpickler} cleared before each load; written by one Pickler with
 * several dumps (one memo across them) they read as one CPython Unpickler reads them, through one
 * Unpickler left as it is. (loadAll kept the memo across pickles, so [x, x] in a second pickle came
 * back as [x, 'a'] from the first.)
 */
class StreamMemoDifferentialTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void python() {
        Python.require();
    }

    private static final String OBJECTS = """
            x = ['c']
            t = ('t', 1)
            objects = [['a', 'b'], [x, x], {'k': [1, 2], 'j': 'k', 'm': t}, (t, t, 'a'), 'a', [['a', 'b'], 'b']]
            """;

    private List<String> python(String script, Path file) throws Exception {
        String out = new String(Python.check("import pickle, sys\n" + OBJECTS + script, new byte[0], file.toString()),
                StandardCharsets.UTF_8);
        return out.lines().toList();
    }

    private static List<String> reprs(List<Object> values) {
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            out.add(PythonRepr.repr(v));
        }
        return out;
    }

    @Test
    void picklesDumpedOneAtATimeReadAsRepeatedPickleLoad() throws Exception {
        for (int protocol = 0; protocol <= 5; protocol++) {
            Path f = tmp.resolve("each" + protocol + ".pkl");
            List<String> expected = python("""
                    with open(sys.argv[1], 'wb') as out:
                        for o in objects:
                            pickle.dump(o, out, %d)
                    with open(sys.argv[1], 'rb') as src:
                        while True:
                            try:
                                print(repr(pickle.load(src)))
                            except EOFError:
                                break
                    """.formatted(protocol), f);
            assertEquals(expected, reprs(Pickle.loadAll(f, UnpicklerOptions.DEFAULT)), "loadAll, protocol " + protocol);
            Unpickler u = new Unpickler(new ByteArrayInputStream(Files.readAllBytes(f)), UnpicklerOptions.DEFAULT);
            List<Object> read = new ArrayList<>();
            while (u.hasNext()) {
                u.clearMemo();
                read.add(u.load());
            }
            assertEquals(expected, reprs(read), "Unpickler with clearMemo, protocol " + protocol);
        }
    }

    @Test
    void picklesDumpedByOnePicklerReadAsOneCPythonUnpicklerReadsThem() throws Exception {
        for (int protocol = 0; protocol <= 5; protocol++) {
            Path f = tmp.resolve("one" + protocol + ".pkl");
            List<String> expected = python("""
                    with open(sys.argv[1], 'wb') as out:
                        p = pickle.Pickler(out, %d)
                        for o in objects:
                            p.dump(o)
                    with open(sys.argv[1], 'rb') as src:
                        u = pickle.Unpickler(src)
                        for _ in objects:
                            print(repr(u.load()))
                    """.formatted(protocol), f);
            Unpickler u = new Unpickler(Files.readAllBytes(f), UnpicklerOptions.DEFAULT);
            List<Object> read = new ArrayList<>();
            while (u.hasNext()) {
                read.add(u.load());
            }
            assertEquals(expected, reprs(read), "one Unpickler, protocol " + protocol);
        }
    }
}
