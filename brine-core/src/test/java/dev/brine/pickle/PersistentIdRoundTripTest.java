package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.brine.py.PersistentId;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persistent ids read as themselves ({@code persistentLoader(PersistentId::new)}) and written back by the Pickler as
 * the same ids. Oracle: CPython's Pickler with a {@code persistent_id} writes the pickles (ids of str, int, tuple,
 * one id object reached twice, at protocols 0-5), and Brine's re-dump of what it read is the same bytes; CPython's
 * Unpickler with a {@code persistent_load} reads a pickle Brine wrote from Java values.
 */
class PersistentIdRoundTripTest {
    @TempDir
    Path tmp;

    private static final UnpicklerOptions AS_IDS = UnpicklerOptions.builder().persistentLoader(PersistentId::new).build();

    @Test
    void cpythonsPersistentIdsRoundTripByteForByte() throws Exception {
        Python.check(String.join("\n",
                "import io, pickle, sys",
                "class P(pickle.Pickler):",
                "    def persistent_id(self, o):",
                "        if isinstance(o, str) and o.startswith('@'): return 'ref:' + o[1:]",
                "        if isinstance(o, Ref): return o.key",
                "        return None",
                "class Ref:",
                "    def __init__(self, key): self.key = key",
                "shared = Ref(('db', 7))",
                "v = {'a': '@x', 'b': [1, '@y', '@x'], 'n': Ref(42), 's': shared, 't': (shared, 'k'), 'plain': 'x'}",
                "for proto in range(6):",
                "    v0 = {'a': '@x', 'b': [1, '@y', '@x'], 'plain': 'x'}  # PERSID takes ASCII str ids",
                "    b = io.BytesIO(); P(b, protocol=proto).dump(v0 if proto == 0 else v)",
                "    open(sys.argv[1] + '/p%d.pkl' % proto, 'wb').write(b.getvalue())",
                ""), new byte[0], tmp.toString());
        for (int proto = 0; proto <= 5; proto++) {
            byte[] original = Files.readAllBytes(tmp.resolve("p" + proto + ".pkl"));
            Map<?, ?> read = (Map<?, ?>) Pickle.loads(original, AS_IDS);
            assertEquals(new PersistentId("ref:x"), read.get("a"));
            assertInstanceOf(PersistentId.class, ((List<?>) read.get("b")).get(1));
            if (proto > 0) {
                assertEquals(new PersistentId(Tuple.of("db", 7L)), read.get("s"));
            }
            assertArrayEquals(original, Pickle.dumps(read, proto), "protocol " + proto);
        }
    }

    @Test
    void pythonResolvesTheIdsBrineWrites() throws Exception {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("w", new PersistentId("array_0"));
        v.put("list", new ArrayList<>(List.of(1L, new PersistentId(Tuple.of("db", 7L)))));
        for (int proto : new int[] {0, 2, 5}) {
            Object value = proto == 0 ? Map.of("w", new PersistentId("array_0")) : v;
            Path file = tmp.resolve("j" + proto + ".pkl");
            Files.write(file, Pickle.dumps(value, proto));
            String got = new String(Python.check(String.join("\n",
                    "import pickle, sys",
                    "class U(pickle.Unpickler):",
                    "    def persistent_load(self, pid): return ('resolved', pid)",
                    "print(U(open(sys.argv[1], 'rb')).load())", ""), new byte[0], file.toString()), StandardCharsets.UTF_8).strip();
            assertEquals(proto == 0 ? "{'w': ('resolved', 'array_0')}"
                    : "{'w': ('resolved', 'array_0'), 'list': [1, ('resolved', ('db', 7))]}", got);
        }
    }
}
