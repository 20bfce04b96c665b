package dev.brine.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The formats Brine reads, told apart by their first bytes, so that a reader that failed on a file
 * of another format can say which format it is and which loader reads it. Used only after a read
 * failed: a file that starts like another format but is valid for the reader is read as usual.
 */
public enum FileKind {
    /** A ZIP archive: {@code np.savez}, a model archive or a {@code torch.save} checkpoint. */
    ZIP("a ZIP archive (an .npz: Npz.open; a model archive: ModelArchive.load; a torch checkpoint:"
            + " TorchCheckpoint.load)"),
    /** An NPY file ({@code \x93NUMPY}). */
    NPY("an NPY file (Npy.read)"),
    /** A legacy {@code torch.save} file: a pickle of torch's magic number, then more pickles. */
    TORCH_LEGACY("a legacy torch checkpoint (TorchCheckpoint.load)"),
    /** A safetensors file: a little-endian header length, then a JSON object. */
    SAFETENSORS("a safetensors file (SafeTensors.load)"),
    /** A pickle of protocol 2 or later (protocols 0 and 1 have no signature). */
    PICKLE("a pickle (Pickle.load)");

    private static final byte[] ZIP_LOCAL = {'P', 'K', 3, 4};
    private static final byte[] ZIP_EMPTY = {'P', 'K', 5, 6};
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** torch's magic number 0x1950a86a20f9469cfc6c pickled: LONG1 of 10 bytes, little-endian. */
    private static final byte[] TORCH_MAGIC_LONG1 = {(byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9,
        0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    /** The same number at protocols 0 and 1: a LONG line. */
    private static final byte[] TORCH_MAGIC_TEXT = "L119547037146038801333356L\n.".getBytes(StandardCharsets.US_ASCII);

    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /** What the file is and which loader reads it, as a message names it: "an NPY file (Npy.read)". */
    public String description() {
        return description;
    }

    /**
     * The location to put in front of a reader's failure on {@code file}: the file, and when it starts
     * like a format other than {@code expected} (what the reader reads, as a noun: "a pickle"), what
     * it is and which loader reads it: {@code "model.zip: not a pickle but a ZIP archive (...)"}; when it
     * is compressed ({@link CompressedFormat}), with what and how to decompress it.
     */
    public static String context(Path file, FileKind expected) {
        CompressedFormat compressed = CompressedFormat.of(file);
        if (compressed != null) { // read as a pickle, a gzip file fails on its first byte, a bzip2 file as truncated
            return file + ": not " + expected.noun() + " but a file " + compressed.refusal(file) + "; read as " + expected.noun();
        }
        FileKind kind = of(file);
        if (kind == null || kind == expected) {
            return file.toString();
        }
        return file + ": not " + expected.noun() + " but " + kind.description();
    }

    /** The format as a noun, without its loader: "a pickle". */
    public String noun() {
        int paren = description.indexOf(" (");
        return paren < 0 ? description : description.substring(0, paren);
    }

    /**
     * The format {@code file} starts like, or null when it starts like none of them (or cannot be
     * read: the caller's own failure is the one to report).
     */
    public static FileKind of(Path file) {
        if (Pipes.isPipe(file)) {
            return null; // its bytes were the caller's to read: opening it again would take more, or wait for a writer
        }
        byte[] head = new byte[64];
        int n;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
            size = Files.size(file);
        } catch (IOException e) {
            return null;
        }
        return of(head, n, size);
    }

    /** The format whose signature the first {@code n} bytes of {@code head} (of a {@code size}-byte file) carry. */
    static FileKind of(byte[] head, int n, long size) {
        if (startsWith(head, n, 0, ZIP_LOCAL) || startsWith(head, n, 0, ZIP_EMPTY)) {
            return ZIP;
        }
        if (startsWith(head, n, 0, NPY_MAGIC)) {
            return NPY;
        }
        if (startsWith(head, n, 0, TORCH_MAGIC_TEXT)) {
            return TORCH_LEGACY;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            // PROTO, then maybe a FRAME (protocol 4+), then the magic number when it is torch's
            int at = n >= 11 && (head[2] & 0xff) == 0x95 ? 11 : 2;
            return startsWith(head, n, at, TORCH_MAGIC_LONG1) ? TORCH_LEGACY : PICKLE;
        }
        if (n >= 9 && head[8] == '{') {
            long headerLength = java.nio.ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength >= 2 && headerLength <= size - 8) {
                return SAFETENSORS;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] head, int n, int at, byte[] prefix) {
        return n >= at + prefix.length && Arrays.equals(head, at, at + prefix.length, prefix, 0, prefix.length);
    }
}
