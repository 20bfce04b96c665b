package dev.brine.numpy;

import dev.brine.py.Global;

/**
 * Which module names numpy objects are written under. numpy 1.x wrote {@code numpy.core.*};
 * numpy 2 writes {@code numpy._core.*} and still loads the old names, so {@link #NUMPY1} (the
 * default) gives files both load, and {@link #NUMPY2} gives exactly what numpy 2 writes.
 */
public enum NumpyNames {
    /** {@code numpy.core.multiarray._reconstruct}: loadable by numpy ≥ 1.16 and 2.x. */
    NUMPY1("numpy.core"),
    /** {@code numpy._core.multiarray._reconstruct}: numpy 2's own names (numpy 1.x cannot load them). */
    NUMPY2("numpy._core");

    private final String core;

    NumpyNames(String core) {
        this.core = core;
    }

    Global reconstruct() {
        return new Global(core + ".multiarray", "_reconstruct");
    }

    Global scalar() {
        return new Global(core + ".multiarray", "scalar");
    }

    Global frombuffer() {
        return new Global(core + ".numeric", "_frombuffer");
    }

    /** How numpy 2 pickles a {@code StringDType}: {@code _convert_to_stringdtype_kwargs(coerce[, na_object])}. */
    Global stringDType() {
        return new Global(core + "._internal", "_convert_to_stringdtype_kwargs");
    }

    static final Global NDARRAY = new Global("numpy", "ndarray");
    static final Global DTYPE = new Global("numpy", "dtype");
    static final Global RECORD = new Global("numpy", "record");
}
