package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.pickle.Disassembler;
import dev.brine.pickle.Pickle;
import dev.brine.safetensors.SafeTensors;
import dev.brine.testing.Python;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Valid inputs that a small heap or a small thread stack cannot hold end in a BrineException, not in the JVM's
 * OutOfMemoryError or StackOverflowError (hunt26-stack F1–F3, F6, F7): a pickle whose values outgrow a 32 MiB heap (CPython
 * loads a list of millions of Nones), a safetensors header of 50 MB (under maxHeaderSize; the package reads it), and
 * an NPY header whose shape literal nests 100 parentheses deep, read on a 128 KiB thread (numpy reads it as ()); and
 * the disassembler's listing of that endless list (F7), and an .npz whose directory's names outgrow the heap (F6).
 */
class SmallStackAndHeapTest {
    @TempDir
    Path tmp;

    @Test
    void validInputsBeyondASmallHeapOrStackAreRefusedCleanly() throws Exception {
        Path header = tmp.resolve("big-header.safetensors");
        writeBigHeaderSafetensors(header, 50 << 20);
        Path npy = tmp.resolve("deep-shape.npy");
        Files.write(npy, deepShapeNpy(100));
        Path manyNames = tmp.resolve("many-names.npz");
        writeManyLongNames(manyNames, 60_000, 600);
        // the oracles read the files
        Python.require("numpy", "safetensors");
        assertEquals("ok", Python.checkText(String.join("\n",
                "import sys, numpy as np, safetensors.numpy as st",
                "a = np.load(sys.argv[1]); assert a.shape == () and a.dtype == np.float64 and a[()] == 0.0, a",
                "assert list(st.load_file(sys.argv[2])) == ['a']",
                "assert len(np.load(sys.argv[3]).files) == 60000",
                "print('ok')"), npy, header, manyNames).strip());
        // and Brine too, on the default stack and heap
        NDArray a = Npy.read(npy);
        assertEquals(0, a.shape().length);
        try (var npz = Npz.open(manyNames)) {
            assertEquals(60_000, npz.names().size());
        }

        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), header.toString(), npy.toString(),
                manyNames.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM hung");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("pickle: the values this pickle builds outgrew the Java heap"), out);
        assertTrue(out.contains("safetensors: ") && out.contains("-byte header is more than the Java heap holds"), out);
        assertTrue(out.contains("npz: ") && out.contains("the ZIP directory's entries are more than the Java heap holds"), out);
        assertTrue(out.contains("dis: the listing outgrew the Java heap"), out);
        assertTrue(out.contains("npy: ") && out.contains("nested too deeply for this thread's stack"), out);
    }

    /** The child's main: each read must end in a BrineException, printed with what it read. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            InputStream nones = endlessNones();
            refused("pickle", () -> Pickle.load(nones));
            refused("dis", () -> {
                Appendable discard = new Appendable() {
                    @Override
                    public Appendable append(CharSequence c) {
                        return this;
                    }

                    @Override
                    public Appendable append(CharSequence c, int start, int end) {
                        return this;
                    }

                    @Override
                    public Appendable append(char c) {
                        return this;
                    }
                };
                Disassembler.disassemble(endlessNones(), discard);
                return null;
            });
            refused("safetensors", () -> SafeTensors.load(Path.of(args[0])));
            refused("npz", () -> Npz.open(Path.of(args[2])));
            AtomicReference<Throwable> onSmallStack = new AtomicReference<>();
            Thread t = new Thread(null, () -> {
                try {
                    refused("npy", () -> Npy.read(Path.of(args[1])));
                } catch (Throwable e) {
                    onSmallStack.set(e);
                }
            }, "small", 128 << 10);
            t.start();
            t.join();
            if (onSmallStack.get() != null) {
                throw new AssertionError(onSmallStack.get());
            }
        }

        /** A list of Nones that never ends: its MARK's values outgrow the heap long before maxStackSize. */
        static InputStream endlessNones() {
            return new EndlessStream(new byte[] {(byte) 0x80, 2, ']', '('}, 'N');
        }

        interface Read {
            Object run() throws Exception;
        }

        static void refused(String what, Read read) {
            try {
                read.run();
                System.out.println(what + ": NOT REFUSED");
                System.exit(2);
            } catch (BrineException e) {
                System.out.println(what + ": " + e.getMessage());
            } catch (Throwable e) {
                e.printStackTrace(System.out);
                System.exit(3);
            }
        }
    }

    /**
     * A valid ZIP of {@code count} one-byte members whose names are {@code length} chars long: its directory's names
     * alone are more than the child's heap (numpy opens such a file; maxZipMembers allows 100,000 members).
     */
    private static void writeManyLongNames(Path path, int count, int length) throws Exception {
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(path), 1 << 20))) {
            zip.setMethod(java.util.zip.ZipOutputStream.STORED);
            String pad = "n".repeat(length - 12);
            for (int i = 0; i < count; i++) {
                java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(String.format("%08d", i) + pad + ".npy");
                e.setSize(1);
                e.setCompressedSize(1);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update('x');
                e.setCrc(crc.getValue());
                zip.putNextEntry(e);
                zip.write('x');
                zip.closeEntry();
            }
        }
    }

    /** One float32 tensor 'a' and a JSON header padded with spaces to {@code size} bytes. */
    private static void writeBigHeaderSafetensors(Path path, int size) throws Exception {
        byte[] json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(size).array());
            out.write(json);
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (long left = size - json.length; left > 0; left -= spaces.length) {
                out.write(spaces, 0, (int) Math.min(spaces.length, left));
            }
            out.write(new byte[4]); // the float 0.0
        }
    }

    /** A version 1.0 NPY of one float64 0.0 whose shape is written {@code (((...)))}, {@code depth} deep: that is (). */
    private static byte[] deepShapeNpy(int depth) {
        StringBuilder h = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': ")
                .append("(".repeat(depth)).append(")".repeat(depth)).append(", }");
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length()).put(h.toString().getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }
}
