package dev.brine.cli;

import dev.brine.archive.SharedVariable;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.ScalarFormat;
import dev.brine.numpy.NumpyScalar;
import dev.brine.numpy.ObjectArray;
import dev.brine.py.PyFloat;
import dev.brine.py.PythonRepr;
import dev.brine.torch.TorchSize;
import java.util.Locale;

/** How the CLI shows values: Python's repr, with arrays summarised as dtype, shape and a few values. */
final class Values {
    private final boolean stats;
    private final int maxValues;

    Values(boolean stats, int maxValues) {
        this.stats = stats;
        this.maxValues = maxValues;
    }

    PythonRepr repr(int depth, int items, int width) {
        // an object array's items are values like any other, and so are a torch.Size's dimensions (a file may
        // hold millions): written within the same bounds
        PythonRepr[] self = new PythonRepr[1];
        self[0] = new PythonRepr(depth, items, width, v -> v instanceof ObjectArray ? ((ObjectArray) v).repr(self[0])
                : v instanceof TorchSize ? "torch.Size(" + self[0].format(((TorchSize) v).asList()) + ")" : describe(v));
        return self[0];
    }

    String describe(Object v) {
        if (v instanceof NDArray) {
            return summary((NDArray) v);
        }
        if (v instanceof DType) {
            return v.toString(); // numpy's repr: dtype('float64'), dtype('>i4'), dtype([('x', '<i4'), ...])
        }
        if (v instanceof NumpyScalar) {
            return v.toString();
        }
        if (v instanceof SharedVariable) {
            SharedVariable s = (SharedVariable) v;
            Object value = s.getValue();
            return "SharedVariable(" + PythonRepr.repr(s.name()) + ", "
                    + (value instanceof NDArray ? summary((NDArray) value) : PythonRepr.repr(value)) + ")";
        }
        return null;
    }

    /** The dtype's name, or for a structured one its fields as numpy's repr lists them (its name, void96, says little). */
    private static String typeLabel(DType t) {
        if (t.kind() != DType.Kind.STRUCTURED) {
            return t.name();
        }
        String repr = t.toString(); // dtype(...)
        return repr.substring("dtype(".length(), repr.length() - 1);
    }

    String summary(NDArray a) {
        StringBuilder out = new StringBuilder("array(").append(typeLabel(a.dtype())).append(", shape=")
                .append(shape(a.shape())).append(")");
        if (a.size() > 0) {
            out.append(" [");
            ArrayStats.Odometer it = new ArrayStats.Odometer(a.shape());
            long n = Math.min(a.size(), maxValues);
            for (long i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(", ");
                }
                String text = ScalarFormat.longDoubleText(a, it.index()); // long doubles as numpy's str: 1e+400
                if (text == null) { // a str item holding no code point ('\U00110000', no Java String) as numpy's repr
                    text = ScalarFormat.unicodeWithoutString(a, it.index());
                }
                out.append(text != null ? text : element(a.dtype(), a.get(it.index())));
                it.next();
            }
            if (a.size() > n) {
                out.append(n > 0 ? ", ..." : "..."); // none shown (--items=0): [...], as numpy with edgeitems=0
            }
            out.append(']');
        }
        if (stats && ArrayStats.applies(a.dtype()) && a.size() > 0) {
            ArrayStats s = ArrayStats.of(a);
            out.append(String.format(Locale.ROOT, " {min=%s, max=%s, mean=%s, std=%s, nan=%d, inf=%d}",
                    num(s.min()), num(s.max()), num(s.mean()), num(s.std()), s.nans(), s.infs()));
        }
        return out.toString();
    }

    private static String element(DType t, Object v) {
        if (v instanceof Double) {
            double d = (Double) v;
            if (t.kind() == DType.Kind.FLOAT && t.itemsize() <= 4) {
                // as numpy's repr of the element, np.float16(6.55e+04): its own digits, and its own switch to 1e+06
                return ScalarFormat.floatText(d, t);
            }
            // bfloat16 and the 8-bit floats, which numpy does not print itself: a float32's text of the value
            return t.itemsize() <= 4 && t.kind() != DType.Kind.BOOL ? PyFloat.repr((float) d) : PyFloat.repr(d);
        }
        return PythonRepr.repr(v);
    }

    /** A statistic as numpy prints it: an integer exactly, a float as Python's repr (nan as numpy's). */
    private static String num(Number v) {
        if (!(v instanceof Double)) {
            return v.toString();
        }
        double d = (Double) v;
        return Double.isNaN(d) ? "nan" : PyFloat.repr(d);
    }

    static String shape(long[] shape) {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(shape[i]);
        }
        if (shape.length == 1) {
            out.append(',');
        }
        return out.append(')').toString();
    }
}
