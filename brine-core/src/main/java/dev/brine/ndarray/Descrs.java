package dev.brine.ndarray;

import dev.brine.BrineException;
import dev.brine.py.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Converts between {@link DType}s and numpy descrs (the {@code 'descr'} value of an NPY header),
 * and prints descrs as Python's {@code repr} does. Mirrors {@code numpy.lib.format.descr_to_dtype}
 * and {@code numpy._core._internal._array_descr}.
 */
final class Descrs {
    /** Deeper nesting than this is not a real dtype; refusing it keeps recursion bounded. */
    static final int MAX_NESTING = 64;

    private Descrs() {
    }

    // ---------------------------------------------------------------- descr -> DType

    static DType toDType(Object descr, int depth) throws BrineException {
        if (depth > MAX_NESTING) {
            throw new BrineException("descr is nested more than " + MAX_NESTING + " levels deep");
        }
        if (descr instanceof String) {
            try {
                // np.dtype('<f4') is numpy's one float32: every field and member of that type is the one object
                return BuiltinDTypes.shared(TypeStrings.parse((String) descr));
            } catch (IllegalArgumentException e) {
                throw new BrineException("unknown descr " + repr(descr) + ": " + e.getMessage());
            }
        }
        if (descr instanceof List) {
            return structured((List<?>) descr, depth);
        }
        if (descr instanceof java.util.Map) {
            // descr_to_dtype iterates whatever it is given: a dict's keys are its fields
            return structured(new ArrayList<>(((java.util.Map<?, ?>) descr).keySet()), depth);
        }
        List<?> tuple = asTuple(descr);
        if (tuple != null && tuple.size() >= 2) {
            // descr_to_dtype reads descr[0] and descr[1] and never looks further
            DType base = toDType(tuple.get(0), depth + 1);
            return subarray(base, tuple.get(1));
        }
        throw new BrineException("descr is not a valid dtype descriptor: " + shortRepr(descr));
    }

    private static DType structured(List<?> items, int depth) throws BrineException {
        List<DType.Field> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (Object item : items) {
            List<?> t = asTuple(item);
            if (item instanceof String && ((String) item).length() == 2) {
                // descr_to_dtype unpacks a field as name, descr = field: a two-character string is one
                String s = (String) item;
                t = List.of(s.substring(0, 1), s.substring(1));
            }
            if (t == null || t.size() < 2 || t.size() > 3) {
                throw new BrineException("structured descr item is not a (name, descr[, shape]) tuple: " + shortRepr(item));
            }
            String name;
            String title = null;
            Object rawName = t.get(0);
            List<?> titled = asTuple(rawName);
            if (rawName instanceof String) {
                name = (String) rawName;
            } else if (titled != null && titled.size() == 2 && titled.get(0) instanceof String
                    && titled.get(1) instanceof String) {
                title = (String) titled.get(0);
                name = (String) titled.get(1);
            } else if (titled != null && titled.size() == 2 && titled.get(1) instanceof String) {
                // numpy takes any object as a title; Brine's titles are str, so such a field is refused, not dropped
                throw new BrineException("field " + repr((String) titled.get(1)) + " has the title "
                        + shortRepr(titled.get(0)) + ", which is not a str: Brine holds str titles only");
            } else {
                throw new BrineException("field name is not a string or (title, name): " + shortRepr(rawName));
            }
            DType type = toDType(t.get(1), depth + 1);
            if (t.size() == 3) {
                type = subarray(type, t.get(2));
            }
            boolean isPad = title == null && name.isEmpty()
                    && (type.kind() == DType.Kind.VOID || type.kind() == DType.Kind.SUBARRAY);
            if (!isPad) {
                if (!names.add(name) || (title != null && !names.add(title))) {
                    throw new BrineException("field name " + repr(name) + " is used twice in descr");
                }
                fields.add(new DType.Field(name, type, (int) offset, title));
            }
            offset += type.itemsize();
            if (offset > Integer.MAX_VALUE) {
                throw new BrineException("structured descr is larger than " + Integer.MAX_VALUE + " bytes");
            }
        }
        return DType.structured(fields, (int) offset);
    }

