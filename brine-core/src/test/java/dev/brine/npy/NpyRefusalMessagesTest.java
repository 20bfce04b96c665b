package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the live numpy reads and Brine refuses on purpose, with the refusal naming the real
 * cause: .npz members compressed with bzip2 or LZMA (Python's zipfile reads them; brine-core has
 * no dependencies to), and object arrays of an ndarray subclass (np.matrix, np.recarray), which
 * np.save pickles whole.
 */
class NpyRefusalMessagesTest {
    @TempDir
    Path dir;

    @Test
    void bzip2AndLzmaMembersAreRefusedByName() throws IOException {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import sys, io, os, zipfile, numpy as np",
                "for name, c in [('bzip2.npz', zipfile.ZIP_BZIP2), ('lzma.npz', zipfile.ZIP_LZMA)]:",
                "    b = io.BytesIO(); np.save(b, np.arange(3))",
                "    p = os.path.join(sys.argv[1], name)",
                "    with zipfile.ZipFile(p, 'w', compression=c) as z: z.writestr('x.npy', b.getvalue())",
                "    print(np.load(p)['x'].tolist())"), dir);
        assertEquals("[0, 1, 2]\n[0, 1, 2]", numpy.strip(), "numpy reads both");
        for (String[] c : new String[][] {{"bzip2.npz", "bzip2 (method 12)"}, {"lzma.npz", "LZMA (method 14)"}}) {
            try (NpzFile z = Npz.open(dir.resolve(c[0]))) {
                BrineException e = assertThrows(BrineException.class, () -> z.get("x"));
                assertTrue(e.getMessage().contains("member x.npy: it is compressed with " + c[1]
                        + ", which Brine does not read"), e.getMessage());
            }
        }
    }

    @Test
    void objectArraysOfAnNdarraySubclassNameTheSubclass() throws IOException {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import sys, os, numpy as np",
                "m = np.matrix([[1, 'a']], dtype=object)",
                "r = np.array([1, 'a'], dtype=object).view(np.recarray)",
                "for name, a in [('matrix.npy', m), ('rec.npy', r)]:",
                "    np.save(os.path.join(sys.argv[1], name), a, allow_pickle=True)",
                "    b = np.load(os.path.join(sys.argv[1], name), allow_pickle=True)",
                "    print(type(b).__module__ + '.' + type(b).__name__)"), dir);
        String[] classes = numpy.strip().split("\n");
        assertEquals(2, classes.length, numpy);
        String[] files = {"matrix.npy", "rec.npy"};
        for (int i = 0; i < files.length; i++) {
            Path file = dir.resolve(files[i]);
            // by default the class is refused as any unknown global is, by name
            BrineException plain = assertThrows(BrineException.class, () -> Npy.readObjectArray(file));
            assertTrue(plain.getMessage().contains(classes[i].replace("numpy.recarray", "numpy.rec")), plain.getMessage());
            // read with inert objects kept, the pickle is a subclass instance, and the message says so
            BrineException e = assertThrows(BrineException.class,
                    () -> Npy.readObjectArray(file, UnpicklerOptions.builder().genericObjects(true).build()));
            String cls = classes[i].substring(classes[i].lastIndexOf('.') + 1);
            assertTrue(e.getMessage().contains("a subclass of numpy's ndarray that Brine does not model"), e.getMessage());
            assertTrue(e.getMessage().matches("(?s).*an instance of numpy[.a-z_]*\\." + cls + ",.*"), e.getMessage());
            assertTrue(!e.getMessage().contains("StringDType"), e.getMessage());
        }
    }
}
