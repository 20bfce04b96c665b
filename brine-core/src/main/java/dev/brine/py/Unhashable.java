package dev.brine.py;

/**
 * A value Python refuses as a dict key or set item because it can change, like a numpy array
 * ({@code TypeError: unhashable type: 'numpy.ndarray'}). Reading a pickle that uses one as a key
 * fails with that message, as in Python. Lists, dicts, sets and bytearrays are refused without it.
 */
public interface Unhashable {
    /** The Python type name the refusal gives, e.g. {@code numpy.ndarray}. */
    String pythonTypeName();
}
