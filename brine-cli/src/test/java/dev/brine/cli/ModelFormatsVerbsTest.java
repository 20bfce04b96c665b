package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs on model archives (written by python/brine.py), torch checkpoints and safetensors files. */
class ModelFormatsVerbsTest {
    @TempDir
    Path tmp;

    private void python(String script, String... modules) throws Exception {
        Python.require(modules);
        Python.check("import os, sys\nsys.path.insert(0, " + str(Path.of("..", "python").toAbsolutePath().toString())
                + ")\nos.chdir(" + str(tmp.toString()) + ")\n" + script, new byte[0]);
    }

    private static String str(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Test
    void archivesWrittenByPythonShowListConvertAndKeepTheirNames() throws Exception {
        python("import brine, numpy as np\n"
                + "brine.dump({'W': brine.SharedVariable(np.arange(6.).reshape(2, 3), 'W'), 'b': np.zeros(2), 'lr': 0.1},"
                + " 'model.zip')\n", "numpy");
        CliTest.Run show = CliTest.run("show", tmp.resolve("model.zip").toString());
        assertEquals(0, show.status(), show.err());
        assertEquals("{'W': SharedVariable('W', array(float64, shape=(2, 3)) [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),"
                + " 'b': array(float64, shape=(2,)) [0.0, 0.0], 'lr': 0.1}\n", show.out());
        CliTest.Run ls = CliTest.run("ls", tmp.resolve("model.zip").toString());
        // by path, as convert to .npz names them; the member numpy.load gives it as is said beside
        assertTrue(ls.out().matches("(?s)W\\s+float64\\s+\\(2, 3\\)\\s+48 B\\s+deflated\\n"
                + "b\\s+float64\\s+\\(2,\\)\\s+16 B\\s+deflated, member array_0\\n"), ls.out());
        assertEquals(0, CliTest.run("verify", tmp.resolve("model.zip").toString()).status());
        CliTest.Run conv = CliTest.run("convert", tmp.resolve("model.zip").toString(), tmp.resolve("copy.zip").toString(),
                "--stored");
        assertEquals(0, conv.status(), conv.err());
        python("import brine, numpy as np\nz = np.load('copy.zip')\nassert z.files == ['W', 'array_0', 'pkl'], z.files\n"
                + "m = brine.load('copy.zip')\nassert m['W'].name == 'W' and m['lr'] == 0.1\n", "numpy");
    }

    /**
     * An archive converted to a plain pickle and back keeps its members' names: the pickle's
     * brine.SharedVariable objects are read as variables (they were inert objects, and the archive
     * written from them named its members array_0, array_1), and show prints both files alike.
     */
    @Test
    void anArchiveConvertedToAPickleAndBackKeepsItsMembersNames() throws Exception {
        python("import brine, numpy as np\n"
                + "brine.dump({'W': brine.SharedVariable(np.arange(4.).reshape(2, 2), 'W'),"
                + " 'b': brine.SharedVariable(np.ones(2), 'b'), 'x': np.zeros(3)}, 'model.zip')\n", "numpy");
        String zip = tmp.resolve("model.zip").toString();
        String pkl = tmp.resolve("model.pkl").toString();
        assertEquals(0, CliTest.run("convert", zip, pkl).status());
        assertEquals(0, CliTest.run("convert", pkl, tmp.resolve("again.zip").toString()).status());
        python("import brine, numpy as np, zipfile, pickle\n"
                + "names = zipfile.ZipFile('model.zip').namelist()\n"
                + "assert zipfile.ZipFile('again.zip').namelist() == names == ['W', 'b', 'array_0', 'pkl'], names\n"
                + "m = brine.load('again.zip')\n"
                + "assert m['W'].name == 'W' and (m['W'].value == np.arange(4.).reshape(2, 2)).all() and m['b'].name == 'b'\n"
                + "p = pickle.load(open('model.pkl', 'rb'))\n"
                + "assert p['W'].name == 'W' and (p['x'] == 0).all()\n", "numpy");
        assertEquals(CliTest.run("show", zip).out(), CliTest.run("show", pkl).out());
    }

    @Test
    void torchCheckpointsAndSafetensorsConvertBothWays() throws Exception {
        python("import torch, safetensors.torch as st\n"
                + "torch.manual_seed(0)\n"
                + "torch.save({'model': torch.nn.Linear(3, 2).state_dict(), 'epoch': 3}, 'ck.pt')\n",
                "torch", "safetensors");
        CliTest.Run ls = CliTest.run("ls", tmp.resolve("ck.pt").toString());
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().matches("(?s)model\\.weight\\s+float32\\s+\\(2, 3\\)\\s+24 B\\s+torch\\n"
                + "model\\.bias\\s+float32\\s+\\(2,\\)\\s+8 B\\s+torch\\n"), ls.out());
        CliTest.Run conv = CliTest.run("convert", tmp.resolve("ck.pt").toString(), tmp.resolve("ck.safetensors").toString());
        assertEquals(0, conv.status(), conv.err());
        assertTrue(conv.err().contains("not converted: epoch"), conv.err());
        CliTest.Run back = CliTest.run("convert", tmp.resolve("ck.safetensors").toString(), tmp.resolve("back.pt").toString());
        assertEquals(0, back.status(), back.err());
        python("import torch, safetensors.torch as st\n"
                + "ref = torch.load('ck.pt', weights_only=True)['model']\n"
                + "s = st.load_file('ck.safetensors')\n"
                + "assert torch.equal(s['model.weight'], ref['weight']) and torch.equal(s['model.bias'], ref['bias'])\n"
                + "b = torch.load('back.pt', weights_only=True)\n"
                + "assert torch.equal(b['model.weight'], ref['weight'])\n", "torch", "safetensors");
    }

