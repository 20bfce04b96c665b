package dev.brine.pickle;

/**
 * How an opcode's inline argument is encoded in the stream, with the names {@code pickletools}
 * gives them. The reader, the writer and the disassembler all decode arguments by this kind.
 */
public enum ArgKind {
    /** No argument. */
    NONE("", 0),
    /** One unsigned byte. */
    UINT1("uint1", 1),
    /** Two-byte little-endian unsigned integer. */
    UINT2("uint2", 2),
    /** Four-byte little-endian signed integer. */
    INT4("int4", 4),
    /** Four-byte little-endian unsigned integer. */
    UINT4("uint4", 4),
    /** Eight-byte little-endian unsigned integer. */
    UINT8("uint8", 8),
    /** Decimal digits ending in a newline; {@code 00}/{@code 01} mean False/True for INT. */
    DECIMALNL_SHORT("decimalnl_short", -1),
    /** Decimal digits with an optional trailing {@code L}, ending in a newline. */
    DECIMALNL_LONG("decimalnl_long", -1),
    /** A float repr ending in a newline. */
    FLOATNL("floatnl", -1),
    /** Eight-byte big-endian IEEE double. */
    FLOAT8("float8", 8),
    /** A quoted Python 2 string literal ending in a newline. */
    STRINGNL("stringnl", -1),
    /** An unquoted string ending in a newline (PERSID). */
    STRINGNL_NOESCAPE("stringnl_noescape", -1),
    /** Two newline-terminated unquoted strings: module and name. */
    STRINGNL_NOESCAPE_PAIR("stringnl_noescape_pair", -1),
    /** Length byte, then that many bytes of a Python 2 str. */
    STRING1("string1", -1),
    /** Signed four-byte length, then that many bytes of a Python 2 str. */
    STRING4("string4", -1),
    /** Length byte, then bytes. */
    BYTES1("bytes1", -1),
    /** Four-byte length, then bytes. */
    BYTES4("bytes4", -1),
    /** Eight-byte length, then bytes. */
    BYTES8("bytes8", -1),
    /** Eight-byte length, then the bytes of a bytearray. */
    BYTEARRAY8("bytearray8", -1),
    /** Raw-unicode-escape text ending in a newline. */
    UNICODESTRINGNL("unicodestringnl", -1),
    /** Length byte, then UTF-8. */
    UNICODESTRING1("unicodestring1", -1),
    /** Four-byte length, then UTF-8. */
    UNICODESTRING4("unicodestring4", -1),
    /** Eight-byte length, then UTF-8. */
    UNICODESTRING8("unicodestring8", -1),
    /** Length byte, then a little-endian two's-complement integer. */
    LONG1("long1", -1),
    /** Four-byte signed length, then a little-endian two's-complement integer. */
    LONG4("long4", -1);

    private final String pythonName;
    private final int fixedSize;

    ArgKind(String pythonName, int fixedSize) {
        this.pythonName = pythonName;
        this.fixedSize = fixedSize;
    }

    /** The name {@code pickletools} uses for this argument kind. */
    public String pythonName() {
        return pythonName;
    }

    /** The argument's size in bytes when fixed, or -1 when it depends on the data. */
    public int fixedSize() {
        return fixedSize;
    }
}
