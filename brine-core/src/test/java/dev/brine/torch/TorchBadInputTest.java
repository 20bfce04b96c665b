package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import dev.brine.pickle.Pickler;
import dev.brine.pickle.PicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed and hostile checkpoints end in a BrineException that says what and where. */
class TorchBadInputTest {
    @TempDir
    Path dir;

    /** Pickles as a persistent id. */
    private record Pid(Tuple id) {
    }

    private static final Global REBUILD = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global FLOAT = new Global("torch", "FloatStorage");

    static byte[] pickle(Object o) throws Exception {
        PicklerOptions opts = PicklerOptions.builder().protocol(2).registry(ClassRegistry.builtins())
                .persistentId(x -> x instanceof Pid ? ((Pid) x).id() : null).build();
        return Pickler.dumps(o, opts);
    }

    /** {@code _rebuild_tensor_v2(storage key, offset, size, stride, False, OrderedDict())}. */
    static Object tensor(String key, long numel, long offset, Tuple size, Tuple stride) {
        return GenericObject.reduced(REBUILD, Tuple.of(new Pid(Tuple.of("storage", FLOAT, key, "cpu", numel)), offset,
                size, stride, false, new OrderedDict<>()));
    }

    private Path zip(String name, Map<String, byte[]> members) throws Exception {
        Path f = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : members.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    private Map<String, byte[]> checkpoint(Object data, int floats) throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("ck/data.pkl", pickle(data));
        m.put("ck/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        m.put("ck/data/0", new byte[4 * floats]);
        m.put("ck/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return m;
    }

    private String refused(Path f) {
        return refused(f, TorchOptions.DEFAULT);
    }

    private String refused(Path f, TorchOptions o) {
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(f, o));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage();
    }

    private static void contains(String message, String part) {
        assertTrue(message.contains(part), "'" + part + "' not in: " + message);
    }

    @Test
    void wellFormedBaseline() throws Exception {
        Path f = zip("ok.pt", checkpoint(Map.of("w", tensor("0", 6, 0, Tuple.of(2L, 3L), Tuple.of(3L, 1L))), 6));
        Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(f);
        assertEquals(6, ((dev.brine.ndarray.NDArray) d.get("w")).size());
    }

    @Test
    void archiveStructure() throws Exception {
        Map<String, byte[]> m = checkpoint(Map.of(), 0);
        m.remove("ck/data.pkl");
        contains(refused(zip("nopkl.pt", m)), "no <folder>/data.pkl");
        m = checkpoint(Map.of(), 0);
        m.put("other/x", new byte[1]);
        contains(refused(zip("outside.pt", m)), "member other/x lies outside the checkpoint's folder ck/");
        m = checkpoint(Map.of(), 0);
        m.remove("ck/version");
        contains(refused(zip("nover.pt", m)), "no version record");
        m = checkpoint(Map.of(), 0);
        m.put("ck/version", "x".getBytes(StandardCharsets.US_ASCII));
        contains(refused(zip("badver.pt", m)), "member ck/version: not a version number");
        m.put("ck/version", "99".getBytes(StandardCharsets.US_ASCII));
        contains(refused(zip("newver.pt", m)), "format version 99 is not supported");
        m = checkpoint(Map.of(), 0);
        m.put("ck/byteorder", "middle".getBytes(StandardCharsets.US_ASCII));
        contains(refused(zip("order.pt", m)), "member ck/byteorder: unknown byte order 'middle'");
        m = checkpoint(Map.of(), 0);
        m.put("ck/constants.pkl", new byte[1]);
        contains(refused(zip("jit.pt", m)), "TorchScript");
        m = checkpoint(Map.of(), 0);
        m.put("../evil", new byte[1]);
        contains(refused(zip("evil.pt", m)), "unsafe member name");
        Path junk = dir.resolve("junk.pt");
        Files.writeString(junk, "hello");
        contains(refused(junk), "not a torch checkpoint");
        byte[] tar = new byte[1024];
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 5);
        Path t = dir.resolve("old.tar");
        Files.write(t, tar);
        contains(refused(t), "tar checkpoint");
        Path truncated = dir.resolve("trunc.pt");
        byte[] whole = Files.readAllBytes(zip("whole.pt", checkpoint(Map.of(), 0)));
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 30));
        contains(refused(truncated), "trunc.pt");
    }

    @Test
    void storages() throws Exception {
        Map<String, byte[]> m = checkpoint(Map.of("w", tensor("7", 6, 0, Tuple.of(6L), Tuple.of(1L))), 6);
        contains(refused(zip("missing.pt", m)), "refers to storage '7' but member ck/data/7 is missing");
        m = checkpoint(Map.of("w", tensor("0", 6, 0, Tuple.of(6L), Tuple.of(1L))), 5);
        contains(refused(zip("short.pt", m)), "member ck/data/0: holds 20 bytes but the pickle declares 6");
        m = checkpoint(Map.of("w", tensor("0", 6, 2, Tuple.of(2L, 3L), Tuple.of(3L, 1L))), 6);
        String msg = refused(zip("oob.pt", m));
        contains(msg, "reaches element 7 of a storage of 6");
        contains(msg, "member ck/data.pkl");
        contains(msg, "offset ");
        m = checkpoint(Map.of("w", tensor("0", 6, 0, Tuple.of(2L, 3L), Tuple.of(-3L, 1L))), 6);
        contains(refused(zip("neg.pt", m)), "negative size or stride");
        m = checkpoint(Map.of("w", tensor("0", 6, 0, Tuple.of(2L, 3L), Tuple.of(1L))), 6);
        contains(refused(zip("arity.pt", m)), "differ in length");
        m = checkpoint(Map.of("w", tensor("0", 6, 0, Tuple.of(1L << 40, 1L << 40), Tuple.of(1L, 1L))), 6);
        contains(refused(zip("huge.pt", m)), "overflows");
        m = checkpoint(Map.of("w", new Pid(Tuple.of("module", FLOAT, "0", "cpu", 1L))), 1);
        contains(refused(zip("module.pt", m)), "state_dict");
        m = checkpoint(Map.of("w", new Pid(Tuple.of("storage", new Global("torch", "QInt8Storage"), "0", "cpu", 4L))), 1);
        contains(refused(zip("q.pt", m)), "storages of torch.qint8 are not supported");
        m = checkpoint(Map.of("w", new Pid(Tuple.of("storage", new Global("my", "Storage"), "0", "cpu", 4L))), 1);
        contains(refused(zip("unknown.pt", m)), "global 'my.Storage' is not allowed");
        contains(refused(zip("unknown2.pt", m), TorchOptions.builder().genericObjects(true).build()),
                "unsupported storage type my.Storage");
        m = checkpoint(Map.of("w", GenericObject.reduced(new Global("torch._utils", "_rebuild_qtensor"), Tuple.empty())), 0);
        contains(refused(zip("qt.pt", m)), "quantized tensors are not supported");
    }

    @Test
    void heapLimitSuggestsMapping() throws Exception {
        Path f = zip("big.pt", checkpoint(Map.of("w", tensor("0", 1024, 0, Tuple.of(1024L), Tuple.of(1L))), 1024));
        TorchOptions small = TorchOptions.builder().limits(Limits.builder().maxAllocation(1000).build()).build();
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> TorchCheckpoint.load(f, small));
        contains(e.getMessage(), "mmap");
        assertEquals("maxAllocation", e.limit());
    }

    /**
     * {@code _rebuild_from_type_v2(_rebuild_from_type_v2, None, (_rebuild_from_type_v2, None, ..., None), None)}
     * nested {@code depth} deep, the innermost call's arguments {@code inner} (pickle opcodes).
     */
    static byte[] nestedRebuildFromType(int depth, String inner) {
        StringBuilder p = new StringBuilder("\u0080\u0002ctorch._tensor\n_rebuild_from_type_v2\nq\u0000");
        p.append("(h\u0000N".repeat(depth)).append(inner).append("Nt".repeat(depth)).append("R.");
        return p.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void nestedRebuildFromTypeDoesNotRecurse() throws Exception {
        Map<String, byte[]> m = checkpoint(Map.of(), 0);
        // 99,999 levels (the MARKs stay under maxDepth) used to overflow the stack, reported as a hashing failure
        m.put("ck/data.pkl", nestedRebuildFromType(99_999, ")"));
        contains(refused(zip("deep.pt", m)), "_rebuild_from_type_v2 (nested 99999 deep) takes 4 arguments, got 0");
        // a tensor two levels down is still a tensor
        Global fromType = new Global("torch._tensor", "_rebuild_from_type_v2");
        Tuple tensorArgs = Tuple.of(new Pid(Tuple.of("storage", FLOAT, "0", "cpu", 2L)), 0L, Tuple.of(2L), Tuple.of(1L),
                false, new OrderedDict<>());
        Object nested = GenericObject.reduced(fromType, Tuple.of(fromType, null,
                Tuple.of(REBUILD, null, tensorArgs, new LinkedHashMap<>()), new LinkedHashMap<>()));
        Object loaded = TorchCheckpoint.load(zip("nested-ok.pt", checkpoint(nested, 2)));
        assertEquals(2, assertInstanceOf(dev.brine.ndarray.NDArray.class, loaded).size());
    }

    @Test
    void genericObjectsStayInert() throws Exception {
        Object evil = GenericObject.reduced(new Global("builtins", "eval"), Tuple.of("__import__('os').system('x')"));
        Path f = zip("eval.pt", checkpoint(Map.of("x", evil), 0));
        contains(refused(f), "eval' is not allowed"); // written as __builtin__.eval at protocol 2
        Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(f, TorchOptions.builder().genericObjects(true).build());
        GenericObject g = assertInstanceOf(GenericObject.class, d.get("x"));
        assertEquals("eval", g.type().name());
    }

    @Test
    void legacy() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(pickle(new java.math.BigInteger("1950A86A20F9469CFC6D", 16)));
        Path bad = dir.resolve("magic.pt");
        Files.write(bad, out.toByteArray());
        contains(refused(bad), "not a torch checkpoint but a plain pickle (read it with Pickle.load): its first pickle holds");
        // a well-formed one, then broken in its storage part
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        ok.write(pickle(CheckpointReader.LEGACY_MAGIC));
        ok.write(pickle(CheckpointReader.LEGACY_PROTOCOL));
        ok.write(pickle(Map.of("little_endian", true)));
        ok.write(pickle(Map.of("w", GenericObject.reduced(REBUILD, Tuple.of(new Pid(Tuple.of("storage", FLOAT, "k", "cpu",
                2L, null)), 0L, Tuple.of(2L), Tuple.of(1L), false, new OrderedDict<>())))));
        ok.write(pickle(java.util.List.of("k")));
        byte[] head = ok.toByteArray();
        byte[] storage = {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40};
        Path good = dir.resolve("good.pt");
        Files.write(good, concat(head, storage));
        Map<?, ?> d = (Map<?, ?>) TorchCheckpoint.load(good);
        assertEquals(2.0, ((dev.brine.ndarray.NDArray) d.get("w")).getDouble(1));
        Path truncated = dir.resolve("trunc.pt");
        Files.write(truncated, concat(head, java.util.Arrays.copyOf(storage, 12)));
        contains(refused(truncated), "claims 8 bytes but only 4 remain");
        Path extra = dir.resolve("extra.pt");
        Files.write(extra, concat(head, concat(storage, new byte[3])));
        // bytes after the last storage: read as torch.load reads them (it stops after the storages), and counted
        TorchCheckpoint.LoadResult read = TorchCheckpoint.loadResult(extra, TorchOptions.DEFAULT);
        assertEquals(2.0, ((dev.brine.ndarray.NDArray) ((Map<?, ?>) read.value()).get("w")).getDouble(1));
        assertEquals(3, read.trailingBytes());
        Path count = dir.resolve("count.pt");
        byte[] wrong = storage.clone();
        wrong[0] = 3;
        Files.write(count, concat(head, wrong));
        contains(refused(count), "holds 3 elements but the pickle declares 2");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