    private static DType subarray(DType base, Object shapeObj) throws BrineException {
        List<?> dims = asTuple(shapeObj);
        List<Object> list = new ArrayList<>();
        if (dims != null) {
            list.addAll(dims);
        } else {
            list.add(shapeObj);
        }
        if (list.size() > NDArray.MAX_DIMS) {
            throw new BrineException("subarray shape has more than " + NDArray.MAX_DIMS + " dimensions");
        }
        long[] shape = new long[list.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = list.get(i);
            long v;
            if (d instanceof Long || d instanceof Integer) {
                v = ((Number) d).longValue();
            } else if (d instanceof BigInteger && ((BigInteger) d).bitLength() < 63) {
                v = ((BigInteger) d).longValue();
            } else {
                throw new BrineException("subarray shape is not a tuple of ints: " + shortRepr(shapeObj));
            }
            if (v < 0) {
                throw new BrineException("subarray shape has a negative dimension: " + shortRepr(shapeObj));
            }
            shape[i] = v;
        }
        try {
            return DType.subarray(base, shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new BrineException("subarray " + shortRepr(shapeObj) + " is too large");
        }
    }

    /** A tuple-like value as a list: {@link Tuple}, {@code Object[]}, or null if it is neither. */
    private static List<?> asTuple(Object o) {
        if (o instanceof Tuple) {
            return ((Tuple) o).asList();
        }
        if (o instanceof Object[]) {
            return Arrays.asList((Object[]) o);
        }
        if (o instanceof List) {
            return (List<?>) o;
        }
        return null;
    }

    // ---------------------------------------------------------------- DType -> descr

    /** numpy's {@code _array_descr} for a structured type: fields in order, gaps as {@code ('', '|V<n>')}. */
    static List<Object> structuredDescr(DType t) {
        List<Object> out = new ArrayList<>();
        long offset = 0;
        for (DType.Field f : t.fields()) {
            if (f.offset() > offset) {
                long gap = f.offset() - offset;
                out.add(Tuple.of("", "|V" + gap));
                offset += gap;
            } else if (f.offset() < offset) {
                throw new IllegalStateException(
                        "dtype.descr is not defined for types with overlapping or out-of-order fields (field '"
                                + f.name() + "')");
            }
            Object name = f.title() == null ? f.name() : Tuple.of(f.title(), f.name());
            DType ft = f.type();
            if (ft.kind() == DType.Kind.SUBARRAY) {
                out.add(Tuple.of(name, arrayDescr(ft.subarrayBase()), shapeTuple(ft.subarrayShape())));
            } else {
                out.add(Tuple.of(name, arrayDescr(ft)));
            }
            offset += ft.itemsize();
        }
        if (t.itemsize() > offset) {
            out.add(Tuple.of("", "|V" + (t.itemsize() - offset)));
        }
        return out;
    }

    private static Object arrayDescr(DType t) {
        if (t.isBrineOnly()) {
            throw noDescr(t);
        }
        switch (t.kind()) {
            case STRUCTURED:
                return structuredDescr(t);
            case SUBARRAY:
                return Tuple.of(arrayDescr(t.subarrayBase()), shapeTuple(t.subarrayShape()));
            default:
                return t.str();
        }
    }

    /** Why a type numpy lacks (bfloat16, the 8-bit floats, complex32) has no descr, and what to do. */
    static IllegalStateException noDescr(DType t) {
        return new IllegalStateException(t.name() + " has no numpy descr; convert to " + t.exactNumpyType().name() + " first");
    }

    static Tuple shapeTuple(long[] shape) {
        Object[] items = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) {
            items[i] = shape[i];
        }
        return Tuple.of(items);
    }

    // ---------------------------------------------------------------- Python repr

    /** Python's {@code repr} of a descr value: strings, ints, bools, lists and tuples. */
    static String repr(Object v) {
        StringBuilder out = new StringBuilder();
        appendRepr(out, v);
        return out.toString();
    }

    private static String shortRepr(Object v) {
        String s;
        try {
            s = repr(v);
        } catch (RuntimeException e) {
            s = String.valueOf(v);
        }
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static void appendRepr(StringBuilder out, Object v) {
        if (v instanceof String) {
            appendString(out, (String) v);
        } else if (v instanceof Boolean) {
            out.append((Boolean) v ? "True" : "False");
        } else if (v == null) {
            out.append("None");
        } else if (v instanceof List) {
            out.append('[');
            List<?> l = (List<?>) v;
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                appendRepr(out, l.get(i));
            }
            out.append(']');
        } else if (v instanceof Tuple || v instanceof Object[]) {
            List<?> l = asTuple(v);
            out.append('(');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                appendRepr(out, l.get(i));
            }
            if (l.size() == 1) {
                out.append(',');
            }
            out.append(')');
        } else { // bytes, numbers and the rest as Python writes them (a byte[] printed itself as [B@1b6d3586)
            out.append(dev.brine.py.PythonRepr.repr(v));
        }
    }

    /** Python's {@code repr(str)} (one implementation for the whole library: {@link dev.brine.py.PythonRepr}). */
    static void appendString(StringBuilder out, String s) {
        out.append(dev.brine.py.PythonRepr.repr(s));
    }
}
