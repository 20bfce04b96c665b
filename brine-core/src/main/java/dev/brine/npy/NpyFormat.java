package dev.brine.npy;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.io.CompressedFormat;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.py.Tuple;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The NPY header, byte for byte as {@code numpy.lib.format} writes it ({@code _write_array_header})
 * and checked as strictly as it reads it ({@code _read_array_header}), without evaluating anything.
 */
final class NpyFormat {
    /** {@code \x93NUMPY}. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy's ARRAY_ALIGN: data starts on a multiple of this. */
    static final int ARRAY_ALIGN = 64;
    /** numpy's GROWTH_AXIS_MAX_DIGITS: spare spaces so the growth axis can be rewritten in place. */
    static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    private NpyFormat() {
    }

    // ---------------------------------------------------------------- writing

    /**
     * The complete header (magic, version, length, text, padding, newline) numpy writes for an
     * array of this type, order and shape; {@code version} null chooses as numpy does: 1.0 when
     * the header fits, 2.0 when it does not, 3.0 when it is not latin-1.
     */
    static byte[] header(DType dtype, boolean fortranOrder, long[] shape, NpyVersion version) throws BrineException {
        if (!dtype.hasNumpyDescr()) {
            throw new BrineException("cannot write " + dtype.name() + " to NPY: numpy has no descr for it"
                    + (dtype.isBrineOnly() ? "; convert it first, e.g. array.astype(DType."
                            + dtype.exactNumpyType().name().toUpperCase(java.util.Locale.ROOT) + ")" : ""));
        }
        return header(descrOf(dtype), fortranOrder, shape, version);
    }

    /**
     * The header numpy writes for an array that holds objects ({@code descr '|O'}, or a record type with an object
     * field), whose data is a pickle: the numbers-only {@link #header(DType, boolean, long[], NpyVersion)} refuses
     * object types.
     */
    static byte[] objectHeader(DType dtype, boolean fortranOrder, long[] shape) throws BrineException {
        return header(descrOf(dtype), fortranOrder, shape, null);
    }

    /** The header's {@code descr}: the dtype's repr as numpy writes it, or Brine's refusal of a type it cannot say. */
    private static String descrOf(DType dtype) throws BrineException {
        try {
            return dtype.descrRepr();
        } catch (IllegalStateException e) {
            throw new BrineException("cannot write " + dtype + " to NPY: " + e.getMessage());
        }
    }

