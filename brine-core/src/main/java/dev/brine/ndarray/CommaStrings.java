package dev.brine.ndarray;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's comma-string type strings ({@code _commastring} in numpy/_core/_internal.py): a repeat
 * count or shape before a type ({@code '2i4'}, {@code '(2,3)f8'}) is a subarray, and types separated
 * by commas ({@code 'i4,f8'}, {@code 'i4,'}) are a structured type of fields f0, f1, ...
 */
final class CommaStrings {
    private static final Pattern FORMAT = Pattern.compile(
            "([<>|=]?)( *[(]?[ ,0-9]*[)]? *)([<>|=]?)([A-Za-z0-9.?]*(?:\\[[a-zA-Z0-9,.]+\\])?)");
    private static final Pattern SEPARATOR = Pattern.compile("\\s*,\\s*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern TRAILING_SPACE = Pattern.compile("\\s+$", Pattern.UNICODE_CHARACTER_CLASS);

    private CommaStrings() {
    }

    /** numpy's {@code _check_for_commastring}: a leading digit or {@code ()}, or a comma outside brackets. */
    static boolean isCommaString(String t) {
        boolean order = t.length() > 1 && "<>|=".indexOf(t.charAt(0)) >= 0;
        if (t.charAt(0) >= '0' && t.charAt(0) <= '9' || order && t.charAt(1) >= '0' && t.charAt(1) <= '9') {
            return true;
        }
        if (t.startsWith("()") || t.length() > 3 && order && t.startsWith("()", 1)) {
            return true;
        }
        int brackets = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == ',' && brackets == 0) {
                return true;
            }
            brackets += c == '[' ? 1 : c == ']' ? -1 : 0;
        }
        return false;
    }

    static DType parse(String text) {
        List<DType> items = new ArrayList<>();
        boolean isList = false;
        int start = 0;
        Matcher format = FORMAT.matcher(text);
        while (start < text.length()) {
            format.region(start, text.length());
            if (!format.lookingAt()) {
                throw TypeStrings.bad(text);
            }
            String order1 = format.group(1);
            String repeats = format.group(2);
            String order2 = format.group(3);
            String type = format.group(4);
            start = format.end();
            if (start < text.length()) {
                Matcher space = TRAILING_SPACE.matcher(text).region(start, text.length());
                if (space.lookingAt()) {
                    start = text.length();
                } else {
                    Matcher separator = SEPARATOR.matcher(text).region(start, text.length());
                    if (!separator.lookingAt()) {
                        throw TypeStrings.bad(text);
                    }
                    start = separator.end();
                    isList = true;
                }
            }
            String order;
            if (order2.isEmpty()) {
                order = order1;
            } else if (order1.isEmpty()) {
                order = order2;
            } else {
                String a = order1.equals("=") ? "<" : order1;
                String b = order2.equals("=") ? "<" : order2;
                if (!a.equals(b)) {
                    throw new IllegalArgumentException("not a numpy data type: '" + text
                            + "' (inconsistent byte-order specification " + a + " and " + b + ")");
                }
                order = a;
            }
            if (order.equals("|") || order.equals("=") || order.equals("<")) {
                order = ""; // numpy's native order on this (little-endian) machine
            }
            // the type part starts with no digit and has no comma outside brackets: never a comma string again
            DType t = TypeStrings.parse(order + type);
            if (!repeats.isEmpty()) {
                t = subarray(t, repeats, text);
            }
            items.add(t);
        }
        if (items.isEmpty()) {
            throw TypeStrings.bad(text);
        }
        if (!isList) {
            return items.get(0);
        }
        List<DType.Field> fields = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < items.size(); i++) {
            fields.add(new DType.Field("f" + i, items.get(i), (int) offset, null));
            offset += items.get(i).itemsize();
            if (offset > Integer.MAX_VALUE) {
                throw TypeStrings.bad(text);
            }
        }
        return DType.structured(fields, (int) offset);
    }

    /** {@code (type, ast.literal_eval(repeats))}: an int or a tuple of ints, in at most one pair of parentheses. */
    private static DType subarray(DType base, String repeats, String text) {
        String r = repeats.strip();
        boolean parens = r.startsWith("(");
        if (parens != r.endsWith(")") || r.isEmpty()) {
            throw TypeStrings.bad(text);
        }
        String inner = parens ? r.substring(1, r.length() - 1) : r;
        List<Long> dims = new ArrayList<>();
        boolean tuple = false;
        String[] parts = inner.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.isEmpty()) {
                // only a trailing comma after at least one number, or () itself
                boolean trailing = i == parts.length - 1 && i > 0;
                boolean emptyTuple = parens && parts.length == 1;
                if (!trailing && !emptyTuple) {
                    throw TypeStrings.bad(text);
                }
                tuple |= emptyTuple;
                continue;
            }
            if (!p.chars().allMatch(c -> c >= '0' && c <= '9') || p.length() > 1 && p.charAt(0) == '0'
                    && p.chars().anyMatch(c -> c != '0') || p.length() > 18) {
                throw TypeStrings.bad(text);
            }
            dims.add(Long.parseLong(p));
        }
        tuple |= parts.length > 1;
        if (!tuple && dims.size() != 1) {
            throw TypeStrings.bad(text);
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        try {
            return DType.subarray(base, shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw TypeStrings.bad(text);
        }
    }
}
