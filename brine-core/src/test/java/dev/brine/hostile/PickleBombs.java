package dev.brine.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * ZIP files whose one deflated pickle member is small on disk and makes a great many tiny objects:
 * a list filled with one one-byte opcode that makes a new empty container each time ({@code '}'}
 * EMPTY_DICT, {@code ']'} EMPTY_LIST, {@code 0x8f} EMPTY_SET), appended in batches. Such a pickle
 * deflates about a thousand times (within maxInflateRatio), so its bytes pass every byte limit, and
 * each of its bytes becomes a Java object of 30 to 80 bytes. The files are valid: numpy, torch and
 * pickle read the same shapes (a small count of them: Python's objects are bigger than Java's).
 */
public final class PickleBombs {
    /** EMPTY_DICT: one LinkedHashMap per byte. */
    public static final int EMPTY_DICT = '}';
    /** EMPTY_LIST: one ArrayList per byte. */
    public static final int EMPTY_LIST = ']';
    /** EMPTY_SET (protocol 4): one LinkedHashSet per byte, the dearest. */
    public static final int EMPTY_SET = 0x8f;

    /**
     * Items per APPENDS: big batches leave long runs of one byte, which deflate best (a batch of
     * 1,000 deflates only ~470 times), and stay far below maxStackSize.
     */
    private static final int BATCH = 1_000_000;

    /**
     * numpy's pickle of {@code a = np.empty(1, object); a[0] = []} as {@code np.save} writes it
     * (protocol 3), cut where the inner list's items go: the bomb fills that list.
     */
    private static final byte[] NUMPY_HEAD = latin1("\u0080\u0003cnumpy._core.multiarray\n_reconstruct\nq\u0000"
            + "cnumpy\nndarray\nq\u0001K\u0000\u0085q\u0002C\u0001bq\u0003\u0087q\u0004Rq\u0005(K\u0001K\u0001\u0085q\u0006"
            + "cnumpy\ndtype\nq\u0007X\u0002\u0000\u0000\u0000O8q\u0008\u0089\u0088\u0087q\tRq\n(K\u0003X\u0001\u0000\u0000"
            + "\u0000|q\u000bNNNJ\u00ff\u00ff\u00ff\u00ffJ\u00ff\u00ff\u00ff\u00ffK?tq\u000cb\u0089]q\r]q\u000e");
    /** The rest of that pickle: the inner list appended to the items, the state tuple, BUILD, STOP. */
    private static final byte[] NUMPY_TAIL = latin1("atq\u000fb.");
    /** The NPY header (version 1.0) of a (1,) object array. */
    private static final byte[] OBJECT_HEADER = HostileVectors.npy(
            "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[0]);

    private PickleBombs() {
    }

    /** A member's deflate data, what it inflates to in size, and that content's CRC. */
    public record Deflated(byte[] data, long size, long crc) {
    }

    /**
     * {@code head}, then {@code count} bytes {@code opcode} in APPENDS batches (MARK, the opcodes,
     * APPENDS), then {@code tail}, deflated as it is made: the content is never held whole.
     */
    public static Deflated deflate(byte[] head, int opcode, long count, byte[] tail) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        CRC32 crc = new CRC32();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        byte[] run = new byte[1 << 16];
        Arrays.fill(run, (byte) opcode);
        long size = 0;
        size += feed(d, crc, out, buf, head, head.length);
        for (long left = count; left > 0; ) {
            long batch = Math.min(left, BATCH);
            size += feed(d, crc, out, buf, new byte[] {'('}, 1);
            for (long b = batch; b > 0; ) {
                int n = (int) Math.min(b, run.length);
                size += feed(d, crc, out, buf, run, n);
                b -= n;
            }
            size += feed(d, crc, out, buf, new byte[] {'e'}, 1);
            left -= batch;
        }
        size += feed(d, crc, out, buf, tail, tail.length);
        d.finish();
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return new Deflated(out.toByteArray(), size, crc.getValue());
    }

