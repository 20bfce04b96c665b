package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code torch.save(..., pickle_protocol=p)} in both formats. Protocol 1 has no PROTO opcode, so a
 * legacy file begins with the magic number as text ({@code L1195...L\n.}); torch loads it with
 * {@code weights_only=False} (its weights-only unpickler knows no protocol-1 opcodes), Brine with its
 * default options. Protocol 0 writes persistent ids as text, which torch cannot load at all.
 */
class TorchProtocolsTest {
    @TempDir
    Path dir;

    @Test
    void everyProtocolTorchLoadsBrineLoads() throws Exception {
        Python.require("torch");
        String out = Python.checkText(String.join("\n",
                "import sys, torch, warnings",
                "warnings.filterwarnings('ignore')",
                "t = torch.arange(12.).reshape(3, 4)",
                "d = {'t': t, 'row': t[1], 'T': t.t(), 'i': torch.arange(5), 'name': 'x', 'tup': (1, 2.5, None),",
                "     'big': 2 ** 70, 'neg': -3, 'b': b'\\x00\\xff', 'flag': False}",
                "for p in range(6):",
                "    for legacy in (False, True):",
                "        f = sys.argv[1] + f'/p{p}{\"legacy\" if legacy else \"zip\"}.pt'",
                "        torch.save(d, f, pickle_protocol=p, _use_new_zipfile_serialization=not legacy)",
                "        try:",
                "            torch.load(f, weights_only=False)",
                "        except Exception as e:",
                "            print(p, legacy, 'torch cannot load it')",
                "print('ok')"), dir);
        assertEquals("0 False torch cannot load it\n0 True torch cannot load it\nok", out.strip());
        // compared as Python would print them: bytes (a Java byte[]) are equal by value only so
        java.util.Map<?, ?> anchor = (java.util.Map<?, ?>) TorchCheckpoint.load(dir.resolve("p2zip.pt"));
        // the anchor's values as the script made them (protocol 2 ZIP is also checked against torch in TorchLiveTest)
        float[] twelve = new float[12];
        for (int i = 0; i < 12; i++) {
            twelve[i] = i;
        }
        dev.brine.ndarray.NDArray t = dev.brine.ndarray.NDArray.of(twelve, 3, 4);
        assertEquals(t, anchor.get("t"));
        dev.brine.ndarray.NDArray transposed = (dev.brine.ndarray.NDArray) anchor.get("T");
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(t.getDouble(i, j), transposed.getDouble(j, i));
            }
        }
        assertEquals(java.math.BigInteger.TWO.pow(70), anchor.get("big"));
        assertEquals(-3L, anchor.get("neg"));
        assertEquals(dev.brine.py.Tuple.of(1L, 2.5, null), anchor.get("tup"));
        String want = PythonRepr.repr(anchor);
        assertTrue(want.contains("'b': b'\\x00\\xff'"), want);
        for (int p = 1; p <= 5; p++) {
            for (String kind : List.of("zip", "legacy")) {
                for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
                    assertEquals(want, PythonRepr.repr(TorchCheckpoint.load(dir.resolve("p" + p + kind + ".pt"), o)), p + kind);
                }
            }
        }
        for (String kind : List.of("zip", "legacy")) {
            BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(dir.resolve("p0" + kind + ".pt")));
            assertTrue(e.getMessage().contains("pickle protocol 0 writes ids as text; torch cannot load them either"),
                    e.getMessage());
        }
    }
}
