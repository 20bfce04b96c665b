package dev.brine.ndarray;

import java.util.Arrays;
import java.util.function.Function;

/**
 * numpy's {@code _formatArray} (non-legacy), the layout of {@code repr(array)} between
 * {@code array(} and the closing part: brackets nested by the shape, each row's elements wrapped at 75
 * columns under the opening bracket, rows on lines of their own and blocks of rows apart by blank lines,
 * and, when summarizing, three elements at each end of a longer axis around {@code ...}. The elements'
 * own text comes from the caller: {@link NDArray}'s formatted numbers, an object array's item reprs.
 */
public final class ArrayLayout {
    /** numpy's default {@code linewidth}. */
    static final int LINE_WIDTH = 75;
    /** numpy's default {@code edgeitems}: what a summarized axis shows at each end. */
    static final int EDGE_ITEMS = 3;
    private static final String PREFIX = "array(";

    private ArrayLayout() {
    }

    /** The layout without a budget (NDArray's, whose elements are short). */
    static String body(long[] shape, boolean summarize, Function<long[], String> element) {
        return body(shape, summarize, element, Long.MAX_VALUE);
    }

    /**
     * The bracketed body of the repr of an array of {@code shape} (at least one axis, none empty), {@code element}
     * giving the text of the element at an index; with {@code summarize}, axes longer than six show only
     * three elements at each end (numpy's {@code edgeitems}). An element's text may span lines (an array
     * inside an object array), which is set as numpy's {@code _extendLine_pretty} sets it. Once the elements written pass {@code maxChars} characters the rest are not asked for: each further one
     * is written {@code ...} (an array of a million items that numpy would print whole, or items whose text is
     * long, stays bounded; the caller cuts).
     */
    public static String body(long[] shape, boolean summarize, Function<long[], String> element, long maxChars) {
        for (long d : shape) {
            if (d <= 0) { // numpy writes an empty array as [] and its shape apart; so do the callers
                throw new IllegalArgumentException("an empty axis in shape " + java.util.Arrays.toString(shape));
            }
        }
        long[] written = {0};
        Function<long[], String> bounded = maxChars == Long.MAX_VALUE ? element : index -> {
            if (written[0] > maxChars) {
                return "...";
            }
            String text = element.apply(index);
            written[0] += text.length() + 2;
            return text;
        };
        return recurse(shape, summarize, bounded, written, maxChars, new long[0], " ".repeat(PREFIX.length() + 1),
                LINE_WIDTH - 1);
    }

    private static String recurse(long[] shape, boolean summarize, Function<long[], String> element, long[] written,
                                  long maxChars, long[] index, String hanging, int width) {
        int axis = index.length;
        if (axis == shape.length) {
            return element.apply(index);
        }
        if (written[0] > maxChars) {
            return "[...]"; // past the budget: no more elements, nor the layout around them
        }
        int axesLeft = shape.length - axis;
        String nextHanging = hanging + " ";
        int nextWidth = width - 1;
        long len = shape[axis];
        boolean summary = summarize && 2 * EDGE_ITEMS < len;
        long leading = summary ? EDGE_ITEMS : 0;
        long trailing = summary ? EDGE_ITEMS : len;
        StringBuilder s = new StringBuilder();
        if (axesLeft == 1) {
            int elemWidth = width - 1;
            StringBuilder line = new StringBuilder(hanging);
            for (long i = 0; i < leading; i++) {
                extend(s, line, recurse(shape, summarize, element, written, maxChars, with(index, i), nextHanging, nextWidth), elemWidth, hanging);
                line.append(", ");
            }
            if (summary) {
                extend(s, line, "...", elemWidth, hanging);
                line.append(", ");
            }
            for (long i = trailing; i > 1; i--) {
                extend(s, line, recurse(shape, summarize, element, written, maxChars, with(index, len - i), nextHanging, nextWidth), elemWidth,
                        hanging);
                line.append(", ");
            }
            extend(s, line, recurse(shape, summarize, element, written, maxChars, with(index, len - 1), nextHanging, nextWidth), elemWidth,
                    hanging);
            s.append(line);
        } else {
            String lineSep = "," + "\n".repeat(axesLeft - 1);
            for (long i = 0; i < leading; i++) {
                s.append(hanging).append(recurse(shape, summarize, element, written, maxChars, with(index, i), nextHanging, nextWidth))
                        .append(lineSep);
            }
            if (summary) {
                s.append(hanging).append("...").append(lineSep);
            }
            for (long i = trailing; i > 1; i--) {
                s.append(hanging).append(recurse(shape, summarize, element, written, maxChars, with(index, len - i), nextHanging, nextWidth))
                        .append(lineSep);
            }
            s.append(hanging).append(recurse(shape, summarize, element, written, maxChars, with(index, len - 1), nextHanging, nextWidth));
        }
        return "[" + s.substring(hanging.length()) + "]";
    }

    /**
     * numpy's {@code _extendLine_pretty}: a word goes on the line, or on a new one when it would pass
     * {@code width} and the line holds more than its indent; a word of several lines is set as a block,
     * its later lines under its first, and the line padded to its widest line.
     */
    private static void extend(StringBuilder s, StringBuilder line, String word, int width, String hanging) {
        if (word.indexOf('\n') < 0) {
            if (columns(line) + columns(word) > width && line.length() > hanging.length()) {
                s.append(line.toString().stripTrailing()).append('\n');
                line.setLength(0);
                line.append(hanging);
            }
            line.append(word);
            return;
        }
        String[] words = word.split("\n", -1);
        int widest = 0;
        for (String w : words) {
            widest = Math.max(widest, columns(w));
        }
        String indent;
        if (columns(line) + widest > width && line.length() > hanging.length()) {
            s.append(line.toString().stripTrailing()).append('\n');
            line.setLength(0);
            line.append(hanging).append(words[0]);
            indent = hanging;
        } else {
            indent = " ".repeat(columns(line));
            line.append(words[0]);
        }
        for (int k = 1; k < words.length; k++) {
            s.append(line.toString().stripTrailing()).append('\n');
            line.setLength(0);
            line.append(indent).append(words[k]);
        }
        line.append(" ".repeat(widest - columns(words[words.length - 1])));
    }

    /** Python's {@code len} of a repr's text: its code points (an emoji is one, two chars in Java). */
    private static int columns(CharSequence text) {
        return Character.codePointCount(text, 0, text.length());
    }

    private static long[] with(long[] index, long i) {
        long[] next = Arrays.copyOf(index, index.length + 1);
        next[index.length] = i;
        return next;
    }
}
