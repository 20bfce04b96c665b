package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classes and functions held as values (a pickle of {@code [collections.OrderedDict, numpy.dtype]}) that Brine
 * resolves show as Python's repr shows them, in text and JSON; they were Java identity strings
 * ({@code BuiltinGlobals$OrderedDictClass@26aa12dd}). Python's repr of a function ends in its address
 * ({@code at 0x7f...}), which no file holds: compared without it.
 */
class ClassReferencesCliTest {
    @TempDir
    Path tmp;

    private static final String PICKLED = "import collections, copyreg, _codecs, datetime, decimal, numpy as np\n"
            + "import numpy._core.multiarray as ma, numpy._core.numeric as nm\n"
            + "values = [collections.OrderedDict, np.dtype, ma._reconstruct, ma.scalar, nm._frombuffer, np.ndarray,"
            + " set, frozenset, bytearray, bytes, complex, object, int, tuple, _codecs.encode, copyreg._reconstructor,"
            + " copyreg.__newobj__, copyreg.__newobj_ex__, decimal.Decimal, datetime.date, datetime.datetime,"
            + " datetime.time, datetime.timedelta, datetime.timezone]\n";

    private static final String SAVED = "import torch, torch._utils\n"
            + "values = [torch.float32, torch.bfloat16, torch.FloatStorage, torch.Size, torch.device, torch.Tensor,"
            + " torch.nn.parameter.Parameter, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter]\n";

    @Test
    void resolvedClassesAndFunctionsShowAsPythonReprsThem() throws Exception {
        Python.require("numpy", "torch");
        Path pkl = tmp.resolve("classes.pkl");
        Path pt = tmp.resolve("classes.pt");
        Python.checkText("import sys, pickle\n" + PICKLED + "pickle.dump(values, open(sys.argv[1], 'wb'), 2)\n", pkl);
        Python.checkText("import sys\n" + SAVED + "torch.save(values, sys.argv[1])\n", pt);
        for (Object[] file : new Object[][] {{pkl, PICKLED}, {pt, SAVED}}) {
            String path = file[0].toString();
            CliTest.Run text = CliTest.run("show", "--items=100", path);
            CliTest.Run json = CliTest.run("show", "--json", "--items=100", path);
            assertEquals(0, text.status(), text.err());
            assertEquals(0, json.status(), json.err());
            Path shown = Files.writeString(tmp.resolve("shown.json"), json.out(), StandardCharsets.UTF_8);
            // Python's repr of the list, and of each item (the JSON's {"__repr__": ...}), without the functions' addresses
            String expected = Python.checkText("import sys, re, json, warnings\nwarnings.simplefilter('ignore')\n"
                    + file[1] + "strip = lambda s: re.sub(r' at 0x[0-9a-f]+', '', s)\n"
                    + "assert json.load(open(sys.argv[1])) == [{'__repr__': strip(repr(v))} for v in values],"
                    + " json.load(open(sys.argv[1]))\n"
                    + "print(strip(repr(values)))\n", shown);
            assertEquals(expected, text.out(), path);
        }
    }
}
