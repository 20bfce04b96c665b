package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine convert} and a safetensors header's {@code __metadata__}, against torch and the
 * safetensors package: the metadata never becomes a state-dict entry, a checkpoint entry that happens
 * to be called {@code __metadata__} is never dropped silently, and safetensors to safetensors keeps
 * the header as the package wrote it (no metadata, empty metadata, or some).
 */
class SafeTensorsMetadataConvertTest {
    @TempDir
    Path tmp;

    private void python(String script) throws Exception {
        Python.require("torch", "safetensors");
        Python.check("import os, torch, numpy as np\nfrom safetensors.torch import save_file, load_file\n"
                + "os.chdir('" + tmp.toString().replace("\\", "\\\\").replace("'", "\\'") + "')\n" + script, new byte[0]);
    }

    private CliTest.Run convert(String in, String out) {
        return CliTest.run("convert", tmp.resolve(in).toString(), tmp.resolve(out).toString());
    }

    @Test
    void safetensorsMetadataIsNotAStateDictEntryOfTheCheckpoint() throws Exception {
        python("save_file(torch.nn.Linear(3, 2).state_dict(), 'lin.safetensors', metadata={'format': 'pt'})\n");
        CliTest.Run r = convert("lin.safetensors", "lin.pt");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("not converted: __metadata__ {'format': 'pt'}"), r.err());
        python("sd = torch.load('lin.pt', weights_only=True)\n"
                + "assert sorted(sd) == ['bias', 'weight'], sorted(sd)\n"
                + "torch.nn.Linear(3, 2).load_state_dict(sd)\n");
        CliTest.Run one = convert("lin.safetensors", "lin.pkl");
        assertEquals(0, one.status(), one.err());
        python("import pickle\nassert sorted(pickle.load(open('lin.pkl', 'rb'))) == ['bias', 'weight']\n");
        // show still prints the whole header
        CliTest.Run show = CliTest.run("show", tmp.resolve("lin.safetensors").toString());
        assertTrue(show.out().contains("'__metadata__': {'format': 'pt'}"), show.out());
    }

    @Test
    void aCheckpointEntryNamedMetadataIsNamedInAWarning() throws Exception {
        python("torch.save({'__metadata__': torch.arange(3.), 'w': torch.ones(2)}, 'mt.pt')\n"
                + "torch.save({'__metadata__': {'note': 'x'}, 'w': torch.ones(2)}, 'mt2.pt')\n");
        CliTest.Run st = convert("mt.pt", "mt.safetensors");
        assertEquals(0, st.status(), st.err());
        assertTrue(st.err().contains("not converted: __metadata__ (a name safetensors reserves"), st.err());
        CliTest.Run npz = convert("mt2.pt", "mt2.npz");
        assertEquals(0, npz.status(), npz.err());
        assertTrue(npz.err().contains("not converted: __metadata__.note"), npz.err());
        // .npz has no reserved names: the tensor called __metadata__ is an array like any other
        CliTest.Run npzArray = convert("mt.pt", "mt.npz");
        assertEquals(0, npzArray.status(), npzArray.err());
        python("assert sorted(load_file('mt.safetensors')) == ['w']\n"
                + "assert sorted(np.load('mt2.npz').files) == ['w']\n"
                + "z = np.load('mt.npz'); assert z.files == ['__metadata__', 'w'] and (z['__metadata__'] == [0, 1, 2]).all()\n");
    }

    @Test
    void safetensorsToSafetensorsKeepsTheHeaderAsThePackageWroteIt() throws Exception {
        python("save_file({'a': torch.ones(1)}, 'none.safetensors')\n"
                + "save_file({'a': torch.ones(1)}, 'empty.safetensors', metadata={})\n"
                + "save_file({'a': torch.ones(1), 'b': torch.zeros(2, dtype=torch.int8)}, 'some.safetensors',"
                + " metadata={'format': 'pt'})\n");
        for (String name : new String[] {"none", "empty", "some"}) {
            CliTest.Run r = convert(name + ".safetensors", name + "-copy.safetensors");
            assertEquals(0, r.status(), r.err());
            assertEquals("", r.err(), name);
            assertEquals(-1, Files.mismatch(tmp.resolve(name + ".safetensors"), tmp.resolve(name + "-copy.safetensors")), name);
        }
    }

    @Test
    void anNpzOfSeveralArraysToNpySaysItHoldsSeveralArrays() throws Exception {
        python("np.savez('two.npz', w=np.ones(2), b=np.zeros(3))\n");
        CliTest.Run r = convert("two.npz", "two.npy");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("holds 2 arrays (w, b)"), r.err());
        // a safetensors file of one tensor and metadata is one array
        python("save_file({'a': torch.arange(3.)}, 'one.safetensors', metadata={'k': 'v'})\n");
        CliTest.Run one = convert("one.safetensors", "one.npy");
        assertEquals(0, one.status(), one.err());
        python("assert (np.load('one.npy') == [0, 1, 2]).all()\n");
    }
}
