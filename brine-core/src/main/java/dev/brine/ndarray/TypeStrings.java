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
            Map.entry('a', "S0"), Map.entry('U', "U0"), Map.entry('V', "V0"), Map.entry('M', "M8"),
            Map.entry('m', "m8"));

    /** numpy's type names. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("bool", "b1"), Map.entry("bool_", "b1"), Map.entry("int8", "i1"), Map.entry("int16", "i2"),
            Map.entry("int32", "i4"), Map.entry("int64", "i8"), Map.entry("uint8", "u1"), Map.entry("uint16", "u2"),
            Map.entry("uint32", "u4"), Map.entry("uint64", "u8"), Map.entry("float16", "f2"),
            Map.entry("float32", "f4"), Map.entry("float64", "f8"), Map.entry("float128", "f16"),
            Map.entry("longdouble", "f16"), Map.entry("half", "f2"), Map.entry("single", "f4"),
            Map.entry("double", "f8"), Map.entry("float", "f8"), Map.entry("int", "i8"),
            Map.entry("complex64", "c8"), Map.entry("complex128", "c16"), Map.entry("complex256", "c32"),
            Map.entry("complex", "c16"), Map.entry("byte", "i1"), Map.entry("ubyte", "u1"), Map.entry("short", "i2"),
            Map.entry("ushort", "u2"), Map.entry("intc", "i4"), Map.entry("uintc", "u4"), Map.entry("long", "i8"),
            Map.entry("ulong", "u8"), Map.entry("longlong", "i8"), Map.entry("ulonglong", "u8"),
            Map.entry("intp", "i8"), Map.entry("uintp", "u8"), Map.entry("object", "O8"), Map.entry("object_", "O8"),
            Map.entry("bytes", "S0"), Map.entry("bytes_", "S0"), Map.entry("str", "U0"), Map.entry("str_", "U0"),
            Map.entry("unicode", "U0"), Map.entry("void", "V0"), Map.entry("datetime64", "M8"),
            Map.entry("timedelta64", "m8"));

    /** The types numpy lacks, by the names torch and ml_dtypes give them. */
    private static final Map<String, DType> BRINE_ONLY = Map.of("bfloat16", DType.BFLOAT16,
            "float8_e4m3fn", DType.FLOAT8_E4M3FN, "float8_e5m2", DType.FLOAT8_E5M2,
            "float8_e4m3fnuz", DType.FLOAT8_E4M3FNUZ, "float8_e5m2fnuz", DType.FLOAT8_E5M2FNUZ,
            "float8_e8m0fnu", DType.FLOAT8_E8M0FNU, "complex32", DType.COMPLEX32);

    private TypeStrings() {
    }

    static DType parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            throw bad(text);
        }
        char order = '=';
        String rest = text;
        char first = text.charAt(0);
        if (first == '<' || first == '>' || first == '|' || first == '=' || first == '!') {
            order = first;
            rest = text.substring(1);
        }
        if (rest.isEmpty()) {
            throw bad(text);
        }
        DType brineOnly = BRINE_ONLY.get(rest);
        if (brineOnly != null) {
            return withOrder(brineOnly, order);
        }
        String code = resolveAlias(rest);
        if (code == null) {
            throw bad(text);
        }
        return withOrder(fromCode(code, text), order);
    }

    /** Maps names and one-letter codes to a kind letter plus size, keeping any {@code [unit]}. */
    private static String resolveAlias(String rest) {
        int bracket = rest.indexOf('[');
        String head = bracket < 0 ? rest : rest.substring(0, bracket);
        String tail = bracket < 0 ? "" : rest.substring(bracket);
        String mapped = NAMES.get(head);
        if (mapped == null && head.length() == 1) {
            mapped = CHAR_CODES.get(head.charAt(0));
        }
        if (mapped == null) {
            mapped = head;
        }
        return mapped + tail;
    }

    private static DType fromCode(String code, String text) {
        char k = code.charAt(0);
        String rest = code.substring(1);
        if (k == 'M' || k == 'm') {
            return time(k, rest, text);
        }
        if (rest.isEmpty()) {
            throw bad(text);
        }
        if (!rest.chars().allMatch(Character::isDigit) || rest.length() > 10) {
            throw bad(text);
        }
        long n = Long.parseLong(rest);
        if (n > Integer.MAX_VALUE) {
            throw bad(text);
        }
        int size = (int) n;
        switch (k) {
            case 'b':
                if (size != 1) {
                    throw bad(text);
                }
                return DType.BOOL;
            case 'i':
                return numeric(DType.Kind.INT, size, text);
            case 'u':
                return numeric(DType.Kind.UINT, size, text);
            case 'f':
                return numeric(DType.Kind.FLOAT, size, text);
            case 'c':
                if (size == 4) {
                    throw bad(text); // numpy has no c4; Brine's complex32 is spelled 'complex32'
                }
                return numeric(DType.Kind.COMPLEX, size, text);
            case 'S':
            case 'a':
                return DType.bytes(size);
            case 'U':
                if (size > Integer.MAX_VALUE / 4) {
                    throw bad(text);
                }
                return DType.unicode(size);
            case 'V':
                return DType.voidType(size);
            case 'O':
                if (size != 8 && size != 4) { // O4: a pointer on 32-bit machines, as their numpy wrote it
                    throw bad(text);
                }
                return DType.OBJECT;
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

    private static DType time(char k, String rest, String text) {
        DType.Kind kind = k == 'M' ? DType.Kind.DATETIME : DType.Kind.TIMEDELTA;
        String r = rest;
        if (r.startsWith("8")) {
            r = r.substring(1);
        }
        if (r.isEmpty()) {
            return DType.time(kind, '<', DateTimeUnit.GENERIC, 1);
        }
        if (!r.startsWith("[") || !r.endsWith("]")) {
            throw bad(text);
        }
        String inner = r.substring(1, r.length() - 1);
        int i = 0;
        while (i < inner.length() && Character.isDigit(inner.charAt(i))) {
            i++;
        }
        int count = 1;
        if (i > 0) {
            if (i > 9) {
                throw bad(text);
            }
            count = Integer.parseInt(inner.substring(0, i));
            if (count <= 0) {
                throw bad(text);
            }
        }
        DateTimeUnit unit = DateTimeUnit.fromSymbol(inner.substring(i));
        if (unit == null) {
            throw bad(text);
        }
        return DType.time(kind, '<', unit, count);
    }

    private static DType withOrder(DType t, char order) {
        return t.withByteOrder(order == '|' ? '=' : order);
    }

    private static IllegalArgumentException bad(String text) {
        String shown = text == null ? "null" : text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return new IllegalArgumentException("not a numpy data type: '" + shown + "'");
    }
}
