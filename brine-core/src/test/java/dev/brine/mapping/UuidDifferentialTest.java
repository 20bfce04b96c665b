package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Python's {@code uuid.UUID} reads as {@link UUID} and a {@link UUID} writes as CPython writes the UUID, at every
 * protocol (NEWOBJ and BUILD from 2, {@code copyreg._reconstructor} below). A state no UUID of CPython's gives stays
 * an inert object written back byte for byte. Oracle: CPython's {@code pickle} and {@code uuid}, run live.
 */
class UuidDifferentialTest {
    /** The UUIDs the tests send both ways: the edges of the 128 bits, one that fits a Long, and random ones. */
    private static List<UUID> uuids() {
        List<UUID> list = new ArrayList<>(List.of(new UUID(0, 0), new UUID(-1, -1), new UUID(0, 5),
                new UUID(0, Long.MAX_VALUE), new UUID(0, Long.MIN_VALUE), new UUID(Long.MIN_VALUE, 0),
                UUID.fromString("12345678-1234-5678-1234-567812345678")));
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            list.add(new UUID(random.nextLong(), random.nextLong()));
        }
        return list;
    }

    @Test
    void aUuidIsWrittenAsCPythonWritesItAndReadBackAsAUuid() throws IOException {
        Python.require();
        List<UUID> uuids = uuids();
        List<Object> value = new ArrayList<>(uuids);
        value.add(java.util.Collections.singletonMap(uuids.get(1), "key")); // a dict key: whole before SETITEM
        value.add(uuids.get(6)); // the same UUID again: one object, a memo reference
        StringBuilder script = new StringBuilder("import pickle, struct, sys, uuid\nus = [");
        for (UUID u : uuids) {
            script.append("uuid.UUID('").append(u).append("'), ");
        }
        script.append("]\nvalue = us + [{us[1]: 'key'}, us[6]]\nout = sys.stdout.buffer\n"
                + "for proto in range(6):\n"
                + "    blob = pickle.dumps(value, proto)\n"
                + "    out.write(struct.pack('<i', len(blob)) + blob)\n");
        ByteBuffer all = ByteBuffer.wrap(Python.check(script.toString(), new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
        for (int proto = 0; proto <= 5; proto++) {
            byte[] expected = next(all);
            assertArrayEquals(expected, Pickle.dumps(value, PicklerOptions.builder().protocol(proto).build()), "protocol " + proto);
            // strict: uuid.UUID is one of the builtins
            List<?> read = (List<?>) Pickle.loads(expected, UnpicklerOptions.DEFAULT);
            assertEquals(value, read, "protocol " + proto);
            assertSame(read.get(6), read.get(read.size() - 1), "protocol " + proto);
        }
        assertEquals("UUID('12345678-1234-5678-1234-567812345678')", PythonRepr.repr(uuids.get(6)));
    }

    /**
     * CPython's UUIDs that know their safety (uuid1 here) pickle an {@code is_safe} of 0 or -1: read as the UUID,
     * which Python finds equal to the one Brine writes back (without it).
     */
    @Test
    void aUuidThatKnowsItsSafetyReadsAsTheUuidAndWritesBackEqualInPython() throws IOException {
        Python.require();
        String script = String.join("\n",
                "import pickle, struct, sys, uuid",
                "us = [uuid.UUID(int=5, is_safe=uuid.SafeUUID.safe), uuid.UUID(int=2**127 + 3, is_safe=uuid.SafeUUID.unsafe),",
                "      uuid.uuid1()]",
                "out = sys.stdout.buffer",
                "for proto in range(6):",
                "    blob = pickle.dumps(us, proto)",
                "    out.write(struct.pack('<i', len(blob)) + blob)",
                "");
        ByteBuffer all = ByteBuffer.wrap(Python.check(script, new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
        for (int proto = 0; proto <= 5; proto++) {
            byte[] blob = next(all);
            List<?> read = (List<?>) Pickle.loads(blob);
            assertEquals(new UUID(0, 5), read.get(0));
            assertEquals(new UUID(Long.MIN_VALUE, 3), read.get(1));
            assertInstanceOf(UUID.class, read.get(2));
            byte[] back = Pickle.dumps(read, PicklerOptions.builder().protocol(proto).build());
            String said = new String(Python.check("import pickle, sys\n"
                    + "a = pickle.loads(sys.stdin.buffer.read())\n"
                    + "b = pickle.loads(bytes.fromhex(sys.argv[1]))\n"
                    + "print(a == b, [u.is_safe.name for u in b], [u.is_safe.name for u in a][:2])\n",
                    blob, java.util.HexFormat.of().formatHex(back)), StandardCharsets.UTF_8).strip();
            assertEquals("True ['unknown', 'unknown', 'unknown'] ['safe', 'unsafe']", said, "protocol " + proto);
        }
    }

    /**
     * States CPython's UUID never writes (an int beyond 128 bits or negative, a str, an attribute more, an is_safe
     * SafeUUID refuses, no BUILD at all) stay inert objects of {@code uuid.UUID} that write back byte for byte.
     * The pickles name uuid.UUID while a stand-in class is bound to that name in the script.
     */
    @Test
    void aStateNoUuidGivesStaysAnInertObjectWrittenBackByteForByte() throws IOException {
        Python.require();
        String script = String.join("\n",
                "import copyreg, pickle, struct, sys, uuid",
                "class Fake:",
                "    def __init__(self, state): self.state = state",
                "    def __reduce__(self):",
                "        return (copyreg.__newobj__, (Fake,)) + ((self.state,) if self.state != 'none' else ())",
                "Fake.__module__, Fake.__name__, Fake.__qualname__ = 'uuid', 'UUID', 'UUID'",
                "states = [{'int': -1}, {'int': 2**128}, {'int': '5'}, {'int': 5, 'extra': 1}, {'int': 5, 'is_safe': 7},",
                "          {'is_safe': 0}, [5], 'none']",
                "uuid.UUID = Fake",
                "out = sys.stdout.buffer",
                "for proto in range(2, 6):",
                "    for s in states:",
                "        blob = pickle.dumps(Fake(s), proto)",
                "        out.write(struct.pack('<i', len(blob)) + blob)",
                "");
        ByteBuffer all = ByteBuffer.wrap(Python.check(script, new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        for (int proto = 2; proto <= 5; proto++) {
            for (int i = 0; i < 8; i++, count++) {
                byte[] blob = next(all);
                GenericObject g = assertInstanceOf(GenericObject.class, Pickle.loads(blob), "protocol " + proto + ", state " + i);
                assertEquals("uuid.UUID", g.type().toString());
                assertEquals(i < 7, g.hasState());
                assertArrayEquals(blob, Pickle.dumps(g, PicklerOptions.builder().protocol(proto).build()),
                        "protocol " + proto + ", state " + i);
            }
        }
        assertEquals(32, count);
    }

    private static byte[] next(ByteBuffer all) {
        byte[] blob = new byte[all.getInt()];
        all.get(blob);
        return blob;
    }
}
