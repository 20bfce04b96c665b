package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.Limits;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.Tuple;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pickles that claim far more than they hold, or nest without end: refused fast, in bounded memory. */
class PickleDenialOfServiceTest {
    static Stream<String> lengthOpcodes() {
        return HostileVectors.LENGTH_OPCODES.keySet().stream();
    }

    /** A stream that supports neither mark nor reset, handing out a few bytes per read (like a socket). */
    static InputStream trickle(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public boolean markSupported() {
                return false;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 3));
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lengthOpcodes")
    void hugeDeclaredLengthFromByteArray(String opcode) {
        byte[] data = HostileVectors.lengthBomb(opcode);
        Bounded.refuses(opcode + " from byte[]", () -> Pickle.loads(data));
        Bounded.refuses(opcode + " from byte[], generic", () -> Pickle.loads(data,
                UnpicklerOptions.builder().genericObjects(true).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lengthOpcodes")
    void hugeDeclaredLengthFromStreams(String opcode) {
        byte[] data = HostileVectors.lengthBomb(opcode);
        Bounded.refuses(opcode + " from a trickling stream", () -> Pickle.load(trickle(data)));
        Bounded.refuses(opcode + " from a buffered stream",
                () -> Pickle.load(new BufferedInputStream(new ByteArrayInputStream(data))));
    }

    @Test
    void sixtyFourBitLengthsOverTheAllocationLimitNameIt() throws Exception {
        for (String op : List.of("BINBYTES8", "BINUNICODE8", "BYTEARRAY8")) {
            Bounded.hitsLimit(op, "maxAllocation", () -> Pickle.loads(HostileVectors.lengthBomb(op)));
        }
        // and a lowered limit is honoured for lengths that would otherwise be read
        byte[] present = new Bytes().u8(0x80, 5, 0x8e).u64(4096).raw(new byte[4096]).op('.').bytes();
        UnpicklerOptions small = UnpicklerOptions.builder().limits(Limits.builder().maxAllocation(1024).build()).build();
        Bounded.hitsLimit("BINBYTES8 over a 1 KiB limit", "maxAllocation", () -> Pickle.loads(present, small));
        assertEquals(4096, ((byte[]) Pickle.loads(present)).length);
    }

    @Test
    void aMillionNestedMarksAreRefusedByMaxDepth() {
        byte[] data = HostileVectors.nestedMarks(1_000_000);
        Bounded.hitsLimit("1e6 MARKs from byte[]", "maxDepth", () -> Pickle.loads(data));
        Bounded.hitsLimit("1e6 MARKs from a stream", "maxDepth", () -> Pickle.load(trickle(data)));
        UnpicklerOptions shallow = UnpicklerOptions.builder().limits(Limits.builder().maxDepth(10).build()).build();
        Bounded.hitsLimit("11 MARKs under maxDepth 10", "maxDepth", () -> Pickle.loads(HostileVectors.nestedMarks(11), shallow));
    }

    @Test
    void aMillionNestedListsLoad() {
        Bounded.Outcome o = Bounded.run(() -> Pickle.loads(HostileVectors.nestedLists(1_000_000)));
        assertNull(o.thrown());
        Object v = o.value();
        int depth = 0;
        while (v instanceof List && !((List<?>) v).isEmpty()) {
            v = ((List<?>) v).get(0);
            depth++;
        }
        assertEquals(999_999, depth);
        Bounded.Outcome t = Bounded.run(() -> Pickle.loads(HostileVectors.nestedTuples(1_000_000)));
        assertInstanceOf(Tuple.class, t.value(), String.valueOf(t.thrown()));
    }

    @Test
    void stackAndMemoLimitsAreHonoured() {
        byte[] nones = new Bytes().u8(0x80, 2).repeat(new byte[] {'N'}, 101).op('.').bytes();
        UnpicklerOptions stack100 = UnpicklerOptions.builder().limits(Limits.builder().maxStackSize(100).build()).build();
        Bounded.hitsLimit("101 values on a stack of 100", "maxStackSize", () -> Pickle.loads(nones, stack100));
        // one value memoized under 101 distinct indices (BINPUT)
        Bytes memo = new Bytes().u8(0x80, 2).op('N');
        for (int i = 0; i < 101; i++) {
            memo.op('q').u8(i);
        }
        byte[] puts = memo.op('.').bytes();
        UnpicklerOptions memo100 = UnpicklerOptions.builder().limits(Limits.builder().maxMemoEntries(100).build()).build();
        Bounded.hitsLimit("101 memo entries under 100", "maxMemoEntries", () -> Pickle.loads(puts, memo100));
        // far-apart LONG_BINPUT indices cost one entry each, not an array as large as the index
        Bytes sparse = new Bytes().u8(0x80, 2).op('N');
        for (int i = 0; i < 1000; i++) {
            sparse.op('r').u32(0xFFFFFFFFL - i * 4_000_000L);
        }
        Bounded.Outcome o = Bounded.run(() -> Pickle.loads(sparse.op('.').bytes()));
        assertNull(o.thrown());
        assertTrue(o.allocatedBytes() < Bounded.MAX_ALLOCATED, o.allocatedBytes() + " bytes");
    }

    @Test
    void severalPicklesInOneStreamStayIndependent() throws Exception {
        // a bomb after a good pickle: the good one loads, the bomb is refused
        byte[] data = new Bytes().raw(Pickle.dumps(List.of(1L), 2)).raw(HostileVectors.lengthBomb("BINBYTES")).bytes();
        Unpickler u = new Unpickler(trickle(data), UnpicklerOptions.DEFAULT);
        Bounded.Outcome first = Bounded.run(u::load);
        assertEquals(List.of(1L), first.value());
        Bounded.refuses("the bomb after it", u::load);
    }
}
