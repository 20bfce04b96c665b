package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigDecimal;
import dev.brine.ndarray.DType;
import dev.brine.numpy.NumpyScalar;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keys distinct in Java but one key in Python are refused when written (Python would keep one and
 * lose the rest silently), and keys that are distinct in Python too are written as before (tuples and
 * frozensets of mixed numeric types excepted, see PythonEqualKeys). Oracle:
 * for every pair of keys, CPython's own verdict on {@code len({a: 0, b: 1})} for the same two values.
 */
class PythonEqualKeysTest {
    /** Java keys and the Python expression of the same value. */
    private static final Object[][] KEYS = {
        {1L, "1"}, {1.0, "1.0"}, {true, "True"}, {new BigDecimal("1.00"), "decimal.Decimal('1.00')"},
        {new Complex(1, 0), "complex(1, 0)"}, {BigInteger.ONE, "1"}, {1, "1"}, {(short) 1, "1"}, {1.0f, "1.0"},
        {0L, "0"}, {0.0, "0.0"}, {-0.0, "-0.0"}, {false, "False"}, {BigDecimal.ZERO, "decimal.Decimal(0)"},
        {0.5, "0.5"}, {new BigDecimal("0.5"), "decimal.Decimal('0.5')"}, {0.1, "0.1"}, {new BigDecimal("0.1"),
        "decimal.Decimal('0.1')"}, {0.1f, "float(numpy.float32(0.1))"}, {new Complex(1, 2), "complex(1, 2)"},
        {Tuple.of(1L, 2L), "(1, 2)"}, {Tuple.of("1"), "('1',)"}, {"1", "'1'"},
        {new byte[] {1}, "b'\\x01'"}, {new byte[] {1}, "b'\\x01'"}, {Double.POSITIVE_INFINITY, "float('inf')"},
        {Float.POSITIVE_INFINITY, "float('inf')"}, {BigInteger.TWO.pow(70), "2**70"},
        {Math.pow(2, 70), "float(2**70)"}, {FrozenSet.of(1L), "frozenset({1})"},
        // numbers that end in zeros (a Long's 10 and a double's 1E+1 were two keys to the check)
        {10L, "10"}, {10.0, "10.0"}, {BigInteger.TEN, "10"}, {100, "100"}, {new BigDecimal("100"), "decimal.Decimal('100')"},
        {new BigDecimal("1E+2"), "decimal.Decimal('1E+2')"}, {5_000_000_000L, "5000000000"},
        {BigInteger.valueOf(5_000_000_000L), "5000000000"}, {5e9, "5e9"},
        // aware datetimes and times: one key at the same instant, whatever the offsets; a naive one apart
        {OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "D(2020, 1, 1, 0, 0, tzinfo=UTC)"},
        {OffsetDateTime.of(2020, 1, 1, 1, 0, 0, 0, ZoneOffset.ofHours(1)), "D(2020, 1, 1, 1, 0, tzinfo=TZ(H(hours=1)))"},
        {OffsetDateTime.of(2020, 1, 1, 1, 0, 0, 0, ZoneOffset.UTC), "D(2020, 1, 1, 1, 0, tzinfo=UTC)"},
        {LocalDateTime.of(2020, 1, 1, 0, 0), "D(2020, 1, 1, 0, 0)"},
        {OffsetTime.of(0, 0, 0, 0, ZoneOffset.UTC), "T(0, 0, tzinfo=UTC)"},
        {OffsetTime.of(1, 0, 0, 0, ZoneOffset.ofHours(1)), "T(1, 0, tzinfo=TZ(H(hours=1)))"},
        {OffsetTime.of(0, 30, 0, 0, ZoneOffset.ofHours(1)), "T(0, 30, tzinfo=TZ(H(hours=1)))"},
        {OffsetTime.of(23, 30, 0, 0, ZoneOffset.UTC), "T(23, 30, tzinfo=UTC)"},
        // Object[] is written as a tuple: by content in Python, by identity in Java
        {new Object[] {1L}, "(1,)"}, {new Object[] {1L}, "(1,)"}, {Tuple.of(1L), "(1,)"},
        // numpy scalars equal the values they hold, and each other across types
        {NumpyScalar.of(DType.FLOAT64, 1.0), "numpy.float64(1.0)"}, {NumpyScalar.of(DType.FLOAT32, 1.0), "numpy.float32(1.0)"},
        {NumpyScalar.of(DType.INT64, 10L), "numpy.int64(10)"}, {NumpyScalar.of(DType.BOOL, false), "numpy.False_"},
        {NumpyScalar.of(DType.FLOAT64, -0.0), "numpy.float64(-0.0)"}, {NumpyScalar.of(DType.FLOAT32, 0.1), "numpy.float32(0.1)"},
        {NumpyScalar.of(DType.unicode(1), "1"), "numpy.str_('1')"},
        // a Character is written as the one-character str
        {'1', "'1'"}, {'2', "'2'"},
    };

