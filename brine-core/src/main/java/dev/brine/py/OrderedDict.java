package dev.brine.py;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Python {@code collections.OrderedDict}. It is a {@link LinkedHashMap} like a plain dict, but a
 * type of its own so that it pickles back as an OrderedDict and not as a dict.
 *
 * <p>Like any Python object an OrderedDict may carry instance attributes (its {@code __dict__}),
 * which {@code OrderedDict.__reduce__} pickles as the BUILD state. PyTorch's state dicts do: their
 * {@code _metadata} attribute holds each module's version. {@link #attributes()} keeps them, read
 * and written; they take no part in equality, as in Python.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class OrderedDict<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;

    private LinkedHashMap<String, Object> attributes;

    /** An empty OrderedDict. */
    public OrderedDict() {
    }

    /** An OrderedDict with the entries of {@code source}, in its iteration order. */
    public OrderedDict(Map<? extends K, ? extends V> source) {
        super(source);
    }

    /**
     * The instance attributes ({@code od.__dict__}), live and in order: empty for an OrderedDict
     * without any. When not empty they are pickled as the BUILD state.
     */
    public Map<String, Object> attributes() {
        if (attributes == null) {
            attributes = new LinkedHashMap<>();
        }
        return attributes;
    }

    /** Whether the OrderedDict has instance attributes. */
    public boolean hasAttributes() {
        return attributes != null && !attributes.isEmpty();
    }
}
