package dev.brine.torch;

import dev.brine.BrineException;
import dev.brine.mapping.PyCallable;
import dev.brine.ndarray.DType;
import dev.brine.py.Global;
import dev.brine.py.Tuple;

/**
 * PyTorch's element types, as checkpoints name them ({@code torch.float32}, ...). A pickled
 * {@code torch.float32} reads as {@link #FLOAT32} and writes back as the same global.
 *
 * <p>Each knows the {@link DType} of its tensors in Brine — {@code null} for the types an
 * {@link dev.brine.ndarray.NDArray} cannot hold (quantized, 4-bit and sub-byte floats and ints,
 * bit types), whose tensors are refused when read — and the legacy storage class that holds it
 * ({@code torch.FloatStorage}), or {@code null} for the newer types torch stores untyped.
 */
public enum TorchDType implements PyCallable {
    /** {@code torch.float64}. */
    FLOAT64("float64", DType.FLOAT64, "DoubleStorage", 8),
    /** {@code torch.float32}. */
    FLOAT32("float32", DType.FLOAT32, "FloatStorage", 4),
    /** {@code torch.float16}. */
    FLOAT16("float16", DType.FLOAT16, "HalfStorage", 2),
    /** {@code torch.bfloat16}. */
    BFLOAT16("bfloat16", DType.BFLOAT16, "BFloat16Storage", 2),
    /** {@code torch.int64}. */
    INT64("int64", DType.INT64, "LongStorage", 8),
    /** {@code torch.int32}. */
    INT32("int32", DType.INT32, "IntStorage", 4),
    /** {@code torch.int16}. */
    INT16("int16", DType.INT16, "ShortStorage", 2),
    /** {@code torch.int8}. */
    INT8("int8", DType.INT8, "CharStorage", 1),
    /** {@code torch.uint8}. */
    UINT8("uint8", DType.UINT8, "ByteStorage", 1),
    /** {@code torch.bool}. */
    BOOL("bool", DType.BOOL, "BoolStorage", 1),
    /** {@code torch.complex128}. */
    COMPLEX128("complex128", DType.COMPLEX128, "ComplexDoubleStorage", 16),
    /** {@code torch.complex64}. */
    COMPLEX64("complex64", DType.COMPLEX64, "ComplexFloatStorage", 8),
    /** {@code torch.uint16} (stored untyped, rebuilt with {@code _rebuild_tensor_v3}). */
    UINT16("uint16", DType.UINT16, null, 2),
    /** {@code torch.uint32}. */
    UINT32("uint32", DType.UINT32, null, 4),
    /** {@code torch.uint64}. */
    UINT64("uint64", DType.UINT64, null, 8),
    /** {@code torch.complex32}: two float16 (stored untyped). */
    COMPLEX32("complex32", DType.COMPLEX32, null, 4),
    /** {@code torch.qint8} (quantized; no NDArray type). */
    QINT8("qint8", null, "QInt8Storage", 1),
    /** {@code torch.qint32} (quantized). */
    QINT32("qint32", null, "QInt32Storage", 4),
    /** {@code torch.quint8} (quantized). */
    QUINT8("quint8", null, "QUInt8Storage", 1),
    /** {@code torch.quint4x2} (quantized). */
    QUINT4X2("quint4x2", null, "QUInt4x2Storage", 1),
    /** {@code torch.quint2x4} (quantized). */
    QUINT2X4("quint2x4", null, "QUInt2x4Storage", 1),
    /** {@code torch.float8_e4m3fn} (stored untyped, rebuilt with {@code _rebuild_tensor_v3}). */
    FLOAT8_E4M3FN("float8_e4m3fn", DType.FLOAT8_E4M3FN, null, 1),
    /** {@code torch.float8_e5m2}. */
    FLOAT8_E5M2("float8_e5m2", DType.FLOAT8_E5M2, null, 1),
    /** {@code torch.float8_e4m3fnuz}. */
    FLOAT8_E4M3FNUZ("float8_e4m3fnuz", DType.FLOAT8_E4M3FNUZ, null, 1),
    /** {@code torch.float8_e5m2fnuz}. */
    FLOAT8_E5M2FNUZ("float8_e5m2fnuz", DType.FLOAT8_E5M2FNUZ, null, 1),
    /** {@code torch.float8_e8m0fnu}. */
    FLOAT8_E8M0FNU("float8_e8m0fnu", DType.FLOAT8_E8M0FNU, null, 1),
    /** {@code torch.float4_e2m1fn_x2} (two 4-bit floats per byte). */
    FLOAT4_E2M1FN_X2("float4_e2m1fn_x2", null, null, 1),
    /** {@code torch.bits1x8}. */
    BITS1X8("bits1x8", null, null, 1),
    /** {@code torch.bits2x4}. */
    BITS2X4("bits2x4", null, null, 1),
    /** {@code torch.bits4x2}. */
    BITS4X2("bits4x2", null, null, 1),
    /** {@code torch.bits8}. */
    BITS8("bits8", null, null, 1),
    /** {@code torch.bits16}. */
    BITS16("bits16", null, null, 2),
    /** {@code torch.uint1}. */
    UINT1("uint1", null, null, 1),
    /** {@code torch.uint2}. */
    UINT2("uint2", null, null, 1),
    /** {@code torch.uint3}. */
    UINT3("uint3", null, null, 1),
    /** {@code torch.uint4}. */
    UINT4("uint4", null, null, 1),
    /** {@code torch.uint5}. */
    UINT5("uint5", null, null, 1),
    /** {@code torch.uint6}. */
    UINT6("uint6", null, null, 1),
    /** {@code torch.uint7}. */
    UINT7("uint7", null, null, 1),
    /** {@code torch.int1}. */
    INT1("int1", null, null, 1),
    /** {@code torch.int2}. */
    INT2("int2", null, null, 1),
    /** {@code torch.int3}. */
    INT3("int3", null, null, 1),
    /** {@code torch.int4}. */
    INT4("int4", null, null, 1),
    /** {@code torch.int5}. */
    INT5("int5", null, null, 1),
    /** {@code torch.int6}. */
    INT6("int6", null, null, 1),
    /** {@code torch.int7}. */
    INT7("int7", null, null, 1);

