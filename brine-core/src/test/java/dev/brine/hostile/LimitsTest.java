package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every option of {@link Limits}, lowered, is honoured by the reader it guards, and the refusal
 * names the option. A new option without a row here fails {@link #everyLimitHasARow()}.
 */
class LimitsTest {
    @TempDir
    Path tmp;

    /** One row: the option, and a read that must hit it under the given limits. */
    private Map<String, Function<Limits, Bounded.Read>> rows() throws Exception {
        Map<String, Function<Limits, Bounded.Read>> rows = new LinkedHashMap<>();
        byte[] nested = HostileVectors.nestedMarks(50);
        rows.put("maxDepth", l -> () -> Pickle.loads(nested, options(l.toBuilder().maxDepth(10).build())));
        byte[] nones = new Bytes().u8(0x80, 2).repeat(new byte[] {'N'}, 50).op('.').bytes();
        rows.put("maxStackSize", l -> () -> Pickle.loads(nones, options(l.toBuilder().maxStackSize(10).build())));
        Bytes memo = new Bytes().u8(0x80, 4).op('N');
        for (int i = 0; i < 50; i++) {
            memo.u8(0x94);
        }
        byte[] memos = memo.op('.').bytes();
        rows.put("maxMemoEntries", l -> () -> Pickle.loads(memos, options(l.toBuilder().maxMemoEntries(10).build())));
        byte[] bytes8 = new Bytes().u8(0x80, 5, 0x8e).u64(100).raw(new byte[100]).op('.').bytes();
        rows.put("maxAllocation", l -> () -> Pickle.loads(bytes8, options(l.toBuilder().maxAllocation(99).build())));
        byte[] npy = Npy.toBytes(NDArray.of(new double[100]));
        rows.put("maxNpyHeaderSize", l -> () -> Npy.read(new ByteArrayInputStream(npy), l.toBuilder().maxNpyHeaderSize(10).build()));
        rows.put("maxArrayElements", l -> () -> Npy.read(new ByteArrayInputStream(npy), l.toBuilder().maxArrayElements(99).build()));
        Path npz = tmp.resolve("two.npz");
        Map<String, NDArray> two = new LinkedHashMap<>();
        two.put("a", NDArray.of(new double[1000]));
        two.put("b", NDArray.of(new double[1000]));
        Npz.write(two, npz, true);
        rows.put("maxZipMembers", l -> () -> Npz.readAll(npz, l.toBuilder().maxZipMembers(1).build()));
        rows.put("maxInflatedSize", l -> () -> Npz.readAll(npz, l.toBuilder().maxInflatedSize(100).build()));
        rows.put("maxInflateRatio", l -> () -> Npz.readAll(npz, l.toBuilder().maxInflateRatio(2).build()));
        rows.put("maxTotalAllocation", l -> () -> Npz.readAll(npz, l.toBuilder().maxTotalAllocation(12_000).build()));
        byte[] digits = new Bytes().op('I').ascii("1".repeat(50)).ascii("\n.").bytes();
        rows.put("maxIntDigits", l -> () -> Pickle.loads(digits, options(l.toBuilder().maxIntDigits(10).build())));
        byte[] copies = AmplificationTest.repeatedCall("builtins", "bytearray", AmplificationTest.bytesOf(1 << 16), 100);
        rows.put("maxBytesRatio", l -> () -> Pickle.loads(copies, options(l.toBuilder().maxBytesRatio(5).build())));
        return rows;
    }

    static UnpicklerOptions options(Limits l) {
        return UnpicklerOptions.builder().limits(l).build();
    }

    static Set<String> limitNames() {
        return Arrays.stream(Limits.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getParameterCount() == 0 && (m.getReturnType() == int.class || m.getReturnType() == long.class))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyLimitHasARow() throws Exception {
        assertEquals(limitNames(), new TreeSet<>(rows().keySet()));
    }

    @Test
    void everyLoweredLimitIsHitAndNamed() throws Exception {
        for (Map.Entry<String, Function<Limits, Bounded.Read>> row : rows().entrySet()) {
            Bounded.hitsLimit(row.getKey(), row.getKey(), row.getValue().apply(Limits.DEFAULT));
        }
    }

    @Test
    void maxStackSizeIsExactBelowAndAboveTheStacksFirstSize() throws Exception {
        // the stack array starts at 32 slots: a limit under that was once checked only when the array grew
        for (int limit : new int[] {1, 2, 5, 12, 31, 32, 33, 64, 100}) {
            UnpicklerOptions options = options(Limits.DEFAULT.toBuilder().maxStackSize(limit).build());
            assertEquals(limit, ((dev.brine.py.Tuple) Pickle.loads(markedInts(limit), options)).size(), "limit " + limit);
            byte[] over = markedInts(limit + 1);
            dev.brine.LimitExceededException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.brine.LimitExceededException.class, () -> Pickle.loads(over, options), "limit " + limit);
            assertEquals("maxStackSize", e.limit());
            // the refused push is the last BININT1: 2 bytes of PROTO, MARK, then 2 bytes per int
            org.junit.jupiter.api.Assertions.assertTrue(
                    e.getMessage().contains("more than " + limit + " values on the stack at offset " + (3 + 2 * limit)),
                    e.getMessage());
        }
    }

    /** PROTO 2, MARK, {@code n} BININT1, TUPLE, STOP: n values on the stack at once. */
    private static byte[] markedInts(int n) {
        Bytes b = new Bytes().u8(0x80, 2).op('(');
        for (int i = 0; i < n; i++) {
            b.op('K').u8(i & 0xff);
        }
        return b.op('t').op('.').bytes();
    }

    @Test
    void theSameReadsPassUnderTrustedLimits() throws Exception {
        // the rows' inputs are valid: under TRUSTED limits (every option at its maximum) they load
        Limits trusted = Limits.TRUSTED;
        assertEquals(100, ((byte[]) Pickle.loads(new Bytes().u8(0x80, 5, 0x8e).u64(100).raw(new byte[100]).op('.').bytes(),
                options(trusted))).length);
        Path npz = tmp.resolve("t.npz");
        Npz.write(Map.of("a", NDArray.of(new double[1000])), npz, true);
        assertEquals(1, Npz.readAll(npz, trusted).size());
        assertEquals(100, ((java.util.List<?>) Pickle.loads(AmplificationTest.repeatedCall("builtins", "bytearray",
                AmplificationTest.bytesOf(1 << 16), 100), options(trusted))).size());
        Files.delete(npz);
    }
}