    private static byte[] header(String descr, boolean fortranOrder, long[] shape, NpyVersion version) throws BrineException {
        StringBuilder text = new StringBuilder("{'descr': ").append(descr).append(", 'fortran_order': ")
                .append(fortranOrder ? "True" : "False").append(", 'shape': ").append(shapeRepr(shape)).append(", }");
        if (shape.length > 0) {
            long growth = shape[fortranOrder ? shape.length - 1 : 0];
            text.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(growth).length())));
        }
        String h = text.toString();
        if (version != null) {
            byte[] out = wrap(h, version);
            if (out == null) {
                throw new BrineException("the NPY header does not fit format version " + version);
            }
            return out;
        }
        for (NpyVersion v : NpyVersion.values()) {
            byte[] out = wrap(h, v);
            if (out != null) {
                return out;
            }
        }
        throw new BrineException("the NPY header is too large for any format version");
    }

    /** numpy's {@code _wrap_header}, or null where numpy raises (not encodable, or too long). */
    private static byte[] wrap(String header, NpyVersion version) {
        if (version.charset() == StandardCharsets.ISO_8859_1 && !latin1(header)) {
            return null;
        }
        byte[] text = header.getBytes(version.charset());
        long hlen = text.length + 1L;
        long prefix = MAGIC.length + 2 + version.lengthBytes();
        long padlen = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
        long total = hlen + padlen;
        long max = version.lengthBytes() == 2 ? 0xFFFF : 0xFFFFFFFFL;
        if (total > max || prefix + total > Integer.MAX_VALUE) {
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate((int) (prefix + total)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) version.major()).put((byte) version.minor());
        if (version.lengthBytes() == 2) {
            out.putShort((short) total);
        } else {
            out.putInt((int) total);
        }
        out.put(text);
        for (long i = 0; i < padlen; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    private static boolean latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Python's {@code repr} of a shape tuple: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    static String shapeRepr(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads and checks the header from {@code in}, leaving it at the first data byte.
     *
     * @param available bytes the source holds from here on, or -1 when unknown
     * @param where names the source in messages ({@code "model.npy"}, {@code "x.npz: member a.npy"})
     */
    static NpyHeader readHeader(ReadableByteChannel in, long available, Limits limits, String where) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(MAGIC.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        int got = readUpTo(in, start);
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= got || start.get(i) != MAGIC[i]) {
                CompressedFormat compressed = CompressedFormat.of(start.array(), got);
                if (compressed != null) {
                    throw new BrineException(where + ": not an NPY file but a file " + compressed.refusal(null));
                }
                throw new BrineException(where + ": not an NPY file: the magic string is not correct; expected \\x93NUMPY, found "
                        + hexPrefix(start, got));
            }
        }
        if (got < MAGIC.length + 2) {
            throw new BrineException(where + ": truncated NPY file: it ends inside the version bytes");
        }
        int major = start.get(6) & 0xFF;
        int minor = start.get(7) & 0xFF;
        NpyVersion version = NpyVersion.of(major, minor);
        if (version == null) {
            throw new BrineException(where + ": unsupported NPY format version " + major + "." + minor
                    + " at byte 6 (numpy writes 1.0, 2.0 and 3.0)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(version.lengthBytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (readUpTo(in, lenBuf) < version.lengthBytes()) {
            throw new BrineException(where + ": truncated NPY file: it ends inside the header length at byte 8");
        }
        long hlen = version.lengthBytes() == 2 ? lenBuf.getShort(0) & 0xFFFFL : lenBuf.getInt(0) & 0xFFFFFFFFL;
        long prefix = MAGIC.length + 2L + version.lengthBytes();
        // a header longer than the limit in characters can be up to 4 bytes per character in UTF-8
        long maxBytes = (long) limits.maxNpyHeaderSize() * (version == NpyVersion.V3_0 ? 4 : 1);
        if (hlen > maxBytes) {
            throw new LimitExceededException("maxNpyHeaderSize", where + ": the NPY header is " + hlen
                    + " bytes long, more than the " + limits.maxNpyHeaderSize() + " allowed");
        }
        if (available >= 0 && prefix + hlen > available) {
            throw new BrineException(where + ": truncated NPY file: the header claims " + hlen + " bytes at byte "
                    + prefix + " but the file has only " + available);
        }
        if (hlen > Integer.MAX_VALUE - 8) { // reachable when maxNpyHeaderSize is raised (Limits.TRUSTED)
            throw new LimitExceededException("maxNpyHeaderSize", where + ": the NPY header is " + hlen
                    + " bytes long, more than one array can hold");
        }
        byte[] raw = readHeaderBytes(in, (int) hlen, where, prefix);
        String text;
        try {
            text = version.charset().newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new BrineException(where + ": the NPY " + version + " header is not valid " + version.charset());
        }
        if (text.codePointCount(0, text.length()) > limits.maxNpyHeaderSize()) {
            throw new LimitExceededException("maxNpyHeaderSize", where + ": the NPY header is "
                    + text.codePointCount(0, text.length()) + " characters long, more than the "
                    + limits.maxNpyHeaderSize() + " allowed");
        }
        return interpret(text, version, prefix + hlen, limits, where);
    }

    private static NpyHeader interpret(String text, NpyVersion version, long dataOffset, Limits limits, String where)
            throws BrineException {
        Object parsed;
        try {
            parsed = PyLiteralParser.parse(text, version != NpyVersion.V3_0);
        } catch (BrineException e) {
            throw new BrineException(where + ": cannot parse the NPY header: " + e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            throw new BrineException(where + ": the NPY header is not a dictionary");
        }
        Map<?, ?> d = (Map<?, ?>) parsed;
        if (!d.keySet().equals(KEYS)) {
            throw new BrineException(where + ": the NPY header does not contain the correct keys: "
                    + dev.brine.py.PythonRepr.brief(new java.util.ArrayList<>(d.keySet()))
                    + " (expected descr, fortran_order, shape)");
        }
        Object shapeObj = d.get("shape");
        if (!(shapeObj instanceof Tuple)) {
            throw new BrineException(where + ": shape is not valid: not a tuple");
        }
        Tuple shapeTuple = (Tuple) shapeObj;
        if (shapeTuple.size() > NDArray.MAX_DIMS) {
            throw new BrineException(where + ": shape has " + shapeTuple.size() + " dimensions; at most "
                    + NDArray.MAX_DIMS + " are supported");
        }
        long[] shape = new long[shapeTuple.size()];
        for (int i = 0; i < shape.length; i++) {
            Object dim = shapeTuple.get(i);
            if (!(dim instanceof Long)) {
                throw new BrineException(where + ": shape is not valid: dimension " + i + " is "
                        + (dim instanceof java.math.BigInteger ? "too large" : "not an int: "
                                + dev.brine.py.PythonRepr.brief(dim)));
            }
            shape[i] = (Long) dim;
            if (shape[i] < 0) {
                throw new BrineException(where + ": shape is not valid: dimension " + i + " is negative (" + shape[i] + ")");
            }
        }
        Object fortran = d.get("fortran_order");
        if (!(fortran instanceof Boolean)) {
            throw new BrineException(where + ": fortran_order is not a valid bool");
        }
        DType dtype;
        try {
            dtype = DType.fromDescr(d.get("descr"));
        } catch (BrineException e) {
            throw new BrineException(where + ": " + e.getMessage());
        }
        // an object type has no descr Brine writes (it writes no pickled data), but numpy's descr reads as one
        if (!dtype.hasNumpyDescr() && !dtype.hasObject()) {
            throw new BrineException(where + ": descr " + dtype.str() + " is not a numpy type");
        }
        long count;
        try {
            count = NDArray.elementCount(shape);
        } catch (ArithmeticException e) {
            throw new BrineException(where + ": shape " + shapeRepr(shape) + " is too large: its size overflows 64 bits");
        }
        dtype = topLevelSubarray(dtype, shape, count, where);
        int dims = shape.length; // numpy appends every subarray level's dimensions to the array's
        for (DType t = dtype; t.subarrayBase() != null; t = t.subarrayBase()) {
            dims += t.subarrayShape().length;
        }
        if (dims > NDArray.MAX_DIMS) {
            throw new BrineException(where + ": shape " + shapeRepr(shape) + " of " + dtype + " makes arrays of " + dims
                    + " dimensions; at most " + NDArray.MAX_DIMS + " are supported");
        }
        try {
            NDArray.byteSize(dtype, shape);
        } catch (ArithmeticException e) {
            throw new BrineException(where + ": shape " + shapeRepr(shape) + " of " + dtype.name()
                    + " is too large: its size overflows 64 bits");
        }
        if (count > limits.maxArrayElements()) {
            throw new LimitExceededException("maxArrayElements", where + ": shape " + shapeRepr(shape) + " has "
                    + count + " elements, more than the " + limits.maxArrayElements() + " allowed");
        }
        return new NpyHeader(dtype, (Boolean) fortran, shape, version, dataOffset);
    }

    /**
     * A top-level subarray descr such as {@code ('<i4', (1,))}: numpy's {@code read_array} reads
     * {@code count} items of it, which hold {@code count} times the subarray's elements, and then
     * requires exactly {@code count} elements and reshapes them to the header's shape. So it reads the
     * base type in the header's shape where the subarray holds one element (or nothing is read), and
     * refuses every other ("Failed to read all data").
     */
    private static DType topLevelSubarray(DType dtype, long[] shape, long count, String where) throws BrineException {
        if (dtype.subarrayBase() == null) {
            return dtype;
        }
        DType base = dtype;
        long perItem = 1;
        while (base.subarrayBase() != null) {
            for (long d : base.subarrayShape()) {
                perItem = d == 0 || perItem == 0 ? 0 : Math.multiplyHigh(perItem, d) != 0 ? Long.MAX_VALUE : perItem * d;
            }
            base = base.subarrayBase();
        }
        if (perItem == 1 || count == 0) {
            return base;
        }
        throw new BrineException(where + ": descr " + descrForMessage(dtype) + " makes each item a subarray of " + perItem
                + " elements, so shape " + shapeRepr(shape) + " would need " + count + " x " + perItem
                + " elements where numpy reads exactly " + count + " (numpy refuses it: failed to read all data)");
    }

    private static String descrForMessage(DType t) {
        DType base = t;
        java.util.List<Long> dims = new java.util.ArrayList<>();
        while (base.subarrayBase() != null) {
            for (long d : base.subarrayShape()) {
                dims.add(d);
            }
            base = base.subarrayBase();
        }
        String baseDescr;
        try {
            baseDescr = base.descrRepr();
        } catch (RuntimeException e) {
            baseDescr = base.toString();
        }
        return "(" + baseDescr + ", " + shapeRepr(dims.stream().mapToLong(Long::longValue).toArray()) + ")";
    }

    /**
     * Refuses the header of an object array where numbers are expected: such an array's data is a
     * pickle (numpy's {@code write_array} pickles the whole array), which only the explicit object
     * reading ({@code Npy.readObjectArray}, {@code NpzFile.objectArray}) reads, as numpy reads it only
     * with {@code allow_pickle=True}. Its header alone is readable: listing it needs nothing more.
     */
    static void refuseObjects(NpyHeader h, String where) throws BrineException {
        if (h.holdsObjects()) {
            throw new BrineException(where + ": the array holds Python objects (descr " + safeDescr(h.dtype()) + ", shape "
                    + shapeRepr(h.shape()) + "): its data is a pickle, which reading numbers never runs; read it as an"
                    + " object array (Npy.readObjectArray, NpzFile.objectArray), which reads the pickle without running anything (numpy's allow_pickle=True)");
        }
    }

    /** The descr as the header gives it, a structured one with its fields (not {@code |V12}), abbreviated when long. */
    private static String safeDescr(DType t) {
        String d = t.kind() == DType.Kind.OBJECT ? "'|O'" : t.descrRepr();
        return d.length() > 200 ? d.substring(0, 200) + "..." : d;
    }

    private static byte[] readHeaderBytes(ReadableByteChannel in, int hlen, String where, long at) throws IOException {
        // grow as bytes arrive, so a header length that lies costs nothing
        ByteBuffer buf = ByteBuffer.allocate(Math.min(hlen, 1 << 16));
        while (true) {
            int r = in.read(buf);
            if (r < 0) {
                throw new BrineException(where + ": truncated NPY file: the header at byte " + at + " claims " + hlen
                        + " bytes but only " + buf.position() + " follow");
            }
            if (!buf.hasRemaining()) {
                if (buf.capacity() == hlen) {
                    return buf.array();
                }
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(hlen, 2L * buf.capacity()));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }
    }

    /** Reads until {@code buf} is full or the source ends; returns the bytes read. */
    static int readUpTo(ReadableByteChannel in, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (in.read(buf) < 0) {
                break;
            }
        }
        return buf.position();
    }

    private static String hexPrefix(ByteBuffer b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, MAGIC.length); i++) {
            int c = b.get(i) & 0xFF;
            s.append(c >= 0x20 && c < 0x7F && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return n == 0 ? "an empty file" : "'" + s + "'";
    }
}
