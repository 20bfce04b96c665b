package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.PersistentId;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PythonRepr.str against CPython's {@code str()}, and the protocol 0 PERSID line against CPython's pickler, whose
 * save_pers writes {@code str(pid)}: Brine used to write the repr ({@code PDecimal('1.5')} where CPython writes
 * {@code P1.5}). The values go to CPython as a pickle Brine writes at protocol 4.
 */
class PersistentIdTextDifferentialTest {
    private static final ZoneOffset PLUS_ONE = ZoneOffset.ofHours(1);
    private static final ZoneOffset ODD = ZoneOffset.ofHoursMinutesSeconds(-5, -30, -15);

    /** Values of every type Brine maps whose str differs from the repr, and some whose str is the repr. */
    private static List<Object> values() {
        Map<Object, Object> dict = new LinkedHashMap<>();
        dict.put("k", new BigDecimal("2.50"));
        dict.put(3L, LocalDate.of(2020, 1, 2));
        OrderedDict ordered = new OrderedDict();
        ordered.put("a", 1L);
        List<Object> values = new ArrayList<>(List.of(
                "abc", "", "it's \"quoted\"", "a\rb\tc\u0000",
                0L, -5L, Long.MIN_VALUE, BigInteger.TWO.pow(100).negate(),
                1.5, 1e22, 1e16, 1e-7, 0.1, -0.0, Double.NaN, Double.NEGATIVE_INFINITY,
                true, false,
                "x".getBytes(StandardCharsets.ISO_8859_1), "it's\n\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1),
                new ByteArray("b'\"".getBytes(StandardCharsets.ISO_8859_1)),
                new BigDecimal("1.5"), new BigDecimal("1E+2"), new BigDecimal("0.000001"), new BigDecimal("1E-7"),
                new BigDecimal("-0.00"), new BigDecimal("123456789.123456789000"), new BigDecimal("-12E-10"),
                LocalDate.of(2020, 1, 2), LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31),
                LocalTime.MIDNIGHT, LocalTime.of(12, 34, 56), LocalTime.of(12, 34, 56, 789_000), LocalTime.of(23, 59, 59, 999_999_000),
                OffsetTime.of(1, 2, 3, 0, PLUS_ONE), OffsetTime.of(1, 2, 3, 4_000, ODD), OffsetTime.of(0, 0, 0, 0, ZoneOffset.UTC),
                LocalDateTime.of(2020, 1, 2, 3, 4, 5), LocalDateTime.of(1, 1, 1, 0, 0, 0, 1_000),
                OffsetDateTime.of(2020, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), OffsetDateTime.of(2020, 1, 2, 3, 4, 5, 6_000, ODD),
                OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 0, ZoneOffset.ofHours(-8)),
                Duration.ZERO, Duration.ofDays(1), Duration.ofDays(-1), Duration.ofSeconds(1, 5_000), Duration.ofNanos(-1_000),
                Duration.ofDays(2).plusHours(3).plusMinutes(4), Duration.ofDays(-999_999_999), Duration.ofSeconds(-86_401),
                ZoneOffset.UTC, PLUS_ONE, ZoneOffset.ofHoursMinutes(0, -30), ZoneOffset.ofHoursMinutesSeconds(1, 0, 30),
                ZoneOffset.ofHours(14), ODD,
                new Complex(1, 2), new Complex(0, 2), new Complex(-0.0, 1), new Complex(1.5, Double.NaN),
                Tuple.of("a", new BigDecimal("2")), Tuple.of("x"), Tuple.empty(), List.of(LocalDate.of(2020, 1, 2), "s"),
                dict, ordered, new LinkedHashSet<>(List.of("one")), new LinkedHashSet<>(),
                List.of(Duration.ofDays(1), ZoneOffset.UTC, OffsetTime.of(1, 2, 3, 0, PLUS_ONE))));
        values.add(null);
        return values;
    }

    @Test
    void strIsCPythons() throws IOException {
        Python.require();
        List<Object> values = values();
        String cpython = new String(Python.check(String.join("\n",
                "import pickle, sys",
                "values = pickle.loads(sys.stdin.buffer.read())",
                "sys.stdout.write('\\n'.join(repr(str(v)) for v in values))"), Pickle.dumps(values, 4)),
                StandardCharsets.UTF_8);
        List<String> brine = new ArrayList<>();
        for (Object v : values) {
            assertTrue(PythonRepr.strIsPythons(v), PythonRepr.repr(v));
            brine.add(PythonRepr.repr(PythonRepr.str(v)));
        }
        assertEquals(cpython, String.join("\n", brine));
    }

    @Test
    void protocolZeroWritesStrOfThePidAsCPythonsPicklerDoes() throws IOException {
        Python.require();
        List<Object> pids = new ArrayList<>();
        for (Object v : values()) {
            if (!PythonRepr.str(v).contains("\n")) { // a newline is refused (below)
                pids.add(v);
            }
        }
        List<PersistentId> refs = new ArrayList<>();
        for (Object pid : pids) {
            refs.add(new PersistentId(pid));
        }
        byte[] cpython = Python.check(String.join("\n",
                "import pickle, sys, io",
                "class Ref:",
                "    def __init__(self, pid): self.pid = pid",
                "class P(pickle.Pickler):",
                "    def persistent_id(self, obj):",
                "        return obj.pid if isinstance(obj, Ref) else None",
                "pids = pickle.loads(sys.stdin.buffer.read())",
                "f = io.BytesIO()",
                // None is no persistent id for CPython's hook: the Ref then writes None's str through a pid of its own
                "P(f, 0).dump([Ref(p if p is not None else 'None') for p in pids])",
                "sys.stdout.buffer.write(f.getvalue())"), Pickle.dumps(pids, 4));
        assertArrayEquals(cpython, Pickle.dumps(refs, 0), new String(cpython, StandardCharsets.ISO_8859_1));
        assertTrue(new String(cpython, StandardCharsets.ISO_8859_1).contains("P1.5\n"));
    }

    /** CPython refuses a pid whose str is not ASCII; Brine refuses it with CPython's words. */
    @Test
    void aNonAsciiStrIsRefusedAsCPythonRefusesIt() throws IOException {
        Python.require();
        String cpython = new String(Python.check(String.join("\n",
                "import pickle, io",
                "class P(pickle.Pickler):",
                "    def persistent_id(self, obj):",
                "        return obj if isinstance(obj, tuple) else None",
                "for pid in [('caf\\xe9',), ('\\u20ac',)]:",
                "    try:",
                "        P(io.BytesIO(), 0).dump([pid])",
                "        print('written')",
                "    except pickle.PicklingError as e:",
                "        print(e)"), new byte[0]), StandardCharsets.UTF_8);
        assertEquals("persistent IDs in protocol 0 must be ASCII strings\n".repeat(2), cpython);
        for (Object pid : List.of(Tuple.of("caf\u00e9"), Tuple.of("\u20ac"), "caf\u00e9", LocalDate.of(2020, 1, 2).toString() + "\u00e9")) {
            PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(new PersistentId(pid), 0));
            assertTrue(e.getMessage().startsWith("persistent IDs in protocol 0 must be ASCII strings; str(pid) is "), e.getMessage());
        }
    }

    /**
     * A newline in str(pid): CPython writes it as it is, and its pickle does not read back as that id (the line ends at
     * the newline); Brine refuses it rather than write a pickle that reads as something else.
     */
    @Test
    void aNewlineInTheStrIsRefusedWhereCPythonWritesAPickleThatReadsOtherwise() throws IOException {
        Python.require();
        String cpython = new String(Python.check(String.join("\n",
                "import pickle, io",
                "class P(pickle.Pickler):",
                "    def persistent_id(self, obj):",
                "        return obj[0] if isinstance(obj, tuple) else None",
                "f = io.BytesIO(); P(f, 0).dump(('a\\nb',))",
                "class U(pickle.Unpickler):",
                "    def persistent_load(self, pid): return pid",
                "try:",
                "    print(repr(U(io.BytesIO(f.getvalue())).load()))",
                "except Exception as e:",
                "    print(type(e).__name__)"), new byte[0]), StandardCharsets.UTF_8);
        assertFalse(cpython.startsWith("'a\\nb'"), cpython);
        PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(new PersistentId("a\nb"), 0));
        assertTrue(e.getMessage().startsWith("a persistent id at protocol 0 is one line, and str(pid) 'a\\nb' holds a newline"),
                e.getMessage());
    }

    /** A pid whose str Brine cannot know exactly is refused at protocol 0 (and written at protocol 2, as a value). */
    @Test
    void aPidWhoseStrBrineCannotTellIsRefusedAtProtocolZero() throws BrineException {
        Object generic = GenericObject.reduced(new Global("m", "Key"), Tuple.of("k"));
        Object set = new LinkedHashSet<>(List.of("a", "b")); // Python shows a set's items in hash order
        for (Object pid : List.of(generic, new Global("m", "f"), set, Tuple.of("x", generic),
                BigInteger.TEN.pow(4_300))) {
            assertFalse(PythonRepr.strIsPythons(pid), PythonRepr.brief(pid));
            PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(new PersistentId(pid), 0));
            assertTrue(e.getMessage().startsWith("cannot write the persistent id "), e.getMessage());
            assertTrue(e.getMessage().contains("at protocol 0, which writes str(pid)"), e.getMessage());
            Pickle.dumps(new PersistentId(pid), 2);
        }
        assertTrue(PythonRepr.strIsPythons(BigInteger.TEN.pow(4_299))); // 4,300 digits: Python's limit
        assertTrue(PythonRepr.strIsPythons(new Global("builtins", "len")));
    }
}
