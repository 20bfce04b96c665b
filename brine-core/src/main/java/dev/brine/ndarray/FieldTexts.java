package dev.brine.ndarray;

import java.util.List;

/**
 * numpy's texts for the values of one field of a structured array, as its repr writes them inside the records
 * ({@code StructuredVoidFormat}'s per-field format): padded to a common width over the records shown
 * ({@code (  1, 'x')}), floats with common digits ({@code 0.}), {@code ' True'}, datetimes as {@code '2020-01-01'}.
 * For arrays whose items Brine holds as Python values (a structured type with an object field), whose other
 * fields print as numpy prints them.
 */
public final class FieldTexts {
    /**
     * numpy's text, in its repr, of dtype {@code column}'s elements in C order (a field's values in the records
     * shown), each padded to their common width.
     */
    public static List<String> of(NDArray column) {
        return ArrayFormatter.texts(column);
    }

    /** What numpy's array repr prints after {@code dtype=} for {@code t} ({@code str(dtype)} for structured types). */
    public static String dtypeText(DType t) {
        return ArrayFormatter.dtypeShortRepr(t);
    }

    private FieldTexts() {
    }
}
