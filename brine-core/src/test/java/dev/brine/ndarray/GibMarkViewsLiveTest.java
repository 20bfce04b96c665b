package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.safetensors.SafeTensors;
import dev.brine.safetensors.SafeTensorsFile;
import dev.brine.safetensors.SafeTensorsOptions;
import dev.brine.testing.Python;
import dev.brine.torch.TorchCheckpoint;
import dev.brine.torch.TorchOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensors that straddle byte 2^30 of a mapping, where one 1 GiB chunk of a {@link Storage} ends
 * and the next begins: a safetensors file written by the safetensors package (whose tensor there is
 * mapped on its own, from its first byte), and a torch
 * checkpoint of views of one flat storage (as FSDP and DeepSpeed save flat parameters) written by
 * torch.save, and Brine's re-save of the latter. Each file is just over 1 GiB but sparse (runs
 * of zeros are skipped, not written), so the test costs seconds and a few MiB of disk; one test
 * on purpose, as each such file costs a second or so to make.
 */
class GibMarkViewsLiveTest {
    @TempDir
    Path dir;

    /** Makes both files; prints what safetensors and torch say about them, one "key value..." a line. */
    private static final String MAKE = String.join("\n",
            "import sys, os, numpy as np, torch, safetensors.numpy",
            "from safetensors import safe_open",
            "GIB = 1 << 30",
            "class SparseWriter:",
            "    '''A file that seeks over 4 MiB runs of zeros instead of writing them: the file stays sparse.'''",
            "    def __init__(self, f): self.f = f; self.pos = 0",
            "    def write(self, b):",
            "        m = memoryview(b).cast('B'); step = 1 << 22",
            "        for i in range(0, len(m), step):",
            "            piece = m[i:i + step]",
            "            if len(piece) == step and not np.frombuffer(piece, dtype=np.uint8).any(): self.f.seek(step, 1)",
            "            else: self.f.write(piece)",
            "        self.pos += len(m); return len(m)",
            "    def flush(self): self.f.flush()",
            "def sparse(path, save):",
            "    with open(path, 'wb') as raw:",
            "        w = SparseWriter(raw); save(w); raw.truncate(w.pos)",
            "st, pt = sys.argv[1], sys.argv[2]",
            // safetensors: 'a_pad' fills the first GiB of data but 8 bytes; 'b_cross' (16 bytes) straddles the mark
            "data = safetensors.numpy.save({'a_pad': np.zeros(GIB // 4 - 2, np.float32),",
            "                               'b_cross': np.array([1.5, -2.5, 3.25, 4e9], np.float32)})",
            "sparse(st, lambda w: w.write(data)); del data",
            "with safe_open(st, 'np') as f:",
            "    n = 8 + int.from_bytes(open(st, 'rb').read(8), 'little')",
            "    meta = __import__('json').loads(open(st, 'rb').read(n)[8:])['b_cross']['data_offsets']",
            "    assert meta[0] < GIB < meta[1], meta",
            "    print('st_begin', meta[0])",
            "    print('st_values', *[repr(float(x)) for x in f.get_tensor('b_cross')])",
            // torch: a flat float32 storage of 1 GiB + 16 bytes, 'across' views it over byte 2^30
            "flat = torch.zeros(GIB // 4 + 4, dtype=torch.float32)",
            "flat[GIB // 4 - 2: GIB // 4 + 2] = torch.tensor([1., 2., 3., 4.])",
            "sparse(pt, lambda w: torch.save({'flat': flat, 'inside': flat[10:20], 'across': flat[GIB // 4 - 2: GIB // 4 + 2]}, w))",
            "del flat",
            "d = torch.load(pt, weights_only=True, mmap=True)",
            "a = d['across']",
            "print('pt_shares', a.untyped_storage().data_ptr() == d['flat'].untyped_storage().data_ptr())",
            "print('pt_offset', a.storage_offset() * a.element_size())",
            "print('pt_values', *[repr(float(x)) for x in a])",
            "");

    /** What torch makes of Brine's re-saved checkpoint: does 'across' still share 'flat''s storage? */
    private static final String RESAVED = String.join("\n",
            "import sys, torch",
            "d = torch.load(sys.argv[1], weights_only=True, mmap=True)",
            "a = d['across']",
            "print('pt_shares', a.untyped_storage().data_ptr() == d['flat'].untyped_storage().data_ptr())",
            "print('pt_offset', a.storage_offset() * a.element_size())",
            "print('pt_values', *[repr(float(x)) for x in a])",
            "");

