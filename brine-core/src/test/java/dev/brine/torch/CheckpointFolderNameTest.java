package dev.brine.torch;

import static dev.brine.torch.TorchGolden.PY_FILLED;
import static dev.brine.torch.TorchGolden.filled;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.ndarray.DType;
import dev.brine.py.OrderedDict;
import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder a checkpoint's members sit under, against {@code torch.save} to the same file name: the
 * file's stem, or {@code archive} for a path that is not ASCII (torch then writes through a Python stream).
 */
class CheckpointFolderNameTest {
    @TempDir
    Path dir;

    private static OrderedDict<Object, Object> state() {
        OrderedDict<Object, Object> sd = new OrderedDict<>();
        sd.put("weight", filled(DType.FLOAT32, 2, 3));
        sd.put("bias", filled(DType.FLOAT32, 2));
        return sd;
    }

    private static final String PY_STATE = String.join("\n",
            "import collections",
            "def state():",
            "    return collections.OrderedDict([('weight', filled(torch.float32, (2, 3))), ('bias', filled(torch.float32, (2,)))])",
            "");

    /** torch.save to a non-ASCII name: every member, its folder in the name included, byte for byte. */
    @Test
    void aNonAsciiFileNameGetsTorchsArchiveFolderAndBytes() throws Exception {
        Python.require("torch");
        Path ours = dir.resolve("brine_\u00fcn\u00ef.pt");
        TorchCheckpoint.save(state(), ours);
        String out = Python.checkText(String.join("\n", PY_FILLED, PY_STATE,
                "import sys, zipfile, warnings",
                "warnings.filterwarnings('ignore')",
                "theirs_path = sys.argv[1] + '/torch_\\u00fcn\\u00ef.pt'",
                "torch.save(state(), theirs_path)",
                "theirs, ours = zipfile.ZipFile(theirs_path), zipfile.ZipFile(sys.argv[2])",
                "names = [n for n in theirs.namelist() if not n.endswith('/.data/serialization_id')]",
                "assert names == ours.namelist(), (names, ours.namelist())",
                "assert names[0] == 'archive/data.pkl', names",
                "for n in names:",
                "    assert theirs.read(n) == ours.read(n), n",
                "got = torch.load(sys.argv[2], weights_only=True)",
                "assert list(got) == ['weight', 'bias'] and all(torch.equal(got[k], state()[k]) for k in got)",
                "print('ok')"), dir, ours);
        assertEquals("ok", out.strip());
    }

    /**
     * Odd file names: Brine's folder is torch's wherever torch writes a file. Where torch refuses
     * ({@code .hidden}, {@code .pt}: nothing before the dot) or names the folder {@code ..} (the file
     * {@code ...}, whose members {@code ../data.pkl} ZIP readers refuse as leaving a folder), Brine writes
     * {@code archive}, as torch.save to a buffer does; torch loads every one of Brine's files.
     */
    @Test
    void oddFileNamesGetTorchsFolder() throws Exception {
        Python.require("torch");
        List<String> names = List.of("a b.pt", "a.b.pt", "noext", "x.", "x..pt", "..pt", ".a.pt", "-.pt", " .pt",
                "tab\t.pt", "semi;colon.pt", "a\\b.pt", "sub/m.pt", "d\u00fc/m.pt", "\u00fc", ".hidden", ".pt", "...");
        Path brine = Files.createDirectories(dir.resolve("brine"));
        Files.createDirectories(dir.resolve("torch"));
        for (String sub : List.of("sub", "d\u00fc", "a")) { // torch wants the folder 'a' to exist for 'a\b.pt'
            Files.createDirectories(brine.resolve(sub));
            Files.createDirectories(dir.resolve("torch").resolve(sub));
        }
        for (String name : names) {
            TorchCheckpoint.save(state(), brine.resolve(name));
        }
        byte[] stdin = String.join("\n", names).getBytes(StandardCharsets.UTF_8);
        String out = new String(Python.check(String.join("\n", PY_FILLED, PY_STATE,
                "import sys, zipfile, warnings",
                "warnings.filterwarnings('ignore')",
                "for name in sys.stdin.read().split('\\n'):",
                "    try:",
                "        torch.save(state(), sys.argv[1] + '/torch/' + name)",
                "        theirs = zipfile.ZipFile(sys.argv[1] + '/torch/' + name).namelist()[0].split('/')[0]",
                "    except RuntimeError as e:",
                "        assert 'invalid file name' in str(e), e",
                "        theirs = None",
                "    ours_path = sys.argv[1] + '/brine/' + name",
                "    ours = zipfile.ZipFile(ours_path).namelist()[0].split('/')[0]",
                "    got = torch.load(ours_path, weights_only=True)",
                "    assert all(torch.equal(got[k], state()[k]) for k in state()), name",
                "    print(ascii(name), ascii(theirs), ascii(ours), sep='\\t')"), // ascii() escapes every tab in a name
                stdin, dir.toString()), StandardCharsets.UTF_8);
        List<String> lines = out.strip().lines().toList();
        assertEquals(names.size(), lines.size(), out);
        for (String line : lines) {
            String[] f = line.split("\t");
            String theirs = f[1];
            String ours = f[2];
            if (theirs.equals("None") || theirs.equals("'..'")) {
                assertEquals("'archive'", ours, line);
            } else {
                assertEquals(theirs, ours, line);
            }
        }
    }
}
