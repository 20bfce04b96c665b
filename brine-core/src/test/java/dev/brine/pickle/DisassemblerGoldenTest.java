package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The disassembler against committed output of {@code python3 -m pickletools} (made by
 * tools/golden/make_dis_golden.py), so that the format is pinned down even where no Python is
 * installed. Each case is a pickle, the listing, and for failures the traceback's last line.
 */
class DisassemblerGoldenTest {
    private static final String DIR = "/golden/dis/";

    private static byte[] read(String name) throws IOException {
        try (InputStream in = DisassemblerGoldenTest.class.getResourceAsStream(DIR + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    @Test
    void listingsMatchPickletools() throws IOException {
        String index = new String(read("index.tsv"), StandardCharsets.UTF_8);
        List<String> checked = new ArrayList<>();
        for (String line : index.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            String name = f[0];
            Disassembler.Options options = Disassembler.Options.DEFAULT;
            String[] flags = f[1].isEmpty() ? new String[0] : f[1].split(" ");
            for (int i = 0; i < flags.length; i++) {
                if (flags[i].equals("-a")) {
                    options = options.withAnnotate(true);
                } else if (flags[i].equals("-l")) {
                    options = options.withIndentLevel(Integer.parseInt(flags[++i]));
                } else {
                    throw new AssertionError("unknown option " + flags[i]);
                }
            }
            byte[] pickle = read(name + ".pkl");
            String want = new String(read(name + ".dis"), StandardCharsets.UTF_8);
            byte[] err = read(name + ".err");
            String wantError = err == null ? null : new String(err, StandardCharsets.UTF_8).strip();

            for (boolean stream : new boolean[] {false, true}) {
                StringBuilder out = new StringBuilder();
                String error = null;
                try {
                    if (stream) {
                        Disassembler.disassemble(new ByteArrayInputStream(pickle), out, options);
                    } else {
                        Disassembler.disassemble(pickle, out, options);
                    }
                } catch (DisassemblyException e) {
                    error = e.pythonErrorLine();
                }
                assertEquals(want, out.toString(), name + (stream ? " (stream)" : ""));
                assertEquals(wantError, error, name + (stream ? " (stream)" : ""));
            }
            checked.add(name);
        }
        assertTrue(checked.size() >= 10, "golden cases: " + checked);
    }
}
