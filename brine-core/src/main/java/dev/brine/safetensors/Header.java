package dev.brine.safetensors;

import dev.brine.BrineException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed and validated safetensors header. */
final class Header {
    static final String METADATA_KEY = "__metadata__";

    final List<TensorInfo> tensors; // by data offsets
    final Map<String, TensorInfo> byName;
    final Map<String, String> metadata; // null when absent
    final long dataLength;

    private Header(List<TensorInfo> tensors, Map<String, TensorInfo> byName, Map<String, String> metadata,
            long dataLength) {
        this.tensors = tensors;
        this.byName = byName;
        this.metadata = metadata;
        this.dataLength = dataLength;
    }

    /**
     * Parses the JSON header {@code json[0, len)} (which starts at file offset 8) and checks it
     * as the reference implementation does: every entry well-formed, offsets contiguous from 0
     * without holes or overlaps, each size equal to shape × element size (checked arithmetic),
     * and the tensors covering exactly the {@code dataLength} bytes after the header.
     */
    static Header parse(byte[] json, int len, long dataLength, String where) throws BrineException {
        String at = where + ": header";
        if (len == 0 || json[0] != '{') {
            throw new BrineException(at + ": the JSON header must start with '{' (at byte 8)");
        }
        Object root = Json.parse(json, 0, len, 8, at);
        if (!(root instanceof Map)) {
            throw new BrineException(at + ": the JSON header must be an object");
        }
        Map<?, ?> top = (Map<?, ?>) root;
        Map<String, String> metadata = null;
        List<TensorInfo> tensors = new ArrayList<>(top.size());
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (METADATA_KEY.equals(name)) {
                metadata = metadata(e.getValue(), at);
            } else {
                tensors.add(tensor(name, e.getValue(), at));
            }
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long start = 0;
        for (TensorInfo t : tensors) {
            String tat = at + ": tensor '" + t.name() + "'";
            if (t.begin() != start || t.end() < t.begin()) {
                throw new BrineException(tat + ": data_offsets [" + t.begin() + ", " + t.end() + "] "
                        + (t.begin() > start ? "leave a hole: bytes [" + start + ", " + t.begin() + ") belong to no tensor"
                        : t.begin() < start ? "overlap the previous tensor, which ends at " + start
                        : "end before they begin"));
            }
            long bits;
            try {
                long n = 1;
                long nonZero = 1;
                for (long d : t.shape()) {
                    n = Math.multiplyExact(n, d);
                    if (d > 0) {
                        nonZero = Math.multiplyExact(nonZero, d);
                    }
                }
                bits = Math.multiplyExact(n, (long) t.dtype().bits());
                // the non-zero sizes must multiply out too, as NDArray.byteSize requires (strides must fit even when
                // a zero size makes the tensor empty): numpy refuses [0, 2^62, 2^62] as "array is too big"
                Math.multiplyExact(nonZero, Math.max(1, t.dtype().bits() / 8));
            } catch (ArithmeticException ex) {
                boolean empty = java.util.Arrays.stream(t.shape()).anyMatch(d -> d == 0);
                throw new BrineException(tat + ": shape " + java.util.Arrays.toString(t.shape()) + " of " + t.dtype()
                        + (empty ? " holds no element, but its non-zero sizes overflow when multiplied out"
                        : " overflows when multiplied out"));
            }
            if (bits % 8 != 0) {
                throw new BrineException(tat + ": " + (bits / t.dtype().bits()) + " elements of " + t.dtype()
                        + " are not a whole number of bytes");
            }
            if (t.end() - t.begin() != bits / 8) {
                throw new BrineException(tat + ": shape " + java.util.Arrays.toString(t.shape()) + " of " + t.dtype()
                        + " needs " + (bits / 8) + " bytes but data_offsets [" + t.begin() + ", " + t.end() + "] hold "
                        + (t.end() - t.begin()));
            }
            start = t.end();
        }
        if (start != dataLength) {
            throw new BrineException(at + ": the tensors cover " + start + " bytes of data but the file holds "
                    + dataLength + " after the header" + (start < dataLength ? " (trailing bytes belong to no tensor)"
                    : " (the file is truncated)"));
        }
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : tensors) {
            byName.put(t.name(), t);
        }
        return new Header(Collections.unmodifiableList(tensors), Collections.unmodifiableMap(byName),
                metadata == null ? null : Collections.unmodifiableMap(metadata), dataLength);
    }

    private static Map<String, String> metadata(Object v, String at) throws BrineException {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw new BrineException(at + ": __metadata__ must be an object of strings, not " + kind(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw new BrineException(at + ": __metadata__ must map strings to strings, but '" + e.getKey()
                        + "' holds " + kind(e.getValue()));
            }
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return out;
    }

    private static TensorInfo tensor(String name, Object v, String at) throws BrineException {
        String tat = at + ": tensor '" + name + "'";
        if (!(v instanceof Map)) {
            throw new BrineException(tat + ": must be an object with dtype, shape and data_offsets, not " + kind(v));
        }
        Map<?, ?> m = (Map<?, ?>) v;
        Object dt = require(m, "dtype", tat);
        if (!(dt instanceof String)) {
            throw new BrineException(tat + ": dtype must be a string, not " + kind(dt));
        }
        SafeTensorsDType dtype = SafeTensorsDType.forName((String) dt);
        if (dtype == null) {
            throw new BrineException(tat + ": unknown dtype \"" + dt + "\"");
        }
        Object sh = require(m, "shape", tat);
        if (!(sh instanceof List)) {
            throw new BrineException(tat + ": shape must be an array of sizes, not " + kind(sh));
        }
        List<?> sl = (List<?>) sh;
        long[] shape = new long[sl.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = size(sl.get(i), tat + ": shape[" + i + "]");
        }
        Object off = require(m, "data_offsets", tat);
        if (!(off instanceof List) || ((List<?>) off).size() != 2) {
            throw new BrineException(tat + ": data_offsets must be an array of two offsets, not " + kind(off));
        }
        long begin = size(((List<?>) off).get(0), tat + ": data_offsets[0]");
        long end = size(((List<?>) off).get(1), tat + ": data_offsets[1]");
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static Object require(Map<?, ?> m, String key, String at) throws BrineException {
        if (!m.containsKey(key)) {
            throw new BrineException(at + ": missing field '" + key + "'");
        }
        return m.get(key);
    }

    private static long size(Object v, String at) throws BrineException {
        if (v instanceof Long && (Long) v >= 0) {
            return (Long) v;
        }
        if (v instanceof BigInteger && ((BigInteger) v).signum() > 0) {
            throw new BrineException(at + ": " + v + " is too large");
        }
        throw new BrineException(at + ": a non-negative integer was expected, not " + kind(v)
                + (v instanceof Long || v instanceof Double ? " " + v : ""));
    }

    private static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof Double) {
            return "a fraction";
        }
        if (v instanceof Long && (Long) v < 0 || v instanceof BigInteger) {
            return "a negative number";
        }
        return "a number";
    }
}
