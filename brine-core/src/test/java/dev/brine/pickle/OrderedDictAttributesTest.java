package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.OrderedDict;
import dev.brine.testing.Python;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OrderedDict instance attributes (the BUILD state of OrderedDict.__reduce__), as torch state dicts carry. */
class OrderedDictAttributesTest {
    private static final String MAKE = String.join("\n",
            "import pickle, sys, collections",
            "d = collections.OrderedDict([('w', 1), ('b', 2.5)])",
            "m = collections.OrderedDict(); m[''] = {'version': 1}",
            "d._metadata = m",
            "for proto in range(0, 6):",
            "    sys.stdout.buffer.write(pickle.dumps(d, protocol=proto).hex().encode() + b'\\n')");

    @Test
    void readsAndWritesAttributesLikeCPython() throws Exception {
        Python.require();
        String[] lines = new String(Python.check(MAKE, new byte[0]), java.nio.charset.StandardCharsets.UTF_8)
                .strip().split("\n");
        for (int proto = 0; proto < lines.length; proto++) {
            byte[] data = java.util.HexFormat.of().parseHex(lines[proto]);
            Object o = Pickle.loads(data);
            assertTrue(o instanceof OrderedDict, "protocol " + proto);
            OrderedDict<?, ?> d = (OrderedDict<?, ?>) o;
            assertEquals(Map.of("w", 1L, "b", 2.5), d);
            assertTrue(d.hasAttributes());
            Object meta = d.attributes().get("_metadata");
            assertTrue(meta instanceof OrderedDict);
            assertEquals(Map.of("", Map.of("version", 1L)), meta);
            assertArrayEquals(data, Pickle.dumps(o, proto), "protocol " + proto + " re-encodes byte for byte");
        }
    }

    @Test
    void withoutAttributesNothingChanges() throws Exception {
        OrderedDict<String, Long> d = new OrderedDict<>();
        d.put("a", 1L);
        byte[] p = Pickle.dumps(d, 2);
        OrderedDict<?, ?> back = (OrderedDict<?, ?>) Pickle.loads(p);
        assertEquals(d, back);
        assertTrue(!back.hasAttributes());
    }
}
