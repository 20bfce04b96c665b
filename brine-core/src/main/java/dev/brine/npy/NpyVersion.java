package dev.brine.npy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** An NPY format version: how the header length is stored and how the header text is encoded. */
public enum NpyVersion {
    /** 1.0: 2-byte header length, latin-1 header. */
    V1_0(1, 0, 2, StandardCharsets.ISO_8859_1),
    /** 2.0: 4-byte header length, latin-1 header (numpy ≥ 1.9). */
    V2_0(2, 0, 4, StandardCharsets.ISO_8859_1),
    /** 3.0: 4-byte header length, UTF-8 header (numpy ≥ 1.17). */
    V3_0(3, 0, 4, StandardCharsets.UTF_8);

    private final int major;
    private final int minor;
    private final int lengthBytes;
    private final Charset charset;

    NpyVersion(int major, int minor, int lengthBytes, Charset charset) {
        this.major = major;
        this.minor = minor;
        this.lengthBytes = lengthBytes;
        this.charset = charset;
    }

    /** The major version byte. */
    public int major() {
        return major;
    }

    /** The minor version byte. */
    public int minor() {
        return minor;
    }

    /** Bytes of the little-endian header length field: 2 or 4. */
    public int lengthBytes() {
        return lengthBytes;
    }

    /** The header text's encoding. */
    public Charset charset() {
        return charset;
    }

    /** The version for the two version bytes, or null if numpy knows none. */
    public static NpyVersion of(int major, int minor) {
        for (NpyVersion v : values()) {
            if (v.major == major && v.minor == minor) {
                return v;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
