package dev.brine.py;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Python {@code collections.OrderedDict}. It is a {@link LinkedHashMap} like a plain dict, but a
 * type of its own so that it pickles back as an OrderedDict and not as a dict.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class OrderedDict<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;

    /** An empty OrderedDict. */
    public OrderedDict() {
    }

    /** An OrderedDict with the entries of {@code source}, in its iteration order. */
    public OrderedDict(Map<? extends K, ? extends V> source) {
        super(source);
    }
}
