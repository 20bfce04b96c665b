package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show --json} wrote a complex, a datetime, a Decimal or a class as its repr in a plain JSON string, so
 * {@code 1+2j} and the str {@code '(1+2j)'} came out alike. Such a value is now {@code {"__repr__": "(1+2j)"}}, as a
 * NaN is {@code {"__float__": "nan"}}; a str key named {@code __repr__} is written by its repr. Oracle: CPython's json
 * module reads the output, and each marker holds CPython's {@code repr} of the pickled value; each str stays a str.
 * Elements of numpy arrays keep their plain text (the dtype says what it is: ArrayVerbsTest).
 */
class JsonReprMarkerCliTest {
    @TempDir
    Path tmp;

    @Test
    void valuesJsonHasNoFormForCarryTheirReprUnderAMarker() throws Exception {
        Python.require("numpy");
        Path pkl = tmp.resolve("v.pkl");
        String values = "import collections, datetime, decimal\n"
                + "v = [1+2j, '(1+2j)', datetime.datetime(2020, 1, 2, 3, 4, 5, 6), 'datetime.datetime(2020, 1, 2, 3, 4, 5, 6)',"
                + " datetime.date(1999, 12, 31), datetime.time(23, 59), datetime.timedelta(days=-1, seconds=5),"
                + " decimal.Decimal('-1.50'), len, collections.OrderedDict, 2 ** 70, -0.0, 'x',"
                + " {'__repr__': 1, 'k': 3j}]\n";
        Python.check(values + "import pickle, sys\npickle.dump(v, open(sys.argv[1], 'wb'), 4)\n", new byte[0],
                pkl.toString());
        CliTest.Run show = CliTest.run("show", "--json", pkl.toString());
        assertEquals(0, show.status(), show.err());
        Path json = Files.writeString(tmp.resolve("v.json"), show.out());
        assertEquals("ok", Python.checkText(values + "import json, sys\n"
                + "got = json.load(open(sys.argv[1]))\n"
                + "def expected(x):\n"
                + "    if isinstance(x, dict):\n"
                + "        return {(\"'__repr__'\" if k == '__repr__' else k): expected(y) for k, y in x.items()}\n"
                + "    if x is None or isinstance(x, (str, int, float)):\n"
                + "        return x\n"
                + "    return {'__repr__': repr(x)}\n"
                + "want = [expected(x) for x in v]\n"
                + "assert got == want, (got, want)\n"
                + "assert [type(x) for x in got] == [type(x) for x in want]\n"
                + "print('ok')", json).strip());
    }

    /**
     * A record of an object array's structured dtype: its object field holds Python values (a marker for a complex),
     * its other fields typed elements, plain text as in an array of numbers' records (they had the marker too).
     */
    @Test
    void recordsOfObjectArraysTellTypedFieldsFromObjectFields() throws Exception {
        Python.require("numpy");
        Path pkl = tmp.resolve("r.pkl");
        Python.check(String.join("\n", "import pickle, sys, numpy as np",
                "a = np.array([(1j, 2.5)], dtype=[('o', 'O'), ('c', 'c8')])",
                "b = np.array([(3+4j,)], dtype=[('c', 'c8')])",
                "pickle.dump({'with_object': a, 'plain': b}, open(sys.argv[1], 'wb'), 2)"), new byte[0], pkl.toString());
        CliTest.Run show = CliTest.run("show", "--json", pkl.toString());
        assertEquals(0, show.status(), show.err());
        assertEquals("{\"with_object\": {\"__ndarray__\": {\"dtype\": \"void128\", \"shape\": [1], \"values\": "
                + "[{\"o\": {\"__repr__\": \"1j\"}, \"c\": \"(2.5+0j)\"}]}}, \"plain\": {\"__ndarray__\": {\"dtype\": "
                + "\"void64\", \"shape\": [1], \"values\": [{\"c\": \"(3+4j)\"}]}}}", show.out().strip());
    }
}
