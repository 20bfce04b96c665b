package dev.brine.pickle;

/**
 * The one table of pickle opcodes: the 68 that CPython's {@code pickletools} knows, with their
 * byte, argument kind and the protocol that introduced them. The unpickler dispatches on it, the
 * pickler writes its bytes, and the disassembler prints its names.
 */
public enum Opcode {
    // Integers
    INT('I', ArgKind.DECIMALNL_SHORT, 0),
    BININT('J', ArgKind.INT4, 1),
    BININT1('K', ArgKind.UINT1, 1),
    BININT2('M', ArgKind.UINT2, 1),
    LONG('L', ArgKind.DECIMALNL_LONG, 0),
    LONG1(0x8a, ArgKind.LONG1, 2),
    LONG4(0x8b, ArgKind.LONG4, 2),
    // Strings and bytes
    STRING('S', ArgKind.STRINGNL, 0),
    BINSTRING('T', ArgKind.STRING4, 1),
    SHORT_BINSTRING('U', ArgKind.STRING1, 1),
    BINBYTES('B', ArgKind.BYTES4, 3),
    SHORT_BINBYTES('C', ArgKind.BYTES1, 3),
    BINBYTES8(0x8e, ArgKind.BYTES8, 4),
    BYTEARRAY8(0x96, ArgKind.BYTEARRAY8, 5),
    NEXT_BUFFER(0x97, ArgKind.NONE, 5),
    READONLY_BUFFER(0x98, ArgKind.NONE, 5),
    // Constants
    NONE('N', ArgKind.NONE, 0),
    NEWTRUE(0x88, ArgKind.NONE, 2),
    NEWFALSE(0x89, ArgKind.NONE, 2),
    // Unicode
    UNICODE('V', ArgKind.UNICODESTRINGNL, 0),
    SHORT_BINUNICODE(0x8c, ArgKind.UNICODESTRING1, 4),
    BINUNICODE('X', ArgKind.UNICODESTRING4, 1),
    BINUNICODE8(0x8d, ArgKind.UNICODESTRING8, 4),
    // Floats
    FLOAT('F', ArgKind.FLOATNL, 0),
    BINFLOAT('G', ArgKind.FLOAT8, 1),
    // Lists
    EMPTY_LIST(']', ArgKind.NONE, 1),
    APPEND('a', ArgKind.NONE, 0),
    APPENDS('e', ArgKind.NONE, 1),
    LIST('l', ArgKind.NONE, 0),
    // Tuples
    EMPTY_TUPLE(')', ArgKind.NONE, 1),
    TUPLE('t', ArgKind.NONE, 0),
    TUPLE1(0x85, ArgKind.NONE, 2),
    TUPLE2(0x86, ArgKind.NONE, 2),
    TUPLE3(0x87, ArgKind.NONE, 2),
    // Dicts
    EMPTY_DICT('}', ArgKind.NONE, 1),
    DICT('d', ArgKind.NONE, 0),
    SETITEM('s', ArgKind.NONE, 0),
    SETITEMS('u', ArgKind.NONE, 1),
    // Sets
    EMPTY_SET(0x8f, ArgKind.NONE, 4),
    ADDITEMS(0x90, ArgKind.NONE, 4),
    FROZENSET(0x91, ArgKind.NONE, 4),
    // Stack manipulation
    POP('0', ArgKind.NONE, 0),
    DUP('2', ArgKind.NONE, 0),
    MARK('(', ArgKind.NONE, 0),
    POP_MARK('1', ArgKind.NONE, 1),
    // Memo
    GET('g', ArgKind.DECIMALNL_SHORT, 0),
    BINGET('h', ArgKind.UINT1, 1),
    LONG_BINGET('j', ArgKind.UINT4, 1),
    PUT('p', ArgKind.DECIMALNL_SHORT, 0),
    BINPUT('q', ArgKind.UINT1, 1),
    LONG_BINPUT('r', ArgKind.UINT4, 1),
    MEMOIZE(0x94, ArgKind.NONE, 4),
    // Extension registry
    EXT1(0x82, ArgKind.UINT1, 2),
    EXT2(0x83, ArgKind.UINT2, 2),
    EXT4(0x84, ArgKind.INT4, 2),
    // Objects
    GLOBAL('c', ArgKind.STRINGNL_NOESCAPE_PAIR, 0),
    STACK_GLOBAL(0x93, ArgKind.NONE, 4),
    REDUCE('R', ArgKind.NONE, 0),
    BUILD('b', ArgKind.NONE, 0),
    INST('i', ArgKind.STRINGNL_NOESCAPE_PAIR, 0),
    OBJ('o', ArgKind.NONE, 1),
    NEWOBJ(0x81, ArgKind.NONE, 2),
    NEWOBJ_EX(0x92, ArgKind.NONE, 4),
    // Machine control
    PROTO(0x80, ArgKind.UINT1, 2),
    STOP('.', ArgKind.NONE, 0),
    FRAME(0x95, ArgKind.UINT8, 4),
    // Persistent ids
    PERSID('P', ArgKind.STRINGNL_NOESCAPE, 0),
    BINPERSID('Q', ArgKind.NONE, 1);

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    /** The highest protocol Brine reads and writes (CPython's {@code pickle.HIGHEST_PROTOCOL}). */
    public static final int HIGHEST_PROTOCOL = 5;

    private final int code;
    private final ArgKind arg;
    private final int protocol;

    Opcode(int code, ArgKind arg, int protocol) {
        this.code = code;
        this.arg = arg;
        this.protocol = protocol;
    }

    /** The opcode's byte value, 0–255. */
    public int code() {
        return code;
    }

    /** How the inline argument is encoded. */
    public ArgKind arg() {
        return arg;
    }

    /** The protocol that introduced this opcode. */
    public int protocol() {
        return protocol;
    }

    /** The opcode for a byte, or {@code null} when the byte is not a pickle opcode. */
    public static Opcode of(int code) {
        return BY_CODE[code & 0xff];
    }
}