    @Test
    void everyPairIsRefusedExactlyWhenPythonSeesOneKey() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < KEYS.length; i++) {
            for (int j = i + 1; j < KEYS.length; j++) {
                lines.add(KEYS[i][1] + " ; " + KEYS[j][1]);
            }
        }
        List<String> sizes = Python.eachLine("import decimal, numpy\n"
                + "from datetime import datetime as D, time as T, timezone as TZ, timedelta as H\n"
                + "UTC = TZ.utc",
                "str(len({eval(line.split(' ; ')[0]): 0, eval(line.split(' ; ')[1]): 1}))", null, lines);
        List<String> written = new ArrayList<>(); // Brine's pickles of the pairs Python keeps apart
        List<String> writtenPairs = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < KEYS.length; i++) {
            for (int j = i + 1; j < KEYS.length; j++, k++) {
                Map<Object, Object> dict = new LinkedHashMap<>();
                dict.put(KEYS[i][0], 0L);
                dict.put(KEYS[j][0], 1L);
                String pair = lines.get(k);
                for (int proto : new int[] {0, 2, 5}) {
                    if (sizes.get(k).equals("1")) {
                        PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(dict, proto), pair);
                        assertTrue(e.getMessage().contains("equal in Python"), e.getMessage());
                    } else {
                        written.add(HexFormat.of().formatHex(Pickle.dumps(dict, proto)));
                        writtenPairs.add(pair + " at protocol " + proto);
                    }
                }
            }
        }
        List<String> loaded = Python.eachLine("import pickle", "str(len(pickle.loads(bytes.fromhex(line))))", null, written);
        for (int w = 0; w < written.size(); w++) {
            assertEquals("2", loaded.get(w), writtenPairs.get(w));
        }
        assertTrue(written.size() > 100 && written.size() < 3 * lines.size(), "both verdicts are exercised");
    }

    @Test
    void aWrittenDictOfDistinctKeysLoadsInPythonWithEveryKey() throws IOException {
        Python.require();
        Map<Object, Object> dict = new LinkedHashMap<>();
        dict.put(1L, "a");
        dict.put(1.5, "b");
        dict.put("1", "c");
        dict.put(new byte[] {1}, "d");
        dict.put(Tuple.of(1L, 2.5), "e");
        dict.put(new Complex(1, 1), "f");
        String hex = HexFormat.of().formatHex(Pickle.dumps(dict, 4));
        assertEquals("6", Python.eachLine("import pickle", "str(len(pickle.loads(bytes.fromhex(line))))", null,
                List.of(hex)).get(0));
    }

    @Test
    void setsFrozenSetsOrderedDictsAndStringKeysAlike() throws IOException {
        Set<Object> set = new LinkedHashSet<>(List.of(0L, -0.0));
        for (int proto = 0; proto <= 5; proto++) {
            int p = proto;
            assertThrows(PicklingException.class, () -> Pickle.dumps(set, p));
        }
        OrderedDict<Object, Object> od = new OrderedDict<>();
        od.put(true, 1L);
        od.put(1L, 2L);
        assertThrows(PicklingException.class, () -> Pickle.dumps(od, 2));
        Map<Object, Object> strings = new LinkedHashMap<>();
        strings.put("1", 0L);
        strings.put(1L, 0L);
        strings.put("1.0", 0L);
        assertTrue(Pickle.dumps(strings, 4).length > 0); // str never equals a number in Python
    }

    @Test
    void keysOfOneClassAreRefusedOnlyWhereThatClassDiffersFromPython() {
        Map<Object, Object> zeros = new LinkedHashMap<>();
        zeros.put(0.0, 1L);
        zeros.put(2.5, 2L);
        zeros.put(-0.0, 3L);
        assertThrows(PicklingException.class, () -> Pickle.dumps(zeros, 4));
        Map<Object, Object> scales = new LinkedHashMap<>();
        scales.put(new BigDecimal("1.0"), 1L);
        scales.put(new BigDecimal("1.00"), 2L);
        assertThrows(PicklingException.class, () -> Pickle.dumps(scales, 4));
        Map<Object, Object> ints = new LinkedHashMap<>();
        for (long i = 0; i < 1000; i++) {
            ints.put(i, i);
        }
        ints.put(null, 0L);
        ints.put("0", 0L);
        assertTrue(assertDoesNotThrow(() -> Pickle.dumps(ints, 4)).length > 0);
        // numpy integers of one dtype: equal exactly when their bytes are (their quick path); floats' zeros are not
        Map<Object, Object> int64s = new LinkedHashMap<>();
        for (long i = 0; i < 1000; i++) {
            int64s.put(NumpyScalar.of(DType.INT64, i), i);
        }
        assertTrue(assertDoesNotThrow(() -> Pickle.dumps(int64s, 4)).length > 0);
        Map<Object, Object> floatZeros = new LinkedHashMap<>();
        floatZeros.put(NumpyScalar.of(DType.FLOAT64, 0.0), 1L);
        floatZeros.put(NumpyScalar.of(DType.FLOAT64, -0.0), 2L);
        assertThrows(PicklingException.class, () -> Pickle.dumps(floatZeros, 4));
        // a numpy str scalar whose unit is no code point (a hand-made file) has no value to compare: it stands for itself
        Map<Object, Object> oddStr = new LinkedHashMap<>();
        oddStr.put("a", 0L);
        oddStr.put(new NumpyScalar(DType.unicode(1), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}), 1L);
        assertTrue(assertDoesNotThrow(() -> Pickle.dumps(oddStr, 2)).length > 0);
    }
}
