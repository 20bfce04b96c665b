package dev.brine.ndarray;

import java.util.List;

/**
 * numpy's builtin dtypes, of which numpy keeps one object each: {@code np.dtype('<f4') is
 * np.dtype('f4')}, in native byte order or none ({@code '|i1'}), for booleans, integers, floats,
 * complex numbers and objects; while a type in the other byte order ({@code '>f4'}), a sized string
 * or void ({@code 'S3'}) and a datetime type ({@code 'M8[s]'}) are a new object each time. Which
 * objects are one matters to a pickle: numpy writes a dtype once and every later use as a memo GET,
 * so a structured type read from an NPY header (whose fields numpy builds with {@code np.dtype(descr)},
 * so that both {@code '<f4'} fields are the one {@code float32}) must use one Java object where numpy
 * uses one, the same {@link DType#FLOAT32} that Java code building the type passes.
 */
final class BuiltinDTypes {
    private static final List<DType> SHARED = List.of(DType.BOOL, DType.INT8, DType.INT16, DType.INT32, DType.INT64,
            DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64, DType.FLOAT16, DType.FLOAT32, DType.FLOAT64,
            DType.numeric(DType.Kind.FLOAT, 16), DType.COMPLEX64, DType.COMPLEX128, DType.numeric(DType.Kind.COMPLEX, 32),
            DType.OBJECT);

    private BuiltinDTypes() {
    }

    /** The one object numpy keeps of a type equal to {@code t}, when numpy keeps one; else {@code t}. */
    static DType shared(DType t) {
        if (t.metadata() != null || t.isRecord()) {
            return t;
        }
        switch (t.kind()) {
            case BOOL:
            case INT:
            case UINT:
            case FLOAT:
            case COMPLEX:
            case OBJECT:
                for (DType s : SHARED) {
                    if (s.equals(t)) {
                        return s;
                    }
                }
                return t;
            default:
                return t;
        }
    }
}
