package dev.brine.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader's checks and the writer's layout, without Python. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file made of {@code header} (padded as given) and {@code data}. */
    private Path file(String header, int dataBytes) throws Exception {
        return raw(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private Path raw(byte[] header, int dataBytes) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Path f = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private String refused(Path f) {
        BrineException e = assertThrows(BrineException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage();
    }

    private static void contains(String message, String part) {
        assertTrue(message.contains(part), "'" + part + "' not in: " + message);
    }

    @Test
    void writesWhatTheReferenceWrites() throws Exception {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("attn.0", NDArray.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3));
        byte[] out = SafeTensors.toBytes(t, null);
        // the reference implementation's test_serialization
        byte[] want = {64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112,
            101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34,
            100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0,
            0, 0, 0, (byte) 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, (byte) 128, 64, 0, 0, (byte) 160, 64};
        assertArrayEquals(want, out);
        // test_empty, with and without metadata
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32}, SafeTensors.toBytes(Map.of(), null));
        byte[] withMeta = SafeTensors.toBytes(Map.of(), Map.of("framework", "pt"));
        assertEquals("{\"__metadata__\":{\"framework\":\"pt\"}}     ",
                new String(withMeta, 8, withMeta.length - 8, StandardCharsets.UTF_8));
    }

    @Test
    void ordersByDescendingTypeThenName() throws Exception {
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("b", NDArray.zeros(DType.BOOL, 1));
        t.put("a8", NDArray.zeros(DType.INT8, 1));
        t.put("z", NDArray.zeros(DType.FLOAT64, 1));
        t.put("\u00e9", NDArray.zeros(DType.FLOAT32, 1));
        t.put("y", NDArray.zeros(DType.FLOAT32, 1));
        t.put("\ud83d\ude00", NDArray.zeros(DType.FLOAT32, 1)); // sorts by UTF-8 bytes, after U+00E9
        t.put("h", NDArray.zeros(DType.BFLOAT16, 1));
        Path f = dir.resolve("o.safetensors");
        SafeTensors.write(t, null, f);
        try (SafeTensorsFile r = SafeTensors.open(f)) {
            assertEquals(List.of("z", "y", "\u00e9", "\ud83d\ude00", "h", "a8", "b"), r.names());
            assertFalse(r.hasMetadata());
        }
    }

    @Test
    void roundTripsEveryType() throws Exception {
        Map<String, NDArray> t = new LinkedHashMap<>();
        for (SafeTensorsDType d : SafeTensorsDType.values()) {
            if (d.arrayType() != null) {
                NDArray a = NDArray.zeros(d.arrayType(), 2, 3);
                for (int i = 0; i < 6; i++) {
                    a.set(d == SafeTensorsDType.BOOL ? (Object) (i % 2 == 0) : (Object) (long) (i + 1), i / 3, i % 3);
                }
                t.put(d.name(), a);
            }
        }
        t.put("scalar", NDArray.scalar(DType.FLOAT64, 2.5));
        t.put("empty", NDArray.zeros(DType.FLOAT32, 0, 4));
        t.put("fortran", NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).toOrder(Order.F));
        t.put("big", NDArray.of(new int[] {1, 2, 3}, 3).astype(DType.INT32.withByteOrder('>')));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("tricky", "\"\\\n\t\u0001\u00e9\ud83d\ude00/");
        Path f = dir.resolve("all.safetensors");
        SafeTensors.write(t, meta, f);
        for (boolean mmap : new boolean[] {false, true}) {
            try (SafeTensorsFile r = SafeTensors.open(f, SafeTensorsOptions.builder().mmap(mmap).build())) {
                assertEquals(meta, r.metadata());
                assertEquals(t.size(), r.size());
                for (Map.Entry<String, NDArray> e : t.entrySet()) {
                    NDArray want = e.getValue();
                    if (e.getKey().equals("big")) {
                        want = want.astype(DType.INT32);
                    }
                    NDArray got = r.get(e.getKey());
                    assertEquals(want, got, e.getKey());
                    assertEquals(Order.C, got.order());
                    assertEquals(mmap, got.isReadOnly());
                    assertEquals(e.getKey(), got.memberName());
                }
            }
        }
        try (SafeTensorsFile r = SafeTensors.open(f)) {
            assertEquals(0, r.dataStart() % 8);
        }
    }

    @Test
    void writerRefuses() {
        BrineException e = assertThrows(BrineException.class,
                () -> SafeTensors.toBytes(Map.of("__metadata__", NDArray.zeros(DType.FLOAT32, 1)), null));
        contains(e.getMessage(), "__metadata__");
        e = assertThrows(BrineException.class, () -> SafeTensors.toBytes(Map.of("c", NDArray.zeros(DType.COMPLEX128, 1)), null));
        contains(e.getMessage(), "complex128");
        e = assertThrows(BrineException.class, () -> SafeTensors.toBytes(Map.of("\ud800", NDArray.zeros(DType.INT8, 1)), null));
        contains(e.getMessage(), "surrogate");
    }

    @Test
    void headerChecks() throws Exception {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        try (SafeTensorsFile r = SafeTensors.open(file(ok, 8))) {
            assertEquals(List.of("a"), r.names());
        }
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        contains(refused(tiny), "only 3 bytes");
        Path huge = dir.resolve("huge");
        Files.write(huge, new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0x80, '{', '}'});
        // a length past the end of the file is not safetensors, whatever the limit: no advice to raise it
        BrineException notOurs = assertThrows(BrineException.class, () -> SafeTensors.open(huge));
        assertFalse(notOurs instanceof LimitExceededException, notOurs.getMessage());
        contains(notOurs.getMessage(), "huge: not a safetensors file: the header claims 9223372036854775808 bytes but"
                + " only 2 follow the header length");
        // within the file but beyond the limit: the limit, named
        LimitExceededException le = assertThrows(LimitExceededException.class,
                () -> SafeTensors.open(file(ok, 8), SafeTensorsOptions.builder().maxHeaderSize(16).build()));
        assertEquals("maxHeaderSize", le.limit());
        Path past = dir.resolve("past");
        Files.write(past, new byte[] {100, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        contains(refused(past), "header claims 100 bytes");
        contains(refused(raw(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, 0)), "not valid UTF-8 at byte 10");
        contains(refused(file("[]", 0)), "must start with '{'");
        contains(refused(file("{} x", 0)), "after the JSON value");
        contains(refused(file("{\"a\":1,\"a\":2}", 0)), "duplicate key \"a\"");
        contains(refused(file("{\"a\u0001\":1}", 0)), "control character");
        contains(refused(file("{\"a\":01}", 0)), "leading zeros");
        contains(refused(file("{\"a\":\"\\ud800\"}", 0)), "lone leading surrogate");
        contains(refused(file("{\"a\":\"\\q\"}", 0)), "invalid escape");
        contains(refused(file("{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}", 0)), "deeper than 64");
        contains(refused(file("{\"a\":{\"dtype\":\"F31\",\"shape\":[],\"data_offsets\":[0,0]}}", 0)), "unknown dtype \"F31\"");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,0]}}", 0)), "missing field 'shape'");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0)), "negative");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", 4)), "fraction");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4)), "two offsets");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12)), "leave a hole");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)), "overlap");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)), "needs 12 bytes");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8)),
                "overflows");
        contains(refused(file("{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,1]}}", 1)), "whole number of bytes");
        // no element, yet its non-zero sizes overflow (numpy: "array is too big"): refused in the header, with
        // the tensor's name, where NDArray.wrap used to throw a raw IllegalArgumentException
        String empty = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0," + (1L << 62) + "," + (1L << 62)
                + "],\"data_offsets\":[0,0]}}", 0));
        contains(empty, "tensor 'a'");
        contains(empty, "non-zero sizes overflow");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0," + (1L << 61) + "],\"data_offsets\":[0,0]}}", 0)),
                "non-zero sizes overflow"); // 2^61 float32s are 2^63 bytes
        contains(refused(file(ok, 9)), "trailing bytes");
        contains(refused(file(ok, 7)), "truncated");
        contains(refused(file("{\"__metadata__\":{\"k\":1}}", 0)), "'k' holds a number");
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[0,0]}}", 0)),
                "too large");
        // a million-digit integer: BigInteger would parse it for seconds, 100 MB of digits for hours
        long t0 = System.nanoTime();
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + "9".repeat(1_000_000) + "],\"data_offsets\":[0,0]}}",
                0)), "an integer of 1000000 digits, more than the 4300 read at byte 37");
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "a long integer took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        contains(refused(file("{\"x\":-" + "1".repeat(4301) + "}", 0)), "an integer of 4301 digits");
        // beyond a double, which the safetensors package reads such an integer as
        contains(refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + "1".repeat(4300) + "],\"data_offsets\":[0,0]}}", 0)),
                "number out of range");
    }

    @Test
    void acceptsWhatTheReferenceAccepts() throws Exception {
        // any order in the header, unknown fields ignored, null metadata, zero-size tensors sharing an offset
        String h = "{\"b\":{\"data_offsets\":[4,4],\"shape\":[0],\"dtype\":\"I8\",\"extra\":[1,{\"x\":null}]},"
                + "\"__metadata__\":null,\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                + "\"c\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[4,5]}} \n\t";
        try (SafeTensorsFile r = SafeTensors.open(file(h, 5))) {
            assertEquals(List.of("a", "b", "c"), r.names());
            assertFalse(r.hasMetadata());
            assertEquals(0, r.get("b").size());
            BrineException e = assertThrows(BrineException.class, () -> r.get("c"));
            contains(e.getMessage(), "raw(name)");
            assertEquals(1, r.raw("c").size());
            contains(assertThrows(BrineException.class, () -> r.info("nope")).getMessage(), "no tensor named 'nope'");
        }
        // an empty tensor with huge sizes whose non-zero sizes still fit (numpy makes it: 2^60 float32s are 2^62 bytes)
        try (SafeTensorsFile r = SafeTensors.open(file("{\"e\":{\"dtype\":\"F32\",\"shape\":[0," + (1L << 60)
                + "],\"data_offsets\":[0,0]}}", 0))) {
            assertArrayEquals(new long[] {0, 1L << 60}, r.get("e").shape());
        }
    }

    @Test
    void heapReadsAreBounded() throws Exception {
        Path f = file("{\"a\":{\"dtype\":\"F64\",\"shape\":[64],\"data_offsets\":[0,512]}}", 512);
        SafeTensorsOptions small = SafeTensorsOptions.builder()
                .limits(dev.brine.Limits.builder().maxAllocation(256).build()).build();
        try (SafeTensorsFile r = SafeTensors.open(f, small)) {
            LimitExceededException e = assertThrows(LimitExceededException.class, () -> r.get("a"));
            assertEquals("maxAllocation", e.limit());
        }
        try (SafeTensorsFile r = SafeTensors.open(f, small.toBuilder().mmap(true).build())) {
            assertEquals(64, r.get("a").size());
        }
    }

    @Test
    void jsonStringsAreEscapedAsSerdeDoes() {
        StringBuilder sb = new StringBuilder();
        Json.writeString(sb, "a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj\u007fk\u00e9/");
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj\u007fk\u00e9/\"", sb.toString());
    }

    @Test
    void streamsToo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(Map.of("x", NDArray.of(new long[] {7}, 1)), Map.of(), out);
        Path f = dir.resolve("s.safetensors");
        Files.write(f, out.toByteArray());
        try (SafeTensorsFile r = SafeTensors.open(f)) {
            assertTrue(r.hasMetadata());
            assertEquals(Map.of(), r.metadata());
            assertEquals(7L, r.get("x").getLong(0));
        }
        assertEquals(Map.of("x", NDArray.of(new long[] {7}, 1)), SafeTensors.load(f));
    }
}
