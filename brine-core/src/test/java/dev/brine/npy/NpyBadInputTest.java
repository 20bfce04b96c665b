package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed and hostile NPY files end in a BrineException that says what and where. */
class NpyBadInputTest {
    @TempDir
    Path dir;

    /** An NPY file with {@code header} as its dict text, padded as numpy pads, then {@code data}. */
    static byte[] npy(int major, String header, byte[] data) {
        byte[] text = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lenBytes = major == 1 ? 2 : 4;
        int hlen = text.length + 1;
        int pad = 64 - ((8 + lenBytes + hlen) % 64);
        ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + hlen + pad + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyFormat.MAGIC).put((byte) major).put((byte) 0);
        if (lenBytes == 2) {
            b.putShort((short) (hlen + pad));
        } else {
            b.putInt(hlen + pad);
        }
        b.put(text);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n').put(data);
        return b.array();
    }

    static String dict(String descr, String fortran, String shape) {
        return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    }

    private BrineException failsReading(String name, byte[] content) throws IOException {
        return failsReading(name, content, Limits.DEFAULT);
    }

    private BrineException failsReading(String name, byte[] content, Limits limits) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        BrineException e = assertThrows(BrineException.class, () -> Npy.read(f, limits));
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        // the header alone, the mapping and the stream reader refuse it alike
        BrineException m = assertThrows(BrineException.class, () -> Npy.map(f, false, limits));
        assertEquals(e.getClass(), m.getClass());
        assertThrows(BrineException.class, () -> Npy.read(new ByteArrayInputStream(content), limits));
        return e;
    }

    @Test
    void badMagic() throws IOException {
        BrineException e = failsReading("zip.npy", "PK\u0003\u0004 not numpy at all".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        assertTrue(failsReading("empty.npy", new byte[0]).getMessage().contains("empty"));
        assertTrue(failsReading("short.npy", new byte[] {(byte) 0x93, 'N', 'U'}).getMessage().contains("magic"));
    }

    /**
     * 20 dimensions of shape and a subarray descr of 20: numpy reads a top-level subarray of one
     * element as its base in the header's shape (20 dimensions), and refuses one of more elements;
     * a field's subarray is not expanded, so that file loads too.
     */
    @Test
    void shapeAndSubarrayTogetherBeyondMaxDims() throws IOException {
        String twenty = "(" + "1, ".repeat(20) + ")";
        // a top-level subarray of one element reads as its base in the header's shape, as numpy's read_array does
        Path sub = dir.resolve("sub.npy");
        Files.write(sub, npy(1, dict("('<i4', " + twenty + ")", "False", twenty), new byte[4]));
        assertEquals(20, Npy.read(sub).shape().length);
        BrineException e = failsReading("sub2.npy", npy(1, dict("('<i4', (2,))", "False", "(1,)"), new byte[8]));
        assertTrue(e.getMessage().contains("subarray of 2 elements"), e.getMessage());
        Path field = dir.resolve("field.npy");
        Files.write(field, npy(1, dict("[('a', '<i4', " + twenty + ")]", "False", twenty), new byte[4]));
        assertEquals(20, Npy.read(field).shape().length);
    }

    /** A version 3 header length of 2^32 - 1 under limits that allow it: refused before any allocation. */
    @Test
    void headerLongerThanAnArrayUnderRaisedLimits() throws IOException {
        byte[] b = npy(3, dict("'<f8'", "False", "(1,)"), new byte[8]);
        b[8] = b[9] = b[10] = b[11] = (byte) 0xFF;
        byte[] content = java.util.Arrays.copyOf(b, 12 + 100);
        BrineException e = assertThrows(BrineException.class,
                () -> Npy.read(new ByteArrayInputStream(content), Limits.TRUSTED));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void unsupportedVersion() throws IOException {
        byte[] b = npy(1, dict("'<f8'", "False", "(1,)"), new byte[8]);
        b[6] = 4;
        assertTrue(failsReading("v4.npy", b).getMessage().contains("version 4.0"));
    }

    @Test
    void unknownDescr() throws IOException {
        BrineException e = failsReading("q.npy", npy(1, dict("'<q7'", "False", "(3,)"), new byte[24]));
        assertTrue(e.getMessage().contains("unknown descr '<q7'"), e.getMessage());
        failsReading("list.npy", npy(1, dict("[('a', '<zz')]", "False", "(3,)"), new byte[24]));
        failsReading("num.npy", npy(1, dict("5", "False", "(3,)"), new byte[24]));
        failsReading("dup.npy", npy(1, dict("[('a', '<i4'), ('a', '<i4')]", "False", "(1,)"), new byte[8]));
        failsReading("bf16.npy", npy(1, dict("'<bfloat16'", "False", "(1,)"), new byte[2]));
        failsReading("f8.npy", npy(1, dict("'|float8_e4m3fn'", "False", "(1,)"), new byte[1]));
        failsReading("c32.npy", npy(1, dict("'<complex32'", "False", "(1,)"), new byte[4]));
        failsReading("c4.npy", npy(1, dict("'<c4'", "False", "(1,)"), new byte[4]));
    }

    @Test
    void truncatedData() throws IOException {
        BrineException e = failsReading("t.npy", npy(1, dict("'<f8'", "False", "(1000,)"), new byte[100]));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("8000"), e.getMessage());
        byte[] headerCut = java.util.Arrays.copyOf(npy(1, dict("'<f8'", "False", "(1,)"), new byte[8]), 40);
        assertTrue(failsReading("h.npy", headerCut).getMessage().contains("truncated"));
    }

    @Test
    void truncatedStreamDoesNotAllocateWhatTheHeaderClaims() throws IOException {
        // 64 GiB claimed, 100 bytes present: trusted limits let it through to the data, which runs out
        byte[] file = npy(1, dict("'<f8'", "False", "(8589934592,)"), new byte[100]);
        BrineException e = assertThrows(BrineException.class,
                () -> Npy.read(new ByteArrayInputStream(file), Limits.TRUSTED));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // the default limits refuse the allocation before reading
        LimitExceededException l = assertThrows(LimitExceededException.class,
                () -> Npy.read(new ByteArrayInputStream(file), Limits.DEFAULT));
        assertEquals("maxAllocation", l.limit());
    }

    @Test
    void headerTooLarge() throws IOException {
        String big = dict("'<f8'", "False", "(1,)") + " ".repeat(20_000);
        LimitExceededException e = (LimitExceededException) failsReading("big.npy", npy(1, big, new byte[8]));
        assertEquals("maxNpyHeaderSize", e.limit());
        // a v2 header that claims 4 GiB is refused before anything is read or allocated
        byte[] claim = npy(2, dict("'<f8'", "False", "(1,)"), new byte[8]);
        ByteBuffer.wrap(claim).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);
        assertEquals("maxNpyHeaderSize", ((LimitExceededException) failsReading("claim.npy", claim)).limit());
        // with trusted limits the file size stops it
        ByteBuffer.wrap(claim).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7FFF0000);
        assertTrue(failsReading("claim2.npy", claim, Limits.TRUSTED).getMessage().contains("truncated"));
    }

    @Test
    void codeInHeaderIsNeverRun() throws IOException {
        Path marker = dir.resolve("pwned");
        String code = "__import__('os').system('touch " + marker + "')";
        BrineException e = failsReading("code.npy", npy(1, dict(code, "False", "(3,)"), new byte[24]));
        assertTrue(e.getMessage().contains("__import__"), e.getMessage());
        assertTrue(!Files.exists(marker));
        failsReading("call.npy", npy(1, dict("'<f8'", "bool(1)", "(3,)"), new byte[24]));
        failsReading("expr.npy", npy(1, dict("'<f8'", "False", "(1+2,)"), new byte[24]));
        failsReading("lambda.npy", npy(1, "(lambda: 0)()", new byte[0]));
    }

    @Test
    void shapeProductOverflows() throws IOException {
        BrineException e = failsReading("ovf.npy", npy(1, dict("'<f8'", "False", "(4294967296, 4294967296)"), new byte[8]),
                Limits.TRUSTED);
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        failsReading("ovf2.npy", npy(1, dict("'<f8'", "False", "(0, 4294967296, 4294967296)"), new byte[8]), Limits.TRUSTED);
        failsReading("huge.npy", npy(1, dict("'<f8'", "False", "(99999999999999999999999,)"), new byte[8]));
        LimitExceededException l = (LimitExceededException) failsReading("many.npy",
                npy(1, dict("'|u1'", "False", "(34359738368,)"), new byte[8]));
        assertEquals("maxArrayElements", l.limit());
    }

    @Test
    void objectArraysAreRefused() throws IOException {
        BrineException e = failsReading("obj.npy", npy(1, dict("'|O'", "False", "(2,)"), new byte[40]));
        assertTrue(e.getMessage().contains("pickle"), e.getMessage());
        failsReading("objrec.npy", npy(1, dict("[('a', '|O')]", "False", "(2,)"), new byte[40]));
    }

    @Test
    void malformedDictionaries() throws IOException {
        failsReading("neg.npy", npy(1, dict("'<f8'", "False", "(-1,)"), new byte[8]));
        failsReading("float.npy", npy(1, dict("'<f8'", "False", "(1.0,)"), new byte[8]));
        failsReading("list.npy", npy(1, dict("'<f8'", "False", "[1]"), new byte[8]));
        failsReading("fortran.npy", npy(1, dict("'<f8'", "1", "(1,)"), new byte[8]));
        failsReading("extra.npy", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", new byte[8]));
        failsReading("missing.npy", npy(1, "{'descr': '<f8', 'shape': (1,)}", new byte[8]));
        failsReading("notdict.npy", npy(1, "['descr']", new byte[8]));
        failsReading("unterminated.npy", npy(1, "{'descr': '<f8", new byte[8]));
        failsReading("trailing.npy", npy(1, dict("'<f8'", "False", "(1,)") + " x", new byte[8]));
        failsReading("dims.npy", npy(1, dict("'<f8'", "False", "(" + "1, ".repeat(40) + ")"), new byte[8]));
        byte[] badUtf8 = npy(3, dict("'<f8'", "False", "(1,)"), new byte[8]);
        badUtf8[12] = (byte) 0xFF;
        failsReading("utf8.npy", badUtf8);
    }

    @Test
    void deepNestingIsRefusedWithoutStackOverflow() throws IOException {
        String deep = "[".repeat(200_000);
        failsReading("deep.npy", npy(2, dict(deep, "False", "(1,)"), new byte[8]), Limits.TRUSTED);
        String deepDescr = "[('a', ".repeat(80) + "'<i4'" + ")]".repeat(80);
        failsReading("deepdescr.npy", npy(2, dict(deepDescr, "False", "(1,)"), new byte[8]), Limits.TRUSTED);
    }

    @Test
    void python2LongsAreAcceptedAsNumpyDoes() throws IOException {
        Path f = dir.resolve("py2.npy");
        Files.write(f, npy(1, dict("'<i2'", "False", "(2L, 1L)"), new byte[4]));
        assertEquals(2, Npy.read(f).shape()[0]);
        // but not in format 3.0, where numpy does not filter them either
        failsReading("py2v3.npy", npy(3, dict("'<i2'", "False", "(2L, 1L)"), new byte[4]));
    }

    @Test
    void streamWithExtraBytesReadsOneArray() throws IOException {
        byte[] one = npy(1, dict("'<i2'", "False", "(2,)"), new byte[] {1, 0, 2, 0});
        InputStream two = new SequenceInputStream(new ByteArrayInputStream(one), new ByteArrayInputStream(one));
        assertEquals(1, Npy.read(two, Limits.DEFAULT).getLong(0));
        assertEquals(2, Npy.read(two, Limits.DEFAULT).getLong(1));
    }
}
