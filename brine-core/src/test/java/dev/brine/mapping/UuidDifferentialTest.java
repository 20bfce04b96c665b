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
     * The pickles name uuid.UUID while a stand-in class is bound to that name in the script; below protocol 2 they are
     * {@code copyreg._reconstructor(uuid.UUID, object, None)} and BUILD, as CPython writes an object there.
     */
    @Test
    void aStateNoUuidGivesStaysAnInertObjectWrittenBackByteForByte() throws IOException {
        Python.require();
        String script = String.join("\n",
                "import copyreg, pickle, struct, sys, uuid",
                "class Fake:",
                "    def __init__(self, state): self.state = state",
                "    def __reduce_ex__(self, proto):",
                "        made = (copyreg.__newobj__, (Fake,)) if proto >= 2 else (copyreg._reconstructor, (Fake, object, None))",
                "        return made + ((self.state,) if self.state != 'none' else ())",
                "Fake.__module__, Fake.__name__, Fake.__qualname__ = 'uuid', 'UUID', 'UUID'",
                "states = [{'int': -1}, {'int': 2**128}, {'int': '5'}, {'int': 5, 'extra': 1}, {'int': 5, 'is_safe': 7},",
                "          {'is_safe': 0}, [5], 'none']",
                "uuid.UUID = Fake",
                "out = sys.stdout.buffer",
                "for proto in range(6):",
                "    for s in states:",
                "        blob = pickle.dumps(Fake(s), proto)",
                "        out.write(struct.pack('<i', len(blob)) + blob)",
                "");
        ByteBuffer all = ByteBuffer.wrap(Python.check(script, new byte[0])).order(ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        for (int proto = 0; proto <= 5; proto++) {
            for (int i = 0; i < 8; i++, count++) {
                byte[] blob = next(all);
                GenericObject g = assertInstanceOf(GenericObject.class, Pickle.loads(blob), "protocol " + proto + ", state " + i);
                assertEquals("uuid.UUID", g.type().toString());
                assertEquals(i < 7, g.hasState());
                assertArrayEquals(blob, Pickle.dumps(g, PicklerOptions.builder().protocol(proto).build()),
                        "protocol " + proto + ", state " + i);
            }
        }
        assertEquals(48, count);
    }

    /**
     * Hand-made pickles CPython refuses are refused with where and why: a UUID used as a dict key before its BUILD
     * (CPython: no attribute 'int' when hashing it), a {@code _reconstructor} on the base int (CPython's TypeError).
     * A second BUILD, which CPython applies, is refused rather than half applied. A state holding the UUID itself
     * stays an inert object whose state holds it. (The pickles, by opcode: pickletools.dis of each hex.)
     */
    @Test
    void handMadeUuidPicklesAreRefusedOrKeptInert() throws IOException {
        Python.require();
        java.util.HexFormat hex = java.util.HexFormat.of();
        byte[] keyBeforeBuild = hex.parseHex("80027d710063757569640a555549440a7101298171024b01733068027d5803000000696e744b0573626800862e");
        byte[] intBase = hex.parseHex("800163636f70795f7265670a5f7265636f6e7374727563746f720a2863757569640a555549440a635f5f6275696c74696e5f5f0a696e740a4b0574527d5803000000696e744b0573622e");
        byte[] twice = hex.parseHex("800263757569640a555549440a29817d5803000000696e744b0573627d5803000000696e744b0673622e");
        byte[] selfState = hex.parseHex("800263757569640a555549440a7100298171017d71025803000000696e747103680173622e");
        String verdicts = new String(Python.check("import pickle, sys\n"
                + "for h in sys.argv[1:]:\n"
                + "    try: pickle.loads(bytes.fromhex(h)); print('loaded')\n"
                + "    except Exception as e: print(type(e).__name__, e)\n",
                new byte[0], hex.formatHex(keyBeforeBuild), hex.formatHex(intBase)), StandardCharsets.UTF_8);
        assertEquals(List.of("AttributeError 'UUID' object has no attribute 'int'",
                "TypeError int.__new__(UUID): UUID is not a subtype of int"), verdicts.strip().lines().toList());
        assertRefused(keyBeforeBuild, "not made yet");
        assertRefused(intBase, "UUID is not a subtype of int");
        assertRefused(twice, "a second BUILD on UUID('00000000-0000-0000-0000-000000000005')");
        GenericObject self = assertInstanceOf(GenericObject.class, Pickle.loads(selfState));
        assertSame(self, ((java.util.Map<?, ?>) self.state()).get("int"));
        assertArrayEquals(selfState, Pickle.dumps(self, PicklerOptions.builder().protocol(2).build()));
    }

    private static void assertRefused(byte[] pickle, String what) {
        dev.brine.pickle.UnpicklingException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.brine.pickle.UnpicklingException.class, () -> Pickle.loads(pickle));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(what) && e.getMessage().contains("at offset"),
                e.getMessage());
    }

    private static byte[] next(ByteBuffer all) {
        byte[] blob = new byte[all.getInt()];
        all.get(blob);
        return blob;
    }
}
