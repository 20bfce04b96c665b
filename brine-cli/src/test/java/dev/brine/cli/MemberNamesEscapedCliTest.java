package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Member names come from the file: an archive's variable name (Python's brine.py writes it as the member name as
 * given) and an npz key can hold terminal escape sequences, a bell or a newline. {@code ls}'s storage column (which
 * names an archive array's member) and {@code verify}'s list of object-array members print them escaped, as the
 * name column and the warnings already did, so a file cannot recolour the terminal or split one row into two.
 */
class MemberNamesEscapedCliTest {
    @TempDir
    Path tmp;

    @Test
    void lsAndVerifyEscapeMemberNamesFromTheFile() throws Exception {
        Python.require("numpy");
        Python.check(String.join("\n",
                "import os, sys, fractions",
                "sys.path.insert(0, sys.argv[2])",
                "import brine, numpy as np",
                "os.chdir(sys.argv[1])",
                "brine.dump({'w': brine.SharedVariable(np.arange(2), 'v\\x1b[31mRED\\x07\\nfake')}, 'ctl.zip')",
                "a = np.empty(1, dtype=object); a[0] = fractions.Fraction(1, 3)",
                "np.savez('ctl.npz', **{'k\\x1b[31mX\\ny': a})"),
                new byte[0], tmp.toString(), Path.of("..", "python").toAbsolutePath().toString());

        CliTest.Run ls = CliTest.run("ls", tmp.resolve("ctl.zip").toString());
        assertEquals(0, ls.status(), ls.err());
        assertPrintable(ls.out());
        assertEquals(1, ls.out().lines().count(), ls.out()); // one array, one row
        assertTrue(ls.out().contains("member v\\x1b[31mRED\\x07\\nfake"), ls.out());

        CliTest.Run verify = CliTest.run("verify", tmp.resolve("ctl.npz").toString());
        assertEquals(0, verify.status(), verify.err());
        assertPrintable(verify.out());
        assertTrue(verify.out().contains("without running anything: k\\x1b[31mX\\ny"), verify.out());
    }

    private static void assertPrintable(String text) {
        for (char c : text.toCharArray()) {
            assertFalse(c < 0x20 && c != '\n' || c == 0x7f, "a raw control character " + (int) c + " in " + text);
        }
    }
}
