package dev.brine.npy;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.TimeValue;
import dev.brine.py.Complex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Renders array elements exactly as tools/golden/make_npy_golden.py renders numpy's (floats as
 * Python's float.hex, text as UTF-8 hex), so tests compare strings without parsing Python.
 */
final class Render {
    private Render() {
    }

    /** The sidecar lines for {@code a}: descr, shape, fortran, then one line per element in C order. */
    static List<String> sidecar(NDArray a, boolean fortran) {
        List<String> out = new ArrayList<>();
        out.add("descr " + a.dtype().descrRepr());
        StringBuilder shape = new StringBuilder();
        for (long d : a.shape()) {
            if (shape.length() > 0) {
                shape.append(',');
            }
            shape.append(d);
        }
        out.add("shape " + shape);
        out.add("fortran " + (fortran ? "True" : "False"));
        for (Object v : a.toObjectArray()) {
            out.add(value(a.dtype(), v));
        }
        return out;
    }

    static String value(DType t, Object v) {
        switch (t.kind()) {
            case STRUCTURED: {
                StringBuilder b = new StringBuilder("{");
                Map<?, ?> m = (Map<?, ?>) v;
                int i = 0;
                for (DType.Field f : t.fields()) {
                    if (i++ > 0) {
                        b.append(';');
                    }
                    b.append(value(f.type(), m.get(f.name())));
                }
                return b.append('}').toString();
            }
            case SUBARRAY: {
                NDArray sub = (NDArray) v;
                StringBuilder b = new StringBuilder("[");
                int i = 0;
                for (Object x : sub.toObjectArray()) {
                    if (i++ > 0) {
                        b.append(',');
                    }
                    b.append(value(sub.dtype(), x));
                }
                return b.append(']').toString();
            }
            case BOOL:
                return (Boolean) v ? "True" : "False";
            case INT:
            case UINT:
                return String.valueOf(v);
            case FLOAT:
            case BFLOAT16:
                return floatHex((Double) v);
            case COMPLEX: {
                Complex c = (Complex) v;
                return floatHex(c.real()) + "," + floatHex(c.imag());
            }
            case BYTES:
                return "b:" + HexFormat.of().formatHex((byte[]) v);
            case VOID:
                return "v:" + HexFormat.of().formatHex((byte[]) v);
            case UNICODE:
                return "u:" + HexFormat.of().formatHex(((String) v).getBytes(StandardCharsets.UTF_8));
            case DATETIME:
            case TIMEDELTA:
                return Long.toString(((TimeValue) v).count());
            default:
                throw new IllegalArgumentException(t.toString());
        }
    }

    /** Python's {@code float.hex()}. */
    static String floatHex(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        long bits = Double.doubleToRawLongBits(d);
        String sign = bits < 0 ? "-" : "";
        int exp = (int) (bits >>> 52) & 0x7FF;
        long mant = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0 && mant == 0) {
            return sign + "0x0.0p+0";
        }
        String digits = String.format("%013x", mant);
        if (exp == 0) {
            return sign + "0x0." + digits + "p-1022";
        }
        int e = exp - 1023;
        return sign + "0x1." + digits + "p" + (e >= 0 ? "+" : "-") + Math.abs(e);
    }

}
