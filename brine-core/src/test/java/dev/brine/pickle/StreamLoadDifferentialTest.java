package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Pickle.load(stream)} called again and again on one stream, as Python's {@code pickle.load(f)}
 * is called in a loop: CPython writes several pickles to one file (protocols 0 to 5, at 4 and 5 once
 * framed as it writes them and once with its FRAME opcodes taken out), then reads them back with
 * {@code pickle.load} on an unbuffered file ({@code open(path, 'rb', buffering=0)}, which has no
 * {@code peek}) and reports {@code f.tell()} after each. Brine must read the same pickles from every
 * kind of stream, each {@code Pickle.load} leaving the stream where CPython's left the file: a
 * {@link FileInputStream}, a {@link BufferedInputStream}, {@code Files.newInputStream}, a stream
 * without mark/reset, and one that hands out a few bytes per read as pipes do.
 */
class StreamLoadDifferentialTest {
    /** Writes argv[1]; prints the offset after each pickle.load of it, as an unbuffered file reads it. */
    private static final String WRITER = String.join("\n",
            "import pickle, pickletools, sys",
            "def unframed(data):",
            "    # a pickle is valid without its FRAME opcodes (frames are optional): cut each one out",
            "    cuts = [pos for op, arg, pos in pickletools.genops(data) if op.name == 'FRAME']",
            "    out, last = bytearray(), 0",
            "    for pos in cuts:",
            "        out += data[last:pos]",
            "        last = pos + 9",
            "    return bytes(out + data[last:])",
            "values = [[1, 2], 'two', 3.0, None, {'k': (1, 'v'), 'f': -0.5}, 'x' * 100000, list(range(30000)),",
            "          b'\\x00' * 70000, bytearray(b'ab' * 40000), 'h\\u00e9llo \\u4e16\\u754c', (True, 2 ** 70), []]",
            "with open(sys.argv[1], 'wb') as f:",
            "    for proto in range(6):",
            "        for v in values:",
            "            f.write(pickle.dumps(v, proto))",
            "        if proto >= 4:",
            "            for v in values:",
            "                f.write(unframed(pickle.dumps(v, proto)))",
            "ends = []",
            "with open(sys.argv[1], 'rb', buffering=0) as f:",
            "    while True:",
            "        try:",
            "            pickle.load(f)",
            "        except EOFError:",
            "            break",
            "        ends.append(f.tell())",
            "print(' '.join(map(str, ends)))");

    /** A stream without mark/reset that hands out at most a few bytes per read, as pipes and sockets may. */
    static InputStream trickle(InputStream in) {
        return new FilterInputStream(in) {
            private int n;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                n = n % 5 + 1;
                return super.read(b, off, Math.min(len, n));
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    /** A stream without mark/reset (not a FileInputStream either, so it cannot be repositioned). */
    static InputStream noMark(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    /** An opened stream, and how far its file has been read (null: not known, as under a BufferedInputStream). */
    record Opened(InputStream in, FileChannel file) {
        static Opened over(FileInputStream file, InputStream in) {
            return new Opened(in, file.getChannel());
        }
    }

    interface Opener {
        Opened open(Path file) throws IOException;
    }

    @Test
    void repeatedLoadsFromOneStreamReadEveryPickleAndStopWhereCPythonStops(@TempDir Path dir) throws IOException {
        Python.require();
        Path file = dir.resolve("several.pkl");
        String out = new String(Python.check(WRITER, new byte[0], file.toString()), StandardCharsets.UTF_8).strip();
        long[] ends = Arrays.stream(out.split(" ")).mapToLong(Long::parseLong).toArray();
        byte[] all = Files.readAllBytes(file);
        assertEquals(12 * 8, ends.length, "CPython read back every pickle it wrote");
        assertEquals(all.length, ends[ends.length - 1]);
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < ends.length; i++) {
            int start = i == 0 ? 0 : (int) ends[i - 1];
            expected.add(Pickle.loads(Arrays.copyOfRange(all, start, (int) ends[i])));
        }

        Map<String, Opener> sources = new LinkedHashMap<>();
        sources.put("FileInputStream", f -> {
            FileInputStream in = new FileInputStream(f.toFile());
            return Opened.over(in, in);
        });
        sources.put("BufferedInputStream", f -> new Opened(new BufferedInputStream(new FileInputStream(f.toFile())), null));
        sources.put("BufferedInputStream(7)", f -> new Opened(new BufferedInputStream(new FileInputStream(f.toFile()), 7), null));
        sources.put("Files.newInputStream", f -> {
            FileChannel ch = FileChannel.open(f); // what Files.newInputStream reads, made visible
            InputStream in = Channels.newInputStream(ch);
            try (InputStream probe = Files.newInputStream(f)) {
                assertEquals(probe.getClass(), in.getClass(), "the stream Files.newInputStream gives");
            }
            return new Opened(in, ch);
        });
        sources.put("no mark/reset", f -> {
            FileInputStream in = new FileInputStream(f.toFile());
            return Opened.over(in, noMark(in));
        });
        sources.put("a few bytes per read", f -> {
            FileInputStream in = new FileInputStream(f.toFile());
            return Opened.over(in, trickle(in));
        });
        for (Map.Entry<String, Opener> source : sources.entrySet()) {
            String name = source.getKey();
            Opened opened = source.getValue().open(file);
            try (InputStream in = opened.in()) {
                for (int i = 0; i < ends.length; i++) {
                    Object v = Pickle.load(in);
                    GraphAssert.assertGraph(new ExpectedGraph(), expected.get(i), v, name + ": pickle " + i);
                    if (opened.file() != null) {
                        assertEquals(ends[i], opened.file().position(), name + ": read no further than pickle " + i);
                    }
                }
                UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.load(in), name);
                assertTrue(e.getMessage().startsWith("no pickle: the input is empty or used up"), e.getMessage());
            }
            if (opened.file() != null) {
                continue;
            }
            // a stream whose file offset is hidden: what is left after k loads is the rest of the file
            for (int k : new int[] {1, 12 * 4 + 1, 12 * 6 + 5}) {
                try (InputStream in = source.getValue().open(file).in()) {
                    for (int i = 0; i < k; i++) {
                        Pickle.load(in);
                    }
                    assertArrayEquals(Arrays.copyOfRange(all, (int) ends[k - 1], all.length), in.readAllBytes(),
                            name + ": the stream goes on right after pickle " + (k - 1));
                }
            }
        }
    }

    /**
     * A stream that cannot go back is read within the frame it is in: a frame that claims far more
     * bytes than there are is refused as truncated (as CPython's C reader refuses it) after reading
     * what there is, and nothing is allocated for the claimed length.
     */
    @Test
    void aHugeFrameOnAStreamThatCannotGoBackIsTruncationNotAnAllocation() {
        byte[] data = {(byte) 0x80, 4, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0, 0x10, 'K', 1, '.'};
        InputStream in = noMark(new ByteArrayInputStream(data));
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.load(in));
        assertTrue(e.getMessage().contains("pickle data was truncated"), e.getMessage());
    }
}
