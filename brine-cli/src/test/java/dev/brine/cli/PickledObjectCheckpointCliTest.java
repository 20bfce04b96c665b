package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint holding a pickled object ({@code torch.save(model)} of a whole {@code nn.Module}, {@code torch.save(obj)}
 * of a plain object holding tensors): ls said "(no arrays)", extract exited 0 having written nothing and convert
 * refused with "no arrays to write", while show printed the tensors. A plain object's tensors are now named by its
 * attributes (as in a plain pickle), a module's by its {@code state_dict()} keys. The oracle: torch run live
 * ({@code model.state_dict()}, {@code load_state_dict(strict=True)} of the converted file), numpy and safetensors
 * reading what the verbs wrote.
 */
class PickledObjectCheckpointCliTest {
    /** The classes pickled, in a module {@code tmods} importable from the folder. */
    private static final String MODULE = "import torch\n"
            + "class Holder:\n"
            + "    def __init__(self, **kw): self.__dict__.update(kw)\n"
            + "class Net(torch.nn.Module):\n"
            + "    def __init__(self):\n"
            + "        super().__init__()\n"
            + "        self.body = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU(),\n"
            + "                                        torch.nn.Linear(3, 1, bias=False))\n"
            + "        self.register_buffer('scale', torch.tensor([2.0]))\n"
            + "        self.register_buffer('cache', torch.ones(4), persistent=False)\n"
            + "        self.mask = torch.zeros(2)\n"
            + "        self.out = torch.nn.Linear(2, 3)\n"
            + "        self.out.weight = self.body[0].weight\n"
            // one block under two names: state_dict names its tensors under both (Brine listed the first only)
            + "        self.blocks = torch.nn.ModuleList([torch.nn.Linear(2, 2)] * 2)\n";

    @TempDir
    Path tmp;

    private String python(String script, String... args) throws Exception {
        Python.require("torch", "numpy", "safetensors");
        String[] all = new String[args.length + 1];
        all[0] = tmp.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        Files.writeString(tmp.resolve("tmods.py"), MODULE);
        return new String(Python.check("import os, sys, warnings\nwarnings.filterwarnings('ignore')\n"
                + "os.chdir(sys.argv[1]); sys.path.insert(0, sys.argv[1])\n"
                + "import torch, numpy as np, tmods\ntorch.manual_seed(0)\n" + script, new byte[0], all),
                StandardCharsets.UTF_8).strip();
    }

    private String path(String name) {
        return tmp.resolve(name).toString();
    }

    private static String names(CliTest.Run ls) {
        return ls.out().lines().map(l -> l.split("\\s+")[0]).collect(Collectors.joining(" "));
    }

    private void save() throws Exception {
        python("net = tmods.Net()\n"
                + "net.body[1].running_mean += torch.arange(3.0)\n"
                + "torch.save(net, 'net.pt')\n"
                + "torch.save({'model': net, 'epoch': 3}, 'ckpt.pt')\n"
                + "torch.save(torch.nn.Linear(2, 2), 'linear.pt')\n"
                + "torch.save(tmods.Holder(W=torch.ones(2), d={'x': torch.zeros(3)}, lr=0.1), 'holder.pt')\n");
    }

    @Test
    void aPickledModulesTensorsAreNamedAsItsStateDictNamesThem() throws Exception {
        save();
        CliTest.Run ls = CliTest.run("ls", path("net.pt"));
        assertEquals(0, ls.status(), ls.err());
        CliTest.Run lsCkpt = CliTest.run("ls", path("ckpt.pt"));
        assertEquals(0, lsCkpt.status(), lsCkpt.err());
        CliTest.Run lsLinear = CliTest.run("ls", path("linear.pt"));
        assertEquals("weight bias", names(lsLinear));
        assertEquals("ok", python("net = torch.load('net.pt', weights_only=False)\n"
                + "keys = list(net.state_dict().keys())\n"
                + "assert sys.argv[2].split() == keys, (sys.argv[2], keys)\n"
                + "assert sys.argv[3].split() == ['model.' + k for k in keys], sys.argv[3]\n"
                + "print('ok')", names(ls), names(lsCkpt)));
        // what state_dict leaves out is named, not listed: the non-persistent buffer and the plain attribute
        assertTrue(ls.err().contains(path("net.pt") + ": not listed: cache, mask (held by a torch.nn.Module outside"
                + " its state_dict: a non-persistent buffer or a plain attribute)"), ls.err());
    }

