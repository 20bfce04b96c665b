package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed, truncated and hostile pickles, one category per test. Each ends in an
 * {@link UnpicklingException} (or a {@link LimitExceededException}) whose message names the byte
 * offset of the opcode at fault and the opcode, read from a byte array and from a stream alike.
 */
class UnpicklerBadInputTest {
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    /** Bytes from a string of chars 0-255 ("\u0080" is the byte 0x80). */
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Loads {@code data} from an array and from a stream; both must fail with the same message. */
    static UnpicklingException refused(byte[] data, UnpicklerOptions options) {
        return refused(data, options, true);
    }

    static UnpicklingException refused(byte[] data, UnpicklerOptions options, boolean alsoFromStream) {
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(data, options),
                () -> "should be refused: " + PickleGoldenTest.escape(data, 0, 80));
        if (alsoFromStream) {
            UnpicklingException s = assertThrows(UnpicklingException.class,
                    () -> new Unpickler(new ByteArrayInputStream(data), options).load());
            assertEquals(e.getMessage(), s.getMessage(), "the same error from a stream");
        }
        return e;
    }

    static UnpicklingException refused(byte[] data) {
        return refused(data, UnpicklerOptions.DEFAULT);
    }

    /** The exception names {@code offset} and {@code opcode} (null: none) and says {@code what}. */
    static void assertAt(UnpicklingException e, long offset, String opcode, String what) {
        String m = e.getMessage();
        assertEquals(offset, e.offset(), m);
        assertEquals(opcode, e.opcode(), m);
        assertTrue(m.contains(" at offset " + offset + (opcode == null ? "" : " (opcode " + opcode + ")")), m);
        assertTrue(m.contains(what), () -> "'" + what + "' not in: " + m);
    }

    static void assertRefused(String data, long offset, String opcode, String what) {
        assertAt(refused(b(data)), offset, opcode, what);
    }

    // ---- truncation ----------------------------------------------------------------------------

    static Object sample(boolean withLargePayload) {
        Map<Object, Object> dict = new LinkedHashMap<>();
        dict.put("key", List.of(1L, -1L));
        dict.put(7L, null);
        List<Object> list = new ArrayList<>(List.of(0L, 255L, 65535L, 70000L, -70000L, 1L << 40,
                BigInteger.ONE.shiftLeft(70), BigInteger.TEN.pow(700), 1.5, -0.0, "text", "h\u00e9\u20ac\ud83d\ude00",
                new byte[] {1, 2, 3}, new byte[300], ByteArray.wrap(new byte[] {9}), Tuple.of(1L, 2L),
                Tuple.of(1L, 2L, 3L, 4L), Tuple.empty(), dict, new LinkedHashSet<>(List.of(1L, 2L)), FrozenSet.of(3L),
                new OrderedDict<>(Map.of("o", 1L)), new BigDecimal("1.25"), new Complex(1, 2), LocalDate.of(2020, 1, 2),
                true, false));
        list.add(list);
        if (withLargePayload) {
            list.add("x".repeat(70_000)); // a payload outside frames at protocol 4+
            list.add("after the payload");
        }
        return list;
    }

    @Test
    void truncatedAtEveryByteOfPicklesOfEveryProtocol() throws IOException {
        List<byte[]> pickles = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            pickles.add(Pickle.dumps(sample(false), p));
            pickles.add(Pickle.dumps(sample(true), p)); // cut at every byte near its ends, every 997th in the middle
        }
        for (String golden : List.of("op_string.p0", "op_binstring.p1", "op_int_forms.p0", "op_text_memo.p0",
                "op_binunicode8.p4", "op_frames_two.p4", "op_long_memo_index.p1", "generic_newobj_ex.p5",
                "several_pickles.p0")) {
            byte[] data = Files.readAllBytes(PickleGoldenTest.goldenDir().resolve(golden + ".pkl"));
            pickles.add(golden.startsWith("several") ? Arrays.copyOf(data, firstStop(data)) : data);
        }
        int checked = 0;
        for (byte[] full : pickles) {
            assertNotNull(Pickle.loads(full, GENERIC)); // the whole pickle is fine
            for (int cut = 1; cut < full.length; cut = full.length < 10_000 || cut < 1000 || full.length - cut < 300 ? cut + 1
                    : cut + 997) {
                byte[] prefix = Arrays.copyOf(full, cut);
                UnpicklingException e = refused(prefix, GENERIC, full.length < 10_000 || cut % 7 == 0);
                String m = e.getMessage();
                assertTrue(m.contains("truncated"), m);
                if (e.opcode() == null) {
                    assertAt(e, cut, null, "ends before STOP"); // the cut falls between two opcodes
                } else {
                    assertTrue(e.offset() < cut, m);
                    assertEquals(Opcode.valueOf(e.opcode()).code(), full[(int) e.offset()] & 0xff,
                            "the offset is where the named opcode starts: " + m);
                    assertAt(e, e.offset(), e.opcode(), "truncated");
                }
                checked++;
            }
        }
        assertTrue(checked > 15_000, "prefixes checked: " + checked);
        assertAt(refused(new byte[0]), 0, null, "no pickle");
    }

    private static int firstStop(byte[] protocol0Pickles) {
        // several_pickles.p0 starts with "I1\n."
        int i = 0;
        while (protocol0Pickles[i] != '.') {
            i++;
        }
        return i + 1;
    }

    // ---- the stack -----------------------------------------------------------------------------

    @Test
    void stackUnderflowForEveryOpcodeThatPops() {
        String p2 = "\u0080\u0002";
        String p4 = "\u0080\u0004";
        assertRefused(".", 0, "STOP", "stack underflow");
        assertRefused(p2 + "(.", 3, "STOP", "stack underflow"); // nothing above the MARK
        assertRefused("0.", 0, "POP", "stack underflow");
        assertRefused(p2 + "2.", 2, "DUP", "stack underflow");
        assertRefused(p2 + "a.", 2, "APPEND", "stack underflow");
        assertRefused(p2 + "]K\u0001(a.", 6, "APPEND", "stack underflow"); // the list is below the MARK
        assertRefused(p2 + "(e.", 3, "APPENDS", "stack underflow");
        assertRefused(p2 + "K\u0001s.", 4, "SETITEM", "stack underflow");
        assertRefused(p2 + "}K\u0001(K\u0002s.", 8, "SETITEM", "stack underflow");
        assertRefused(p2 + "(K\u0001K\u0002u.", 7, "SETITEMS", "stack underflow");
        assertRefused(p2 + "}(K\u0001u.", 6, "SETITEMS", "odd number of items for SETITEMS"); // CPython's words
        assertRefused(p2 + "](K\u0001K\u0002u.", 8, "SETITEMS", "cannot set items on list"); // CPython: IndexError
        assertRefused(p4 + "(K\u0001\u0090.", 5, "ADDITEMS", "stack underflow");
        assertRefused(p2 + "\u0085.", 2, "TUPLE1", "stack underflow");
        assertRefused(p2 + "N\u0086.", 3, "TUPLE2", "stack underflow");
        assertRefused(p2 + "NN\u0087.", 4, "TUPLE3", "stack underflow");
        assertRefused(p2 + "Nb.", 3, "BUILD", "stack underflow");
        assertRefused(p2 + ")R.", 3, "REDUCE", "stack underflow");
        assertRefused(p2 + ")\u0081.", 3, "NEWOBJ", "stack underflow");
        assertRefused(p4 + ")}\u0092.", 4, "NEWOBJ_EX", "stack underflow");
        assertRefused(p4 + "\u008c\u0001a\u0093.", 5, "STACK_GLOBAL", "stack underflow");
        assertRefused(p2 + "Q.", 2, "BINPERSID", "stack underflow");
        assertRefused("\u0080\u0005\u0098.", 2, "READONLY_BUFFER", "stack underflow");
        assertRefused("p0\n.", 0, "PUT", "stack underflow");
        assertRefused(p2 + "q\u0000.", 2, "BINPUT", "stack underflow");
        assertRefused(p2 + "r\u0000\u0000\u0000\u0000.", 2, "LONG_BINPUT", "stack underflow");
        assertRefused(p4 + "\u0094.", 2, "MEMOIZE", "stack underflow");
        assertRefused(p2 + "(o.", 3, "OBJ", "OBJ needs a class");
    }

    @Test
    void missingMarkForEveryOpcodeThatUsesOne() {
        String p2 = "\u0080\u0002";
        String p4 = "\u0080\u0004";
        assertRefused(p2 + "]e.", 3, "APPENDS", "could not find MARK");
        assertRefused("l.", 0, "LIST", "could not find MARK");
        assertRefused("t.", 0, "TUPLE", "could not find MARK");
        assertRefused("d.", 0, "DICT", "could not find MARK");
        assertRefused(p2 + "}u.", 3, "SETITEMS", "could not find MARK");
        assertRefused(p4 + "\u008f\u0090.", 3, "ADDITEMS", "could not find MARK");
        assertRefused(p4 + "\u0091.", 2, "FROZENSET", "could not find MARK");
        assertRefused(p2 + "1.", 2, "POP_MARK", "could not find MARK");
        assertRefused("idecimal\nDecimal\n.", 0, "INST", "could not find MARK");
        assertRefused(p2 + "o.", 2, "OBJ", "could not find MARK");
    }

    // ---- the memo ------------------------------------------------------------------------------

    /**
     * Two BUILDs on one generic object (only a hand-made pickle has them): CPython applies both (here the dicts merge
     * into {@code __dict__}: checked below), and a generic object keeps one state, so the second is refused rather
     * than the first dropped and the file converted without it.
     */
    @Test
    void aSecondBuildOnAGenericObjectIsRefusedNotTheFirstDropped() throws IOException {
        Python.require();
        String twoBuilds = "\u0080\u0002cm\nC\nq\u0000)\u0081q\u0001}q\u0002X\u0001\u0000\u0000\u0000aK\u0001sb"
                + "}q\u0003X\u0001\u0000\u0000\u0000bK\u0002sb.";
        byte[] data = twoBuilds.getBytes(StandardCharsets.ISO_8859_1);
        String cpython = new String(Python.check("import pickle, sys, types\n"
                + "m = types.ModuleType('m'); sys.modules['m'] = m\n"
                + "class C: pass\n"
                + "C.__module__ = 'm'; m.C = C\n"
                + "print(pickle.loads(sys.stdin.buffer.read()).__dict__)", data), StandardCharsets.UTF_8).trim();
        assertEquals("{'a': 1, 'b': 2}", cpython);
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(data, GENERIC));
        assertEquals("BUILD", e.opcode());
        assertTrue(e.getMessage().startsWith("a second BUILD on m.C() with state {'a': 1}, which has its state already"),
                e.getMessage());
        // one BUILD is kept as it was given
        byte[] first = Arrays.copyOf(data, 27); // up to the first BUILD, then STOP
        first[26] = '.';
        GenericObject one = (GenericObject) Pickle.loads(first, GENERIC);
        assertEquals(Map.of("a", 1L), one.state());
    }

    /**
     * A FRAME whose end overflows a long: CPython refuses it ("read would overflow"); Brine's end became negative,
     * which means "no frame", and every frame check was off (a frame past the input, one nested in it, loaded).
     */
    @Test
    void aFrameLengthWhoseEndOverflowsIsRefused() throws IOException {
        Python.require();
        String[] lengths = {"ffffffffffffff7f", "fbffffffffffff7f"}; // 2^63 - 1 and 2^63 - 5, little-endian
        for (String length : lengths) {
            byte[] data = HexFormat.of().parseHex("800495" + length + "4e2e"); // PROTO 4, FRAME, None, STOP
            byte[] nested = HexFormat.of().parseHex("800495" + length + "95" + "0200000000000000" + "4e2e");
            for (byte[] pickle : List.of(data, nested)) {
                String cpython = new String(Python.check("import pickle, sys\n"
                        + "try:\n    pickle.loads(sys.stdin.buffer.read()); print('loaded')\n"
                        + "except Exception as e:\n    print(type(e).__name__, e)", pickle), StandardCharsets.UTF_8).strip();
                assertEquals("UnpicklingError read would overflow (invalid bytecode)", cpython);
                UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(pickle));
                assertAt(e, 2, "FRAME", "read would overflow");
                assertThrows(UnpicklingException.class, () -> Pickle.load(new ByteArrayInputStream(pickle)));
            }
        }
    }

    @Test
    void missingMemoKeys() {
        assertRefused("g0\n.", 0, "GET", "memo value not found at index 0");
        assertRefused("Np0\ng1\n.", 4, "GET", "memo value not found at index 1");
        assertRefused("g99999999999\n.", 0, "GET", "memo value not found");
        assertRefused("\u0080\u0002h\u0000.", 2, "BINGET", "memo value not found at index 0");
        assertRefused("\u0080\u0002]q\u0000h\u0001.", 5, "BINGET", "memo value not found at index 1");
        assertRefused("\u0080\u0002j\u0000\u0000\u0000\u0000.", 2, "LONG_BINGET", "memo value not found at index 0");
        assertRefused("\u0080\u0002]r\u00e8\u0003\u0000\u0000j\u00e9\u0003\u0000\u0000.", 8, "LONG_BINGET",
                "memo value not found at index 1001");
        assertRefused("\u0080\u0002j\u00ff\u00ff\u00ff\u00ff.", 2, "LONG_BINGET", "memo value not found at index 4294967295");
        assertRefused("\u0080\u0004h\u0000.", 2, "BINGET", "memo value not found"); // MEMOIZE never ran
    }

    @Test
    void negativeAndNonDecimalMemoIndices() {
        assertRefused("Np-1\n.", 1, "PUT", "negative PUT argument");
        assertRefused("Np0\ng-1\n.", 4, "GET", "memo value not found at index -1");
        assertRefused("Np0x1\n.", 1, "PUT", "not a decimal integer");
        assertRefused("Np\n.", 1, "PUT", "not a decimal integer");
        assertRefused("Np0\ng0 0\n.", 4, "GET", "not a decimal integer");
        assertRefused("Np9223372036854775808\n.", 1, "PUT", "too large for a C ssize_t");
    }

    // ---- text arguments --------------------------------------------------------------------------

    @Test
    void badStringQuotingAndEscapes() {
        for (String arg : List.of("'abc", "abc", "\"abc'", "'", "", "'a\\x4'", "'\\x'", "'abc\\'", "'a\\xzz'", "\"")) {
            assertRefused("S" + arg + "\n.", 0, "STRING", "must be quoted and its escapes valid");
        }
        // a Python 2 str with non-ASCII bytes: CPython's default encoding='ASCII' refuses it too
        assertRefused("S'\u00e9'\n.", 0, "STRING", "non-ASCII");
        assertRefused("U\u0001\u00e9.", 0, "SHORT_BINSTRING", "non-ASCII");
        assertRefused("T\u00ff\u00ff\u00ff\u00ffabc.", 0, "BINSTRING", "negative byte count");
        assertRefused("V\\u12\n.", 0, "UNICODE", "truncated \\u escape");
        assertRefused("V\\U0011ffff\n.", 0, "UNICODE", "out of range");
    }

    /**
     * Malformed INT, LONG and FLOAT texts. INT and LONG are read as CPython's C unpickler reads them
     * (base 0: {@code I0x10} is 16, {@code I011} octal 9, {@code L1_000L} 1000; see
     * IntOpcodeDifferentialTest); what it refuses, Brine refuses with the opcode and offset.
     */
    @Test
    void malformedNumbersAreRefused() {
        for (String arg : List.of("", "-", "--1", "1.0", "+-1", "1e3", "\u00b9", "1 2", "09", "1__0", "0x", "_1")) {
            assertRefused("I" + arg + "\n.", 0, "INT", "is not an integer CPython reads");
        }
        for (String arg : List.of("L", "12LL", "010L", "1.2.3", "", "1lL", "0b2L")) {
            assertRefused("L" + arg + "\n.", 0, "LONG", "is not an integer CPython reads");
        }
        for (String arg : List.of("0x1p3", "abc", "1e", "1.2.3", "", "1d", "0x10")) {
            assertRefused("F" + arg + "\n.", 0, "FLOAT", "could not convert string to float");
        }
    }

    @Test
    void invalidUtf8() {
        assertRefused("X\u0002\u0000\u0000\u0000\u00c3\u0028.", 0, "BINUNICODE", "invalid UTF-8");
        assertRefused("X\u0001\u0000\u0000\u0000\u0080.", 0, "BINUNICODE", "invalid UTF-8");
        assertRefused("X\u0002\u0000\u0000\u0000\u00c0\u0080.", 0, "BINUNICODE", "invalid UTF-8"); // overlong
        assertRefused("X\u0004\u0000\u0000\u0000\u00f4\u0090\u0080\u0080.", 0, "BINUNICODE", "invalid UTF-8"); // > U+10FFFF
        assertRefused("X\u0003\u0000\u0000\u0000\u00e2\u0082.", 0, "BINUNICODE", "invalid UTF-8"); // '.' is no continuation
        assertRefused("\u0080\u0004\u008c\u0001\u00ff.", 2, "SHORT_BINUNICODE", "invalid UTF-8");
        assertRefused("\u0080\u0004\u008d\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u00e0\u0080.", 2, "BINUNICODE8",
                "invalid UTF-8");
        assertRefused("c\u00ff\nx\n.", 0, "GLOBAL", "invalid UTF-8");
        // a long string (read in chunks from streams) with one bad byte at its end
        byte[] longBad = cat(b("X\u0000\u0000\u0002\u0000"), b("a".repeat(0x20000 - 1)), new byte[] {(byte) 0xff}, b("."));
        assertAt(refused(longBad), 0, "BINUNICODE", "invalid UTF-8");
    }

    // ---- keys --------------------------------------------------------------------------------------

    @Test
    void unhashableKeysAndSetElementsAreRefusedEvenInsideTuples() {
        String p2 = "\u0080\u0002";
        String p4 = "\u0080\u0004";
        assertRefused(p2 + "}]Ns.", 5, "SETITEM", "unhashable type: 'list'");
        assertRefused(p2 + "}]\u0085Ns.", 6, "SETITEM", "unhashable type: 'list' (inside a tuple)");
        assertRefused(p2 + "}]q\u0000h\u0000a\u0085Ns.", 11, "SETITEM", "unhashable type: 'list' (inside a tuple)"); // a cycle
        assertRefused(p4 + "(]\u0091.", 4, "FROZENSET", "unhashable type: 'list'");
        assertRefused(p4 + "\u008f(}\u0090.", 5, "ADDITEMS", "unhashable type: 'dict'");
        assertRefused("\u0080\u0005(\u0096\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000Nd.", 13, "DICT",
                "unhashable type: 'bytearray'");
        assertRefused(p4 + "}(]\u0091\u0085K\u0002s.", 5, "FROZENSET", "unhashable type: 'list'");
        // what Python can hash, Brine can
        Map<Object, Object> ok = new LinkedHashMap<>();
        ok.put(Tuple.of(FrozenSet.of(1L)), 2L);
        assertEquals(ok, assertDoesLoad(p4 + "}(K\u0001\u0091\u0085K\u0002s."));
    }

    @Test
    void deeplyNestedKeysFailWithoutStackOverflow() {
        String p2 = "\u0080\u0002";
        String deepTuple = "K\u0001" + "\u0085".repeat(200_000);
        // a dict key, a set element, an element of set() called through REDUCE: hashing recurses in Java
        assertRefused(p2 + "}" + deepTuple + "Ns.", 200_006, "SETITEM", "nested too deeply to hash");
        assertRefused("\u0080\u0004\u008f(" + deepTuple + "\u0090.", 200_006, "ADDITEMS", "nested too deeply to hash");
        assertRefused(p2 + "c__builtin__\nfrozenset\n]" + deepTuple + "a\u0085R.", 200_030, "REDUCE", "nested too deeply to hash");
        // alone it is a fine value (the reader is iterative)
        Object v = assertDoesNotThrow(() -> Pickle.loads(b(p2 + deepTuple + ".")));
        int depth = 0;
        while (v instanceof Tuple) {
            v = ((Tuple) v).get(0);
            depth++;
        }
        assertEquals(200_000, depth);
        assertEquals(1L, v);
    }

    // ---- opcodes and protocols ----------------------------------------------------------------

    @Test
    void unknownOpcodeBytes() {
        int unknown = 0;
        for (int code = 0; code < 256; code++) {
            if (Opcode.of(code) != null) {
                continue;
            }
            unknown++;
            UnpicklingException e = refused(cat(b("\u0080\u0002"), new byte[] {(byte) code}, b(".")));
            assertAt(e, 2, null, String.format("invalid load key, '\\x%02x'", code));
            assertAt(refused(new byte[] {(byte) code}), 0, null, "invalid load key");
        }
        assertEquals(256 - 68, unknown);
    }

    @Test
    void unsupportedProtocol() {
        assertRefused("\u0080\u0006.", 0, "PROTO", "unsupported pickle protocol: 6");
        assertRefused("\u0080\u00ffN.", 0, "PROTO", "unsupported pickle protocol: 255");
        assertRefused("\u0080\u0002N\u0080\u0007.", 3, "PROTO", "unsupported pickle protocol: 7");
    }

    @Test
    void unregisteredExtensionCodes() {
        assertRefused("\u0080\u0002\u0082\u0001.", 2, "EXT1", "unregistered extension code 1");
        assertRefused("\u0080\u0002\u0083\u0000\u0001.", 2, "EXT2", "unregistered extension code 256");
        assertRefused("\u0080\u0002\u0084\u0000\u0000\u0001\u0000.", 2, "EXT4", "unregistered extension code 65536");
        assertRefused("\u0080\u0002\u0082\u0000.", 2, "EXT1", "EXT specifies code <= 0");
        assertRefused("\u0080\u0002\u0084\u00ff\u00ff\u00ff\u00ff.", 2, "EXT4", "EXT specifies code <= 0");
        // a registered code still goes through the class registry
        UnpicklerOptions ext = UnpicklerOptions.builder().extensions(ExtensionRegistry.EMPTY.with(5, "os", "system")).build();
        assertAt(refused(b("\u0080\u0002\u0082\u0005)R."), ext), 2, "EXT1", "'os.system' is not allowed");
    }

    // ---- lengths ---------------------------------------------------------------------------------

    static byte[] le(long v, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    /** Declared lengths far beyond the data fail at once, allocating next to nothing. */
    @Test
    void hugeDeclaredLengthsFailFastWithoutAllocating() throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        UnpicklerOptions trusting = UnpicklerOptions.builder().limits(Limits.TRUSTED).build();
        byte[] p4 = b("\u0080\u0004");
        record Case(byte[] data, String opcode, String what) {
        }
        List<Case> cases = List.of(
                new Case(cat(b("\u0080\u0003B"), le(0xffffffffL, 4), b("abcd")), "BINBYTES", "truncated"),
                new Case(cat(b("X"), le(0xffffffffL, 4), b("abcdef")), "BINUNICODE", "truncated"),
                new Case(cat(b("\u0080\u0002\u008b"), le(0x7fffffffL, 4), b("abcd")), "LONG4", "truncated"),
                new Case(cat(b("T"), le(0x7fffffffL, 4), b("abcdef")), "BINSTRING", "truncated"),
                new Case(cat(b("\u0080\u0003B"), le(0x7fffff00L, 4), b("abcd")), "BINBYTES", "truncated"),
                new Case(cat(b("\u0080\u0002\u008b"), le(-1, 4), b("abcd")), "LONG4", "negative byte count"),
                new Case(cat(p4, b("\u008e"), le(-1, 8)), "BINBYTES8", "exceeds the maximum size"),
                new Case(cat(p4, b("\u008d"), le(Long.MIN_VALUE, 8)), "BINUNICODE8", "exceeds the maximum size"),
                new Case(cat(p4, b("\u0096"), le(-2, 8)), "BYTEARRAY8", "exceeds the maximum size"));
        for (Case c : cases) {
            assertEquals(11, c.data().length);
            for (UnpicklerOptions options : List.of(UnpicklerOptions.DEFAULT, trusting)) {
                for (int source = 0; source < 3; source++) {
                    int s = source;
                    long before = threads.getCurrentThreadAllocatedBytes();
                    UnpicklingException e = assertThrows(UnpicklingException.class, () -> load(c.data(), options, s));
                    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                    assertTrue(allocated < (64 << 20), c.opcode() + " allocated " + allocated + " bytes");
                    // a length beyond a Java byte[] is refused as too big for Brine where the input's length is unknown
                    // (a stream: a valid pickle may hold such an argument), as truncated where it is known to be short
                    String what = s > 0 && c.what().equals("truncated") && declared(c.data()) > PickleInput.MAX_BUFFER
                            ? "more than a Java byte[] holds" : c.what();
                    assertAt(e, c.opcode().equals("BINUNICODE") || c.opcode().equals("BINSTRING") ? 0 : 2, c.opcode(), what);
                }
            }
        }
        // beyond maxAllocation (2 GiB by default): a limit, named; with trusted limits, truncation
        for (String op : List.of("\u008e", "\u008d", "\u0096")) {
            byte[] data = cat(p4, b(op), le(Long.MAX_VALUE, 8));
            LimitExceededException limit = assertThrows(LimitExceededException.class, () -> Pickle.loads(data));
            assertEquals("maxAllocation", limit.limit());
            assertTrue(limit.getMessage().contains(Opcode.of(op.charAt(0)).name() + " declares 9223372036854775807 bytes at offset 2"),
                    limit.getMessage());
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int source = 0; source < 3; source++) {
                int s = source;
                UnpicklingException e = assertThrows(UnpicklingException.class, () -> load(data, trusting, s));
                assertAt(e, 2, Opcode.of(op.charAt(0)).name(), s == 0 ? "truncated" : "more than a Java byte[] holds");
                byte[] nearIntMax = cat(p4, b(op), le(Integer.MAX_VALUE - 100, 8), b("abc"));
                e = assertThrows(UnpicklingException.class, () -> load(nearIntMax, trusting, s));
                assertAt(e, 2, Opcode.of(op.charAt(0)).name(), "truncated");
            }
            assertTrue(threads.getCurrentThreadAllocatedBytes() - before < (64 << 20));
        }
        // a frame may declare any length: nothing is allocated for it (one whose end would overflow is refused at once)
        assertAt(refused(cat(p4, b("\u0095"), le(Long.MAX_VALUE / 2, 8))), 11, null, "ends before STOP");
        assertAt(refused(cat(p4, b("\u0095"), le(Long.MAX_VALUE, 8))), 2, "FRAME", "read would overflow");
        assertAt(refused(cat(p4, b("\u0095"), le(-1, 8), b("N."))), 2, "FRAME", "frame length out of range");
    }

    /** The 4-byte length after the opcode of an 11-byte case (the protocol header first when there is one). */
    private static long declared(byte[] data) {
        int at = data[0] == (byte) 0x80 ? 3 : 1;
        long n = 0;
        for (int k = 3; k >= 0; k--) {
            n = (n << 8) | (data[at + k] & 0xff);
        }
        return n;
    }

    /** Source 0: the array; 1: a ByteArrayInputStream (mark/reset); 2: a stream without mark/reset. */
    static Object load(byte[] data, UnpicklerOptions options, int source) throws IOException {
        switch (source) {
            case 0:
                return new Unpickler(data, options).load();
            case 1:
                return new Unpickler(new ByteArrayInputStream(data), options).load();
            default:
                return new Unpickler(noMark(new ByteArrayInputStream(data)), options).load();
        }
    }

    static InputStream noMark(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    // ---- frames --------------------------------------------------------------------------------

    @Test
    void opcodesMayNotStraddleFrames() {
        String frame = "\u0080\u0004\u0095";
        String len1 = "\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000";
        String len2 = "\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000";
        String len3 = "\u0003\u0000\u0000\u0000\u0000\u0000\u0000\u0000";
        String len20 = "\u0014\u0000\u0000\u0000\u0000\u0000\u0000\u0000";
        assertRefused(frame + len1 + "K\u0007.", 11, "BININT1", "straddles the end of a frame");
        assertRefused(frame + len2 + "M\u0007\u0000.", 11, "BININT2", "straddles the end of a frame");
        assertRefused(frame + len3 + "I12\n.", 11, "INT", "straddles the end of a frame");
        assertRefused(frame + len3 + "\u008c\u0003ab\u0094.", 11, "SHORT_BINUNICODE", "straddles the end of a frame");
        assertRefused(frame + len20 + "K\u0001\u0095" + len1 + "K.", 13, "FRAME",
                "beginning of a new frame before end of current frame");
        // a frame that runs past the input is refused even when STOP comes first (CPython's C reader:
        // "pickle data was truncated"); FrameDifferentialTest checks this and the rest against it
        assertRefused(frame + len20 + "K\u0001.", 13, "STOP", "pickle data was truncated: the input ends 17 bytes");
        // an opcode may start right where a frame ends, inside a new frame or outside any
        assertEquals(7L, assertDoesLoad(frame + len2 + "K\u0007."));
        assertEquals(Tuple.of(1L, 2L), assertDoesLoad(frame + len2 + "K\u0001\u0095" + len2 + "K\u0002\u0086."));
    }

    private static Object assertDoesLoad(String data) {
        try {
            Object a = Pickle.loads(b(data));
            Object s = new Unpickler(new ByteArrayInputStream(b(data)), UnpicklerOptions.DEFAULT).load();
            assertEquals(a, s);
            return a;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- globals ---------------------------------------------------------------------------------

    @Test
    void unknownGlobalsAreRefusedByDefaultWithTheirName() {
        assertRefused("\u0080\u0002c__main__\nEvil\n)R.", 2, "GLOBAL", "global '__main__.Evil' is not allowed");
        assertRefused("\u0080\u0004\u008c\u0008__main__\u008c\u0004Evil\u0093)R.", 18, "STACK_GLOBAL",
                "global '__main__.Evil' is not allowed");
        assertRefused("(i__main__\nEvil\n.", 1, "INST", "global '__main__.Evil' is not allowed");
        UnpicklingException e = refused(b("c__main__\nEvil\n."));
        assertTrue(e.getMessage().contains("genericObjects(true)") && e.getMessage().contains("ClassRegistry"),
                "the message says how to allow it: " + e.getMessage());
    }

    /** What an attacker would put in a pickle: each would run {@code touch <file>} in CPython. */
    static List<GenericObject> payloads(Path file) {
        String touch = "touch " + file;
        return List.of(
                GenericObject.reduced(new Global("os", "system"), Tuple.of(touch)),
                GenericObject.reduced(new Global("posix", "system"), Tuple.of(touch)),
                GenericObject.reduced(new Global("builtins", "eval"), Tuple.of("__import__('os').system('" + touch + "')")),
                GenericObject.reduced(new Global("builtins", "exec"), Tuple.of("import os; os.system('" + touch + "')")),
                GenericObject.reduced(new Global("subprocess", "Popen"), Tuple.of(List.of("touch", file.toString()))),
                GenericObject.reduced(new Global("subprocess", "check_call"), Tuple.of(List.of("touch", file.toString()))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void codeExecutionGlobalsAreRefusedByDefaultAndInertAsGenericObjects(int protocol, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("pwned");
        for (GenericObject payload : payloads(file)) {
            byte[] data = Pickle.dumps(payload, protocol);
            Global g = payload.type();
            UnpicklingException e = refused(data);
            assertTrue(e.getMessage().contains("." + g.name() + "' is not allowed"), e.getMessage());
            assertTrue(e.opcode().equals("GLOBAL") || e.opcode().equals("STACK_GLOBAL"), e.getMessage());
            Object loaded = Pickle.loads(data, GENERIC);
            GenericObject inert = assertInstanceOf(GenericObject.class, loaded);
            assertEquals(g, inert.callable());
            assertEquals(payload.args(), inert.args());
            assertFalse(Files.exists(file), "no side effect: " + file + " must not exist");
            assertArrayEquals(data, Pickle.dumps(inert, protocol), "and it pickles back unchanged");
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    /** The control experiment: the same bytes do run the command in CPython. */
    @Test
    void thePayloadsAreLiveInCPython(@TempDir Path dir) throws IOException {
        Python.require();
        Path file = dir.resolve("pwned-by-cpython");
        for (GenericObject payload : payloads(file)) {
            Python.check("import pickle, sys, time, os\n"
                    + "r = pickle.loads(sys.stdin.buffer.read())\n"
                    + "if hasattr(r, 'wait'): r.wait()\n", Pickle.dumps(payload, 2));
            assertTrue(Files.exists(file), payload.type() + " ran in CPython");
            Files.delete(file);
        }
    }

    // ---- depth ---------------------------------------------------------------------------------

    static final int MILLION = 1_000_000;

    /** A million nested lists, written as CPython writes nested lists (EMPTY_LIST MEMOIZE ... APPEND). */
    @Test
    void aMillionNestedListsLoadIteratively() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(3 * MILLION + 8);
        out.writeBytes(b("\u0080\u0004"));
        for (int i = 0; i < MILLION; i++) {
            out.write(']');
            out.write(0x94);
        }
        for (int i = 1; i < MILLION; i++) {
            out.write('a');
        }
        out.write('.');
        byte[] data = out.toByteArray();
        for (Object root : List.of(Pickle.loads(data), new Unpickler(new ByteArrayInputStream(data),
                UnpicklerOptions.DEFAULT).load())) {
            assertEquals(MILLION, depthOf(root));
        }
        // nested through MARKs: beyond maxDepth (100,000 by default) a named limit, within it fine
        ByteArrayOutputStream marks = new ByteArrayOutputStream(2 * MILLION + 8);
        for (int i = 0; i < MILLION; i++) {
            marks.write('(');
        }
        for (int i = 0; i < MILLION; i++) {
            marks.write('l');
        }
        marks.write('.');
        LimitExceededException limit = assertThrows(LimitExceededException.class, () -> Pickle.loads(marks.toByteArray()));
        assertEquals("maxDepth", limit.limit());
        assertTrue(limit.getMessage().contains("at offset 100000"), limit.getMessage());
        UnpicklerOptions deep = UnpicklerOptions.builder().limits(Limits.DEFAULT.toBuilder().maxDepth(MILLION).build()).build();
        assertEquals(MILLION, depthOf(Pickle.loads(marks.toByteArray(), deep)));
    }

    /** How many lists are nested in {@code root} (each holds the next, the innermost is empty). */
    static int depthOf(Object root) {
        int depth = 0;
        Object v = root;
        while (v instanceof List) {
            depth++;
            List<?> list = (List<?>) v;
            if (list.isEmpty()) {
                break;
            }
            assertEquals(1, list.size());
            v = list.get(0);
        }
        return depth;
    }

    static List<Object> nested(int lists) {
        List<Object> root = new ArrayList<>();
        List<Object> cur = root;
        for (int i = 1; i < lists; i++) {
            List<Object> next = new ArrayList<>();
            cur.add(next);
            cur = next;
        }
        return root;
    }

    @Test
    void writingDeeperThanMaxDepthFails() throws IOException {
        // the innermost of n nested lists is at depth n - 1: maxDepth d allows d + 1 lists
        for (int maxDepth : new int[] {1, 10, 500}) {
            PicklerOptions options = PicklerOptions.builder().maxDepth(maxDepth).build();
            assertEquals(maxDepth + 1, depthOf(Pickle.loads(Pickle.dumps(nested(maxDepth + 1), options))));
            PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(nested(maxDepth + 2), options));
            assertTrue(e.getMessage().contains("maxDepth"), e.getMessage());
        }
        // the default, 1,000, fits a default thread stack at every protocol
        for (int p = 0; p <= 5; p++) {
            int protocol = p;
            assertEquals(1_001, depthOf(Pickle.loads(Pickle.dumps(nested(1_001), protocol))));
            PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(nested(1_002), protocol));
            assertTrue(e.getMessage().contains("nesting deeper than 1000 levels (PicklerOptions.maxDepth)"), e.getMessage());
        }
        // no limit: when the caller's stack runs out, the pickler redoes the work on a thread with a
        // big stack of its own, so far deeper structures write (and read back: the reader is iterative)
        PicklerOptions unlimited = PicklerOptions.builder().maxDepth(Integer.MAX_VALUE).build();
        assertEquals(100_000, depthOf(Pickle.loads(Pickle.dumps(nested(100_000), unlimited))));
        // and a cycle is not depth: it is a memo reference
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertTrue(Pickle.dumps(cycle, PicklerOptions.builder().maxDepth(1).build()).length > 0);
        // PicklingException is a BrineException, the one family
        BrineException any = assertThrows(BrineException.class, () -> Pickle.dumps(nested(3),
                PicklerOptions.builder().maxDepth(1).build()));
        assertInstanceOf(PicklingException.class, any);
    }
}
