package dev.brine.io;

/**
 * The ZIP format's record signatures, flags and limits, shared by Brine's two ZIP writers (model archives, aligned
 * for mapping; NPZ files, laid out as numpy's), and a member as a writer keeps it until its central directory entry
 * is written. What each writer puts in its records differs; these facts do not.
 */
public final class ZipRecords {
    private ZipRecords() {
    }

    /** Local file header. */
    public static final int LOC_SIG = 0x04034b50;
    /** Central directory entry. */
    public static final int CEN_SIG = 0x02014b50;
    /** Data descriptor after a member whose sizes its local header could not give. */
    public static final int DESCRIPTOR_SIG = 0x08074b50;
    /** ZIP64 end of central directory record. */
    public static final int ZIP64_EOCD_SIG = 0x06064b50;
    /** ZIP64 end of central directory locator. */
    public static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    /** End of central directory record. */
    public static final int EOCD_SIG = 0x06054b50;
    /** The ZIP64 extended information extra field. */
    public static final int ZIP64_EXTRA_ID = 0x0001;
    /** General purpose flag: sizes and CRC follow the data in a descriptor. */
    public static final int FLAG_DESCRIPTOR = 0x08;
    /** General purpose flag: the name is UTF-8. */
    public static final int FLAG_UTF8 = 0x800;
    /** Compression method: stored. */
    public static final int STORED = 0;
    /** Compression method: deflated. */
    public static final int DEFLATED = 8;
    /** 1980-01-01 00:00, the earliest DOS date (and Python's ZipInfo default): the same content gives the same bytes. */
    public static final int DOS_DATE = (1 << 5) | 1;
    /** Midnight, as {@link #DOS_DATE}. */
    public static final int DOS_TIME = 0;
    /**
     * Sizes and offsets beyond this take ZIP64 fields, as in Python's {@code zipfile} ({@code ZIP64_LIMIT}): some
     * readers take the 32-bit fields as signed.
     */
    public static final long ZIP64_LIMIT = (1L << 31) - 1;
    /** Member counts beyond this take the ZIP64 end records. */
    public static final int COUNT_LIMIT = 0xFFFF;

    /** A member as a writer keeps it for its central directory entry: CRC and sizes known once its data is written. */
    public static final class Member {
        /** The name's bytes, as in the headers. */
        public final byte[] name;
        /** The general purpose flags. */
        public final int flags;
        /** The compression method. */
        public final int method;
        /** Where its local header starts. */
        public final long offset;
        /** CRC-32 of the uncompressed bytes. */
        public long crc;
        /** Bytes as stored. */
        public long compressedSize;
        /** Bytes uncompressed. */
        public long size;

        /** A member whose local header starts at {@code offset}. */
        public Member(byte[] name, int flags, int method, long offset) {
            this.name = name;
            this.flags = flags;
            this.method = method;
            this.offset = offset;
        }
    }
}
