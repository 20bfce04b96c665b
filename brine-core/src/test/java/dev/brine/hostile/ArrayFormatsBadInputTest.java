package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.npy.NpzFile;
import dev.brine.npy.ZipReader;
import dev.brine.pickle.UnpicklerOptions;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** NPY and NPZ/ZIP files that lie: every reader refuses them fast, in bounded memory, naming the limit. */
class ArrayFormatsBadInputTest {
    private static final Map<String, byte[]> NPYS = HostileVectors.npys();
    private static final Map<String, byte[]> NPZS = HostileVectors.npzs();
    /** Object arrays read as the CLI reads them: unknown globals kept inert. */
    private static final UnpicklerOptions INERT = UnpicklerOptions.builder().genericObjects(true).build();

    @TempDir
    Path tmp;

    static Stream<String> npyNames() {
        return NPYS.keySet().stream();
    }

    static Stream<String> npzNames() {
        return NPZS.keySet().stream();
    }

    Path file(String name, byte[] data) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, data);
        return f;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("npyNames")
    void badNpyIsRefusedByEveryReader(String name) throws Exception {
        byte[] data = NPYS.get(name);
        Path f = file(name, data);
        Bounded.refuses(name + " read", () -> Npy.read(f));
        Bounded.refuses(name + " stream", () -> Npy.read(new ByteArrayInputStream(data), Limits.DEFAULT));
        Bounded.refuses(name + " map", () -> Npy.map(f, false));
        // an object array's header is sound: its data (not a pickle here) is refused when read as objects
        if (!name.startsWith("data-truncated") && !name.startsWith("shape-under-limits") && !name.equals("header-object.npy")) {
            Bounded.refuses(name + " header", () -> Npy.readHeader(f));
        }
        Bounded.refuses(name + " objects", () -> Npy.readObjectArray(f, INERT));
        // and inside an NPZ
        ZipBuilder z = new ZipBuilder();
        z.stored("a.npy", data);
        Path npz = file(name + ".npz", z.build());
        Bounded.refuses(name + " in an npz", () -> Npz.readAll(npz, Limits.DEFAULT));
    }

    @Test
    void npyLimitsAreNamed() throws Exception {
        Bounded.hitsLimit("header over 10,000", "maxNpyHeaderSize", () -> Npy.read(file("h.npy", NPYS.get("header-over-limit.npy"))));
        Bounded.hitsLimit("header length lies", "maxNpyHeaderSize",
                () -> Npy.read(new ByteArrayInputStream(NPYS.get("header-length-lies.npy")), Limits.DEFAULT));
        Bounded.hitsLimit("10^12 elements", "maxArrayElements", () -> Npy.read(file("e.npy", NPYS.get("shape-huge.npy"))));
        byte[] small = HostileVectors.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }", new byte[8000]);
        Limits tight = Limits.builder().maxArrayElements(999).build();
        Bounded.hitsLimit("1000 elements under 999", "maxArrayElements", () -> Npy.read(new ByteArrayInputStream(small), tight));
        Limits tiny = Limits.builder().maxAllocation(4096).build();
        Bounded.hitsLimit("8000 bytes under 4096", "maxAllocation", () -> Npy.read(new ByteArrayInputStream(small), tiny));
        Limits shortHeader = Limits.builder().maxNpyHeaderSize(50).build();
        Bounded.hitsLimit("a header over 50", "maxNpyHeaderSize", () -> Npy.read(new ByteArrayInputStream(small), shortHeader));
        // the overflowing shape is refused as too large, not wrapped around to a small size
        String msg = Bounded.refuses("shape overflow", () -> Npy.read(file("o.npy", NPYS.get("shape-overflow.npy")))).getMessage();
        assertTrue(msg.contains("overflow") || msg.contains("maxArrayElements"), msg);
    }

    @Test
    void aHeaderWithCodeInItRunsNothing() throws Exception {
        Path marker = Path.of("/tmp/brine-pwned");
        Files.deleteIfExists(marker);
        for (String name : new String[] {"header-code.npy", "header-call.npy", "header-lambda.npy"}) {
            String msg = Bounded.refuses(name, () -> Npy.read(file(name, NPYS.get(name)))).getMessage();
            assertTrue(msg.contains("cannot parse the NPY header"), msg);
        }
        assertFalse(Files.exists(marker), "the header's code ran");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("npzNames")
    void badNpzIsRefused(String name) throws Exception {
        Path f = file(name, NPZS.get(name));
        Bounded.refuses(name, () -> Npz.readAll(f, Limits.DEFAULT));
    }

    @Test
    void zipLimitsAndNameRulesAreNamed() throws Exception {
        Bounded.hitsLimit("3 GiB honest bomb", "maxAllocation", () -> Npz.readAll(file("b.npz", NPZS.get("bomb-3GiB.npz")), Limits.DEFAULT));
        Bounded.hitsLimit("raw member bomb", "maxAllocation",
                () -> Npz.readAll(file("r.npz", NPZS.get("bomb-raw-member.npz")), Limits.DEFAULT));
        Bounded.hitsLimit("claims 16 GiB", "maxInflateRatio",
                () -> Npz.readAll(file("c.npz", NPZS.get("bomb-claims-16GiB.npz")), Limits.DEFAULT));
        Bounded.hitsLimit("claims 1 TiB", "maxInflatedSize",
                () -> Npz.readAll(file("t.npz", NPZS.get("bomb-claims-1TiB.npz")), Limits.DEFAULT));
        Bounded.hitsLimit("100,001 members", "maxZipMembers",
                () -> Npz.readAll(file("m.npz", NPZS.get("too-many-members.npz")), Limits.DEFAULT));
        Limits small = Limits.builder().maxInflatedSize(1000).build();
        Bounded.hitsLimit("a member over maxInflatedSize", "maxInflatedSize",
                () -> Npz.readAll(file("s.npz", NPZS.get("bomb-3GiB.npz")), small));
        String msg = Bounded.refuses("lies small", () -> Npz.readAll(file("l.npz", NPZS.get("bomb-lies-small.npz")),
                Limits.DEFAULT)).getMessage();
        assertTrue(msg.contains("more than") || msg.contains("declares"), msg);
        for (String bad : new String[] {"dotdot-name.npz", "dotdot-inner.npz", "absolute-name.npz", "backslash-name.npz",
            "drive-name.npz", "nul-name.npz"}) {
            String m = Bounded.refuses(bad, () -> ZipReader.open(file(bad, NPZS.get(bad)), Limits.DEFAULT)).getMessage();
            assertTrue(m.contains("unsafe member name"), m);
        }
        String overlap = Bounded.refuses("overlapping", () -> Npz.open(file("o.npz", NPZS.get("overlapping-members.npz"))))
                .getMessage();
        assertTrue(overlap.contains("overlap"), overlap);
    }

    @Test
    void aZip64OffsetThatWrapsIsRefusedNamingTheMember() throws Exception {
        // 2^63 - 1 plus one prepended byte: a negative position, once refused only by FileChannel.read
        Path f = file("w.npz", NPZS.get("zip64-offset-wraps.npz"));
        for (Bounded.Read r : new Bounded.Read[] {() -> ZipReader.open(f, Limits.DEFAULT), () -> Npz.readAll(f, Limits.DEFAULT),
            () -> Npz.open(f).get("a")}) {
            String m = Bounded.refuses("wrapping offset", r).getMessage();
            assertTrue(m.startsWith(f + ": member a.npy (central directory entry at byte "), m);
            assertTrue(m.contains("local header offset " + Long.MAX_VALUE + " + 1 prepended bytes lies outside the file"), m);
        }
    }

    @Test
    void aMemberThatDeclaresMoreThanItHoldsCostsWhatArrived() throws Exception {
        // 1.5 GiB declared in 1.5 MB (under maxInflateRatio and maxAllocation): the array was allocated whole before
        // its first byte was inflated, an OutOfMemoryError at -Xmx256m; now memory follows what is inflated
        for (String name : new String[] {"lies-1.5GiB-garbage.npz", "lies-1.5GiB-short.npz"}) {
            Path f = file(name, NPZS.get(name));
            // whatever the heap (maxTotalAllocation, half of it, might refuse the 1.5 GiB before a byte is inflated):
            // the lie must be found as the bytes arrive
            Limits limits = Limits.DEFAULT.toBuilder().maxTotalAllocation(Long.MAX_VALUE).build();
            for (Bounded.Read r : new Bounded.Read[] {() -> Npz.readAll(f, limits), () -> Npz.open(f, limits).get("a")}) {
                Bounded.Outcome o = Bounded.run(r);
                assertInstanceOf(dev.brine.BrineException.class, o.thrown(), name);
                String m = o.thrown().getMessage();
                assertTrue(m.startsWith(f + ": member a.npy: "), m);
                assertTrue(m.contains(name.contains("garbage") ? "corrupt deflate data" : "yields 8388736 bytes but declares "
                        + (128 + (3L << 29))), m);
                assertTrue(o.allocatedBytes() < 48L << 20, name + ": allocated " + (o.allocatedBytes() >> 20) + " MiB");
            }
        }
    }

    @Test
    void truncatingOrCorruptingTheDirectoryAnywhereIsRefused() throws Exception {
        byte[] good = HostileVectors.zipOf("a.npy");
        int cd = HostileVectors.indexOf(good, new byte[] {0x50, 0x4b, 0x01, 0x02});
        Path f = tmp.resolve("t.npz");
        for (int cut = 0; cut < good.length; cut++) {
            Files.write(f, java.util.Arrays.copyOf(good, cut));
            int at = cut;
            Bounded.refuses("cut at " + at, () -> Npz.readAll(f, Limits.DEFAULT));
        }
        // flip every byte of the central directory and end record: refused or read, never anything else
        for (int i = cd; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) 0xA5;
            Files.write(f, bad);
            Bounded.Outcome o = Bounded.run(() -> Npz.readAll(f, Limits.DEFAULT));
            if (o.thrown() != null) {
                assertInstanceOf(dev.brine.BrineException.class, o.thrown(), "byte " + i);
            }
        }
    }

    @Test
    void validButExtremeArraysLoad() throws Exception {
        // zero elements with enormous dimensions, a 0-d array, 32 dimensions
        NDArray empty = Npy.read(new ByteArrayInputStream(HostileVectors.npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 0), }", new byte[0])), Limits.DEFAULT);
        assertEquals(0, empty.size());
        assertArrayEquals(new long[] {1L << 40, 0}, empty.shape());
        NDArray scalar = Npy.read(new ByteArrayInputStream(HostileVectors.npy(
                "{'descr': '<i8', 'fortran_order': False, 'shape': (), }", new byte[] {42, 0, 0, 0, 0, 0, 0, 0})), Limits.DEFAULT);
        assertEquals(42L, scalar.getLong());
        String ones = "1, ".repeat(32);
        NDArray deep = Npy.read(new ByteArrayInputStream(HostileVectors.npy(
                "{'descr': '|u1', 'fortran_order': False, 'shape': (" + ones + "), }", new byte[1])), Limits.DEFAULT);
        assertEquals(32, deep.ndim());
        Bounded.refuses("33 dimensions", () -> Npy.read(new ByteArrayInputStream(HostileVectors.npy(
                "{'descr': '|u1', 'fortran_order': False, 'shape': (" + "1, ".repeat(33) + "), }", new byte[1])), Limits.DEFAULT));
        // a deflated member that inflates 1,000 times is within the default ratio and loads
        byte[] header = HostileVectors.npy("{'descr': '|u1', 'fortran_order': False, 'shape': (8388608,), }", new byte[0]);
        ZipBuilder z = new ZipBuilder();
        byte[] content = new byte[header.length + (8 << 20)];
        System.arraycopy(header, 0, content, 0, header.length);
        z.deflated("zeros.npy", content);
        try (NpzFile npz = Npz.open(file("zeros.npz", z.build()))) {
            assertEquals(8L << 20, npz.array("zeros").size());
        }
    }
}
