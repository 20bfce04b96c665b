package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.PythonRepr;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Small pickles whose structure makes later work explode: dict keys nested past the Java stack,
 * tuples sharing halves so that hashing or printing them doubles per level, cycles through
 * containers that a message would print.
 */
class StructureBombTest {
    /** {@code t = (); t = (t, t)} {@code levels} times: 3 bytes per level, 2^levels leaves. */
    static Bytes doublingTuple(Bytes b, int levels) {
        b.op(')');
        for (int i = 0; i < levels; i++) {
            b.op('2').u8(0x86); // DUP, TUPLE2
        }
        return b;
    }

    @Test
    void keysNestedPastTheJavaStackAreRefused() {
        Bytes b = new Bytes().u8(0x80, 4).op('}').op(')');
        for (int i = 0; i < 200_000; i++) {
            b.u8(0x85); // TUPLE1
        }
        byte[] data = b.op('N').op('s').op('.').bytes();
        Bounded.refuses("a 200,000-deep tuple as a dict key", () -> Pickle.loads(data));
        // the same as a set item and a frozenset item
        Bytes s = new Bytes().u8(0x80, 4).u8(0x8f).op('(').op(')');
        Bytes f = new Bytes().u8(0x80, 4).op('(').op(')');
        for (int i = 0; i < 200_000; i++) {
            s.u8(0x85);
            f.u8(0x85);
        }
        Bounded.refuses("as a set item", () -> Pickle.loads(s.u8(0x90).op('.').bytes()));
        Bounded.refuses("as a frozenset item", () -> Pickle.loads(f.u8(0x91).op('.').bytes()));
    }

    @Test
    void keysThatDoubleAtEveryLevelAreRefusedNotHashedForever() {
        byte[] dict = doublingTuple(new Bytes().u8(0x80, 4).op('}'), 100).op('N').op('s').op('.').bytes();
        Bounded.refuses("a 2^100-leaf tuple as a dict key", () -> Pickle.loads(dict));
        byte[] set = doublingTuple(new Bytes().u8(0x80, 4).op('('), 100).u8(0x91).op('.').bytes();
        Bounded.refuses("as a frozenset item", () -> Pickle.loads(set));
    }

    @Test
    void mutableValuesInsideKeysAreUnhashableAsInPython() {
        // {(1, [2]): 3}: Python raises TypeError: unhashable type: 'list'
        byte[] data = new Bytes().u8(0x80, 4).op('}').op('K').u8(1).op(']').op('K').u8(2).op('a').u8(0x86)
                .op('K').u8(3).op('s').op('.').bytes();
        String msg = Bounded.refuses("a list inside a tuple key", () -> Pickle.loads(data)).getMessage();
        assertTrue(msg.contains("unhashable type: 'list'"), msg);
    }

    @Test
    void ordinaryTupleKeysStillLoad() throws Exception {
        byte[] data = doublingTuple(new Bytes().u8(0x80, 4).op('}'), 10).op('N').op('s').op('.').bytes();
        Map<?, ?> m = (Map<?, ?>) Pickle.loads(data);
        assertEquals(1, m.size());
    }

    @Test
    void valuesThatDoubleAtEveryLevelLoadAndPrintInBoundedTime() {
        byte[] data = doublingTuple(new Bytes().u8(0x80, 4), 100).op('.').bytes();
        Bounded.Outcome o = Bounded.run(() -> Pickle.loads(data));
        assertNull(o.thrown());
        Bounded.Outcome shown = Bounded.run(() -> new PythonRepr(8, 20, 200).format(o.value()));
        assertTrue(((String) shown.value()).length() < 100_000);
        Bounded.Outcome text = Bounded.run(() -> o.value().toString());
        assertNull(text.thrown(), String.valueOf(text.thrown()));
    }

    @Test
    void hugeIntegersPrintBySizeNotInSeconds() throws Exception {
        // LONG4 of 1 MiB: 2.4 million digits, which BigInteger.toString takes ~10 s to compute
        byte[] data = new Bytes().u8(0x80, 2).u8(0x8b).u32(1 << 20).repeat(new byte[] {0x5a}, 1 << 20).op('.').bytes();
        Object big = Pickle.loads(data);
        Bounded.Outcome shown = Bounded.run(() -> new PythonRepr(8, 20, 200).format(java.util.List.of(big, big)));
        assertEquals("[<int of 8388607 bits>, <int of 8388607 bits>]", shown.value());
        // and an error message about it stays short and fast
        byte[] bad = new Bytes().u8(0x80, 2).ascii("c__builtin__\nbytearray\n").u8(0x8b).u32(1 << 20)
                .repeat(new byte[] {0x5a}, 1 << 20).u8(0x85).op('R').op('.').bytes();
        String msg = Bounded.refuses("bytearray(<huge int>)", () -> Pickle.loads(bad)).getMessage();
        assertTrue(msg.contains("<int of 8388607 bits>"), msg);
    }

    @Test
    void errorMessagesAboutHugeOrCyclicArgumentsStayShort() {
        // bytearray(t) with t a 2^60-leaf tuple: the message must not print t in full
        Bytes b = new Bytes().u8(0x80, 4).u8(0x8c, 8).ascii("builtins").u8(0x8c, 9).ascii("bytearray").u8(0x93);
        doublingTuple(b, 60).op('2').u8(0x86).op('R').op('.');
        String msg = Bounded.refuses("bytearray((t, t))", () -> Pickle.loads(b.bytes())).getMessage();
        assertTrue(msg.length() < 10_000, msg.length() + " characters");
        // numpy _reconstruct BUILD with that tuple as state
        Bytes n = new Bytes().u8(0x80, 2).ascii("cnumpy.core.multiarray\n_reconstruct\n").ascii("cnumpy\nndarray\n")
                .op('K').u8(0).u8(0x85).ascii("U\u0001b").u8(0x87).op('R');
        doublingTuple(n, 60).op('b').op('.');
        String numpy = Bounded.refuses("ndarray BUILD with a huge state", () -> Pickle.loads(n.bytes())).getMessage();
        assertTrue(numpy.length() < 10_000, numpy.length() + " characters");
        // a list that holds a dict that holds the list, given to decimal.Decimal
        Bytes c = new Bytes().u8(0x80, 4).u8(0x8c, 7).ascii("decimal").u8(0x8c, 7).ascii("Decimal").u8(0x93)
                .op(']').u8(0x94).op('}').op('K').u8(1).op('h').u8(0).op('s').op('a').u8(0x85).op('R').op('.');
        Bounded.refuses("Decimal([{1: <the list>}])", () -> Pickle.loads(c.bytes()));
        Bounded.refuses("the same, generic", () -> Pickle.loads(c.bytes(), UnpicklerOptions.builder().genericObjects(true).build()));
    }
}
