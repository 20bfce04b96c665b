package dev.brine.hostile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hand-made hostile files, each small, each of which every reader must refuse with a
 * {@code BrineException} quickly and in bounded memory. Shared with brine-cli's tests (test-jar),
 * which run the same vectors through {@code brine show}. Keys name the vector; the file suffix
 * ({@code .pkl}, {@code .npy}, {@code .npz}, {@code .zip} for model archives, {@code .safetensors})
 * tells which reader it is for.
 */
public final class HostileVectors {
    /** The length-prefixed pickle opcodes and the largest length their field can declare. */
    public static final Map<String, byte[]> LENGTH_OPCODES = new LinkedHashMap<>();

    static {
        // opcode byte followed by its largest declared length
        LENGTH_OPCODES.put("BINBYTES", new Bytes().op('B').u32(0xFFFFFFFFL).bytes());
        LENGTH_OPCODES.put("BINBYTES8", new Bytes().u8(0x8e).u64(Long.MAX_VALUE).bytes());
        LENGTH_OPCODES.put("BINUNICODE", new Bytes().op('X').u32(0xFFFFFFFFL).bytes());
        LENGTH_OPCODES.put("BINUNICODE8", new Bytes().u8(0x8d).u64(Long.MAX_VALUE).bytes());
        LENGTH_OPCODES.put("BINSTRING", new Bytes().op('T').u32(0x7FFFFFFFL).bytes());
        LENGTH_OPCODES.put("LONG4", new Bytes().u8(0x8b).u32(0x7FFFFFFFL).bytes());
        LENGTH_OPCODES.put("BYTEARRAY8", new Bytes().u8(0x96).u64(Long.MAX_VALUE).bytes());
        LENGTH_OPCODES.put("FRAME", new Bytes().u8(0x95).u64(Long.MAX_VALUE).bytes());
        // lengths that fit under the default maxAllocation (2 GiB) but whose bytes are not there
        LENGTH_OPCODES.put("BINBYTES8-under-limit", new Bytes().u8(0x8e).u64((1L << 31) - 64).bytes());
        LENGTH_OPCODES.put("BINUNICODE8-under-limit", new Bytes().u8(0x8d).u64((1L << 31) - 64).bytes());
        LENGTH_OPCODES.put("BYTEARRAY8-under-limit", new Bytes().u8(0x96).u64((1L << 31) - 64).bytes());
        LENGTH_OPCODES.put("BINBYTES-2GiB", new Bytes().op('B').u32(0x7FFFFFF0L).bytes());
        LENGTH_OPCODES.put("FRAME-then-BINBYTES", new Bytes().u8(0x95).u64(1L << 40).op('B').u32(0x7FFFFFF0L).bytes());
    }

    private HostileVectors() {
    }

    /** A protocol-5 pickle: PROTO 5, the opcode with its huge length, then a few bytes. */
    public static byte[] lengthBomb(String opcode) {
        return new Bytes().u8(0x80, 5).raw(LENGTH_OPCODES.get(opcode)).ascii("abc").bytes();
    }

    /** {@code n} MARKs: refused by maxDepth (default 100,000). */
    public static byte[] nestedMarks(int n) {
        byte[] marks = new byte[n + 2];
        marks[0] = (byte) 0x80;
        marks[1] = 2;
        Arrays.fill(marks, 2, marks.length, (byte) '(');
        return marks;
    }

    /** {@code [[[...]]]} nested {@code n} deep, as CPython writes it (EMPTY_LIST + APPEND): loads. */
    public static byte[] nestedLists(int n) {
        Bytes b = new Bytes().u8(0x80, 4);
        byte[] open = new byte[n];
        Arrays.fill(open, (byte) ']');
        byte[] close = new byte[n - 1];
        Arrays.fill(close, (byte) 'a');
        return b.raw(open).raw(close).op('.').bytes();
    }

    /** {@code ((((),),),)} nested {@code n} deep with TUPLE1: loads. */
    public static byte[] nestedTuples(int n) {
        Bytes b = new Bytes().u8(0x80, 4).op(')');
        byte[] wrap = new byte[n];
        Arrays.fill(wrap, (byte) 0x85);
        return b.raw(wrap).op('.').bytes();
    }