    private final String pythonName;
    private final DType arrayType;
    private final String storageClass;
    private final int itemsize;
    private final Global global;

    TorchDType(String pythonName, DType arrayType, String storageClass, int itemsize) {
        this.pythonName = pythonName;
        this.arrayType = arrayType;
        this.storageClass = storageClass;
        this.itemsize = itemsize;
        this.global = new Global("torch", pythonName);
    }

    /** The name after {@code torch.}: {@code "float32"}. */
    public String pythonName() {
        return pythonName;
    }

    /** The little-endian {@link DType} of tensors of this type, or {@code null} when Brine has none. */
    public DType arrayType() {
        return arrayType;
    }

    /** The legacy typed storage class ({@code "FloatStorage"}), or {@code null} for types stored untyped. */
    public String storageClass() {
        return storageClass;
    }

    /** The size of one element in bytes ({@code torch._utils._element_size}). */
    public int itemsize() {
        return itemsize;
    }

    /** The type named {@code torch.<pythonName>}, or {@code null}. */
    public static TorchDType forPythonName(String pythonName) {
        for (TorchDType t : values()) {
            if (t.pythonName.equals(pythonName)) {
                return t;
            }
        }
        return null;
    }

    /**
     * The torch type of arrays of {@code type} (either byte order), or {@code null} when torch has
     * none (strings, dates, records, long double).
     */
    public static TorchDType forArrayType(DType type) {
        DType little = type.withByteOrder('<');
        for (TorchDType t : values()) {
            if (t.arrayType != null && t.arrayType.equals(little)) {
                return t;
            }
        }
        return null;
    }

    /** The global {@code torch.<name>}. */
    @Override
    public Global global() {
        return global;
    }

    /** A dtype is a value, not something a pickle may call. */
    @Override
    public Object call(Tuple args) throws BrineException {
        throw new BrineException("torch." + pythonName + " is a dtype and cannot be called");
    }

    @Override
    public String toString() {
        return "torch." + pythonName;
    }
}
