package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.numpy.NumpyPickles;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The type names Brine's messages give a value read from a pickle against CPython's own for the value it
 * reads from the same pickle ({@code tp_name}: {@code int}, {@code datetime.date}, {@code argparse.Namespace}),
 * which is what CPython's messages print.
 */
class PythonTypeNamesDifferentialTest {
    @Test
    void namesAsCPythonsMessagesPrintThem() throws IOException {
        Python.require("numpy");
        List<String> lines = List.of(
                "None", "True", "7", "2**70", "1.5", "-0.0", "1j", "decimal.Decimal('1.25')", "decimal.Decimal('NaN')",
                "'x'", "b'x'", "bytearray(b'x')", "(1,)", "()", "[1]", "{1: 2}", "{1}", "frozenset({1})",
                "collections.OrderedDict(a=1)", "datetime.date(2020, 1, 2)", "datetime.time(1, 2)",
                "datetime.datetime(2020, 1, 2, 3)", "datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone.utc)",
                "datetime.timedelta(3)", "datetime.timezone(datetime.timedelta(hours=1))", "numpy.arange(3)",
                "argparse.Namespace(a=1)");
        List<String> cpython = Python.eachLine(String.join("\n",
                        "import pickle, decimal, collections, datetime, numpy, argparse",
                        "def case(line):",
                        "    v = eval(line)",
                        "    t = type(v)",
                        "    name = t.__qualname__ if t.__module__ == 'builtins' else t.__module__ + '.' + t.__qualname__",
                        "    return pickle.dumps(v, 4).hex() + ' ' + name"),
                "case(line)", null, lines);
        UnpicklerOptions options = UnpicklerOptions.builder().registry(NumpyPickles.standardRegistry())
                .genericObjects(true).build();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] pickleAndName = cpython.get(i).split(" ");
            Object loaded = Pickle.loads(HexFormat.of().parseHex(pickleAndName[0]), options);
            String brine = PythonTypeNames.of(loaded);
            if (!brine.equals(pickleAndName[1])) {
                differences.add(lines.get(i) + ": CPython " + pickleAndName[1] + ", Brine " + brine);
            }
        }
        assertEquals("", String.join("\n", differences));
    }
}