    @Test
    void aPickledModuleConvertsToAStateDictThatLoadsStrictly() throws Exception {
        save();
        for (String out : List.of("net.safetensors", "net.npz")) {
            CliTest.Run convert = CliTest.run("convert", path("net.pt"), path(out));
            assertEquals(0, convert.status(), convert.err());
            assertTrue(convert.err().contains("not converted: cache, mask (held by a torch.nn.Module outside"), convert.err());
        }
        CliTest.Run linear = CliTest.run("convert", path("linear.pt"), path("linear.npz"));
        assertEquals(0, linear.status(), linear.err());
        Path ex = tmp.resolve("ex");
        CliTest.Run extract = CliTest.run("extract", path("net.pt"), "-o", ex.toString());
        assertEquals(0, extract.status(), extract.err());
        String extracted = extract.out().lines().map(l -> Path.of(l).getFileName().toString())
                .collect(Collectors.joining(" "));
        assertEquals("ok", python("import safetensors.torch\n"
                + "src = torch.load('net.pt', weights_only=False).state_dict()\n"
                + "fresh = tmods.Net()\n"
                + "fresh.load_state_dict(safetensors.torch.load_file('net.safetensors'), strict=True)\n"
                + "for k, v in fresh.state_dict().items(): assert torch.equal(v, src[k]), k\n"
                + "z = np.load('net.npz')\n"
                + "assert z.files == list(src), z.files\n"
                + "assert sys.argv[2].split() == [k + '.npy' for k in src], sys.argv[2]\n"
                + "for k, v in src.items():\n"
                + "    assert np.array_equal(z[k], v.numpy()) and np.array_equal(np.load('ex/' + k + '.npy'), v.numpy()), k\n"
                + "l = torch.load('linear.pt', weights_only=False)\n"
                + "zl = np.load('linear.npz')\n"
                + "assert zl.files == ['weight', 'bias'] and np.array_equal(zl['weight'], l.weight.detach().numpy())\n"
                + "print('ok')", extracted));
    }

    @Test
    void aPickledObjectsTensorsAreItsAttributesAsInAPlainPickle() throws Exception {
        save();
        CliTest.Run ls = CliTest.run("ls", path("holder.pt"));
        assertEquals(0, ls.status(), ls.err());
        assertEquals("W d.x", names(ls));
        Path ex = tmp.resolve("hx");
        CliTest.Run extract = CliTest.run("extract", path("holder.pt"), "-o", ex.toString());
        assertEquals(0, extract.status(), extract.err());
        CliTest.Run convert = CliTest.run("convert", path("holder.pt"), path("holder.safetensors"));
        assertEquals(0, convert.status(), convert.err());
        assertTrue(convert.err().contains(": .safetensors holds only arrays; not converted: lr"), convert.err());
        assertEquals("ok", python("import safetensors.torch\n"
                + "h = torch.load('holder.pt', weights_only=False)\n"
                + "st = safetensors.torch.load_file('holder.safetensors')\n"
                + "assert sorted(st) == ['W', 'd.x'] and torch.equal(st['W'], h.W) and torch.equal(st['d.x'], h.d['x'])\n"
                + "assert np.array_equal(np.load('hx/W.npy'), h.W.numpy())\n"
                + "assert np.array_equal(np.load('hx/d.x.npy'), h.d['x'].numpy())\n"
                + "print('ok')"));
    }

    /** extract of a checkpoint with no tensor at all exits 0, but says that it wrote nothing. */
    @Test
    void extractSaysWhenItWritesNothing() throws Exception {
        python("torch.save({'epoch': 3, 'lr': 0.1}, 'plain.pt')\n");
        CliTest.Run extract = CliTest.run("extract", path("plain.pt"), "-o", tmp.resolve("px").toString());
        assertEquals(0, extract.status(), extract.err());
        assertEquals("", extract.out());
        assertTrue(extract.err().contains(path("plain.pt") + ": nothing extracted: it holds no array (brine show prints what it holds)"),
                extract.err());
    }

    /**
     * An LSTM keeps its weights twice: as parameters (weight_ih_l0, ...) and in the plain attribute _flat_weights, the
     * same tensors. convert warned that _flat_weights.0..3 were "not converted", though they were, under their
     * state_dict names; an array outside the state_dict that is also in it is no longer named. Oracle: torch's
     * load_state_dict(strict=True) of the output.
     */
    @Test
    void tensorsThatAreAlsoInTheStateDictAreNotSaidToBeLeftOut() throws Exception {
        python("torch.save(torch.nn.LSTM(2, 3), 'lstm.pt')\n");
        CliTest.Run convert = CliTest.run("convert", path("lstm.pt"), path("lstm.safetensors"));
        assertEquals(0, convert.status(), convert.err());
        assertFalse(convert.err().contains("not converted"), convert.err());
        CliTest.Run ls = CliTest.run("ls", path("lstm.pt"));
        assertFalse(ls.err().contains("not listed"), ls.err());
        assertEquals("ok", python("import safetensors.torch\n"
                + "src = torch.load('lstm.pt', weights_only=False)\n"
                + "fresh = torch.nn.LSTM(2, 3)\n"
                + "fresh.load_state_dict(safetensors.torch.load_file('lstm.safetensors'), strict=True)\n"
                + "for k, v in fresh.state_dict().items(): assert torch.equal(v, src.state_dict()[k]), k\n"
                + "print('ok')"));
    }
}
