package dev.brine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Which format a file holds: by its first bytes, and by its extension for files still to be written. */
enum Formats {
    PICKLE, NPY, NPZ, ARCHIVE;

    /** The format of an existing file, from its magic bytes and name. */
    static Formats detect(Path file) throws IOException {
        byte[] head = new byte[6];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 6 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U' && head[3] == 'M') {
            return NPY;
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
            return name(file).endsWith(".npz") ? NPZ : ARCHIVE;
        }
        return PICKLE;
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
        return PICKLE;
    }

    private static String name(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT);
    }
}
