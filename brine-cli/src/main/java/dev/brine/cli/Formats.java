package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.io.CompressedFormat;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Which format a file holds: by its first bytes and members, and by extension for files still to be written. */
enum Formats {
    PICKLE("a pickle"), NPY(".npy"), NPZ(".npz"), ARCHIVE("a model archive"), TORCH(".pt"), SAFETENSORS(".safetensors");

    private final String label;

    Formats(String label) {
        this.label = label;
    }

    /** How warnings name the format: {@code .npz}, {@code a pickle}. */
    String label() {
        return label;
    }

    /** {@code torch.serialization.MAGIC_NUMBER}: the first pickle of a legacy (pre-ZIP) torch file. */
    private static final BigInteger TORCH_MAGIC = new BigInteger("1950A86A20F9469CFC6C", 16);
    /** More than the magic number's and the version's pickles take at any protocol (28 + 7 bytes at protocol 0). */
    private static final int TORCH_MAGIC_BYTES = 64;
    /** torch's legacy format version (torch.serialization.PROTOCOL_VERSION), pickled after the magic number. */
    private static final long LEGACY_TORCH_VERSION = 1001;

    /**
     * The format of an existing file, by its content: a format is chosen only when the file has its whole
     * signature (NPY's magic string, a ZIP's first record, a safetensors header length that fits the file
     * with a JSON object in it, a legacy torch file's pickled magic number); anything else is a pickle,
     * which may begin with almost any byte (a protocol 0 or 1 pickle of {@code ['{"lr": 0.1}']} begins as a
     * safetensors header might, one whose first persistent id starts with K begins with "PK", a plain
     * pickle is often named .pt or .pth). The name decides only for a damaged .safetensors file or a .pt
     * tar file, whose own reader then says what is wrong with it. A compressed file (gzip, bzip2, xz, ...; see
     * CompressedFormat), which no reader reads, is refused, saying how to decompress it.
     */
    static Formats detect(Path file) throws IOException {
        String name = name(file);
        try (SeekableByteChannel in = Files.newByteChannel(file)) {
            long size = in.size();
            byte[] head = readAt(in, 0, 16);
            if (startsWith(head, NPY_MAGIC)) {
                return NPY; // a pickle cannot begin with STACK_GLOBAL (0x93)
            }
            if (startsWith(head, ZIP_LOCAL_HEADER) || startsWith(head, ZIP_EMPTY_ARCHIVE)) {
                return zipKind(file, name); // the ZIP reader checks the rest, and says what is wrong with a damaged one
            }
            if (isSafeTensors(in, head, size)) {
                return SAFETENSORS;
            }
            if (isLegacyTorch(readAt(in, 0, TORCH_MAGIC_BYTES))
                    || (name.endsWith(".pt") || name.endsWith(".pth")) && isTar(readAt(in, 257, 5))) {
                return TORCH; // a legacy file is a run of pickles that TorchCheckpoint understands
            }
            CompressedFormat compression = CompressedFormat.of(head, head.length);
            if (compression != null) {
                // read as a pickle, a gzip file failed on its first byte, a bzip2 file as a truncated one
                throw compressedRefusal(compression, file);
            }
            return name.endsWith(".safetensors") ? SAFETENSORS : PICKLE;
        }
    }

    /**
     * The refusal of a compressed {@code file}: what it is and the command that decompresses it, beside it when its name
     * ends with the format's suffix, else into a pipe to {@code brine show -}, which needs no file name (zlib: the
     * library's words on joblib, as no common tool decompresses it).
     */
    static BrineException compressedRefusal(CompressedFormat compression, Path file) {
        String command = compression.decompressCommand(file);
        if (command == null) {
            return new BrineException(file + ": " + compression.refusal(file));
        }
        return new BrineException(file + ": compressed with " + compression.formatName() + ", which Brine does not read:"
                + " decompress it first, e.g. " + (compression.keepsBeside(file) ? command : command + " | brine show -"));
    }

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final byte[] ZIP_LOCAL_HEADER = {'P', 'K', 3, 4};
    /** An archive with no members (numpy.savez() of nothing) is only its end-of-central-directory record. */
    private static final byte[] ZIP_EMPTY_ARCHIVE = {'P', 'K', 5, 6};

    /**
     * A safetensors header: an 8-byte little-endian length that fits in the file, then a JSON object of that
     * length (it begins with '{' and, after the spaces that pad it, ends with '}').
     */
    private static boolean isSafeTensors(SeekableByteChannel in, byte[] head, long size) throws IOException {
        if (head.length < 10 || head[8] != '{') {
            return false;
        }
        long length = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (length < 2 || length > size - 8) {
            return false;
        }
        int tail = (int) Math.min(length, 64);
        byte[] end = readAt(in, 8 + length - tail, tail);
        int last = end.length - 1;
        while (last >= 0 && end[last] == ' ') {
            last--;
        }
        return last >= 0 && end[last] == '}';
    }

    /**
     * Whether {@code head} begins as torch's legacy format does, at any protocol: the pickle of torch's magic number,
     * then the pickle of its format version, 1001. The first alone is a valid pickle of an int (a plain pickle of
     * that number was taken for a checkpoint and refused).
     */
    private static boolean isLegacyTorch(byte[] head) {
        try {
            Unpickler pickles = new Unpickler(head, UnpicklerOptions.DEFAULT);
            return TORCH_MAGIC.equals(pickles.load()) && Long.valueOf(LEGACY_TORCH_VERSION).equals(pickles.load());
        } catch (IOException e) {
            return false; // no pickle of a number there, or not a whole one: not a legacy torch file
        }
    }

    /** A tar file's "ustar" magic (PyTorch before 0.4 saved tar files). */
    private static boolean isTar(byte[] at257) {
        return Arrays.equals(at257, "ustar".getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        return head.length >= prefix.length && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Up to {@code n} bytes at {@code offset}: fewer where the file ends. */
    private static byte[] readAt(SeekableByteChannel in, long offset, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        in.position(offset);
        while (b.hasRemaining() && in.read(b) > 0) {
            // read on: a channel may give fewer bytes than asked
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** A ZIP is a torch checkpoint (a {@code data.pkl} inside a folder), a model archive (member {@code pkl}) or an .npz. */
    private static Formats zipKind(Path file, String name) throws IOException {
        if (name.endsWith(".npz")) {
            return NPZ;
        }
        try (ZipReader zip = ZipReader.open(file, Limits.DEFAULT)) {
            boolean torch = false;
            for (ZipReader.Entry e : zip.entries()) {
                if (e.name().equals("pkl")) {
                    return ARCHIVE;
                }
                torch |= e.name().endsWith("/data.pkl");
            }
            return torch ? TORCH : NPZ;
        }
    }

    /** The format to write, from the output's extension. */
    static Formats forOutput(Path file) {
        String name = name(file);
        if (name.endsWith(".npy")) {
            return NPY;
        }
        if (name.endsWith(".npz")) {
            return NPZ;
        }
        if (name.endsWith(".zip")) {
            return ARCHIVE;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth")) {
            return TORCH;
        }
        if (name.endsWith(".safetensors")) {
            return SAFETENSORS;
        }
        return PICKLE;
    }

    /** The file's name in lower case; "" for a path that has none (the root folder, which is then refused as one). */
    private static String name(Path file) {
        Path name = file.getFileName();
        return name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    }
}
