package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams of several pickles written both ways, against CPython reading them the matching way:
 * {@link Pickle#loadAll} (through {@link Unpickler#loadNext()}) reads pickles that {@code pickle.dump}
 * wrote one at a time as repeated {@code pickle.load} calls do, and the dumps of one {@code Pickler}
 * (one memo across them) as one {@code Unpickler} does, finding out which from the pickles, at every
 * protocol; from a file, a byte array and a channel. What one Pickler wrote is written back the same by
 * one Brine Pickler.
 */
class StreamMemoAutoDifferentialTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void python() {
        Python.require();
    }

    /** Each stream: how Python writes it into the file {@code f}, and how Python reads it back. */
    private static final String STREAMS = """
            import pickle, sys
            def recursive():
                l = ['r']
                l.append(l)
                return l
            def each(f, p, objects):
                for o in objects:
                    pickle.dump(o, f, p)
            def one(f, p, objects):
                w = pickle.Pickler(f, p)
                for o in objects:
                    w.dump(o)
            def repeated(path, n):
                with open(path, 'rb') as f:
                    return [pickle.load(f) for _ in range(n)]
            def persistent(path, n):
                with open(path, 'rb') as f:
                    u = pickle.Unpickler(f)
                    return [u.load() for _ in range(n)]
            x = ['c']
            t = ('t', 1)
            d = {'k': x, 'j': 'k'}
            words = ['w%d' % i for i in range(300)]
            STREAMS = {
                # pickle.dump in a loop, a recursive list among them: each read with a memo of its own
                'each': (each, repeated, lambda: [['a', 'b'], [x, x], recursive(), d, (t, t), 'k', [d, 'k']]),
                # one Pickler: later dumps refer to earlier ones' objects
                'one': (one, persistent, lambda: [x, x, [x, x], d, [d, 'k'], (t, t), t, 'k', {'x': x}]),
                # one Pickler, the first reference back only at the third pickle, beyond 256 entries
                'one_late': (one, persistent, lambda: [words, ['z'], words[::-1], [words[5], words[299]], words]),
                # pickle.dump, then one Pickler's dumps: read as one Unpickler reads the stream (which
                # from protocol 4, where MEMOIZE numbers by count, no reader of a whole stream can)
                'mixed': (None, None, None),
            }
            def write_mixed(f, p):
                pickle.dump(['m', x], f, p)
                w = pickle.Pickler(f, p)
                w.dump(d)
                w.dump(d)
                w.dump([d['k'], d])
            def read_mixed(path):
                return persistent(path, 4)
            out = []
            for name, (write, read, objects) in STREAMS.items():
                for p in range(4 if name == 'mixed' else 6):
                    path = sys.argv[1] + '/%s%d.pkl' % (name, p)
                    with open(path, 'wb') as f:
                        if name == 'mixed':
                            write_mixed(f, p)
                        else:
                            write(f, p, objects())
                    values = read_mixed(path) if name == 'mixed' else read(path, len(objects()))
                    print(name, p, '\\t'.join(repr(v) for v in values))
            """;

    /** Python's reading of each stream: "name protocol" to the reprs of its objects. */
    private List<String[]> streams() throws IOException {
        String out = new String(Python.check(STREAMS, new byte[0], tmp.toString()), StandardCharsets.UTF_8);
        List<String[]> all = new ArrayList<>();
        for (String line : out.split("\n")) {
            int space = line.indexOf(' ', line.indexOf(' ') + 1);
            all.add(new String[] {line.substring(0, space), line.substring(space + 1)});
        }
        return all;
    }

    private Path file(String nameAndProtocol) {
        return tmp.resolve(nameAndProtocol.replace(" ", "") + ".pkl");
    }

    private static String reprs(List<Object> values) {
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            out.add(PythonRepr.repr(v));
        }
        return String.join("\t", out);
    }

    @Test
    void everyStreamReadsAsCPythonReadsItTheWayItWasWritten() throws IOException {
        List<String> differences = new ArrayList<>();
        for (String[] s : streams()) {
            Path f = file(s[0]);
            check(differences, s[0] + " loadAll(file)", s[1], Pickle.loadAll(f, UnpicklerOptions.DEFAULT));
            check(differences, s[0] + " loadAll(bytes)", s[1], Pickle.loadAll(Files.readAllBytes(f), UnpicklerOptions.DEFAULT));
        }
        assertEquals("", String.join("\n", differences));
    }

    private static void check(List<String> differences, String what, String python, List<Object> brine) {
        if (!python.equals(reprs(brine))) {
            differences.add(what + "\n  CPython " + python + "\n  Brine   " + reprs(brine));
        }
    }

    @Test
    void objectsSharedAcrossOnePicklersDumpsAreOneJavaObjectAndWriteBackTheSameBytes() throws IOException {
        streams();
        for (int p = 0; p <= 5; p++) {
            Path f = file("one " + p);
            List<Object> read = Pickle.loadAll(f, UnpicklerOptions.DEFAULT);
            assertSame(read.get(0), read.get(1), "protocol " + p);
            assertSame(read.get(0), ((List<?>) read.get(2)).get(1), "protocol " + p);
            assertSame(read.get(3), ((List<?>) read.get(4)).get(0), "protocol " + p);
            for (String name : new String[] {"one", "one_late"}) {
                byte[] cpython = Files.readAllBytes(file(name + " " + p));
                ByteArrayOutputStream again = new ByteArrayOutputStream();
                Pickler pickler = new Pickler(again, PicklerOptions.DEFAULT.withProtocol(p));
                for (Object o : Pickle.loadAll(cpython, UnpicklerOptions.DEFAULT)) {
                    pickler.dump(o);
                }
                assertArrayEquals(cpython, again.toByteArray(), name + ", protocol " + p);
            }
            try (SeekableByteChannel channel = Files.newByteChannel(f)) {
                Unpickler u = new Unpickler(channel, UnpicklerOptions.DEFAULT);
                List<Object> viaChannel = new ArrayList<>();
                while (u.hasNext()) {
                    viaChannel.add(u.loadNext());
                }
                assertEquals(reprs(read), reprs(viaChannel));
                assertTrue(u.memoSpannedPickles(), "protocol " + p);
            }
            Unpickler each = new Unpickler(Files.readAllBytes(file("each " + p)), UnpicklerOptions.DEFAULT);
            while (each.hasNext()) {
                each.loadNext();
            }
            assertFalse(each.memoSpannedPickles(), "protocol " + p);
        }
    }

    @Test
    void aStreamThatCannotGoBackSaysWhyItCannotReadOnePicklersSecondDump() throws IOException {
        streams();
        for (int p = 0; p <= 5; p++) {
            byte[] data = Files.readAllBytes(file("one " + p));
            Unpickler u = new Unpickler(new ByteArrayInputStream(data), UnpicklerOptions.DEFAULT);
            u.loadNext();
            UnpicklingException e = assertThrows(UnpicklingException.class, u::loadNext);
            assertTrue(e.getMessage().contains("refers to a memo entry it never defined")
                    && e.getMessage().contains("several dump() calls"), e.getMessage());
            // repeated pickle.load reads pickle.dump's stream from any stream
            Unpickler each = new Unpickler(new ByteArrayInputStream(Files.readAllBytes(file("each " + p))),
                    UnpicklerOptions.DEFAULT);
            List<Object> read = new ArrayList<>();
            while (each.hasNext()) {
                read.add(each.loadNext());
            }
            assertEquals(reprs(Pickle.loadAll(file("each " + p), UnpicklerOptions.DEFAULT)), reprs(read));
        }
    }

    /**
     * What cannot be told apart: at protocol 4+ a second dump of one Pickler may refer back to an earlier
     * one's entry by an index that its own memo defines too. Read as repeated pickle.load reads it, unless
     * the stream has already shown itself to be one Pickler's, or the options say so.
     */
    @Test
    void atProtocol4AReferenceBackThatIsAlsoOneOfThePicklesOwnNeedsToBeToldOnePicklerWroteIt() throws Exception {
        String out = new String(Python.check("""
                import pickle, sys
                x = [1, 2]
                for p in range(6):
                    with open(sys.argv[1] + '/amb%d.pkl' % p, 'wb') as f:
                        w = pickle.Pickler(f, p)
                        w.dump(x)
                        w.dump([3, x])
                    with open(sys.argv[1] + '/amb%d.pkl' % p, 'rb') as f:
                        try:
                            print(repr([pickle.load(f) for _ in range(2)][1]))
                        except pickle.UnpicklingError:
                            print('-')
                """, new byte[0], tmp.toString()), StandardCharsets.UTF_8);
        assertEquals(List.of("-", "-", "-", "-", "[3, [...]]", "[3, [...]]"), out.lines().toList(),
                "repeated pickle.load: refused below protocol 4, [3, <itself>] from 4");
        UnpicklerOptions onePickler = UnpicklerOptions.builder()
                .streamMemo(UnpicklerOptions.StreamMemo.ONE_PICKLER).build();
        UnpicklerOptions eachPickle = UnpicklerOptions.builder()
                .streamMemo(UnpicklerOptions.StreamMemo.EACH_PICKLE).build();
        for (int p = 0; p <= 5; p++) {
            Path f = tmp.resolve("amb" + p + ".pkl");
            String auto = PythonRepr.repr(Pickle.loadAll(f, UnpicklerOptions.DEFAULT).get(1));
            assertEquals(p >= 4 ? "[3, [...]]" : "[3, [1, 2]]", auto, "protocol " + p);
            assertEquals("[3, [1, 2]]", PythonRepr.repr(Pickle.loadAll(f, onePickler).get(1)), "protocol " + p);
            if (p >= 4) {
                assertEquals("[3, [...]]", PythonRepr.repr(Pickle.loadAll(f, eachPickle).get(1)));
            } else {
                int protocol = p;
                assertThrows(dev.brine.BrineException.class, () -> Pickle.loadAll(f, eachPickle), "protocol " + protocol);
            }
        }
        // once the stream has shown itself to be one Pickler's, such a pickle reads with the memo
        String shown = new String(Python.check("""
                import pickle, sys
                x = [1, 2]
                with open(sys.argv[1] + '/shown4.pkl', 'wb') as f:
                    w = pickle.Pickler(f, 4)
                    w.dump(x)
                    w.dump(x)
                    w.dump([3, x])
                with open(sys.argv[1] + '/shown4.pkl', 'rb') as f:
                    u = pickle.Unpickler(f)
                    print('\\t'.join(repr(u.load()) for _ in range(3)))
                """, new byte[0], tmp.toString()), StandardCharsets.UTF_8).strip();
        assertEquals(shown, reprs(Pickle.loadAll(tmp.resolve("shown4.pkl"), UnpicklerOptions.DEFAULT)));
    }

    /**
     * A pickle at protocol 4 that places its entries with BINPUT (pickle.py no longer writes it there, other
     * writers may) keeps them at their own indices in the memo a later pickle refers back to, as CPython's
     * Unpickler has them; MEMOIZE's entries follow the earlier pickles' entries. A pickle that places
     * entries both ways leaves only its own entries behind, and the pickle after it that refers further
     * back says so.
     */
    @Test
    void atProtocol4EntriesPutByIndexStayAtTheirIndexForLaterPickles() throws Exception {
        String out = new String(Python.check("""
                import pickle, sys
                first = b'\\x80\\x04\\x8c\\x01a\\x94.'                  # memo[0] = 'a' (MEMOIZE)
                by_index = b'\\x80\\x04\\x8c\\x01bq\\x05.'              # memo[5] = 'b' (BINPUT 5)
                by_count = b'\\x80\\x04\\x8c\\x01c\\x94.'               # memo[len(memo)] = 'c'
                both = b'\\x80\\x04\\x8c\\x01dq\\x07\\x8c\\x01e\\x94.'  # memo[7] = 'd', then 'e' by count
                # MEMOIZE numbers by the memo's length (entries, not the highest index): 'c' is memo[2]
                back = b'\\x80\\x04(h\\x00h\\x05h\\x02l.'           # [memo[0], memo[5], memo[2]]
                back_both = b'\\x80\\x04(h\\x00h\\x07h\\x02l.'      # [memo[0], memo[7], memo[2]]
                streams = {'put': first + by_index + by_count + back, 'both': first + both + back_both}
                for name, data in streams.items():
                    with open(sys.argv[1] + '/' + name + '.pkl', 'wb') as f:
                        f.write(data)
                    with open(sys.argv[1] + '/' + name + '.pkl', 'rb') as f:
                        u = pickle.Unpickler(f)
                        print('\\t'.join(repr(u.load()) for _ in range(3 if name == 'both' else 4)))
                """, new byte[0], tmp.toString()), StandardCharsets.UTF_8);
        List<String> lines = out.lines().toList();
        assertEquals("'a'\t'b'\t'c'\t['a', 'b', 'c']", lines.get(0), "CPython's reading, as this test expects it");
        assertEquals("'a'\t'e'\t['a', 'd', 'e']", lines.get(1), "CPython's reading, as this test expects it");
        assertEquals(lines.get(0), reprs(Pickle.loadAll(tmp.resolve("put.pkl"), UnpicklerOptions.DEFAULT)));
        assertEquals(lines.get(0), reprs(Pickle.loadAll(Files.readAllBytes(tmp.resolve("put.pkl")),
                UnpicklerOptions.DEFAULT)));
        UnpicklerOptions onePickler = UnpicklerOptions.builder()
                .streamMemo(UnpicklerOptions.StreamMemo.ONE_PICKLER).build();
        assertEquals(lines.get(1), reprs(Pickle.loadAll(tmp.resolve("both.pkl"), onePickler)));
        dev.brine.BrineException e = assertThrows(dev.brine.BrineException.class,
                () -> Pickle.loadAll(tmp.resolve("both.pkl"), UnpicklerOptions.DEFAULT));
        assertTrue(e.getMessage().contains("both by PUT and by MEMOIZE"), e.getMessage());
    }
}
