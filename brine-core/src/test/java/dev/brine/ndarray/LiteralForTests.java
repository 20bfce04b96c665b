package dev.brine.ndarray;

import dev.brine.py.Tuple;
import java.util.ArrayList;
import java.util.List;

/** A tiny parser of descr literals for tests (strings, ints, lists, tuples), independent of the NPY one. */
final class LiteralForTests {
    private final String s;
    private int pos;

    private LiteralForTests(String s) {
        this.s = s;
    }

    static Object parse(String s) {
        return new LiteralForTests(s).value();
    }

    private Object value() {
        skip();
        char c = s.charAt(pos);
        if (c == '[' || c == '(') {
            char close = c == '[' ? ']' : ')';
            pos++;
            List<Object> items = new ArrayList<>();
            boolean comma = false;
            while (true) {
                skip();
                if (s.charAt(pos) == close) {
                    pos++;
                    break;
                }
                items.add(value());
                skip();
                if (s.charAt(pos) == ',') {
                    pos++;
                    comma = true;
                }
            }
            if (c == '[') {
                return items;
            }
            return items.size() == 1 && !comma ? items.get(0) : Tuple.copyOf(items);
        }
        if (c == '\'') {
            int end = s.indexOf('\'', pos + 1);
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            pos++;
        }
        return Long.parseLong(s.substring(start, pos));
    }

    private void skip() {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
    }
}
