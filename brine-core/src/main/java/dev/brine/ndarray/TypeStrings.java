package dev.brine.ndarray;

import java.util.Map;

/**
 * Parses numpy's type strings and names ({@code '<f8'}, {@code 'float64'}, {@code 'd'},
 * {@code 'M8[ns]'}) into {@link DType}s. Only what {@code numpy.dtype(str)} accepts, plus the names
 * of the types numpy lacks ({@code 'bfloat16'}, {@code 'float8_e4m3fn'}, {@code 'complex32'}, ...);
 * nothing is evaluated.
 */
final class TypeStrings {
    /** numpy's one-letter type codes (64-bit Linux sizes). */
    private static final Map<Character, String> CHAR_CODES = Map.ofEntries(
            Map.entry('?', "b1"), Map.entry('b', "i1"), Map.entry('B', "u1"), Map.entry('h', "i2"),
            Map.entry('H', "u2"), Map.entry('i', "i4"), Map.entry('I', "u4"), Map.entry('l', "i8"),
            Map.entry('L', "u8"), Map.entry('q', "i8"), Map.entry('Q', "u8"), Map.entry('p', "i8"),
            Map.entry('P', "u8"), Map.entry('n', "i8"), Map.entry('N', "u8"), Map.entry('e', "f2"),
            Map.entry('f', "f4"), Map.entry('d', "f8"), Map.entry('g', "f16"), Map.entry('F', "c8"),
            Map.entry('D', "c16"), Map.entry('G', "c32"), Map.entry('O', "O8"), Map.entry('S', "S0"),
            Map.entry('U', "U0"), Map.entry('V', "V0"), Map.entry('M', "M8"),
            Map.entry('m', "m8"));

