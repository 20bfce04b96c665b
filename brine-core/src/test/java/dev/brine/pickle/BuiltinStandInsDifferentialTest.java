package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The builtin values strict reading keeps as inert generic objects because Java cannot hold them (a
 * {@code Decimal} NaN, infinity or negative zero, a named {@code timezone}, a {@code datetime} or {@code time} in
 * a zone Brine keeps inert, a bare {@code object()}), each followed by an opcode that calls it, gives it a state or
 * items: Brine loads exactly what CPython loads. CPython refuses a call ({@code 'decimal.Decimal' object is not
 * callable}), a state ({@code no attribute '__dict__'}), APPEND(S) and SETITEM(S), and takes a None state or the
 * slots form of an empty one, on these and on the same types' values Java holds ({@code Decimal('1')}, a naive
 * {@code datetime}).
 */
class BuiltinStandInsDifferentialTest {
    private static final List<String> VALUES = List.of(
            "decimal.Decimal('NaN')",
            "decimal.Decimal('-0')",
            "decimal.Decimal('-Infinity')",
            "decimal.Decimal('sNaN')",
            "datetime.timezone(datetime.timedelta(hours=-3), 'BRT')",
            "datetime.datetime(2020, 5, 6, 7, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=1), 'X'))",
            "datetime.time(1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=1), 'X'))",
            "object()",
            "decimal.Decimal('1')",
            "datetime.datetime(2020, 1, 1)");

    /** What follows the value (its pickle without STOP), as hex: each opcode CPython may refuse on it. */
    private static final List<String> SUFFIXES = List.of(
            "29522e", // ) REDUCE: the value called with no arguments
            "284b0174522e", // (K1 t REDUCE: called with one
            "7d622e", // } BUILD: an empty dict state
            "7d5801000000614b0173622e", // {'a': 1} BUILD
            "4e622e", // None BUILD: nothing to do
            "4e7d86622e", // (None, {}) BUILD: no slots to set
            "4b01612e", // K1 APPEND
            "284b01652e", // MARK K1 APPENDS
            "4b014b02732e", // K1 K2 SETITEM
            "284b014b02752e", // MARK K1 K2 SETITEMS
            "29812e"); // ) NEWOBJ: the value as a class

    @Test
    void strictReadingLoadsWhatCPythonLoads() throws IOException {
        Python.require();
        List<String> pickles = new ArrayList<>();
        for (String value : VALUES) {
            for (String suffix : SUFFIXES) {
                pickles.add(value + "\t" + suffix);
            }
        }
        List<String> cpython = Python.eachLine("import pickle, decimal, datetime\n"
                + "def make(line):\n"
                + "    value, suffix = line.split('\\t')\n"
                + "    return pickle.dumps(eval(value), 2)[:-1] + bytes.fromhex(suffix)\n"
                + "def verdict(line):\n"
                + "    data = make(line)\n"
                + "    try:\n"
                + "        pickle.loads(data)\n"
                + "        return 'loaded ' + data.hex()\n"
                + "    except Exception as e:\n"
                + "        return 'refused ' + data.hex()",
                "verdict(line)", null, pickles);
        List<String> differences = new ArrayList<>();
        int refusedByBoth = 0;
        for (int i = 0; i < pickles.size(); i++) {
            String[] v = cpython.get(i).split(" ");
            byte[] data = HexFormat.of().parseHex(v[1]);
            String brine;
            try {
                Pickle.loads(data); // strict: the default options
                brine = "loaded";
            } catch (UnpicklingException e) {
                brine = "refused";
            }
            if (!brine.equals(v[0])) {
                differences.add(pickles.get(i) + ": CPython " + v[0] + ", Brine " + brine);
            } else if (brine.equals("refused")) {
                refusedByBoth++;
            }
        }
        assertEquals("", String.join("\n", differences));
        assertEquals(VALUES.size() * 9, refusedByBoth, "each value takes a None state and an empty slots state only");
    }

    /** Generic reading keeps a call on a generic object inert, as it keeps any class it does not model. */
    @Test
    void genericReadingStillKeepsACallOnAGenericObject() throws IOException {
        Python.require();
        String hex = new String(Python.check("import pickle, decimal\n"
                + "print((pickle.dumps(decimal.Decimal('NaN'), 2)[:-1] + bytes.fromhex('29522e')).hex())", new byte[0]),
                java.nio.charset.StandardCharsets.US_ASCII).trim();
        Object read = Pickle.loads(HexFormat.of().parseHex(hex), UnpicklerOptions.builder().genericObjects(true).build());
        GenericObject call = assertInstanceOf(GenericObject.class, read);
        assertEquals("Decimal('NaN')", dev.brine.py.PythonRepr.repr(call.callable()));
    }
}
