package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs' error lines say what a command-line user can do, not which Java method to call; a safetensors file
 * with a tensor Brine has no array type for (a 4-bit float) is still listed, every tensor, as its header says.
 */
class CliWordsCliTest {
    @TempDir
    Path tmp;

    /** A safetensors file, as the format's header is written, with an F4 tensor 'a' and an F32 tensor 'b'. */
    private Path f4File() throws Exception {
        Path f = tmp.resolve("f4.safetensors");
        Python.check("import json, struct, sys\n"
                + "h = json.dumps({'a': {'dtype': 'F4', 'shape': [2], 'data_offsets': [0, 1]},"
                + " 'b': {'dtype': 'F32', 'shape': [1], 'data_offsets': [1, 5]}}).encode()\n"
                + "open(sys.argv[1], 'wb').write(struct.pack('<Q', len(h)) + h + b'\\x11' * 5)\n", new byte[0], f.toString());
        return f;
    }

    @Test
    void lsListsEveryTensorOfAFileWithOneItCannotRead() throws Exception {
        Path f = f4File();
        // the header as Python reads it: each tensor's name, dtype and shape, in file order
        String header = Python.checkText("import json, struct, sys\n"
                + "b = open(sys.argv[1], 'rb').read()\n"
                + "h = json.loads(b[8:8 + struct.unpack('<Q', b[:8])[0]])\n"
                + "print(' '.join('%s:%s:%s' % (k, v['dtype'], tuple(v['shape'])) for k, v in h.items()))\n", f).strip();
        assertEquals("a:F4:(2,) b:F32:(1,)", header);
        CliTest.Run r = CliTest.run("ls", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(String.format("%-24s %-15s %-16s %10s  %s%n", "a", "F4", "(2,)", "1 B", "safetensors")
                + String.format("%-24s %-15s %-16s %10s  %s%n", "b", "float32", "(1,)", "4 B", "safetensors"), r.out());
        assertEquals("brine: warning: " + f + ": tensor 'a' is F4, which brine cannot read as an array: show, extract,"
                + " verify and convert refuse the file", r.err().strip());
        // the same from standard input, whose bytes come once (ls lists it from its copy; it was refused)
        CliTest.Run piped = CliTest.runWithStdin(java.nio.file.Files.readAllBytes(f), "ls", "-");
        assertEquals(0, piped.status(), piped.err());
        assertEquals(r.out(), piped.out());
        assertEquals(r.err().replace(f.toString(), "-"), piped.err());
        for (String verb : new String[] {"show", "verify"}) {
            CliTest.Run refused = CliTest.run(verb, f.toString());
            assertEquals(1, refused.status(), verb);
            assertEquals("brine: " + f + ": tensor 'a' is F4, which brine cannot read as an array (brine ls lists the"
                    + " file's tensors)", refused.err().strip(), verb);
        }
    }

    @Test
    void convertingABfloat16TensorToNumpySaysWhatHoldsItInCliWords() throws Exception {
        Python.require("torch", "safetensors");
        Path st = tmp.resolve("bf.safetensors");
        Python.check("import sys, torch\nfrom safetensors.torch import save_file\n"
                + "save_file({'w': torch.ones(2, dtype=torch.bfloat16)}, sys.argv[1])\n", new byte[0], st.toString());
        CliTest.Run r = CliTest.run("convert", st.toString(), tmp.resolve("o.npz").toString());
        assertEquals(1, r.status());
        assertEquals("brine: " + st + ": array 'w' is bfloat16, which numpy has no dtype for: .npy and .npz cannot hold it"
                + " (.safetensors and .pt can; brine does not cast arrays)", r.err().strip());
        assertFalse(r.err().contains("Java"), r.err());
        // and the .pt it points to holds the tensor as torch reads it
        Path pt = tmp.resolve("o.pt");
        assertEquals(0, CliTest.run("convert", st.toString(), pt.toString()).status());
        assertTrue(Python.checkText("import sys, torch\nt = torch.load(sys.argv[1])['w']\nprint(t.dtype, t.tolist())\n", pt)
                .strip().equals("torch.bfloat16 [1.0, 1.0]"));
    }
}
