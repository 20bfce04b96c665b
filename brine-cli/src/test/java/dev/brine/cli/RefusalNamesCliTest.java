package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of an array an output has no type for names it as {@code ls} lists it: converting a checkpoint's
 * bfloat16 tensor to a pickle named no array (and advised "astype float32", which brine does not do), to an archive
 * named the member array_1 it would have had, and an archive's datetime array was 'array_1' in the .pt refusal but
 * 'M8' in the .safetensors one. The oracle: torch and python/brine.py write the inputs, torch.load and np.load give
 * the names and dtypes that ls must list and the refusals must name.
 */
class RefusalNamesCliTest {
    @TempDir
    Path tmp;

    private String python(String script) throws Exception {
        Python.require("torch", "numpy");
        return new String(Python.check("import os, sys, torch, numpy as np\nsys.path.insert(0, '"
                + Path.of("..", "python").toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'") + "')\n"
                + "import brine\nos.chdir('" + tmp.toString().replace("\\", "\\\\").replace("'", "\\'") + "')\n" + script,
                new byte[0]), java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    private List<String> listed(String file) {
        CliTest.Run ls = CliTest.run("ls", tmp.resolve(file).toString());
        assertEquals(0, ls.status(), ls.err());
        return ls.out().lines().map(l -> l.split("\\s+")[0]).toList();
    }

    /** Converts, expecting a refusal that names {@code name} as {@code type}, and nothing written. */
    private void refused(String in, String out, String name, String type) {
        CliTest.Run r = CliTest.run("convert", tmp.resolve(in).toString(), tmp.resolve(out).toString());
        assertEquals(1, r.status(), out);
        assertTrue(r.err().startsWith("brine: " + tmp.resolve(in) + ": array '" + name + "' is " + type + ", which "), r.err());
        assertFalse(r.err().contains("astype") || r.err().contains("member"), r.err());
        assertFalse(Files.exists(tmp.resolve(out)), out);
    }

    @Test
    void aCheckpointsBfloat16TensorIsNamedAsLsListsItByEveryOutput() throws Exception {
        assertEquals("['a', 'emb.weight'] torch.bfloat16", python(
                "torch.save({'a': torch.ones(3), 'emb.weight': torch.ones(2, dtype=torch.bfloat16)}, 'm.pt')\n"
                + "d = torch.load('m.pt', weights_only=True); print(sorted(d), d['emb.weight'].dtype)"));
        assertEquals(List.of("a", "emb.weight"), listed("m.pt"));
        for (String out : List.of("m.npz", "m.pkl", "m.zip")) {
            refused("m.pt", out, "emb.weight", "bfloat16");
        }
        CliTest.Run ex = CliTest.run("extract", tmp.resolve("m.pt").toString(), "-o", tmp.resolve("ex").toString());
        assertEquals(1, ex.status());
        assertTrue(ex.err().startsWith("brine: " + tmp.resolve("m.pt") + ": array 'emb.weight' is bfloat16, which numpy"),
                ex.err());
        assertFalse(Files.exists(tmp.resolve("ex").resolve("a.npy")));
    }

    @Test
    void anArchivesArrayAndALoneNpyAreNamedAsLsListsThem() throws Exception {
        assertEquals("datetime64[s] <U1", python(
                "brine.dump({'W': brine.SharedVariable(np.ones(2), 'W'), 'enc': {'t': np.array([0], 'M8[s]')}}, 'a.zip')\n"
                + "np.save('names.npy', np.array(['x']))\n"
                + "print(brine.load('a.zip')['enc']['t'].dtype, np.load('names.npy').dtype)"));
        assertEquals(List.of("W", "enc.t"), listed("a.zip"));
        refused("a.zip", "a.pt", "enc.t", "datetime64[s] (<M8[s])");
        refused("a.zip", "a.safetensors", "enc.t", "datetime64[s] (<M8[s])");
        assertEquals(List.of("names"), listed("names.npy"));
        refused("names.npy", "n.pt", "names", "str32 (<U1)");
        refused("names.npy", "n.safetensors", "names", "str32 (<U1)");
    }
}