    @Test
    void tensorsAcrossAGibMarkAreViewsOfTheMapping() throws Exception {
        Python.require("numpy", "torch", "safetensors");
        Path st = dir.resolve("across.safetensors");
        Path pt = dir.resolve("flat.pt");
        Path resaved = dir.resolve("resaved.pt");
        Map<String, String[]> py = lines(Python.checkText(MAKE, st, pt));
        assertTrue(Files.size(st) > (1L << 30) && Files.size(pt) > (1L << 30), "both files pass the GiB mark");

        try (SafeTensorsFile f = SafeTensors.open(st, SafeTensorsOptions.builder().mmap(true).build())) {
            NDArray x = f.get("b_cross");
            assertArrayEquals(doubles(py.get("st_values")), x.toDoubleArray(), "safetensors' values");
            assertTrue(x.isReadOnly(), "the read-only mapping, not a writable heap copy");
            // mapped on its own at its offset past the mark, sharing no storage with 'a_pad' (the format has none)
            assertNull(x.storage().base(), "a mapping of its own");
            assertTrue(Long.parseLong(py.get("st_begin")[0]) < (1L << 30));
            assertThrows(IllegalStateException.class, () -> x.setDouble(0, 1));
        }

        Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(pt, TorchOptions.builder().mmap(true).build());
        NDArray flat = (NDArray) d.get("flat");
        NDArray across = (NDArray) d.get("across");
        assertEquals("True", py.get("pt_shares")[0], "torch: 'across' shares 'flat''s storage");
        assertSame(root(flat.storage()), root(across.storage()), "Brine: so does it here");
        assertEquals(Long.parseLong(py.get("pt_offset")[0]), across.storage().baseOffset());
        assertArrayEquals(doubles(py.get("pt_values")), across.toDoubleArray(), "torch's values");
        assertTrue(across.isReadOnly() && flat.isReadOnly(), "mapped read-only like its siblings");
        assertEquals(flat.getDouble((1L << 28) + 1), across.getDouble(3), "the same bytes");

        // re-saved, it still shares: torch sees one storage, as in the file it came from
        try (SparseFile out = new SparseFile(resaved)) {
            TorchCheckpoint.save(d, out, "resaved");
        }
        Map<String, String[]> again = lines(Python.checkText(RESAVED, resaved));
        assertArrayEquals(py.get("pt_shares"), again.get("pt_shares"), "sharing survives Brine's save");
        assertArrayEquals(py.get("pt_offset"), again.get("pt_offset"));
        assertArrayEquals(py.get("pt_values"), again.get("pt_values"));
    }

    /** A file written like an OutputStream that skips blocks of zeros, so a mostly-zero GiB costs no disk. */
    private static final class SparseFile extends java.io.OutputStream {
        private static final int BLOCK = 1 << 16;
        private static final byte[] ZEROS = new byte[BLOCK];
        private final java.nio.channels.FileChannel ch;
        private long pos;

        SparseFile(Path path) throws java.io.IOException {
            ch = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            for (int i = 0; i < len; i += BLOCK) {
                int n = Math.min(BLOCK, len - i);
                if (java.util.Arrays.mismatch(b, off + i, off + i + n, ZEROS, 0, n) >= 0) {
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, off + i, n);
                    while (buf.hasRemaining()) {
                        ch.write(buf, pos + buf.position() - off - i);
                    }
                }
                pos += n;
            }
        }

        @Override
        public void close() throws java.io.IOException {
            if (ch.size() < pos) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]), pos - 1); // the length, after skipped zeros
            }
            ch.close();
        }
    }

    private static Storage root(Storage s) {
        return s.base() == null ? s : s.base();
    }

    private static Map<String, String[]> lines(String out) {
        Map<String, String[]> m = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] w = line.strip().split(" ");
            m.put(w[0], java.util.Arrays.copyOfRange(w, 1, w.length));
        }
        return m;
    }

    private static double[] doubles(String[] words) {
        double[] d = new double[words.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Double.parseDouble(words[i]);
        }
        return d;
    }
}