    /** numpy's type names: exactly the str keys of {@code np.sctypeDict} (64-bit Linux sizes). */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("a", "S0"), Map.entry("bool", "b1"), Map.entry("bool_", "b1"), Map.entry("byte", "i1"),
            Map.entry("bytes", "S0"), Map.entry("bytes_", "S0"), Map.entry("cdouble", "c16"),
            Map.entry("clongdouble", "c32"), Map.entry("complex", "c16"), Map.entry("complex128", "c16"),
            Map.entry("complex256", "c32"), Map.entry("complex64", "c8"), Map.entry("csingle", "c8"),
            Map.entry("datetime64", "M8"), Map.entry("double", "f8"), Map.entry("float", "f8"),
            Map.entry("float128", "f16"), Map.entry("float16", "f2"), Map.entry("float32", "f4"),
            Map.entry("float64", "f8"), Map.entry("half", "f2"), Map.entry("int", "i8"), Map.entry("int16",
            "i2"), Map.entry("int32", "i4"), Map.entry("int64", "i8"), Map.entry("int8", "i1"),
            Map.entry("int_", "i8"), Map.entry("intc", "i4"), Map.entry("intp", "i8"), Map.entry("long",
            "i8"), Map.entry("longdouble", "f16"), Map.entry("longlong", "i8"), Map.entry("object", "O8"),
            Map.entry("object_", "O8"), Map.entry("short", "i2"), Map.entry("single", "f4"), Map.entry("str",
            "U0"), Map.entry("str_", "U0"), Map.entry("timedelta64", "m8"), Map.entry("ubyte", "u1"),
            Map.entry("uint", "u8"), Map.entry("uint16", "u2"), Map.entry("uint32", "u4"), Map.entry("uint64",
            "u8"), Map.entry("uint8", "u1"), Map.entry("uintc", "u4"), Map.entry("uintp", "u8"),
            Map.entry("ulong", "u8"), Map.entry("ulonglong", "u8"), Map.entry("unicode", "U0"),
            Map.entry("ushort", "u2"), Map.entry("void", "V0"));

    /** The types numpy lacks, by the names torch and ml_dtypes give them. */
    private static final Map<String, DType> BRINE_ONLY = Map.of("bfloat16", DType.BFLOAT16,
            "float8_e4m3fn", DType.FLOAT8_E4M3FN, "float8_e5m2", DType.FLOAT8_E5M2,
            "float8_e4m3fnuz", DType.FLOAT8_E4M3FNUZ, "float8_e5m2fnuz", DType.FLOAT8_E5M2FNUZ,
            "float8_e8m0fnu", DType.FLOAT8_E8M0FNU, "complex32", DType.COMPLEX32);

    private TypeStrings() {
    }

    /** Longer than this is no type string numpy writes; refusing it bounds the work on hostile input. */
    private static final int MAX_LENGTH = 4096;

    /** numpy's type numbers, which a one-character string below ' ' also names ({@code '\x05'} is int32). */
    private static final String[] TYPE_NUMBERS = {"b1", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "i8", "u8",
        "f4", "f8", "f16", "c8", "c16", "c32", "O8", "S0", "U0", "V0", "M8", "m8", "f2"};

    /**
     * Parses a type string as {@code np.dtype(str)} does ({@code _convert_from_str} in numpy's
     * descriptor.c): an optional byte order, then a datetime ({@code M8[ns]}, {@code datetime64[s/4]}),
     * one type character, or a kind and a size; otherwise the whole string, byte order and all, must be
     * one of numpy's type names ({@code 'uint'}, {@code 'int32'}; {@code '<int32'} is not).
     */
    static DType parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            throw bad(text);
        }
        DType brineOnly = BRINE_ONLY.get(text.charAt(0) == '<' || text.charAt(0) == '>' || text.charAt(0) == '='
                || text.charAt(0) == '|' ? text.substring(1) : text);
        if (brineOnly != null) {
            return withOrder(brineOnly, "<>=|".indexOf(text.charAt(0)) >= 0 ? text.charAt(0) : '=');
        }
        if (CommaStrings.isCommaString(text)) {
            return CommaStrings.parse(text);
        }
        char order = '=';
        String rest = text;
        char first = text.charAt(0);
        if (first == '<' || first == '>' || first == '|' || first == '=') {
            order = first;
            rest = text.substring(1);
        }
        if (rest.isEmpty()) {
            throw bad(text);
        }
        if (isDatetime(rest)) {
            return withOrder(TimeStrings.parse(rest, text), order);
        }
        String code = null;
        if (rest.length() == 1) {
            char c = rest.charAt(0);
            code = c < TYPE_NUMBERS.length ? TYPE_NUMBERS[c] : c == 'c' ? "S1" : CHAR_CODES.containsKey(c) ? CHAR_CODES.get(c) : null;
        } else {
            long size = CStrtol.parse(rest, 1);
            if (size == CStrtol.OUT_OF_RANGE) {
                throw bad(text);
            }
            if (size >= 0) {
                code = kindAndSize(rest.charAt(0), size);
            }
        }
        if (code == null) {
            // numpy looks the whole string up, byte order included, among its type names
            code = NAMES.get(text);
            if (code == null) {
                throw bad(text);
            }
            order = '=';
        }
        return withOrder(fromCode(code, text), order);
    }

    private static boolean isDatetime(String rest) {
        return rest.length() >= 2 && rest.charAt(1) == '8' && (rest.charAt(0) == 'M' || rest.charAt(0) == 'm')
                || rest.startsWith("datetime64") || rest.startsWith("timedelta64");
    }

    /** A kind letter and size ({@code i4}, {@code S5}, {@code U3}) as numpy's code, or null where numpy tries the type names. */
    private static String kindAndSize(char kind, long size) {
        switch (kind) {
            case 'S':
            case 'a':
                return "S" + size;
            case 'U':
                return size > Integer.MAX_VALUE / 4 ? null : "U" + size;
            case 'V':
                return "V" + size;
            default:
                break;
        }
        if (size == 0) {
            return null;
        }
        switch (kind) {
            case 'b':
                return size == 1 ? "b1" : null;
            case 'i':
            case 'u':
                return size == 1 || size == 2 || size == 4 || size == 8 ? kind + Long.toString(size) : null;
            case 'f':
                return size == 2 || size == 4 || size == 8 || size == 16 ? "f" + size : null;
            case 'c':
                return size == 8 || size == 16 || size == 32 ? "c" + size : null;
            case 'O':
                return size == 4 || size == 8 ? "O8" : null;
            default:
                return null;
        }
    }

    private static DType fromCode(String code, String text) {
        char k = code.charAt(0);
        String rest = code.substring(1);
        if (k == 'M' || k == 'm') {
            return TimeStrings.parse(code, text);
        }
        int size = Integer.parseInt(rest);
        switch (k) {
            case 'b':
                // a new object, as for every other kind: numpy.dtype('b1', False, True) in a pickle copies, so
                // two of them are two objects a pickle writes twice; the shared DType.BOOL is numpy's builtin
                // one, which BuiltinDTypes gives where numpy uses it (NPY headers, Java code)
                return DType.numeric(DType.Kind.BOOL, 1);
            case 'i':
                return numeric(DType.Kind.INT, size, text);
            case 'u':
                return numeric(DType.Kind.UINT, size, text);
            case 'f':
                return numeric(DType.Kind.FLOAT, size, text);
            case 'c':
                return numeric(DType.Kind.COMPLEX, size, text);
            case 'S':
                return DType.bytes(size);
            case 'U':
                return DType.unicode(size);
            case 'V':
                return DType.voidType(size);
            case 'O':
                return DType.newObjectType(); // a new object, as for bool above
            default:
                throw bad(text);
        }
    }

    private static DType numeric(DType.Kind kind, int size, String text) {
        try {
            return DType.numeric(kind, size);
        } catch (IllegalArgumentException e) {
            throw bad(text);
        }
    }

    private static DType withOrder(DType t, char order) {
        return t.withByteOrder(order == '|' ? '=' : order);
    }

    static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not a numpy data type: '" + (text == null ? "null" : shorten(text)) + "'");
    }

    private static String shorten(String text) {
        String t = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        StringBuilder b = new StringBuilder();
        for (char c : t.toCharArray()) {
            b.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
