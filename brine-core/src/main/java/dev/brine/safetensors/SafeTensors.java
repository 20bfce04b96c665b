package dev.brine.safetensors;

import dev.brine.BrineException;
import dev.brine.io.AtomicFiles;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * naming each tensor's {@code dtype}, {@code shape} and {@code data_offsets} (plus optional
 * {@code __metadata__} strings), then one data buffer. Nothing in a file is executed, and every
 * check of the reference implementation is made before any tensor is read.
 *
 * <pre>{@code
 * SafeTensors.write(Map.of("w", w, "b", b), Map.of("format", "pt"), Path.of("model.safetensors"));
 * try (SafeTensorsFile f = SafeTensors.open(Path.of("model.safetensors"))) {
 *     NDArray w2 = f.get("w");
 * }
 * }</pre>
 *
 * <p>The writer produces the bytes the {@code safetensors} Python package writes for the same
 * tensors: tensors ordered by descending type (the reference {@code Dtype} order) then by name,
 * the header padded with spaces to a multiple of 8. Metadata entries keep the map's order (the
 * reference writes them in hash order).
 */
public final class SafeTensors {
    private SafeTensors() {
    }

    /** Opens {@code path} with the default options (heap reads, 100 MB header cap); close it when done. */
    public static SafeTensorsFile open(Path path) throws IOException {
        return SafeTensorsFile.open(path, SafeTensorsOptions.DEFAULT);
    }

    /** Opens {@code path} with {@code options}; close it when done. */
    public static SafeTensorsFile open(Path path, SafeTensorsOptions options) throws IOException {
        return SafeTensorsFile.open(path, options);
    }

    /** Same as {@link #open(Path)}. */
    public static SafeTensorsFile read(Path path) throws IOException {
        return open(path);
    }

    /** Reads every tensor of {@code path} into the heap, in file order. */
    public static Map<String, NDArray> load(Path path) throws IOException {
        try (SafeTensorsFile f = open(path)) {
            return f.getAll();
        }
    }

    /**
     * Saves {@code tensors} and {@code metadata} (may be {@code null}: no {@code __metadata__}
     * entry) to {@code path} atomically.
     *
     * @throws BrineException when a name is {@code __metadata__} or not valid Unicode, or an
     *     array's type has no safetensors dtype (complex128, strings, dates, records)
     */
    public static void write(Map<String, NDArray> tensors, Map<String, String> metadata, Path path) throws IOException {
        Prepared p = prepare(tensors, metadata);
        AtomicFiles.write(path, p::writeTo);
    }

    /** Writes the safetensors bytes of {@code tensors} and {@code metadata} to {@code out} (left open). */
    public static void write(Map<String, NDArray> tensors, Map<String, String> metadata, OutputStream out)
            throws IOException {
        Objects.requireNonNull(out, "out"); // before the header and tensors are laid out
        prepare(tensors, metadata).writeTo(out);
    }

    /**
     * The safetensors bytes of {@code tensors} and {@code metadata}, as {@code safetensors.*.save} returns them.
     *
     * @throws BrineException when the file would be more than a Java {@code byte[]} holds (about 2 GiB):
     *     {@link #write(Map, Map, OutputStream)} and the file writers write any size
     */
    public static byte[] toBytes(Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        Prepared prepared = prepare(tensors, metadata);
        ByteArrayOutputStream out = dev.brine.io.InMemoryBytes.of(prepared.size(), "the safetensors file",
                "SafeTensors.write");
        prepared.writeTo(out);
        return out.toByteArray();
    }

    private record Item(String name, byte[] utf8, SafeTensorsDType dtype, NDArray array) {
    }

    private static final class Prepared {
        final byte[] header;
        final List<Item> items;

        Prepared(byte[] header, List<Item> items) {
            this.header = header;
            this.items = items;
        }

        /** The file's size: the 8-byte header length, the header, the tensors' bytes. */
        long size() {
            long n = 8L + header.length;
            for (Item it : items) {
                n += it.array.nbytes();
            }
            return n;
        }

        void writeTo(OutputStream out) throws IOException {
            long n = header.length;
            byte[] len = new byte[8];
            for (int i = 0; i < 8; i++) {
                len[i] = (byte) (n >>> (8 * i));
            }
            out.write(len);
            out.write(header);
            for (Item it : items) {
                it.array.storage().writeTo(out);
            }
            out.flush();
        }
    }

    private static Prepared prepare(Map<String, NDArray> tensors, Map<String, String> metadata) throws BrineException {
        Objects.requireNonNull(tensors, "tensors");
        List<Item> items = new ArrayList<>(tensors.size());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = e.getKey();
            NDArray a = e.getValue();
            if (name == null || a == null) {
                throw new BrineException("cannot write safetensors: null name or array");
            }
            if (Header.METADATA_KEY.equals(name)) {
                throw new BrineException("cannot write safetensors: a tensor may not be called __metadata__");
            }
            if (!Json.isWellFormed(name)) {
                throw new BrineException("cannot write safetensors: tensor name '" + name + "' has a lone surrogate");
            }
            SafeTensorsDType dt = SafeTensorsDType.forArrayType(a.dtype());
            if (dt == null) {
                throw new BrineException("cannot write safetensors: tensor '" + name + "' is " + a.dtype().name()
                        + ", which safetensors has no dtype for");
            }
            items.add(new Item(name, name.getBytes(StandardCharsets.UTF_8), dt, canonical(a, dt.arrayType())));
        }
        items.sort((x, y) -> {
            int c = Integer.compare(y.dtype.ordinal(), x.dtype.ordinal());
            return c != 0 ? c : Arrays.compareUnsigned(x.utf8, y.utf8);
        });
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (metadata != null) {
            sb.append("\"__metadata__\":{");
            boolean firstMeta = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new BrineException("cannot write safetensors: null metadata key or value");
                }
                if (!Json.isWellFormed(e.getKey()) || !Json.isWellFormed(e.getValue())) {
                    throw new BrineException("cannot write safetensors: metadata '" + e.getKey() + "' has a lone surrogate");
                }
                if (!firstMeta) {
                    sb.append(',');
                }
                firstMeta = false;
                Json.writeString(sb, e.getKey());
                sb.append(':');
                Json.writeString(sb, e.getValue());
            }
            sb.append('}');
            first = false;
        }
        long offset = 0;
        for (Item it : items) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.writeString(sb, it.name);
            sb.append(":{\"dtype\":\"").append(it.dtype.name()).append("\",\"shape\":[");
            long[] shape = it.array.shape();
            for (int i = 0; i < shape.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(shape[i]);
            }
            long n = it.array.nbytes();
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(offset + n).append("]}");
            offset += n;
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return new Prepared(header, items);
    }

    /** The array as C-order little-endian bytes: itself when it already is, else a copy. */
    private static NDArray canonical(NDArray a, DType little) {
        NDArray out = a;
        if (!out.dtype().equals(little)) {
            out = out.astype(little);
        }
        if (!out.isCContiguous()) {
            out = out.toOrder(Order.C);
        }
        return out;
    }
}
