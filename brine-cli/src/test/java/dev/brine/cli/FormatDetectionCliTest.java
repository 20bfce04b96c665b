package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs tell formats apart by content, and a format is taken only when the file has its whole signature:
 * valid pickles that begin as another format might (a protocol 1 pickle whose first str begins with '{' after
 * zero bytes, as a safetensors header length would; a protocol 0 pickle whose persistent id begins with K, so
 * the file begins "PK") or that carry another format's extension (a plain pickle saved as .pth) read as the
 * pickles they are, as pickle.load and pickletools read them; files of every other format are still found by
 * their content whatever their name (a legacy torch file at each pickle protocol, safetensors, an empty .npz).
 */
class FormatDetectionCliTest {
    @TempDir
    Path tmp;

    private static final String PICKLES = String.join("\n",
            "import pickle, os, sys",
            "os.chdir(sys.argv[1])",
            "files = {",
            "    'json_list.pkl': pickle.dumps(['{\"lr\": 0.1}'], 1),",
            "    'brace_key.pkl': pickle.dumps({'{}': 1}, 1),",
            "    'tuple.pkl': pickle.dumps((0, '{\"a\": [1, 2]}'), 1),",
            "    'state.pth': pickle.dumps({'epoch': 3, 'lr': 0.1}, 4),",
            "    'state2.pt': pickle.dumps({'epoch': 3, 'lr': 0.1}, 2),",
            // torch's magic number alone is a plain int: a legacy file pickles its version, 1001, after it
            "    'magic0.pkl': pickle.dumps(0x1950A86A20F9469CFC6C, 0),",
            "    'magic2.pt': pickle.dumps(0x1950A86A20F9469CFC6C, 2),",
            "}",
            "for name, data in files.items():",
            "    open(name, 'wb').write(data)",
            "    print(name, repr(pickle.load(open(name, 'rb'))), sep='|')");

    private static final String PICKLETOOLS = "import pickletools, sys; pickletools.dis(open(sys.argv[1], 'rb'))";

    @Test
    void picklesThatBeginAsAnotherFormatReadAsPickles() throws Exception {
        Python.require();
        List<String> cases = Python.checkText(PICKLES, tmp).lines().toList();
        assertEquals(7, cases.size());
        for (String line : cases) {
            String[] c = line.split("\\|", 2);
            Path file = tmp.resolve(c[0]);
            CliTest.Run show = CliTest.run("show", file.toString());
            assertEquals(0, show.status(), show.err());
            assertEquals(c[1] + "\n", show.out(), c[0]);
            CliTest.Run verify = CliTest.run("verify", file.toString());
            assertEquals(file + ": ok (pickle, 1 item)\n", verify.out(), verify.err());
            assertEquals(0, CliTest.run("ls", file.toString()).status(), c[0]);
            CliTest.Run convert = CliTest.run("convert", file.toString(), tmp.resolve(c[0] + ".out.pkl").toString());
            assertEquals(0, convert.status(), convert.err());
            assertEquals(c[1], Python.checkText("import pickle, sys; print(repr(pickle.load(open(sys.argv[1], 'rb'))))",
                    tmp.resolve(c[0] + ".out.pkl")).strip());
            assertEquals(Python.checkText(PICKLETOOLS, file), CliTest.run("dis", file.toString()).out(), c[0]);
        }
    }

    /**
     * A pickle that begins "PK" (PERSID with an id that begins with K) is no ZIP: dis lists it as pickletools does,
     * and show prints its persistent id as the call that would resolve it (pickle.load, which has no persistent_load,
     * refuses it; Python's Unpickler with one is given 'Key').
     */
    @Test
    void aPickleThatBeginsWithPkIsNoZip() throws Exception {
        Python.require();
        Path file = tmp.resolve("persid.pkl");
        Python.Result load = Python.run("import pickle, sys; open(sys.argv[1], 'wb').write(b'PKey\\n.'); pickle.load(open(sys.argv[1], 'rb'))",
                new byte[0], file.toString());
        assertTrue(load.stderr.contains("persistent_load"), load.stderr);
        CliTest.Run dis = CliTest.run("dis", file.toString());
        assertEquals(0, dis.status(), dis.err());
        assertEquals(Python.checkText(PICKLETOOLS, file), dis.out());
        CliTest.Run show = CliTest.run("show", file.toString());
        assertEquals(0, show.status(), show.err());
        assertEquals("persistent_load('Key')\n", show.out());
        assertFalse(show.err().contains("ZIP"), show.err());
    }

    /** Every format is still found by its content under any name: verify says which it read the file as. */
    @Test
    void otherFormatsAreFoundByTheirContentWhateverTheirName() throws Exception {
        Python.require("numpy", "torch", "safetensors");
        Python.check(String.join("\n",
                "import os, sys, warnings, numpy as np, torch",
                "from safetensors.numpy import save_file",
                "warnings.simplefilter('ignore')",
                "os.chdir(sys.argv[1])",
                "for p in (1, 2, 4, 5):",
                "    torch.save({'w': torch.arange(3)}, 'legacy%d.bin' % p, _use_new_zipfile_serialization=False, pickle_protocol=p)",
                "torch.save({'w': torch.arange(3)}, 'zipped.bin')",
                "save_file({'w': np.arange(3.0)}, 'weights.bin')",
                "np.savez('empty.npz')",
                "np.savez(open('arrays.bin', 'wb'), w=np.arange(3))",
                "np.save(open('array.bin', 'wb'), np.arange(3))"), new byte[0], tmp.toString());
        String[][] expected = {
            {"legacy1.bin", "torch, 1 item"}, {"legacy2.bin", "torch, 1 item"}, {"legacy4.bin", "torch, 1 item"},
            {"legacy5.bin", "torch, 1 item"}, {"zipped.bin", "torch, 1 item"}, {"weights.bin", "safetensors, 1 item"},
            {"empty.npz", "npz, 0 items"}, {"arrays.bin", "npz, 1 item"}, {"array.bin", "npy, 1 item"}};
        for (String[] e : expected) {
            Path file = tmp.resolve(e[0]);
            CliTest.Run verify = CliTest.run("verify", file.toString());
            assertEquals(file + ": ok (" + e[1] + ")\n", verify.out(), verify.err());
        }
        // and what a legacy file holds is what torch.load gives: its tensor's dtype, shape and values
        for (String name : new String[] {"legacy1.bin", "legacy5.bin"}) {
            assertEquals(Python.checkText(String.join("\n", "import torch, sys",
                    "t = torch.load(sys.argv[1], weights_only=False)['w']",
                    "print(\"{'w': array(%s, shape=%s) %s}\" % (t.numpy().dtype, tuple(t.shape), t.tolist()))"),
                    tmp.resolve(name)), CliTest.run("show", tmp.resolve(name).toString()).out());
        }
    }
}