    private static int feed(Deflater d, CRC32 crc, ByteArrayOutputStream out, byte[] buf, byte[] b, int n) {
        crc.update(b, 0, n);
        d.setInput(b, 0, n);
        while (!d.needsInput()) {
            out.write(buf, 0, d.deflate(buf));
        }
        return n;
    }

    /** The pickle of a list of {@code count} new containers, at {@code protocol}, whole (for small counts). */
    public static byte[] listPickle(int protocol, int opcode, int count) {
        return inflated(deflate(new byte[] {(byte) 0x80, (byte) protocol, ']'}, opcode, count, new byte[] {'.'}));
    }

    /**
     * An {@code .npz} of one deflated member {@code x.npy}: a (1,) object array whose one item is a
     * list of {@code count} new containers made by {@code opcode}, pickled as numpy pickles it.
     */
    public static byte[] npz(int opcode, long count) {
        byte[] head = new byte[OBJECT_HEADER.length + NUMPY_HEAD.length];
        System.arraycopy(OBJECT_HEADER, 0, head, 0, OBJECT_HEADER.length);
        System.arraycopy(NUMPY_HEAD, 0, head, OBJECT_HEADER.length, NUMPY_HEAD.length);
        Deflated x = deflate(head, opcode, count, NUMPY_TAIL);
        ZipBuilder z = new ZipBuilder();
        z.rawDeflated("x.npy", x.data(), x.size(), x.crc());
        return z.build();
    }

    /** A model archive whose deflated {@code pkl} holds a list of {@code count} new containers (protocol 4). */
    public static byte[] archive(int opcode, long count) {
        Deflated pkl = deflate(new byte[] {(byte) 0x80, 4, ']'}, opcode, count, new byte[] {'.'});
        ZipBuilder z = new ZipBuilder();
        z.rawDeflated("pkl", pkl.data(), pkl.size(), pkl.crc());
        return z.build();
    }

    /**
     * A torch checkpoint (ZIP format) whose {@code data.pkl}, deflated here though torch.save stores
     * it, holds a list of {@code count} new containers (protocol 2, as torch writes it).
     */
    public static byte[] checkpoint(int opcode, long count) {
        Deflated pkl = deflate(new byte[] {(byte) 0x80, 2, ']'}, opcode, count, new byte[] {'.'});
        ZipBuilder z = new ZipBuilder();
        z.rawDeflated("bomb/data.pkl", pkl.data(), pkl.size(), pkl.crc());
        z.stored("bomb/byteorder", latin1("little"));
        z.stored("bomb/version", latin1("3\n"));
        return z.build();
    }

    /**
     * A model archive of one old-style {@code gpuarray} member {@code W}, deflated: a pickled
     * "context name" that is a list of {@code count} new containers, then a small NPY array; the
     * stored {@code pkl} is {@code [<persistent id "gpuarray.W">]}.
     */
    public static byte[] gpuarrayArchive(int opcode, long count) {
        byte[] npy = HostileVectors.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        // POP drops the list, NONE is the name, STOP; the array follows
        byte[] end = new Bytes().op('0').op('N').op('.').raw(npy).bytes();
        Deflated w = deflate(new byte[] {(byte) 0x80, 2, ']'}, opcode, count, end);
        ZipBuilder z = new ZipBuilder();
        z.rawDeflated("W", w.data(), w.size(), w.crc());
        z.stored("pkl", new Bytes().u8(0x80, 2).op(']').op('X').u32(10).ascii("gpuarray.W").op('Q').op('a').op('.')
                .bytes());
        return z.build();
    }

    /** The content of {@code d}, inflated (for small members only). */
    static byte[] inflated(Deflated d) {
        java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
        inf.setInput(d.data());
        byte[] out = new byte[Math.toIntExact(d.size())];
        try {
            int n = 0;
            while (n < out.length) {
                int got = inf.inflate(out, n, out.length - n);
                if (got == 0 && (inf.finished() || inf.needsInput())) {
                    break;
                }
                n += got;
            }
            if (n != out.length) {
                throw new IllegalStateException("inflated " + n + " of " + out.length);
            }
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        } finally {
            inf.end();
        }
        return out;
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
