package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs on torch checkpoints that hold more than tensors, or were saved without CRCs. */
class TorchCheckpointCliTest {
    @TempDir
    Path tmp;

    private String python(String script) throws Exception {
        Python.require("torch", "numpy");
        return Python.checkText("import os, sys, torch, numpy as np, pickle, warnings\nwarnings.filterwarnings('ignore')\n"
                + "os.chdir(sys.argv[1])\n" + script, tmp);
    }

    private String path(String name) {
        return tmp.resolve(name).toString();
    }

    /** numpy values in a checkpoint (a training loop's RNG state, an array) read as they do in a plain pickle. */
    @Test
    void numpyValuesInACheckpointReadAsInAPickle() throws Exception {
        python("np.random.seed(1)\n"
                + "d = {'model': {'w': torch.ones(2)}, 'np_arr': np.arange(3), 'rng': np.random.get_state(),"
                + " 'f': np.float64(2.5), 'dt': np.dtype('int16')}\n"
                + "torch.save(d, 'r.pt')\n"
                + "d['model'] = {'w': np.ones(2, dtype=np.float32)}\n"
                + "pickle.dump(d, open('r.pkl', 'wb'), 2)\n");
        CliTest.Run ls = CliTest.run("ls", path("r.pt"));
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().matches("(?s)model\\.w\\s+float32\\s+\\(2,\\)\\s+8 B\\s+torch\\n"
                + "np_arr\\s+int64\\s+\\(3,\\)\\s+24 B\\s+torch\\n"
                + "rng\\.1\\s+uint32\\s+\\(624,\\)\\s+2\\.4 KiB\\s+torch\\n"), ls.out());
        CliTest.Run show = CliTest.run("show", path("r.pt"));
        assertEquals(0, show.status(), show.err());
        CliTest.Run pickled = CliTest.run("show", path("r.pkl"));
        assertEquals(pickled.out(), show.out()); // the same text as the plain pickle's
        assertTrue(show.out().contains("'np_arr': array(int64, shape=(3,)) [0, 1, 2]")
                && show.out().contains("'f': np.float64(2.5), 'dt': dtype('int16')}"), show.out());
        CliTest.Run npz = CliTest.run("convert", path("r.pt"), path("r.npz"));
        assertEquals(0, npz.status(), npz.err());
        // every tensor ls lists is converted, under the name ls gives it (rng.1, the state's key array, too)
        assertTrue(npz.err().contains("not converted: rng.0, rng.2, rng.3, rng.4, f, dt"), npz.err());
        CliTest.Run pt = CliTest.run("convert", path("r.pt"), path("r2.pt"));
        assertEquals(0, pt.status(), pt.err());
        assertEquals("ok", python(
                "z = np.load('r.npz')\n"
                + "assert z.files == ['model.w', 'np_arr', 'rng.1'] and (z['np_arr'] == np.arange(3)).all(), z.files\n"
                + "assert (z['rng.1'] == np.random.RandomState(1).get_state()[1]).all()\n"
                + "b = torch.load('r2.pt', weights_only=False)\n"
                + "assert torch.equal(b['np_arr'], torch.arange(3)) and type(b['f']) is np.float64 and b['f'] == 2.5\n"
                + "assert b['dt'] == np.dtype('int16') and b['rng'][0] == 'MT19937'\n"
                + "assert (b['rng'][1].numpy() == np.random.RandomState(1).get_state()[1]).all()\n"
                + "print('ok')").strip());
    }

    /**
     * convert writes to a .pt whatever it read, as torch.save would, though the library's default save refuses what
     * torch.load(weights_only=True) refuses: dates, Decimals and frozensets load with weights_only=False.
     */
    @Test
    void convertWritesValuesTorchsDefaultLoadRefuses() throws Exception {
        python("import datetime, decimal\n"
                + "d = {'w': np.ones(2, dtype=np.float32), 'when': datetime.date(2020, 1, 2),"
                + " 'lr': decimal.Decimal('1.5'), 'tags': frozenset(['a'])}\n"
                + "pickle.dump(d, open('v.pkl', 'wb'), 2)\n");
        CliTest.Run pt = CliTest.run("convert", path("v.pkl"), path("v.pt"));
        assertEquals(0, pt.status(), pt.err());
        assertEquals("ok", python(
                "import datetime, decimal\n"
                + "b = torch.load('v.pt', weights_only=False)\n"
                + "assert b['when'] == datetime.date(2020, 1, 2) and b['lr'] == decimal.Decimal('1.5'), b\n"
                + "assert b['tags'] == frozenset(['a']) and torch.equal(b['w'], torch.ones(2)), b\n"
                + "try:\n"
                + "    torch.load('v.pt', weights_only=True)\n"
                + "except Exception as e:\n"
                + "    assert 'datetime.date was not an allowed global' in str(e), e\n"
                + "    print('ok')").strip());
    }

    /** torch.save after set_crc32_options(False) records CRC 0 for every member; torch loads the file. */
    @Test
    void checkpointSavedWithoutCrcsListsVerifiesAndDisassembles() throws Exception {
        python("torch.serialization.set_crc32_options(False)\n"
                + "torch.save({'w': torch.arange(6.).reshape(2, 3)}, 'nocrc.pt')\n");
        CliTest.Run ls = CliTest.run("ls", path("nocrc.pt"));
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().matches("w\\s+float32\\s+\\(2, 3\\)\\s+24 B\\s+torch\\n"), ls.out());
        CliTest.Run verify = CliTest.run("verify", path("nocrc.pt"));
        assertEquals(0, verify.status(), verify.err());
        assertTrue(verify.out().endsWith("nocrc.pt: ok (torch, 1 item)\n"), verify.out());
        CliTest.Run dis = CliTest.run("dis", path("nocrc.pt"));
        assertEquals(0, dis.status(), dis.err());
        assertTrue(dis.out().contains("GLOBAL     'torch._utils _rebuild_tensor_v2'"), dis.out());
    }

    /**
     * A checkpoint holding torch.device values converts to a pickle and an archive that Python loads with
     * the devices torch pickled (they were refused as a Java class without a writer); a bare storage,
     * which only a checkpoint can hold, is refused saying so.
     */
    @Test
    void devicesInACheckpointConvertToPicklesAndArchivesAndBareStoragesSayWhereTheyFit() throws Exception {
        python("torch.save({'w': torch.ones(2), 'cpu': torch.device('cpu'), 'cuda1': torch.device('cuda', 1)}, 'dev.pt')\n"
                + "torch.save({'s': torch.arange(4.).untyped_storage()}, 'storage.pt')\n");
        for (String out : new String[] {"dev.pkl", "dev.zip"}) {
            CliTest.Run conv = CliTest.run("convert", tmp.resolve("dev.pt").toString(), tmp.resolve(out).toString());
            assertEquals(0, conv.status(), conv.err());
        }
        assertEquals("cpu cuda:1 [1. 1.] | cpu cuda:1 [1. 1.]", python(
                "sys.path.insert(0, '" + Path.of("..", "python").toAbsolutePath() + "')\n"
                + "import brine\n"
                + "p = pickle.load(open('dev.pkl', 'rb')); z = brine.load('dev.zip')\n"
                + "print(' | '.join('%s %s %s' % (d['cpu'], d['cuda1'], d['w']) for d in (p, z)))\n").strip());
        CliTest.Run storage = CliTest.run("convert", tmp.resolve("storage.pt").toString(), tmp.resolve("s.pkl").toString());
        assertEquals(1, storage.status());
        assertTrue(storage.err().contains("can only be written to a .pt checkpoint"), storage.err());
        assertFalse(Files.exists(tmp.resolve("s.pkl")));
    }

    /** torch.device values are shown as Python's repr prints them, inside containers too. */
    @Test
    void devicesAreShownAsPythonPrintsThem() throws Exception {
        String repr = python("d = {'cpu': torch.device('cpu'), 'more': [torch.device('cuda', 1), torch.device('meta')]}\n"
                + "torch.save(d, 'devs.pt')\n"
                + "print(repr(d))\n").strip();
        CliTest.Run show = CliTest.run("show", path("devs.pt"));
        assertEquals(0, show.status(), show.err());
        assertTrue(show.out().contains(repr), show.out() + " vs " + repr);
    }

    /**
     * torch.Size values in a checkpoint are shown as torch prints them and stay torch.Size through convert:
     * to a .pt (torch.save's data.pkl byte for byte), a pickle and an archive (which name torch.Size, so
     * Python loads them with torch); numpy-only targets leave them out saying so, as other non-arrays.
     */
    @Test
    void sizesInACheckpointStayTorchSizes() throws Exception {
        String repr = python("t = torch.zeros(2, 3)\n"
                + "d = {'w': t, 'shape': t.shape, 'cfg': {'sizes': [torch.Size([]), (torch.Size([4, 5]),)]}}\n"
                + "torch.save(d, 's.pt')\n"
                + "print(repr(d['shape']), repr(d['cfg']))\n").strip();
        CliTest.Run show = CliTest.run("show", path("s.pt"));
        assertEquals(0, show.status(), show.err());
        String shape = repr.substring(0, repr.indexOf(" {"));
        String cfg = repr.substring(repr.indexOf(" {") + 1);
        assertTrue(show.out().contains("'shape': " + shape + ", 'cfg': " + cfg), show.out() + " vs " + repr);
        for (String out : new String[] {"s2.pt", "s.pkl", "s.zip", "s.npz"}) {
            CliTest.Run conv = CliTest.run("convert", path("s.pt"), path(out));
            assertEquals(0, conv.status(), conv.err());
            if (out.endsWith(".npz")) {
                assertTrue(conv.err().contains(".npz holds only arrays; not converted: shape, cfg.sizes"), conv.err());
            }
        }
        assertEquals("ok", python(
                "sys.path.insert(0, '" + Path.of("..", "python").toAbsolutePath() + "')\n"
                + "import brine, zipfile\n"
                + "want = torch.load('s.pt', weights_only=True)\n"
                + "assert zipfile.ZipFile('s2.pt').read('s2/data.pkl') == zipfile.ZipFile('s.pt').read('s/data.pkl')\n"
                + "for got in (torch.load('s2.pt', weights_only=True), pickle.load(open('s.pkl', 'rb')), brine.load('s.zip')):\n"
                + "    sizes = [got['shape'], got['cfg']['sizes'][0], got['cfg']['sizes'][1][0]]\n"
                + "    assert all(type(s) is torch.Size for s in sizes), [type(s) for s in sizes]\n"
                + "    assert sizes == [want['shape'], want['cfg']['sizes'][0], want['cfg']['sizes'][1][0]], sizes\n"
                + "    assert type(got['cfg']['sizes'][1]) is tuple and tuple(got['w'].shape) == (2, 3)\n"
                + "assert np.load('s.npz').files == ['w']\n"
                + "print('ok')").strip());
    }

    /**
     * A torch.Size is shown within show's bounds like any tuple (a file may hold one of millions of
     * dimensions): --items cuts its dimensions; --json gives them as the list Python's tuple(size) is.
     */
    @Test
    void sizesAreShownWithinShowsBounds() throws Exception {
        String repr = python("torch.save({'big': torch.Size(range(30))}, 'big.pt')\n"
                + "print(repr(torch.Size(range(30))))\n").strip();
        CliTest.Run show = CliTest.run("show", "--items", "3", path("big.pt"));
        assertEquals(0, show.status(), show.err());
        String firstThree = repr.substring(0, repr.indexOf(", 3,")); // torch.Size([0, 1, 2
        assertEquals("{'big': " + firstThree + ", ...])}\n", show.out());
        CliTest.Run json = CliTest.run("show", "--json", path("big.pt"));
        assertEquals(0, json.status(), json.err());
        Files.writeString(tmp.resolve("big.json"), json.out());
        assertEquals("ok", python("import json\n"
                + "got = json.load(open('big.json'))['big']\n"
                + "want = list(torch.load('big.pt', weights_only=True)['big'])\n"
                + "assert got == want[:20] + ['...'], got\n" // show's default --items is 20
                + "print('ok')").strip());
    }
    /**
     * A whole model saved with torch.save(model) converts to a checkpoint whose parameters are still trainable
     * Parameters (before, they came back as plain tensors that require no grad, so an optimizer trained nothing),
     * byte for byte torch's pickle; its other outputs take the Parameters' arrays, as before.
     */
    @Test
    void aModelsParametersStayParametersThroughConvert() throws Exception {
        python("torch.manual_seed(0)\n"
                + "torch.save(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 1)), 'm.pt')\n");
        for (String out : new String[] {"m2.pt", "m.npz", "m.pkl"}) {
            CliTest.Run run = CliTest.run("convert", path("m.pt"), path(out));
            assertEquals(0, run.status(), out + ": " + run.err());
        }
        CliTest.Run ls = CliTest.run("ls", path("m2.pt"));
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().matches("(?s)0\\.weight\\s+float32\\s+\\(2, 3\\).*0\\.bias.*1\\.weight.*1\\.bias.*"), ls.out());
        assertEquals("ok", python("import zipfile\n"
                + "m = torch.load('m2.pt', weights_only=False)\n"
                + "ps = list(m.parameters())\n"
                + "assert len(ps) == 4 and all(type(p) is torch.nn.Parameter and p.requires_grad for p in ps), ps\n"
                + "assert zipfile.ZipFile('m.pt').read('m/data.pkl') == zipfile.ZipFile('m2.pt').read('m2/data.pkl')\n"
                + "want = torch.load('m.pt', weights_only=False).state_dict()\n"
                + "z = np.load('m.npz')\n"
                + "assert z.files == list(want) and all((z[k] == want[k].numpy()).all() for k in want), z.files\n"
                + "class Inert:\n"
                + "    def __init__(self, *a): pass\n"
                + "    def __setstate__(self, s): self.s = s\n"
                + "class U(pickle.Unpickler):\n"
                + "    def find_class(self, mod, name):\n"
                + "        return Inert if mod.startswith('torch.nn') else super().find_class(mod, name)\n"
                + "p = U(open('m.pkl', 'rb')).load()\n"
                + "w = p.s['_modules']['0'].s['_parameters']['weight']\n"
                + "assert type(w) is np.ndarray and (w == want['0.weight'].numpy()).all(), type(w)\n"
                + "print('ok')").strip());
    }
}
