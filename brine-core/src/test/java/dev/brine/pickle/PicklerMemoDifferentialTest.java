package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * One Pickler, several dumps and a clear_memo, against CPython's {@code pickle.Pickler} doing the
 * same: a later dump refers to objects of an earlier one by memo index, and after
 * {@link Pickler#clearMemo()} numbering starts again. The data are records whose dicts share their
 * key strings, in the same and in changing positions, with more keys than the pickler remembers by
 * position, non-string keys, nested dicts and dicts of more than one batch, so that the pickler's
 * shortcut for a key that the previous dict had at the same position ({@code saveRecentKey}) is
 * crossed with every way its remembered memo index could go stale; and all of it again with a
 * {@code persistent_id} hook that claims two of the keys, which the shortcut must not skip.
 */
class PicklerMemoDifferentialTest {
    private static final String SCRIPT = String.join("\n",
            "import io, pickle, struct, sys",
            "keys = ['id', 'name', 'score', 'tags', 'active', 'k5', 'k6', 'k7', 'k8', 'k9']",
            "def record(i):",
            "    ks = keys[:5 + i % 6] if i % 7 else list(reversed(keys[:5]))",
            "    d = {k: (i * 31 + j if j % 2 else 'v%d' % (i + j)) for j, k in enumerate(ks)}",
            "    if i % 11 == 0: d[i] = 'int key'",
            "    if i % 13 == 0: d[('tuple', i)] = {'id': i, 'nested': {'name': 'n'}}",
            "    return d",
            "first = [record(i) for i in range(300)] + [{('k%d' % j): j for j in range(1500)}, {'id': 1}, {'name': 2, 'id': 3}]",
            // starts and ends with records like first's first: the dict before and after clear_memo share their keys
            "second = [dict(d) for d in first[:300:2]]",
            "both = (first, second)",
            "out = sys.stdout.buffer",
            "class Hooked(pickle.Pickler):",
            "    def persistent_id(self, obj):",
            "        return 'pid:' + obj if type(obj) is str and obj in ('name', 'k7') else None",
            "for hooked in (False, True):",
            "    for proto in range(6):",
            "        f = io.BytesIO()",
            "        p = (Hooked if hooked else pickle.Pickler)(f, proto)",
            "        p.dump(first); p.dump(second); p.clear_memo(); p.dump(second); p.dump(first)",
            "        for blob in (pickle.dumps(both, proto), f.getvalue()):",
            "            out.write(struct.pack('<i', len(blob)) + blob)",
            "");

    @Test
    void dumpsAndClearMemoNumberAsCPythonsPickler() throws IOException {
        Python.require();
        ByteBuffer all = ByteBuffer.wrap(Python.check(SCRIPT, new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
        int runs = 0;
        while (all.hasRemaining()) {
            int proto = runs % 6;
            boolean hooked = runs++ >= 6;
            Tuple both = (Tuple) Pickle.loads(next(all)); // the same sharing of keys and values as CPython's objects
            byte[] expected = next(all);
            Object first = both.get(0);
            Object second = both.get(1);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            PicklerOptions.Builder options = PicklerOptions.builder().protocol(proto);
            if (hooked) { // the hook must see every key, even one the pickler remembers
                options.persistentId(obj -> obj instanceof String && (obj.equals("name") || obj.equals("k7")) ? "pid:" + obj : null);
            }
            Pickler p = new Pickler(stream, options.build());
            p.dump(first);
            p.dump(second);
            p.clearMemo();
            p.dump(second);
            p.dump(first);
            assertArrayEquals(expected, stream.toByteArray(), "protocol " + proto + (hooked ? ", persistent_id hook" : ""));
        }
        assertEquals(12, runs);
    }

    private static byte[] next(ByteBuffer all) {
        byte[] blob = new byte[all.getInt()];
        all.get(blob);
        return blob;
    }
}
