package dev.brine.safetensors;

import dev.brine.ndarray.DType;

/**
 * The element types a safetensors header may name, in the order of the reference implementation's
 * {@code Dtype} enum (its writer puts tensors of later types first). Each knows its size in bits
 * and the {@link DType} Brine reads it as; the 6- and 4-bit float formats have no NDArray type and
 * are available as raw bytes only ({@link SafeTensorsFile#raw(String)}).
 */
public enum SafeTensorsDType {
    /** Booleans, one byte each. */
    BOOL(8, DType.BOOL),
    /** 4-bit floats (e2m1), two per byte. */
    F4(4, null),
    /** 6-bit floats (e2m3). */
    F6_E2M3(6, null),
    /** 6-bit floats (e3m2). */
    F6_E3M2(6, null),
    /** Unsigned bytes. */
    U8(8, DType.UINT8),
    /** Signed bytes. */
    I8(8, DType.INT8),
    /** 8-bit floats, e5m2 (torch's float8_e5m2). */
    F8_E5M2(8, DType.FLOAT8_E5M2),
    /** 8-bit floats, e4m3 (torch's float8_e4m3fn). */
    F8_E4M3(8, DType.FLOAT8_E4M3FN),
    /** 8-bit exponent-only scale factors (torch's float8_e8m0fnu). */
    F8_E8M0(8, DType.FLOAT8_E8M0FNU),
    /** 8-bit floats, e4m3 without negative zero and infinities (torch's float8_e4m3fnuz). */
    F8_E4M3FNUZ(8, DType.FLOAT8_E4M3FNUZ),
    /** 8-bit floats, e5m2 without negative zero and infinities (torch's float8_e5m2fnuz). */
    F8_E5M2FNUZ(8, DType.FLOAT8_E5M2FNUZ),
    /** 16-bit signed integers. */
    I16(16, DType.INT16),
    /** 16-bit unsigned integers. */
    U16(16, DType.UINT16),
    /** IEEE half precision. */
    F16(16, DType.FLOAT16),
    /** bfloat16. */
    BF16(16, DType.BFLOAT16),
    /** 32-bit signed integers. */
    I32(32, DType.INT32),
    /** 32-bit unsigned integers. */
    U32(32, DType.UINT32),
    /** IEEE single precision. */
    F32(32, DType.FLOAT32),
    /** Complex numbers of two float32. */
    C64(64, DType.COMPLEX64),
    /** IEEE double precision. */
    F64(64, DType.FLOAT64),
    /** 64-bit signed integers. */
    I64(64, DType.INT64),
    /** 64-bit unsigned integers. */
    U64(64, DType.UINT64);

    private final int bits;
    private final DType arrayType;

    SafeTensorsDType(int bits, DType arrayType) {
        this.bits = bits;
        this.arrayType = arrayType;
    }

    /** The size of one element in bits (4, 6, 8, 16, 32 or 64). */
    public int bits() {
        return bits;
    }

    /** The little-endian {@link DType} elements are read as, or {@code null} when Brine has none. */
    public DType arrayType() {
        return arrayType;
    }

    /** The type named {@code name} in a header ({@code "F32"}, ...), or {@code null}. */
    public static SafeTensorsDType forName(String name) {
        for (SafeTensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /**
     * The safetensors type for arrays of {@code type} in either byte order, or {@code null} when
     * safetensors has none (complex128, strings, dates, records, ...).
     */
    public static SafeTensorsDType forArrayType(DType type) {
        DType little = type.withByteOrder('<');
        for (SafeTensorsDType t : values()) {
            if (t.arrayType != null && t.arrayType.equals(little)) {
                return t;
            }
        }
        return null;
    }
}
