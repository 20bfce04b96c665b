package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show --stats} of long double arrays works on the elements' own 80-bit values: {@code 1e+400} is finite
 * there (numpy: {@code isinf} is false, the max is {@code 1e+400}), where reading through doubles counted it as an
 * infinity and left it out of the mean. Oracle: numpy's {@code min}, {@code max}, {@code isnan}, {@code isinf} (on
 * the finite and infinite elements) and {@code mean}/{@code std} of the finite ones, which Brine's 17 digits must
 * match to a relative 1e-16; in text and in {@code --json}.
 */
class LongDoubleStatsCliTest {
    @TempDir
    Path tmp;

    @Test
    void longDoubleStatsAreNumpysOnTheElementsOwnValues() throws Exception {
        Python.require("numpy");
        String[] arrays = {
            "[np.longdouble('1e400'), np.longdouble('0.1'), np.longdouble(2)]",
            "[np.longdouble('-1e-4000'), np.longdouble('3'), np.longdouble('nan'), np.longdouble('-inf'), np.longdouble('1e2000')]",
            "[np.longdouble('0.1'), np.longdouble('0.2'), np.longdouble('0.3')]",
        };
        for (String values : arrays) {
            Path npy = tmp.resolve("a.npy");
            Python.check("import numpy as np, sys\nnp.save(sys.argv[1], np.array(" + values + ", dtype=np.longdouble))\n",
                    new byte[0], npy.toString());
            CliTest.Run text = CliTest.run("show", "--stats", npy.toString());
            assertEquals(0, text.status(), text.err());
            CliTest.Run json = CliTest.run("show", "--json", "--stats", npy.toString());
            assertEquals(0, json.status(), json.err());
            Path out = Files.writeString(tmp.resolve("out.json"), json.out());
            Path shown = Files.writeString(tmp.resolve("out.txt"), text.out());
            assertEquals("ok", Python.checkText(String.join("\n",
                    "import json, re, sys, numpy as np",
                    "a = np.load(sys.argv[1])",
                    "s = json.load(open(sys.argv[2]))['__ndarray__']['stats']",
                    "s = {k: v['__float__'] if isinstance(v, dict) else v for k, v in s.items()}", // an infinity's marker
                    "shown = dict(re.findall(r'(\\w+)=([^,}]+)', open(sys.argv[3]).read().split('{', 1)[1]))",
                    "ordered = a[~np.isnan(a)]",
                    "finite = a[np.isfinite(a)]",
                    "assert s['nan'] == int(np.isnan(a).sum()) and s['inf'] == int(np.isinf(a).sum()), s",
                    "assert s['min'] == str(ordered.min()) and s['max'] == str(ordered.max()), (s, ordered.min(), ordered.max())",
                    "for k in ('mean', 'std'):",
                    "    want = getattr(finite, k)()",
                    "    got = np.longdouble(s[k])",
                    "    assert got == want or abs((got - want) / want) < 1e-16, (k, s[k], want)",
                    "for k in ('min', 'max', 'mean', 'std', 'nan', 'inf'):",
                    "    assert shown[k] == str(s[k]), (k, shown, s)",
                    "print('ok')"), npy, out, shown).strip(), values);
        }
    }
}
