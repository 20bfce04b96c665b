package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sequences of calls on one {@link Unpickler} over a stream, against the same calls on one CPython
 * {@code pickle.Unpickler} over the same bytes: the caller reading or moving the stream between loads,
 * {@link Unpickler#hasNext()} between them, a load after the end of a file that then grows, a frame
 * whose STOP comes early, and the end of the input told apart from a damaged pickle. Each kind of
 * stream the reader handles its own way: a {@link FileInputStream} (repositioned), streams with
 * mark/reset, streams that can do neither (read no further than needed), a byte array and a channel.
 */
class UnpicklerSequenceDifferentialTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void python() {
        Python.require();
    }

    interface Opener {
        InputStream open(Path file) throws IOException;
    }

    /** Every kind of stream, by name. */
    private static Map<String, Opener> streams() {
        Map<String, Opener> kinds = new LinkedHashMap<>();
        kinds.put("FileInputStream", f -> new FileInputStream(f.toFile()));
        kinds.put("BufferedInputStream", f -> new BufferedInputStream(new FileInputStream(f.toFile())));
        kinds.put("BufferedInputStream(7)", f -> new BufferedInputStream(new FileInputStream(f.toFile()), 7));
        kinds.put("ByteArrayInputStream", f -> new ByteArrayInputStream(Files.readAllBytes(f)));
        kinds.put("Files.newInputStream", Files::newInputStream);
        kinds.put("no mark/reset", f -> UnpicklerBadInputTest.noMark(new FileInputStream(f.toFile())));
        return kinds;
    }

    /** The streams {@link Unpickler#hasNext()} can give back what it read to. */
    private static final List<String> GIVE_BACK = List.of("FileInputStream", "BufferedInputStream",
            "BufferedInputStream(7)", "ByteArrayInputStream");

    /** Pickles each followed by an 8-byte tag the caller reads itself; what one Unpickler over a raw file reads. */
    private static final String RECORDS = """
            import pickle, sys
            path = sys.argv[1]
            with open(path, 'wb') as f:
                for i in range(4):
                    pickle.dump({'rec': i, 'pad': 'y' * (50 + 7000 * i)}, f, 2 + i)
                    f.write(b'TAG-%04d' % i)
            f = open(path, 'rb', buffering=0)
            u = pickle.Unpickler(f)
            for i in range(4):
                print(u.load()['rec'], f.read(8).decode())
            print(repr(f.read()))
            """;

    /**
     * The caller reads its tag from the stream after each load (and, on the streams that can give back what
     * they read, after asking hasNext()): it gets the tag, and the next load the next pickle, as from one
     * CPython Unpickler over an unbuffered file. (A FileInputStream was once set to where reading began plus
     * the bytes the Unpickler had read, which ignored the caller's reads: the tag came back as pickle bytes.)
     */
    @Test
    void theCallerReadsBetweenLoadsAsFromCPythonsUnpickler() throws IOException {
        Path file = tmp.resolve("records.bin");
        String expected = Python.checkText(RECORDS, file);
        for (Map.Entry<String, Opener> kind : streams().entrySet()) {
            for (boolean askHasNext : new boolean[] {false, true}) {
                if (askHasNext && !GIVE_BACK.contains(kind.getKey())) {
                    continue; // hasNext() keeps the byte it read there (see its Javadoc)
                }
                StringBuilder got = new StringBuilder();
                try (InputStream in = kind.getValue().open(file)) {
                    Unpickler u = new Unpickler(in, UnpicklerOptions.DEFAULT);
                    for (int i = 0; i < 4; i++) {
                        Object rec = ((Map<?, ?>) u.load()).get("rec");
                        if (askHasNext) {
                            assertTrue(u.hasNext(), kind.getKey());
                        }
                        got.append(rec).append(' ').append(new String(in.readNBytes(8), StandardCharsets.ISO_8859_1))
                                .append('\n');
                    }
                    got.append(in.readAllBytes().length == 0 ? "b''" : "more").append('\n');
                    assertThrows(EndOfPicklesException.class, u::load, kind.getKey());
                }
                assertEquals(expected, got.toString(), kind.getKey() + (askHasNext ? " asking hasNext()" : ""));
            }
        }
    }

    private static final String SEEK = """
            import pickle, sys
            path = sys.argv[1]
            starts = []
            with open(path, 'wb') as f:
                for i in range(3):
                    starts.append(f.tell())
                    pickle.dump(['rec', i, 'z' * 100 * i], f, 4)
                    f.write(b'TAG-%04d' % i)
            f = open(path, 'rb', buffering=0)
            u = pickle.Unpickler(f)
            for i in (2, 0, 1, 2):
                f.seek(starts[i])
                print(starts[i], u.load()[1], f.read(8).decode())
            """;

    /** An index of where each pickle starts: the caller seeks the FileInputStream's file before each load. */
    @Test
    void theCallerSeeksAFileInputStreamBetweenLoadsAsFromCPythonsUnpickler() throws IOException {
        Path file = tmp.resolve("indexed.bin");
        String expected = Python.checkText(SEEK, file);
        StringBuilder got = new StringBuilder();
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            Unpickler u = new Unpickler(in, UnpicklerOptions.DEFAULT);
            for (String line : expected.strip().split("\n")) {
                long start = Long.parseLong(line.split(" ")[0]);
                in.getChannel().position(start);
                List<?> rec = (List<?>) u.load();
                got.append(start).append(' ').append(rec.get(1)).append(' ')
                        .append(new String(in.readNBytes(8), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        assertEquals(expected, got.toString());
    }

    /** PROTO 4, FRAME(6) {K1. K2.}, K3.: a STOP before its frame's end; what CPython reads of it. */
    private static final String FRAME_REST = """
            import io, pickle, struct, sys
            body = b'K\\x01.K\\x02.'
            data = b'\\x80\\x04\\x95' + struct.pack('<Q', len(body)) + body + b'K\\x03.'
            path = sys.argv[1]
            open(path, 'wb').write(data)
            def loads(f, one):
                u = pickle.Unpickler(f)
                out = []
                while True:
                    try:
                        out.append(u.load() if one else pickle.load(f))
                    except EOFError:
                        return out
                    out.append(f.tell())
            print('Unpickler', loads(open(path, 'rb', buffering=0), True), loads(io.BytesIO(data), True),
                  loads(io.BufferedReader(io.BytesIO(data)), True))
            print('pickle.load', loads(open(path, 'rb', buffering=0), False), loads(io.BytesIO(data), False))
            """;

    /**
     * One CPython Unpickler keeps the rest of a frame after an early STOP in its buffer and its next load()
     * reads it: [1, 2, 3] from any file. So does one Brine Unpickler from every source (it skipped the rest:
     * [1, 3]). The stream is left after the frame, which CPython's reader consumed whole: repeated
     * pickle.load calls (a fresh unpickler each) on a raw file or a BytesIO read [1, 3], and so do repeated
     * Pickle.load calls on every stream. (CPython's BufferedReader, read with peek, is left after STOP.)
     */
    @Test
    void theRestOfAFrameAfterAnEarlyStopIsReadByTheSameUnpickler() throws IOException {
        Path file = tmp.resolve("frame-rest.pkl");
        String[] lines = Python.checkText(FRAME_REST, file).strip().split("\n");
        assertEquals("Unpickler [1, 17, 2, 17, 3, 20] [1, 17, 2, 17, 3, 20] [1, 14, 2, 17, 3, 20]", lines[0]);
        assertEquals("pickle.load [1, 17, 3, 20] [1, 17, 3, 20]", lines[1]);
        byte[] data = Files.readAllBytes(file);
        String oneUnpickler = "[1, 2, 3]";
        assertEquals(oneUnpickler, loadsOf(new Unpickler(data, UnpicklerOptions.DEFAULT)), "byte array");
        try (var channel = Files.newByteChannel(file)) {
            assertEquals(oneUnpickler, loadsOf(new Unpickler(channel, UnpicklerOptions.DEFAULT)), "channel");
        }
        assertEquals(oneUnpickler, PythonRepr.repr(Pickle.loadAll(data, UnpicklerOptions.DEFAULT)), "Pickle.loadAll");
        for (Map.Entry<String, Opener> kind : streams().entrySet()) {
            try (InputStream in = kind.getValue().open(file)) {
                assertEquals(oneUnpickler, loadsOf(new Unpickler(in, UnpicklerOptions.DEFAULT)), kind.getKey());
            }
            try (InputStream in = kind.getValue().open(file)) {
                List<Object> fresh = new ArrayList<>();
                while (true) {
                    try {
                        fresh.add(Pickle.load(in));
                    } catch (EndOfPicklesException e) {
                        break;
                    }
                }
                assertEquals("[1, 3]", PythonRepr.repr(fresh), kind.getKey() + ": Pickle.load again and again");
            }
        }
        // the raw file is where CPython's is after each load of one Unpickler: after the frame, then after K3.
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            Unpickler u = new Unpickler(in, UnpicklerOptions.DEFAULT);
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                out.add(u.load());
                out.add(in.getChannel().position());
            }
            assertEquals(lines[0].substring("Unpickler ".length(), lines[0].indexOf(']') + 1), PythonRepr.repr(out));
        }
    }

    private static String loadsOf(Unpickler u) throws IOException {
        List<Object> out = new ArrayList<>();
        while (u.hasNext()) {
            out.add(u.load());
        }
        assertThrows(EndOfPicklesException.class, u::load);
        return PythonRepr.repr(out);
    }

    private static final String GROW = """
            import pickle, sys
            path = sys.argv[1]
            for buffering in (0, -1):
                w = open(path, 'wb', buffering=0)
                w.write(pickle.dumps('first', 2))
                u = pickle.Unpickler(open(path, 'rb', buffering=buffering))
                out = [u.load()]
                try:
                    out.append(u.load())
                except EOFError:
                    out.append('EOFError')
                w.write(pickle.dumps('second', 2))
                out.append(u.load())
                try:
                    out.append(u.load())
                except EOFError:
                    out.append('EOFError')
                print(out)
            """;

    /**
     * A file that grows after the reader met its end (a writer appends a pickle, a log being tailed): one
     * CPython Unpickler's next load() reads the new pickle, from a raw and a buffered file. One Brine
     * Unpickler once never read its stream again after its end.
     */
    @Test
    void aLoadAfterTheEndReadsAPickleAppendedSince() throws IOException {
        Path file = tmp.resolve("grow.pkl");
        String[] expected = Python.checkText(GROW, file).strip().split("\n");
        assertEquals(expected[0], expected[1]);
        Map<String, Opener> kinds = streams();
        kinds.remove("ByteArrayInputStream"); // holds the bytes it was made with
        for (Map.Entry<String, Opener> kind : kinds.entrySet()) {
            Files.write(file, Pickle.dumps("first", 2));
            try (InputStream in = kind.getValue().open(file)) {
                assertEquals(expected[0], grow(new Unpickler(in, UnpicklerOptions.DEFAULT), file), kind.getKey());
            }
        }
        Files.write(file, Pickle.dumps("first", 2));
        try (var channel = Files.newByteChannel(file)) {
            assertEquals(expected[0], grow(new Unpickler(channel, UnpicklerOptions.DEFAULT), file), "channel");
        }
    }

    private static String grow(Unpickler u, Path file) throws IOException {
        List<Object> out = new ArrayList<>();
        out.add(u.load());
        assertFalse(u.hasNext());
        try {
            out.add(u.load());
        } catch (EndOfPicklesException e) {
            out.add("EOFError");
        }
        Files.write(file, Pickle.dumps("second", 2), StandardOpenOption.APPEND);
        assertTrue(u.hasNext(), "hasNext() after the file grew");
        out.add(u.load());
        try {
            out.add(u.load());
        } catch (EndOfPicklesException e) {
            out.add("EOFError");
        }
        return PythonRepr.repr(out);
    }

    private static final String ENDS = """
            import io, pickle, sys
            good = pickle.dumps([1, 2], 2) + pickle.dumps('two', 2)
            cases = [good, good + b'\\x80\\x02\\xff', good + b'\\x80\\x02X\\x05\\x00\\x00\\x00ab', good + b'\\x80']
            for data in cases:
                f = io.BytesIO(data)
                out = []
                while True:
                    try:
                        out.append(pickle.load(f))
                    except Exception as e:
                        out.append(type(e).__name__)
                        break
                print(data.hex(), repr(out))
            """;

    /**
     * The end of the input is an EndOfPicklesException (CPython's EOFError), a damaged or truncated pickle
     * after it an UnpicklingException of another class (CPython's UnpicklingError): a loop that reads until
     * the end no longer takes a bad pickle for the end of the data.
     */
    @Test
    void theEndOfTheInputIsToldApartFromABadPickleAsCPythonTellsThem() throws IOException {
        String[] lines = Python.checkText(ENDS).strip().split("\n");
        assertEquals(4, lines.length);
        for (String line : lines) {
            byte[] data = java.util.HexFormat.of().parseHex(line.split(" ")[0]);
            String expected = line.substring(line.indexOf(' ') + 1);
            ByteArrayInputStream in = new ByteArrayInputStream(data);
            List<Object> out = new ArrayList<>();
            while (true) {
                try {
                    out.add(Pickle.load(in));
                } catch (EndOfPicklesException e) {
                    out.add("EOFError");
                    break;
                } catch (UnpicklingException e) {
                    out.add("UnpicklingError");
                    break;
                }
            }
            assertEquals(expected, PythonRepr.repr(out), line);
            Unpickler u = new Unpickler(data, UnpicklerOptions.DEFAULT);
            u.load();
            u.load();
            UnpicklingException e = assertThrows(UnpicklingException.class, u::load);
            assertEquals(expected.contains("EOFError"), e instanceof EndOfPicklesException, e.getMessage());
        }
        // a file's name in front of the message keeps the class
        Path empty = tmp.resolve("empty.pkl");
        Files.write(empty, new byte[0]);
        BrineException e = assertThrows(BrineException.class, () -> Pickle.load(empty));
        assertInstanceOf(EndOfPicklesException.class, e, e.getMessage());
        assertTrue(e.getMessage().startsWith(empty.toString()), e.getMessage());
    }
}