    /** Every hostile pickle, by name. */
    public static Map<String, byte[]> pickles() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String op : LENGTH_OPCODES.keySet()) {
            m.put("length-" + op + ".pkl", lengthBomb(op));
        }
        m.put("million-marks.pkl", nestedMarks(1_000_000));
        m.put("negative-BINSTRING.pkl", new Bytes().u8(0x80, 2).op('T').u32(0x80000000L).ascii("x").bytes());
        m.put("negative-LONG4.pkl", new Bytes().u8(0x80, 2).u8(0x8b).u32(0xFFFFFFFFL).bytes());
        m.put("negative-FRAME.pkl", new Bytes().u8(0x80, 4).u8(0x95).u64(-1).op('N').op('.').bytes());
        m.put("empty.pkl", new byte[0]);
        m.put("copies-of-1MiB.pkl", AmplificationTest.repeatedCall("builtins", "bytearray", AmplificationTest.bytesOf(1 << 20), 3000));
        m.put("million-digit-int.pkl", new Bytes().op('I').ascii("9".repeat(1_000_000)).ascii("\n.").bytes());
        m.put("doubling-key.pkl", StructureBombTest.doublingTuple(new Bytes().u8(0x80, 4).op('}'), 100).op('N').op('s').op('.')
                .bytes());
        Bytes deepKey = new Bytes().u8(0x80, 4).op('}').op(')');
        for (int i = 0; i < 200_000; i++) {
            deepKey.u8(0x85);
        }
        m.put("deep-key.pkl", deepKey.op('N').op('s').op('.').bytes());
        return m;
    }

    /** An NPY file: magic, version 1.0, the header text padded to 64 bytes, then {@code data}. */
    public static byte[] npy(String header, byte[] data) {
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        String text = header + " ".repeat(pad) + "\n";
        return new Bytes().u8(0x93).ascii("NUMPY").u8(1, 0).u16(text.length()).ascii(text).raw(data).bytes();
    }

    /** Every hostile NPY file, by name. */
    public static Map<String, byte[]> npys() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("shape-overflow.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }",
                new byte[8]));
        m.put("shape-huge.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", new byte[8]));
        m.put("shape-under-limits-but-absent.npy",
                npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2000000000,), }", new byte[8]));
        m.put("shape-negative.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", new byte[8]));
        m.put("shape-bigint.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (" + "9".repeat(400) + ",), }",
                new byte[8]));
        m.put("header-code.npy", npy("{'descr': __import__('os').system('touch /tmp/brine-pwned'), "
                + "'fortran_order': False, 'shape': (1,), }", new byte[8]));
        m.put("header-call.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': eval('(1,)'), }", new byte[8]));
        m.put("header-lambda.npy", npy("{'descr': (lambda: '<f8')(), 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        m.put("header-object.npy", npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        m.put("header-nested.npy", npy("{'descr': " + "[".repeat(5000) + "]".repeat(5000)
                + ", 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        String big = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'pad': '" + "x".repeat(20_000) + "'}";
        m.put("header-over-limit.npy", new Bytes().u8(0x93).ascii("NUMPY").u8(2, 0).u32(big.length() + 1).ascii(big)
                .ascii("\n").bytes());
        m.put("header-length-lies.npy", new Bytes().u8(0x93).ascii("NUMPY").u8(2, 0).u32(0xFFFFFFFFL).ascii("{").bytes());
        m.put("data-truncated.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }", new byte[8]));
        m.put("bad-version.npy", new Bytes().u8(0x93).ascii("NUMPY").u8(9, 9).u16(0).bytes());
        m.put("only-magic.npy", new Bytes().u8(0x93).ascii("NUMPY").bytes());
        return m;
    }

    /** A tiny valid NPY member (three float64s). */
    public static byte[] smallNpy() {
        return npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new byte[24]);
    }

    /** Every hostile NPZ (ZIP) file, by name. */
    public static Map<String, byte[]> npzs() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        byte[] header = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3221225472,), }", new byte[0]);
        // declares 3 GiB honestly from 3 MiB (ratio ~1000, under the 1,100 allowed): the array is over maxAllocation
        ZipBuilder honest = new ZipBuilder();
        honest.rawDeflated("a.npy", ZipBuilder.zerosBomb(header, 3072), header.length + (3L << 30), 0);
        m.put("bomb-3GiB.npz", honest.build());
        // inflates 64 MiB but claims 16 GiB from 64 KiB: over the inflate ratio before reading a byte
        ZipBuilder claims = new ZipBuilder();
        claims.rawDeflated("a.npy", ZipBuilder.zerosBomb(header, 64), 16L << 30, 0);
        m.put("bomb-claims-16GiB.npz", claims.build());
        // claims 1 TiB: over maxInflatedSize (64 GiB)
        ZipBuilder tera = new ZipBuilder();
        tera.rawDeflated("a.npy", ZipBuilder.zerosBomb(header, 64), 1L << 40, 0);
        m.put("bomb-claims-1TiB.npz", tera.build());
        // claims a small size and inflates far beyond it: stopped at the declared size
        ZipBuilder liar = new ZipBuilder();
        byte[] small = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (100,), }", new byte[0]);
        liar.rawDeflated("a.npy", ZipBuilder.zerosBomb(small, 64), small.length + 100, 0);
        m.put("bomb-lies-small.npz", liar.build());
        // a non-NPY member inflating to 3 GiB
        ZipBuilder raw = new ZipBuilder();
        raw.rawDeflated("notes.bin", ZipBuilder.zerosBomb(new byte[0], 3072), 3L << 30, 0);
        m.put("bomb-raw-member.npz", raw.build());
        // one 1 MiB-of-zeros kernel shared by 1,000 overlapping members (a "better zip bomb")
        ZipBuilder overlap = new ZipBuilder();
        byte[] member = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1048576,), }", new byte[1 << 20]);
        ZipBuilder.Member first = overlap.deflated("m0.npy", member);
        for (int i = 1; i < 1000; i++) {
            ZipBuilder.Member copy = overlap.rawDeflated("m" + i + ".npy", first.data, first.size, first.crc);
            copy.writeLocal = false;
            copy.localOffset = 0;
        }
        m.put("overlapping-members.npz", overlap.build());

        m.put("dotdot-name.npz", zipOf("../../etc/passwd.npy"));
        m.put("dotdot-inner.npz", zipOf("a/../../b.npy"));
        m.put("absolute-name.npz", zipOf("/etc/cron.d/x.npy"));
        m.put("backslash-name.npz", zipOf("..\\..\\x.npy"));
        m.put("drive-name.npz", zipOf("C:\\Windows\\x.npy"));
        m.put("nul-name.npz", zipOf("a\u0000.npy"));
        ZipBuilder claimsMore = new ZipBuilder();
        claimsMore.stored("a.npy", smallNpy()).compressedSize = 1L << 32;
        claimsMore.members().get(0).size = 1L << 32;
        m.put("member-claims-more.npz", claimsMore.build());
        ZipBuilder offsetOut = new ZipBuilder();
        offsetOut.stored("a.npy", smallNpy()).localOffset = 1L << 31;
        m.put("member-offset-outside.npz", offsetOut.build());
        ZipBuilder badCrc = new ZipBuilder();
        badCrc.stored("a.npy", smallNpy()).crc = 12345;
        m.put("bad-crc.npz", badCrc.build());
        ZipBuilder manyMembers = new ZipBuilder();
        for (int i = 0; i < 100_001; i++) {
            manyMembers.stored("m" + i, new byte[0]);
        }
        m.put("too-many-members.npz", manyMembers.build());
        byte[] good = zipOf("a.npy");
        m.put("truncated-directory.npz", Arrays.copyOf(good, good.length - 30));
        byte[] corrupt = good.clone();
        int cd = indexOf(corrupt, new byte[] {0x50, 0x4b, 0x01, 0x02});
        corrupt[cd + 28] = (byte) 0xff; // name length runs past the directory
        corrupt[cd + 29] = (byte) 0xff;
        m.put("corrupt-directory.npz", corrupt);
        byte[] noEnd = good.clone();
        noEnd[noEnd.length - 22] = 'X'; // the end record's signature
        m.put("no-end-record.npz", noEnd);
        m.put("not-a-zip.npz", "PK but nothing else".getBytes(StandardCharsets.US_ASCII));
        m.put("zip64-offset-wraps.npz", offsetWraps("a.npy", smallNpy()));
        m.put("lies-1.5GiB-garbage.npz", lyingMember("a.npy", true));
        m.put("lies-1.5GiB-short.npz", lyingMember("a.npy", false));
        return m;
    }

    /**
     * One member whose ZIP64 local header offset is 2^63 - 1, in a file with one byte prepended:
     * offset + prepended bytes wraps to a negative position unless the sum is checked.
     */
    static byte[] offsetWraps(String name, byte[] content) {
        ZipBuilder z = new ZipBuilder();
        z.stored(name, content).localOffset = Long.MAX_VALUE;
        return new Bytes().ascii("X").raw(z.build()).bytes();
    }

    /** What a lying member declares: a (1.5 GiB,) uint8 NPY array, under maxAllocation (2 GiB). */
    static final long LIE_ELEMENTS = 3L << 29;

    /**
     * A deflated NPY member declaring a (1.5 GiB,) uint8 array (and the member's size to match),
     * in 1.5 MB of compressed data so that the declared size passes maxInflateRatio (1,100), which
     * then delivers the header and either garbage (a corrupt deflate stream) or 8 MiB of zeros and
     * an end (a stream that ends early). A reader that allocates what the member declares before
     * the bytes arrive needs 1.5 GiB to refuse 1.5 MB.
     */
    static byte[] lyingMember(String name, boolean garbage) {
        ZipBuilder z = new ZipBuilder();
        z.rawDeflated(name, lyingDeflate(garbage), LIE_HEADER.length + LIE_ELEMENTS, 0);
        return z.build();
    }

    private static final byte[] LIE_HEADER = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (" + LIE_ELEMENTS + ",), }",
            new byte[0]);

    static byte[] lyingDeflate(boolean garbage) {
        byte[] data = new byte[1_500_000];
        byte[] start;
        if (garbage) {
            new java.util.Random(7).nextBytes(data);
            byte[] bomb = ZipBuilder.zerosBomb(LIE_HEADER, 1);
            start = Arrays.copyOf(bomb, bomb.length - 2); // without its final block: the garbage follows
        } else {
            start = ZipBuilder.zerosBomb(LIE_HEADER, 8); // ends: the zero padding after it is never read
        }
        System.arraycopy(start, 0, data, 0, start.length);
        return data;
    }

    /** Hostile model archives (ZIPs with a {@code pkl} member), by name. */
    public static Map<String, byte[]> archives() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("zip64-offset-wraps.zip", offsetWraps("pkl", ARCHIVE_PICKLE));
        for (boolean garbage : new boolean[] {true, false}) {
            ZipBuilder z = new ZipBuilder();
            z.rawDeflated("W", lyingDeflate(garbage), LIE_HEADER.length + LIE_ELEMENTS, 0);
            z.stored("pkl", ARCHIVE_PICKLE);
            m.put("lies-1.5GiB-" + (garbage ? "garbage" : "short") + ".zip", z.build());
        }
        return m;
    }

    /** A model archive's pickle: {@code [<persistent id "ndarray.W">]}, protocol 2. */
    static final byte[] ARCHIVE_PICKLE = new Bytes().u8(0x80, 2).op(']').op('X').u32(9).ascii("ndarray.W").op('Q').op('a')
            .op('.').bytes();

    /** A safetensors file: the u64 header length, then the JSON header, then {@code data}. */
    public static byte[] safetensors(String json, byte[] data) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return new Bytes().u64(header.length).raw(header).raw(data).bytes();
    }

    /** Hostile safetensors files, by name. */
    public static Map<String, byte[]> safetensors() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        // no element, so no byte of data, but the non-zero sizes overflow: numpy refuses it as "array is too big"
        m.put("empty-but-overflowing.safetensors", safetensors("{\"t\": {\"dtype\": \"F32\", \"shape\": [0, "
                + (1L << 62) + ", " + (1L << 62) + "], \"data_offsets\": [0, 0]}}", new byte[0]));
        m.put("shape-overflows.safetensors", safetensors("{\"t\": {\"dtype\": \"F32\", \"shape\": [" + (1L << 62)
                + ", 4], \"data_offsets\": [0, 0]}}", new byte[0]));
        m.put("data-missing.safetensors", safetensors("{\"t\": {\"dtype\": \"F32\", \"shape\": [1000000000], "
                + "\"data_offsets\": [0, 4000000000]}}", new byte[16]));
        m.put("header-length-lies.safetensors", new Bytes().u64(Long.MAX_VALUE).ascii("{}").bytes());
        return m;
    }

    /** A ZIP with one small NPY member called {@code name}. */
    public static byte[] zipOf(String name) {
        ZipBuilder z = new ZipBuilder();
        z.stored(name, smallNpy());
        return z.build();
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * One file of {@code count} members, each inflating about a thousandfold to {@code megabytes} MiB
     * of zeros (after an NPY header where the format has one): every member is within the per-member
     * limits (maxAllocation, maxInflatedSize, maxInflateRatio), and only all of them together ask for
     * more than a heap holds. {@code kind} is the suffix of the format: {@code .zip}, a model archive
     * (members {@code A0}, {@code A1}, ..., then {@code pkl}, a list of their persistent ids);
     * {@code .npz} ({@code A0.npy}, ...); {@code .pt}, a torch checkpoint holding
     * {@code {'A0': tensor, ...}} of uint8 over deflated storages {@code bomb/data/0}, ... (torch.load
     * reads deflated storages as well). Five members of 1,430 MiB make a 7 MB file asking for 7.5 GB.
     */
    public static byte[] manyMembers(String kind, int count, int megabytes) {
        long elements = (long) megabytes << 20;
        byte[] prefix = kind.equals(".pt") ? new byte[0]
                : npy("{'descr': '|u1', 'fortran_order': False, 'shape': (" + elements + ",), }", new byte[0]);
        byte[] deflated = ZipBuilder.zerosBomb(prefix, megabytes);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(prefix);
        byte[] zeros = new byte[1 << 20];
        for (int i = 0; i < megabytes; i++) {
            crc.update(zeros);
        }
        ZipBuilder z = new ZipBuilder();
        Bytes pickle = new Bytes().u8(0x80, 2);
        switch (kind) {
            case ".zip" -> {
                pickle.op(']').op('(');
                for (int i = 0; i < count; i++) {
                    z.rawDeflated("A" + i, deflated, prefix.length + elements, crc.getValue());
                    String pid = "ndarray.A" + i;
                    pickle.op('X').u32(pid.length()).ascii(pid).op('Q');
                }
                z.deflated("pkl", pickle.op('e').op('.').bytes());
            }
            case ".npz" -> {
                for (int i = 0; i < count; i++) {
                    z.rawDeflated("A" + i + ".npy", deflated, prefix.length + elements, crc.getValue());
                }
            }
            case ".pt" -> {
                // {'A<i>': torch._utils._rebuild_tensor_v2(<storage i>, 0, (n,), (1,), False, OrderedDict())}
                pickle.op('}').op('(');
                for (int i = 0; i < count; i++) {
                    pickle.op('X').u32(("A" + i).length()).ascii("A" + i)
                            .ascii("ctorch._utils\n_rebuild_tensor_v2\n").op('(')
                            .op('(').op('X').u32(7).ascii("storage").ascii("ctorch\nByteStorage\n")
                            .op('X').u32(String.valueOf(i).length()).ascii(String.valueOf(i)).op('X').u32(3).ascii("cpu")
                            .op('J').u32(elements).op('t').op('Q')
                            .op('K').u8(0).op('J').u32(elements).u8(0x85).op('K').u8(1).u8(0x85).u8(0x89)
                            .ascii("ccollections\nOrderedDict\n").op(')').op('R').op('t').op('R');
                }
                z.stored("bomb/data.pkl", pickle.op('u').op('.').bytes());
                z.stored("bomb/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < count; i++) {
                    z.rawDeflated("bomb/data/" + i, deflated, elements, crc.getValue());
                }
                z.stored("bomb/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return z.build();
    }

    /** Every hostile file of every format, by file name. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> m = new LinkedHashMap<>(pickles());
        m.putAll(npys());
        m.putAll(npzs());
        m.putAll(archives());
        m.putAll(safetensors());
        return m;
    }
}
