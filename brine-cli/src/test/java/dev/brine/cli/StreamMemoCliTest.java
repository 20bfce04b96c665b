package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs on files of several pickles, written by {@code pickle.dump} in a loop (each with a memo of
 * its own) and by one {@code Pickler} with several dumps (one memo across them), against CPython reading
 * each the matching way: show prints what repeated {@code pickle.load} or one {@code Unpickler} reads,
 * verify accepts both, convert writes both back byte for byte (one Pickler's dumps with one Pickler),
 * {@code dis --all -m} lists one Pickler's dumps as {@code pickletools.dis} with one memo does.
 */
class StreamMemoCliTest {
    @TempDir
    Path tmp;

    private static final String WRITE = """
            import pickle, sys, io, pickletools
            x = ['c', 2]
            d = {'k': x, 'j': 'k'}
            objects = [x, x, [x, x], d, [d, 'k'], ('t', x)]
            for p in (2, 4, 5):
                with open(sys.argv[1] + '/one%d.pkl' % p, 'wb') as f:
                    w = pickle.Pickler(f, p)
                    for o in objects:
                        w.dump(o)
                with open(sys.argv[1] + '/each%d.pkl' % p, 'wb') as f:
                    for o in objects:
                        pickle.dump(o, f, p)
                with open(sys.argv[1] + '/one%d.pkl' % p, 'rb') as f:
                    u = pickle.Unpickler(f)
                    print('\\t'.join(repr(u.load()) for _ in objects))
                    data = f.seek(0) or f.read()
                out, src, memo = io.StringIO(), io.BytesIO(data), {}
                while src.tell() < len(data):
                    pickletools.dis(src, out, memo)
                with open(sys.argv[1] + '/one%d.dis' % p, 'w') as f:
                    f.write(out.getvalue())
            """;

    private static String shown(String tabbed) {
        String[] reprs = tabbed.split("\t");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < reprs.length; i++) {
            sb.append("# object ").append(i + 1).append(" of ").append(reprs.length).append('\n').append(reprs[i]).append('\n');
        }
        return sb.toString();
    }

    @Test
    void theVerbsReadOnePicklersDumpsAsOneUnpicklerAndPickleDumpsAsRepeatedLoads() throws Exception {
        Python.require();
        String[] persistent = new String(Python.check(WRITE, new byte[0], tmp.toString()), StandardCharsets.UTF_8)
                .strip().split("\n");
        int i = 0;
        for (int p : new int[] {2, 4, 5}) {
            String expected = shown(persistent[i++]);
            for (String kind : new String[] {"one", "each"}) {
                Path f = tmp.resolve(kind + p + ".pkl");
                CliTest.Run show = CliTest.run("show", f.toString());
                assertEquals(0, show.status(), show.err());
                assertEquals(expected, show.out(), kind + ", protocol " + p);
                CliTest.Run verify = CliTest.run("verify", f.toString());
                assertEquals(0, verify.status(), verify.err());
                assertEquals(f + ": ok (pickle, 6 items)\n", verify.out());
                assertEquals(0, CliTest.run("ls", f.toString()).status());
                Path out = tmp.resolve(kind + p + ".out.pkl");
                CliTest.Run convert = CliTest.run("convert", f.toString(), out.toString(), "--protocol", String.valueOf(p));
                assertEquals(0, convert.status(), convert.err());
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(out), kind + ", protocol " + p);
            }
            Path one = tmp.resolve("one" + p + ".pkl");
            CliTest.Run dis = CliTest.run("dis", "--all", one.toString());
            assertEquals(1, dis.status());
            assertTrue(dis.err().contains("has never been stored into (pickles written by one Pickler share its memo:"
                    + " try --memo)"), dis.err());
            CliTest.Run disMemo = CliTest.run("dis", "--all", "--memo", one.toString());
            assertEquals(0, disMemo.status(), disMemo.err());
            assertEquals(Files.readString(tmp.resolve("one" + p + ".dis")), disMemo.out(), "protocol " + p);
        }
    }

    /** CPython's one Pickler at {@code protocol}: {@code x = [1, 2]}, then {@code [3, x]}, sharing its memo. */
    private Path xThenAListHoldingX(String name, int protocol) throws Exception {
        Python.require();
        Python.check("""
                import pickle, sys
                x = [1, 2]
                with open(sys.argv[1], 'wb') as f:
                    w = pickle.Pickler(f, int(sys.argv[2]))
                    w.dump(x)
                    w.dump([3, x])
                """, new byte[0], tmp.resolve(name).toString(), String.valueOf(protocol));
        return tmp.resolve(name);
    }

    /** At protocol 4+ a reference back may also be one of the pickle's own: --memo says one Pickler wrote them. */
    @Test
    void memoReadsOnePicklersDumpsWhenThePicklesCannotTell() throws Exception {
        Path f = xThenAListHoldingX("amb.pkl", 4);
        assertEquals("# object 1 of 2\n[1, 2]\n# object 2 of 2\n[3, [...]]\n", CliTest.run("show", f.toString()).out());
        assertEquals("# object 1 of 2\n[1, 2]\n# object 2 of 2\n[3, [1, 2]]\n",
                CliTest.run("show", "--memo", f.toString()).out());
        Path out = tmp.resolve("amb.out.pkl");
        assertEquals(0, CliTest.run("convert", "-m", f.toString(), out.toString(), "--protocol", "4").status());
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(out));
        assertEquals(0, CliTest.run("verify", "--memo", f.toString()).status());
    }

    /**
     * One Pickler's dumps at protocol 2 (each memo entry numbered), converted to protocol 5, where a
     * reference back may read as one to the pickle's own entry: convert says so.
     */
    @Test
    void convertWarnsWhenOnePicklersDumpsGoToProtocolFourOrMore() throws Exception {
        Path f = xThenAListHoldingX("p2.pkl", 2);
        CliTest.Run low = CliTest.run("convert", f.toString(), tmp.resolve("p3.pkl").toString(), "--protocol", "3");
        assertEquals(0, low.status(), low.err());
        assertEquals("", low.err());
        CliTest.Run high = CliTest.run("convert", f.toString(), tmp.resolve("p5.pkl").toString(), "--protocol", "5");
        assertEquals(0, high.status(), high.err());
        org.junit.jupiter.api.Assertions.assertTrue(high.err().contains("sharing its memo") && high.err().contains("--memo"),
                high.err());
        assertEquals("# object 1 of 2\n[1, 2]\n# object 2 of 2\n[3, [1, 2]]\n",
                CliTest.run("show", "--memo", tmp.resolve("p5.pkl").toString()).out());
    }
}
