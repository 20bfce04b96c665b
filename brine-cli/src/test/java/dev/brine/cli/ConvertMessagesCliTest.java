package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What convert says: a refusal names the file and the array (an array torch or safetensors has no dtype for,
 * which Python's torch and safetensors refuse too), and the command a warning suggests is one that works.
 */
class ConvertMessagesCliTest {
    @TempDir
    Path tmp;

    @Test
    void anArrayTorchCannotHoldIsNamedWithTheFile() throws Exception {
        Python.require("numpy", "torch");
        Path in = tmp.resolve("strings.npz");
        String torch = Python.checkText(String.join("\n", "import numpy as np, torch, sys",
                "np.savez(sys.argv[1], w=np.arange(3.0), U=np.array(['ab', 'c']))",
                "try:",
                "    torch.from_numpy(np.load(sys.argv[1])['U'])",
                "except TypeError as e:",
                "    print(e)"), in);
        assertTrue(torch.startsWith("can't convert np.ndarray of type numpy.str_"), torch); // torch has no such dtype
        Path out = tmp.resolve("out.pt");
        CliTest.Run run = CliTest.run("convert", in.toString(), out.toString());
        assertEquals(1, run.status());
        assertEquals("brine: " + in + ": array 'U' is str64 (<U2), which torch has no dtype for: a .pt checkpoint"
                + " cannot hold it (.npz, .npy and pickles can)\n", run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anArraySafetensorsCannotHoldIsRefusedNamingTheFile() throws Exception {
        Python.require("numpy", "safetensors");
        Path in = tmp.resolve("complex.npz");
        String safetensors = Python.checkText(String.join("\n", "import numpy as np, sys",
                "from safetensors.numpy import save_file",
                "np.savez(sys.argv[1], c=np.ones(2, dtype=complex))",
                "try:",
                "    save_file(dict(np.load(sys.argv[1])), sys.argv[1] + '.st')",
                "except Exception as e:",
                "    print(e)"), in);
        assertTrue(safetensors.startsWith("Unknown dtype \"complex128\""), safetensors);
        Path out = tmp.resolve("out.safetensors");
        CliTest.Run run = CliTest.run("convert", in.toString(), out.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("brine: " + in + ": ") && run.err().contains("'c' is complex128"), run.err());
        assertFalse(Files.exists(out));
    }

    /**
     * One Pickler's dumps at protocol 2 converted to protocol 5: the warning's command (it said {@code brine --memo},
     * which is no option of brine's) runs, and reads the output as CPython's one Unpickler reads it.
     */
    @Test
    void theMemoWarningSuggestsACommandThatWorks() throws Exception {
        Python.require();
        Path in = tmp.resolve("one-pickler.pkl");
        Python.check(String.join("\n", "import pickle, sys",
                "x = [1, 2]",
                "with open(sys.argv[1], 'wb') as f:",
                "    p = pickle.Pickler(f, 2)",
                "    p.dump(x)",
                "    p.dump([3, x])"), new byte[0], in.toString());
        Path out = tmp.resolve("p5.pkl");
        CliTest.Run convert = CliTest.run("convert", in.toString(), out.toString(), "--protocol", "5");
        assertEquals(0, convert.status(), convert.err());
        Matcher command = Pattern.compile("`brine ([^`]*)`").matcher(convert.err());
        assertTrue(command.find(), convert.err());
        CliTest.Run suggested = CliTest.run(command.group(1).split(" "));
        assertEquals(0, suggested.status(), command.group(1) + ": " + suggested.err());
        String[] reprs = Python.checkText("import pickle, sys\nu = pickle.Unpickler(open(sys.argv[1], 'rb'))\n"
                + "print(repr(u.load()))\nprint(repr(u.load()))", out).strip().split("\n");
        assertEquals("[[1, 2], [3, [1, 2]]]", Arrays.toString(reprs));
        assertEquals("# object 1 of 2\n" + reprs[0] + "\n# object 2 of 2\n" + reprs[1] + "\n", suggested.out());
    }
}
