package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code brine convert} to a {@code .pt} keeps what it read, a date or an object of a class Brine only names, which
 * torch's default load ({@code weights_only=True}) then refuses: the conversion says so, naming the global, and says
 * nothing when torch's default loads the file. The oracle: torch run live on the converted files.
 */
class WeightsOnlyWarningCliTest {
    @TempDir
    Path tmp;

    private String python(String script) throws Exception {
        Python.require("torch", "numpy");
        return new String(Python.check("import os, sys, warnings, pickle, datetime, argparse\nwarnings.filterwarnings('ignore')\n"
                + "os.chdir(sys.argv[1])\nimport torch, numpy as np\n" + script, new byte[0], tmp.toString()),
                StandardCharsets.UTF_8).strip();
    }

    /** Per file, "loads" or "refused" by torch.load(weights_only=True), then the same with weights_only=False. */
    private String torchLoads(String... files) throws Exception {
        return python("def load(f, w):\n"
                + "    try:\n"
                + "        torch.load(f, weights_only=w); return 'loads'\n"
                + "    except Exception:\n"
                + "        return 'refused'\n"
                + "print(', '.join(load(f, True) + ' ' + load(f, False) for f in '" + String.join(" ", files) + "'.split()))");
    }

    @Test
    void warnsExactlyWhenTorchsDefaultLoadRefusesTheFile() throws Exception {
        python("pickle.dump({'w': np.ones(2, 'f4'), 'epoch': 3}, open('plain.pkl', 'wb'))\n"
                + "pickle.dump({'w': np.ones(2, 'f4'), 'when': datetime.date(2020, 1, 2)}, open('dated.pkl', 'wb'))\n"
                + "pickle.dump({'w': np.ones(2, 'f4'), 'args': argparse.Namespace(lr=0.1)}, open('args.pkl', 'wb'))\n");

        CliTest.Run plain = CliTest.run("convert", tmp.resolve("plain.pkl").toString(), tmp.resolve("plain.pt").toString());
        assertEquals(0, plain.status(), plain.err());
        assertFalse(plain.err().contains("weights_only"), plain.err());

        CliTest.Run dated = CliTest.run("convert", tmp.resolve("dated.pkl").toString(), tmp.resolve("dated.pt").toString());
        assertEquals(0, dated.status(), dated.err());
        assertTrue(dated.err().contains("warning") && dated.err().contains("datetime.date")
                && dated.err().contains("weights_only=False"), dated.err());

        CliTest.Run args = CliTest.run("convert", tmp.resolve("args.pkl").toString(), tmp.resolve("args.pt").toString());
        assertEquals(0, args.status(), args.err());
        assertTrue(args.err().contains("argparse.Namespace"), args.err());
        assertEquals("loads loads, refused loads, refused loads", torchLoads("plain.pt", "dated.pt", "args.pt"));
        assertTrue(Files.size(tmp.resolve("args.pt")) > 0);
    }
}
