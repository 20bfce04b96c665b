package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.brine.py.PickleBuffer;
import dev.brine.py.Tuple;
import dev.brine.testing.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden files written by {@code tools/golden/make_pickle_golden.py}: pickles CPython wrote at
 * protocols 0–5 for every type of the contract, plus hand-written pickles for the opcodes CPython 3
 * never writes. For each file: Brine loads it to the value its JSON sidecar describes (types,
 * values, aliasing, cycles), and writing that value again at the same protocol gives CPython's
 * bytes exactly.
 *
 * <p>Where re-encoding cannot give the same bytes, the reason is listed in {@link #NOT_REENCODED}.
 * CPython's own output depends on more than the object graph in two ways the cases avoid: it
 * interns strings and caches small str/bytes objects (which the generator never mixes with equal
 * values), and it reorders sets when it loads them (the golden bytes are written from the original
 * objects, and Brine keeps the order it read).
 */
class PickleGoldenTest {
    /** Files whose bytes no Java graph can reproduce, and why. */
    private static final Map<String, String> NOT_REENCODED = Map.of(
            "op_", "hand-written opcodes that CPython 3's pickler never emits (INST, OBJ, STRING, DUP, ...)",
            "datetime_fold.p4", "java.time has no fold: datetime(fold=1) reads as a LocalDateTime and writes with fold=0"
                    + " (the top bit of the month byte, written from protocol 4)",
            "datetime_fold.p5", "as datetime_fold.p4");

    static Path goldenDir() {
        try {
            return Path.of(PickleGoldenTest.class.getResource("/golden/pickle").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One golden file and its sidecar. */
    record Golden(String stem, byte[] data, Map<String, Object> sidecar) {
        int protocol() {
            return ((Long) sidecar.get("protocol")).intValue();
        }

        boolean generic() {
            return (Boolean) sidecar.get("genericObjects");
        }

        @SuppressWarnings("unchecked")
        List<List<Object>> extensionCodes() {
            return (List<List<Object>>) sidecar.get("extensions");
        }

        @SuppressWarnings("unchecked")
        List<String> bufferHex() {
            return (List<String>) sidecar.get("buffers");
        }

        @SuppressWarnings("unchecked")
        List<String> opcodes() {
            return (List<String>) sidecar.get("opcodes");
        }

        boolean persistent() {
            return (Boolean) sidecar.get("persistent");
        }

        /** Several dump calls of one Pickler, whose memo goes on from one pickle to the next. */
        boolean onePickler() {
            return (Boolean) sidecar.get("onePickler");
        }

        @SuppressWarnings("unchecked")
        List<Object> expectedNodes() {
            return sidecar.containsKey("values") ? (List<Object>) sidecar.get("values") : List.of(sidecar.get("value"));
        }

        ExtensionRegistry extensions() {
            ExtensionRegistry r = ExtensionRegistry.EMPTY;
            for (List<Object> e : extensionCodes()) {
                r = r.with(((Long) e.get(0)).intValue(), (String) e.get(1), (String) e.get(2));
            }
            return r;
        }

        List<PickleBuffer> buffers() {
            List<PickleBuffer> out = new ArrayList<>();
            for (String hex : bufferHex()) {
                out.add(PickleBuffer.of(java.util.HexFormat.of().parseHex(hex)));
            }
            return out;
        }

        UnpicklerOptions readOptions(boolean generic) {
            return UnpicklerOptions.builder()
                    .genericObjects(generic)
                    .extensions(extensions())
                    .persistentLoader(pid -> Tuple.of("persistent", pid))
                    .build();
        }

        PicklerOptions writeOptions() {
            PicklerOptions.Builder b = PicklerOptions.builder().protocol(protocol()).extensions(extensions());
            if (persistent()) {
                b.persistentId(obj -> obj instanceof Tuple && ((Tuple) obj).size() == 2
                        && "persistent".equals(((Tuple) obj).get(0)) ? ((Tuple) obj).get(1) : null);
            }
            if (!bufferHex().isEmpty()) {
                b.bufferCallback(buffer -> true);
            }
            return b.build();
        }

        String notReencodedBecause() {
            return NOT_REENCODED.entrySet().stream().filter(e -> stem.startsWith(e.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Golden> goldens() throws IOException {
        List<Golden> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(goldenDir())) {
            for (Path p : files.filter(f -> f.toString().endsWith(".pkl")).sorted().collect(Collectors.toList())) {
                String name = p.getFileName().toString();
                String stem = name.substring(0, name.length() - 4);
                String json = Files.readString(p.resolveSibling(stem + ".json"), StandardCharsets.US_ASCII);
                out.add(new Golden(stem, Files.readAllBytes(p), (Map<String, Object>) Json.parse(json)));
            }
        }
        return out;
    }

    static List<Object> loadAll(Golden g, UnpicklerOptions options) throws IOException {
        Unpickler u = new Unpickler(g.data(), options, g.buffers());
        List<Object> values = new ArrayList<>();
        while (u.hasNext()) {
            values.add(u.load());
        }
        return values;
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenFileLoadsToItsExpectedValue() throws IOException {
        return goldens().stream().map(g -> dynamicTest(g.stem(), () -> {
            List<Object> actual = loadAll(g, g.readOptions(g.generic()));
            List<Object> nodes = g.expectedNodes();
            assertEquals(nodes.size(), actual.size(), g.stem() + ": number of pickles in the file");
            ExpectedGraph expected = new ExpectedGraph();
            GraphAssert check = new GraphAssert(expected.tracked());
            for (int i = 0; i < nodes.size(); i++) {
                check.check(expected.build(nodes.get(i)), actual.get(i), g.stem() + ": pickle " + i + " $");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> reencodingGivesCPythonsBytes() throws IOException {
        return goldens().stream().filter(g -> g.notReencodedBecause() == null).map(g -> dynamicTest(g.stem(), () -> {
            List<Object> values = loadAll(g, g.readOptions(g.generic()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Pickler one = new Pickler(out, g.writeOptions());
            for (Object v : values) {
                if (g.onePickler()) {
                    one.dump(v);
                } else {
                    out.write(Pickle.dumps(v, g.writeOptions()));
                }
            }
            assertBytes(g.data(), out.toByteArray(), g.stem());
        }));
    }

    /**
     * A NEWOBJ_EX object (read from the protocol 4 file) written at protocols 2 and 3 gives the bytes
     * CPython wrote there: its {@code functools.partial(cls.__new__, cls, *args, **kwargs)} form.
     */
    @Test
    void newobjExBelowProtocol4IsWrittenAsCPythonsPartial() throws IOException {
        Map<String, Golden> byStem = goldens().stream().collect(Collectors.toMap(Golden::stem, g -> g));
        Golden p4 = byStem.get("generic_newobj_ex.p4");
        Object value = loadAll(p4, p4.readOptions(true)).get(0);
        for (int proto = 2; proto <= 3; proto++) {
            Golden g = byStem.get("generic_newobj_ex.p" + proto);
            assertBytes(g.data(), Pickle.dumps(value, g.writeOptions()), g.stem() + " written from " + p4.stem());
        }
    }

    @TestFactory
    Stream<DynamicTest> unknownClassesAreRefusedByDefault() throws IOException {
        return goldens().stream().filter(Golden::generic).map(g -> dynamicTest(g.stem(), () -> {
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> loadAll(g, g.readOptions(false)));
            assertTrue(e.getMessage().contains("global '") && e.getMessage().contains("is not allowed"), e.getMessage());
            assertTrue(e.getMessage().contains("at offset " + e.offset()), e.getMessage());
        }));
    }

    @Test
    void theGoldenFilesUseEveryOpcode() throws IOException {
        Set<String> used = new TreeSet<>();
        for (Golden g : goldens()) {
            used.addAll(g.opcodes());
        }
        Set<String> all = new TreeSet<>();
        for (Opcode op : EnumSet.allOf(Opcode.class)) {
            all.add(op.name());
        }
        assertEquals(68, all.size(), "Opcode has pickletools' 68 opcodes");
        assertEquals(all, used, "opcode names used by the golden files (as pickletools names them)");
    }

    @Test
    void everyProtocolHasGoldenFiles() throws IOException {
        Set<Integer> protocols = new TreeSet<>();
        int handwritten = 0;
        for (Golden g : goldens()) {
            protocols.add(g.protocol());
            handwritten += (Boolean) g.sidecar().get("handwritten") ? 1 : 0;
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), protocols);
        assertFalse(handwritten == 0);
    }

    /** Like assertArrayEquals, with the first differing offset and some context in the message. */
    static void assertBytes(byte[] expected, byte[] actual, String what) {
        int n = Math.min(expected.length, actual.length);
        int i = 0;
        while (i < n && expected[i] == actual[i]) {
            i++;
        }
        if (i == n && expected.length == actual.length) {
            return;
        }
        int from = Math.max(0, i - 16);
        assertArrayEquals(expected, actual, what + ": bytes differ at offset " + i + " (lengths " + expected.length + " and "
                + actual.length + ")\n expected ..." + escape(expected, from, i + 24) + "\n actual   ..."
                + escape(actual, from, i + 24));
    }

    static String escape(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int k = from; k < Math.min(to, b.length); k++) {
            int c = b[k] & 0xff;
            s.append(c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
