package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layout object in a checkpoint ({@code torch.save({'w': t, 'layout': torch.strided})}, which
 * {@code torch.load(weights_only=True)} reads) was refused as "sparse layouts are not supported": torch.strided is the
 * ordinary dense layout. Every layout torch has now reads as the inert call that names it and is saved back to what
 * torch reads as the same layout; a real sparse tensor is still refused, as a sparse tensor. Oracle: torch, live.
 */
class TorchLayoutTest {
    @TempDir
    Path dir;

    private static final String SETUP = "import sys, os, torch, warnings\nwarnings.filterwarnings('ignore')\n"
            + "os.chdir(sys.argv[1])\n";

    private static byte[] dataPkl(Path pt) throws Exception {
        try (ZipFile z = new ZipFile(pt.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                if (e.getName().endsWith("/data.pkl")) {
                    return z.getInputStream(e).readAllBytes();
                }
            }
        }
        throw new AssertionError("no data.pkl in " + pt);
    }

    @Test
    void theStridedLayoutReadsAndSavesBackAsTorchWroteIt() throws Exception {
        Python.require("torch");
        Python.checkText(SETUP + "torch.save({'w': torch.ones(2), 'layout': torch.strided}, 'layout.pt')\n"
                + "assert torch.load('layout.pt', weights_only=True)['layout'] is torch.strided\n", dir);
        Map<?, ?> read = (Map<?, ?>) TorchCheckpoint.load(dir.resolve("layout.pt"));
        GenericObject layout = assertInstanceOf(GenericObject.class, read.get("layout"));
        assertEquals(new Global("torch.serialization", "_get_layout"), layout.type());
        assertEquals(Tuple.of("torch.strided"), layout.args());
        assertFalse(layout.hasState());

        TorchCheckpoint.save(read, dir.resolve("again.pt"));
        // the pickle is torch's, byte for byte (the folder inside is named after the file, as torch names it)
        String torchs = new String(dataPkl(dir.resolve("layout.pt")), java.nio.charset.StandardCharsets.ISO_8859_1);
        String brines = new String(dataPkl(dir.resolve("again.pt")), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(torchs.replace("layout/", "again/"), brines);
        assertEquals("ok", Python.checkText(SETUP + "d = torch.load('again.pt', weights_only=True)\n"
                + "assert d['layout'] is torch.strided and torch.equal(d['w'], torch.ones(2)), d\nprint('ok')", dir).strip());
    }

    @Test
    void everyLayoutTorchHasReadsAsAValue() throws Exception {
        Python.require("torch");
        String names = Python.checkText(SETUP + "ls = [v for v in torch.__dict__.values() if isinstance(v, torch.layout)]\n"
                + "torch.save(ls, 'all.pt')\n"
                + "assert torch.load('all.pt', weights_only=True) == ls\n"
                + "print(' '.join(str(v) for v in ls))", dir).strip();
        List<?> read = (List<?>) TorchCheckpoint.load(dir.resolve("all.pt"));
        StringBuilder got = new StringBuilder();
        for (Object o : read) {
            got.append(got.length() == 0 ? "" : " ").append(((GenericObject) o).args().get(0));
        }
        assertEquals(names, got.toString());
    }

    @Test
    void aSparseTensorIsRefusedAsASparseTensorAndAnUnknownLayoutByName() throws Exception {
        Python.require("torch");
        Python.checkText(SETUP + "torch.save({'s': torch.eye(2).to_sparse()}, 'sparse.pt')\n"
                + "class Bad:\n"
                + "    def __reduce__(self): return (torch.serialization._get_layout, ('torch.nope',))\n"
                + "torch.save({'l': Bad()}, 'bad.pt')\n"
                + "try:\n"
                + "    torch.load('bad.pt', weights_only=True); raise SystemExit('torch read it')\n"
                + "except Exception as e:\n"
                + "    assert 'torch.nope' in str(e), e\n", dir);
        BrineException sparse = assertThrows(BrineException.class, () -> TorchCheckpoint.load(dir.resolve("sparse.pt")));
        assertTrue(sparse.getMessage().contains("_rebuild_sparse_tensor: sparse tensors are not supported"),
                sparse.getMessage());
        BrineException bad = assertThrows(BrineException.class, () -> TorchCheckpoint.load(dir.resolve("bad.pt")));
        assertTrue(bad.getMessage().contains("torch.serialization._get_layout: unknown layout 'torch.nope'"),
                bad.getMessage());
    }
}
