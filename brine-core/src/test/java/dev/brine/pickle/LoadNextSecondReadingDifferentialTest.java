package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Fifos;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Unpickler#loadNext()} reads a pickle first with an empty memo and, when that fails, again with
 * the memo the earlier pickles left (one Pickler's several dumps). Streams CPython's {@code pickle.Pickler}
 * wrote with several dumps, against one CPython {@code Unpickler} reading them: what the failed first
 * reading counted must not outlive it, the error of a pickle that is damaged is the one CPython reports,
 * and a stream that cannot be read again is refused with advice its reader can follow.
 */
class LoadNextSecondReadingDifferentialTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void python() {
        Python.require();
    }

    record Point(Object x, long y) {
    }

    record Other(Object x) {
    }

    private static final String SHAPES = """
            import dataclasses, pickle, sys, types
            m = types.ModuleType('shapes'); sys.modules['shapes'] = m
            @dataclasses.dataclass
            class Point:
                x: object
                y: int
            @dataclasses.dataclass
            class Other:
                x: object
            Point.__module__ = Other.__module__ = 'shapes'
            m.Point, m.Other = Point, Other
            path = sys.argv[1]
            with open(path, 'wb') as f:
                p = pickle.Pickler(f, 2)
                a = Point('a', 1)
                p.dump(a)
                p.dump(Other(a))  # made (NEWOBJ) before its state refers back to a: the first reading fails there
                big = list(range(100000))
                p.dump(big)
                for i in range(60):
                    p.dump([big, i])  # small pickles that refer back to the big list
            u = pickle.Unpickler(open(path, 'rb'))
            out = []
            while True:
                try:
                    out.append(u.load())
                except EOFError:
                    break
            print(len(out), out[1].x is out[0], out[-1][0] is out[2], out[-1][1], len(out[-1][0]))
            """;

    /**
     * A pickle whose first reading made an object (a stand-in BUILD gives its state later) before it failed:
     * the second reading, which succeeds, once inherited the first's count of stand-ins not yet built, so
     * every later pickle's STOP walked its whole value again and counted it against maxBytesRatio, and 60
     * small pickles referring to a big list exceeded it. One CPython Unpickler reads all 63.
     */
    @Test
    void aFailedFirstReadingLeavesNoStandInCountBehind() throws IOException {
        Path file = tmp.resolve("shapes.pkl");
        String expected = Python.checkText(SHAPES, file).strip();
        assertEquals("63 True True 59 100000", expected);
        ClassRegistry registry = ClassRegistry.builtins().toBuilder()
                .registerRecord("shapes", "Point", Point.class).registerRecord("shapes", "Other", Other.class).build();
        UnpicklerOptions options = UnpicklerOptions.builder().registry(registry).build();
        assertEquals(expected, summary(Pickle.loadAll(Files.readAllBytes(file), options)), "byte array");
        assertEquals(expected, summary(Pickle.loadAll(file, options)), "file");
    }

    private static String summary(List<Object> all) {
        List<?> last = (List<?>) all.get(all.size() - 1);
        return all.size() + " " + PythonRepr.repr(((Other) all.get(1)).x() == all.get(0)) + " "
                + PythonRepr.repr(last.get(0) == all.get(2)) + " " + last.get(1) + " " + ((List<?>) last.get(0)).size();
    }

    private static final String DAMAGED = """
            import io, pickle, sys
            x = [1, 2]
            f = io.BytesIO()
            p = pickle.Pickler(f, 2)
            p.dump(x)
            p.dump([x, 'zz'])
            second_end = len(f.getvalue())
            p.dump([x, 'zz', 'end'])
            data = bytearray(f.getvalue())
            data[second_end - 2] = 0xff  # the second pickle's APPENDS, after its reference back to x
            open(sys.argv[1], 'wb').write(data)
            u = pickle.Unpickler(io.BytesIO(bytes(data)))
            print(repr(u.load()))
            try:
                u.load()
            except pickle.UnpicklingError as e:
                print(e)
            """;

    /**
     * The second pickle of one Pickler's stream, damaged after its reference back to the first: its reading
     * with the earlier memo reaches the damage, which CPython's Unpickler reports ("invalid load key"); the
     * empty-memo reading stops earlier, at the reference. loadNext reported that one ("memo value not
     * found"), the real fault only suppressed; now the reading that got further is reported.
     */
    @Test
    void theErrorOfTheReadingThatGotFurtherIsReported() throws IOException {
        Path file = tmp.resolve("damaged.pkl");
        String[] expected = Python.checkText(DAMAGED, file).strip().split("\n");
        assertEquals("invalid load key, '\\xff'.", expected[1]);
        String fault = expected[1].substring(0, expected[1].length() - 1);
        Unpickler u = new Unpickler(Files.readAllBytes(file), UnpicklerOptions.DEFAULT);
        assertEquals(expected[0], PythonRepr.repr(u.loadNext()));
        UnpicklingException e = assertThrows(UnpicklingException.class, u::loadNext);
        assertTrue(e.getMessage().startsWith(fault), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().startsWith("memo value not found"), e.getSuppressed()[0].getMessage());
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            Unpickler c = new Unpickler(channel, UnpicklerOptions.DEFAULT);
            c.loadNext();
            UnpicklingException fromFile = assertThrows(UnpicklingException.class, c::loadNext);
            assertTrue(fromFile.getMessage().startsWith(fault), fromFile.getMessage());
        }
        UnpicklingException all = assertThrows(UnpicklingException.class,
                () -> Pickle.loadAll(file, UnpicklerOptions.DEFAULT));
        assertTrue(all.getMessage().contains(fault), all.getMessage());
    }

    private static final String ONE_PICKLER = """
            import io, pickle, sys
            x = [1, 2, 'abc']
            d = {'k': x, 'k2': 'abc'}
            t = ('abc', 3.5, b'xy')
            f = io.BytesIO()
            p = pickle.Pickler(f, 2)
            for v in (x, d, [x, d, t], t, [1, 2], [[1, 2], t]):
                p.dump(v)
            open(sys.argv[1], 'wb').write(f.getvalue())
            u = pickle.Unpickler(io.BytesIO(f.getvalue()))
            print(repr([u.load() for _ in range(6)]))
            """;

    /**
     * Pickle.loadAll(Path) of a pipe holding one Pickler's dumps cannot read a pickle twice: its refusal once
     * advised reading "a file (Pickle.loadAll)", which its caller was doing. It names the option that works,
     * streamMemo(ONE_PICKLER), and with it the pipe reads as one CPython Unpickler reads the stream.
     */
    @Test
    void aPipeOfOnePicklersDumpsIsRefusedNamingTheOptionThatReadsIt() throws Exception {
        Path file = tmp.resolve("one.pkl");
        String expected = Python.checkText(ONE_PICKLER, file).strip();
        byte[] data = Files.readAllBytes(file);
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Fifos.through(tmp, data, true, fifo -> Pickle.loadAll(fifo, UnpicklerOptions.DEFAULT)));
        assertTrue(e.getMessage().contains("UnpicklerOptions.streamMemo(ONE_PICKLER)"), e.getMessage());
        UnpicklerOptions onePickler = UnpicklerOptions.builder().streamMemo(UnpicklerOptions.StreamMemo.ONE_PICKLER).build();
        List<Object> all = Fifos.through(tmp, data, true, fifo -> Pickle.loadAll(fifo, onePickler));
        assertEquals(expected, PythonRepr.repr(all));
        assertSame(all.get(0), ((List<?>) all.get(2)).get(0), "one memo across the dumps");
    }
}
