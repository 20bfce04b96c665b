package dev.brine.cli;

import dev.brine.Limits;
import dev.brine.npy.ZipReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The format of an existing file. */
    static Formats detect(Path file) throws IOException {
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String name = name(file);
        if (n >= 6 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U' && head[3] == 'M') {
            return NPY;
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
            return zipKind(file, name);
        }
        if (name.endsWith(".safetensors") || (n == 9 && head[8] == '{' && head[6] == 0 && head[7] == 0)) {
            return SAFETENSORS;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth")) {
            return TORCH; // the legacy (pre-zip) torch format is a run of pickles that TorchCheckpoint understands
        }
        return PICKLE;
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

    private static String name(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT);
    }
}