    @Test
    void float8TensorsShowListAndConvertBetweenTorchAndSafetensorsButNotToNumpy() throws Exception {
        python("import torch\n"
                + "d = {'w': torch.tensor([[1.0, -2.5], [448.0, 0.3125]]).to(torch.float8_e4m3fn),"
                + " 'scale': torch.tensor([0.5, 4.0]).to(torch.float8_e8m0fnu)}\n"
                + "torch.save(d, 'f8.pt')\n", "torch");
        CliTest.Run ls = CliTest.run("ls", tmp.resolve("f8.pt").toString());
        assertEquals(0, ls.status(), ls.err());
        assertEquals("w                        float8_e4m3fn   (2, 2)                  4 B  torch\n"
                + "scale                    float8_e8m0fnu  (2,)                    2 B  torch\n", ls.out());
        CliTest.Run show = CliTest.run("show", "--stats", tmp.resolve("f8.pt").toString());
        assertEquals(0, show.status(), show.err());
        assertTrue(show.out().startsWith("{'w': array(float8_e4m3fn, shape=(2, 2)) [1.0, -2.5, 448.0, 0.3125] {min=-2.5,"
                + " max=448.0,"), show.out());
        CliTest.Run conv = CliTest.run("convert", tmp.resolve("f8.pt").toString(), tmp.resolve("f8.safetensors").toString());
        assertEquals(0, conv.status(), conv.err());
        CliTest.Run back = CliTest.run("convert", tmp.resolve("f8.safetensors").toString(), tmp.resolve("back.pt").toString());
        assertEquals(0, back.status(), back.err());
        python("import torch, safetensors.torch as st\n"
                + "ref = torch.load('f8.pt', weights_only=True)\n"
                + "for got in (st.load_file('f8.safetensors'), torch.load('back.pt', weights_only=True)):\n"
                + "    for k in ref:\n"
                + "        assert got[k].dtype == ref[k].dtype and torch.equal(got[k], ref[k]), (k, got[k], ref[k])\n",
                "torch", "safetensors");
        CliTest.Run npz = CliTest.run("convert", tmp.resolve("f8.pt").toString(), tmp.resolve("f8.npz").toString());
        assertEquals(1, npz.status());
        assertTrue(npz.err().contains("f8.pt: array 'w' is float8_e4m3fn, which numpy has no dtype for: .npy and .npz"
                + " cannot hold it (.safetensors and .pt can"), npz.err());
        assertFalse(Files.exists(tmp.resolve("f8.npz")), "nothing written");
        python("import torch\ntorch.save(torch.zeros(2, dtype=torch.float8_e5m2), 'one.pt')\n", "torch");
        CliTest.Run npy = CliTest.run("convert", tmp.resolve("one.pt").toString(), tmp.resolve("one.npy").toString());
        assertEquals(1, npy.status());
        assertTrue(npy.err().contains("one.pt: array 'arr_0' is float8_e5m2, which numpy has no dtype for"), npy.err());
        assertFalse(Files.exists(tmp.resolve("one.npy")), "nothing written");
        CliTest.Run extract = CliTest.run("extract", tmp.resolve("f8.safetensors").toString(), "-o", tmp.resolve("x").toString());
        assertEquals(1, extract.status());
        // the first in the file's order (safetensors sorts by type): named as ls lists it
        assertTrue(extract.err().contains("f8.safetensors: array 'scale' is float8_e8m0fnu, which numpy has no dtype for"),
                extract.err());
    }

    @Test
    void aCheckpointThatNamesOsSystemIsShownInertNeverRun() throws Exception {
        Path marker = tmp.resolve("pwned");
        python("import torch, pickle, zipfile\n"
                + "class Evil:\n    def __reduce__(self): return (os.system, ('touch " + marker + "',))\n"
                + "torch.save({'x': torch.ones(1)}, 'ok.pt')\n"
                + "z = zipfile.ZipFile('ok.pt'); names = z.namelist()\n"
                + "with zipfile.ZipFile('evil.pt', 'w') as out:\n"
                + "    for n in names:\n"
                + "        data = pickle.dumps({'x': Evil()}, 2) if n.endswith('data.pkl') else z.read(n)\n"
                + "        out.writestr(n, data)\n", "torch");
        CliTest.Run show = CliTest.run("show", tmp.resolve("evil.pt").toString());
        assertEquals(0, show.status(), show.err());
        assertTrue(show.out().contains("system"), show.out());
        assertTrue(!java.nio.file.Files.exists(marker), "nothing named in the file ran");
    }
}
