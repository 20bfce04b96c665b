package dev.brine.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The compressed formats a pickle or an array file is often saved in ({@code df.to_pickle('x.pkl.gz')},
 * {@code joblib.dump(m, f, compress=3)}), told apart by their magic bytes so that a reader that failed on such a
 * file says what it is and how to decompress it, instead of what its first compressed byte means as an opcode.
 * Brine does not decompress them itself: the JDK reads gzip and zlib but not bzip2, xz, zstd or lz4, and every
 * compressed file is treated alike. No magic here begins a valid pickle: the first byte is no opcode (gzip, xz,
 * zlib, lz4; zstd's second, after MARK), or the opcode is followed by what cannot follow it in a file this size or
 * at all (bzip2's "BZh" reads as BINBYTES of over 800 MB followed by the block magic; lzma's ']' as EMPTY_LIST
 * followed by byte 0, no opcode).
 */
public enum CompressedFormat {
    /** gzip ({@code .gz}). */
    GZIP("gzip", ".gz", "gunzip -k", "gzip -dc", new int[] {0x1f, 0x8b, 0x08}),
    /** bzip2's "BZh" and block size, then the magic of a first block or of an empty stream's end. */
    BZIP2("bzip2", ".bz2", "bunzip2 -k", "bzip2 -dc", null),
    /** xz ({@code .xz}). */
    XZ("xz", ".xz", "unxz -k", "xz -dc", new int[] {0xfd, '7', 'z', 'X', 'Z', 0x00}),
    /** Zstandard ({@code .zst}). */
    ZSTD("zstd", ".zst", "unzstd", "zstd -dc", new int[] {0x28, 0xb5, 0x2f, 0xfd}),
    /** The legacy .lzma format: properties 0x5d (lc=3, lp=0, pb=2, what every encoder writes), a dictionary size. */
    LZMA("lzma", ".lzma", "unlzma -k", "xz -dc --format=lzma", new int[] {0x5d, 0x00, 0x00}),
    /** LZ4 frames; -m: to the name without .lz4 even when stdout is no terminal (lz4 -d alone then writes to stdout). */
    LZ4("lz4", ".lz4", "lz4 -dm", "lz4 -dc", new int[] {0x04, 0x22, 0x4d, 0x18}),
    /** A zlib stream (RFC 1950) with a 32 KiB window, as joblib's compress=N writes its files. */
    ZLIB("zlib", null, null, null, null);

    private static final byte[] BZIP2_BLOCK = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59}; // pi's digits
    private static final byte[] BZIP2_END = {0x17, 0x72, 0x45, 0x38, 0x50, (byte) 0x90}; // sqrt(pi)'s

    /** The bytes {@link #of} looks at: the longest magic, bzip2's with its block magic (8 of them suffice). */
    public static final int HEAD_BYTES = 10;

    private final String formatName;
    private final String suffix;
    private final String decompressKeeping; // writes the file without the suffix, keeping the compressed one
    private final String decompressToStdout;
    private final int[] magic;

    CompressedFormat(String formatName, String suffix, String decompressKeeping, String decompressToStdout, int[] magic) {
        this.formatName = formatName;
        this.suffix = suffix;
        this.decompressKeeping = decompressKeeping;
        this.decompressToStdout = decompressToStdout;
        this.magic = magic;
    }

    /** The compression whose magic the first {@code n} bytes of {@code head} begin with, or null. */
    public static CompressedFormat of(byte[] head, int n) {
        for (CompressedFormat c : values()) {
            if (c.magic != null && startsWith(head, n, c.magic)) {
                return c;
            }
        }
        // bzip2: "BZh", the block size, then a block's or the end's magic (its first 4 bytes are enough: an NPY
        // reader has only the 8 bytes of its own magic and version in hand when it finds it is not one)
        int m = Math.min(n, HEAD_BYTES) - 4;
        if (m >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9'
                && (Arrays.equals(head, 4, 4 + m, BZIP2_BLOCK, 0, m) || Arrays.equals(head, 4, 4 + m, BZIP2_END, 0, m))) {
            return BZIP2;
        }
        // zlib: method 8 (deflate) with a 32 KiB window (0x78), and the check bits that make the pair a multiple of 31
        if (n >= 2 && (head[0] & 0xff) == 0x78 && ((head[0] & 0xff) << 8 | head[1] & 0xff) % 31 == 0) {
            return ZLIB;
        }
        return null;
    }

    /** The format's usual name: "gzip". */
    public String formatName() {
        return formatName;
    }

    /** The suffix the format's files usually end with ({@code .gz}); null for zlib, which has none. */
    public String suffix() {
        return suffix;
    }

    /**
     * The shell command that decompresses {@code file}: beside it, keeping the compressed file, when its name
     * ends with the format's suffix ({@code gunzip -k x.pkl.gz}); otherwise to standard output
     * ({@code gzip -dc x}), for the caller to redirect or pipe. Null for zlib, which no common tool decompresses.
     */
    public String decompressCommand(Path file) {
        if (decompressKeeping == null) {
            return null;
        }
        return (keepsBeside(file) ? decompressKeeping : decompressToStdout) + " " + file;
    }

    /** Whether {@link #decompressCommand} writes the decompressed file beside {@code file} (else to standard output). */
    public boolean keepsBeside(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return suffix != null && name.endsWith(suffix) && name.length() > suffix.length();
    }

    /**
     * What a reader that failed on {@code file} says of it: {@code "compressed with gzip, which Brine does not read:
     * decompress it first (gunzip -k x.pkl.gz), or read it through java.util.zip.GZIPInputStream"}; without the
     * command when {@code file} is null (a stream, an archive's member).
     */
    public String refusal(Path file) {
        String what = "compressed with " + formatName + ", which Brine does not read: ";
        if (this == ZLIB) {
            return what + "joblib.dump(..., compress=N) writes such files; load it in Python with joblib.load"
                    + " and save what it holds with pickle.dump (or numpy.save for arrays)";
        }
        String how = file == null ? "decompress it first"
                : "decompress it first (" + decompressCommand(file) + (keepsBeside(file) ? "" : " > FILE") + ")";
        return what + how + (this == GZIP ? ", or read it through java.util.zip.GZIPInputStream" : "");
    }

    /** The compression {@code file} starts with, or null (also when it cannot be read). */
    public static CompressedFormat of(Path file) {
        if (Pipes.isPipe(file)) {
            return null; // its bytes were the caller's to read: opening it again would take more, or wait for a writer
        }
        byte[] head = new byte[HEAD_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            return of(head, in.readNBytes(head, 0, head.length));
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean startsWith(byte[] head, int n, int[] magic) {
        if (n < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
