package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that hold only None: {@code torch.save(None)}, {@code brine.dump(None)} (an archive), {@code pickle.dump(None)}.
 * The checkpoint and the archive failed every verb with "brine: java.lang.NullPointerException" (a list that refuses
 * null); now each verb reads them as Python does, and what convert writes loads back as None in Python.
 */
class NoneFilesCliTest {
    @TempDir
    Path tmp;

    @Test
    void everyVerbReadsAFileHoldingOnlyNone() throws Exception {
        Python.require("torch", "numpy");
        Python.check("import os, sys, pickle, torch\nsys.path.insert(0, sys.argv[2])\nimport brine\nos.chdir(sys.argv[1])\n"
                + "torch.save(None, 'none.pt')\nbrine.dump(None, 'none.zip')\npickle.dump(None, open('none.pkl', 'wb'))\n",
                new byte[0], tmp.toString(), Path.of("..", "python").toAbsolutePath().toString());
        List<String> outputs = new ArrayList<>();
        for (String name : new String[] {"none.pt", "none.zip", "none.pkl"}) {
            String f = tmp.resolve(name).toString();
            CliTest.Run show = CliTest.run("show", f);
            assertEquals(new CliTest.Run(0, "None\n", ""), show, name);
            CliTest.Run ls = CliTest.run("ls", f);
            assertEquals(0, ls.status(), name + ": " + ls.err());
            assertEquals("", ls.err(), name);
            CliTest.Run verify = CliTest.run("verify", f);
            assertEquals(0, verify.status(), name + ": " + verify.err());
            assertEquals("", verify.err(), name);
            Path folder = Files.createTempDirectory(tmp, "extract");
            CliTest.Run extract = CliTest.run("extract", "-o", folder.toString(), f);
            assertEquals(0, extract.status(), name + ": " + extract.err());
            for (String ext : new String[] {".pt", ".pkl", ".zip"}) {
                Path out = tmp.resolve("converted-" + name + ext);
                CliTest.Run convert = CliTest.run("convert", f, out.toString());
                assertEquals(0, convert.status(), name + " to " + ext + ": " + convert.err());
                outputs.add(out.toString());
            }
        }
        // each output as Python loads it (one run: importing torch takes seconds)
        outputs.add(0, Path.of("..", "python").toAbsolutePath().toString());
        String loaded = new String(Python.check("import sys, pickle, torch\nsys.path.insert(0, sys.argv[1])\nimport brine\n"
                + "for f in sys.argv[2:]:\n"
                + "    print(f, repr(torch.load(f, weights_only=True) if f.endswith('.pt') else brine.load(f)"
                + " if f.endswith('.zip') else pickle.load(open(f, 'rb'))))\n", new byte[0],
                outputs.toArray(String[]::new)), StandardCharsets.UTF_8);
        assertEquals(9, loaded.lines().count(), loaded);
        for (String line : loaded.lines().toList()) {
            assertTrue(line.endsWith(" None"), line);
        }
    }
}
