package dev.brine.npy;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.TimeValue;
import dev.brine.py.Complex;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Arrays of any dtype filled with seeded random values, edge values included. */
final class RandomArrays {
    private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1.0, -1.5, 1e-300, 65504.0, 0.1};

    private RandomArrays() {
    }

    static NDArray create(DType t, Order order, Random r, long... shape) {
        NDArray a = NDArray.zeros(t, order, shape);
        long[] idx = new long[shape.length];
        for (long i = 0; i < a.size(); i++) {
            long rest = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
            a.set(value(a.dtype(), r), idx);
        }
        return a;
    }

    static Object value(DType t, Random r) {
        switch (t.kind()) {
            case BOOL:
                return r.nextBoolean();
            case INT: {
                long v = r.nextLong() >> (64 - 8 * t.itemsize());
                return v;
            }
            case UINT: {
                long v = r.nextLong() >>> (64 - 8 * t.itemsize());
                if (t.itemsize() == 8 && r.nextBoolean()) {
                    return new BigInteger(Long.toUnsignedString(r.nextLong() | Long.MIN_VALUE));
                }
                // a uint64 above 2^63 as the Python int it is: set refuses a negative Long, as numpy refuses -1
                return v < 0 ? new BigInteger(Long.toUnsignedString(v)) : (Object) v;
            }
            case FLOAT:
            case BFLOAT16:
                return r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
            case COMPLEX:
                return new Complex((Double) value(DType.FLOAT64, r), (Double) value(DType.FLOAT64, r));
            case BYTES: {
                byte[] b = new byte[r.nextInt(t.itemsize() + 1)];
                r.nextBytes(b);
                return b;
            }
            case VOID: {
                byte[] b = new byte[t.itemsize()];
                r.nextBytes(b);
                return b;
            }
            case UNICODE: {
                StringBuilder s = new StringBuilder();
                int n = r.nextInt(t.itemsize() / 4 + 1);
                for (int i = 0; i < n; i++) {
                    int pick = r.nextInt(4);
                    s.appendCodePoint(pick == 0 ? 'a' + r.nextInt(26) : pick == 1 ? 0xE0 + r.nextInt(20)
                            : pick == 2 ? 0x4E00 + r.nextInt(500) : 0x1F600 + r.nextInt(40));
                }
                return s.toString();
            }
            case DATETIME:
            case TIMEDELTA: {
                long c = r.nextInt(8) == 0 ? TimeValue.NAT : r.nextLong() % 4_000_000_000L;
                return new TimeValue(c, t.unit(), t.unitCount(), t.kind() == DType.Kind.TIMEDELTA);
            }
            case STRUCTURED: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (DType.Field f : t.fields()) {
                    m.put(f.name(), value(f.type(), r));
                }
                return m;
            }
            case SUBARRAY: {
                List<Object> l = new ArrayList<>();
                long n = t.itemsize() / t.subarrayBase().itemsize();
                for (long i = 0; i < n; i++) {
                    l.add(value(t.subarrayBase(), r));
                }
                return l;
            }
            default:
                throw new IllegalArgumentException(t.toString());
        }
    }

    /** One of every kind of dtype numpy can hold, in both byte orders where that applies. */
    static List<DType> allTypes() {
        List<DType> out = new ArrayList<>();
        for (String s : new String[] {"|b1", "|i1", "|u1", "<i2", ">i2", "<i4", ">i4", "<i8", ">i8", "<u2", ">u2",
            "<u4", ">u4", "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "<f16", "<c8", ">c8", "<c16",
            ">c16", "|S7", "<U5", ">U5", "|V3", "<M8[ns]", ">M8[s]", "<M8[D]", "<M8[3h]", "<m8[s]", ">m8[us]"}) {
            out.add(DType.parse(s));
        }
        out.add(DType.struct().add("a", DType.INT8).add("b", DType.parse(">f8")).add("c", DType.unicode(2))
                .aligned(true).build());
        DType inner = DType.struct().add("q", DType.INT16).add("r", DType.bytes(3)).build();
        out.add(DType.struct().add("p", inner).add("s", DType.FLOAT32, 2, 3).add("t", DType.parse("<M8[ms]")).build());
        return out;
    }
}
