package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Small inputs that would make the reader build far more than they hold: copies of one memoized
 * value through registered callables, and numbers whose decoding costs quadratic time.
 */
class AmplificationTest {
    /**
     * {@code [f(x), f(x), ...]} with {@code x} one memoized value of the input and {@code f} a
     * memoized global: each repetition costs 7 input bytes and makes {@code f} build a new value.
     */
    static byte[] repeatedCall(String module, String name, byte[] argOps, int times) {
        Bytes b = new Bytes().u8(0x80, 4);
        b.op(']').u8(0x94); // the result list, memo 0
        b.u8(0x8c, module.length()).ascii(module).u8(0x8c, name.length()).ascii(name).u8(0x93).u8(0x94).op('0'); // memo 1, popped
        b.raw(argOps).u8(0x94).op('0'); // the argument tuple, memo 2, popped
        b.op('(');
        for (int i = 0; i < times; i++) {
            b.op('h').u8(1).op('h').u8(2).op('R');
        }
        return b.op('e').op('.').bytes();
    }

    static byte[] bytesOf(int n) {
        return new Bytes().u8(0x8e).u64(n).raw(new byte[n]).u8(0x85).bytes(); // (b'\0' * n,)
    }

    @Test
    void copiesOfOneValueAreChargedAgainstTheInput() {
        // bytearray(x) copies 1 MiB each time: 3,000 copies would be 3 GiB from a 1 MiB file
        byte[] bytearrays = repeatedCall("builtins", "bytearray", bytesOf(1 << 20), 3000);
        Bounded.hitsLimit("bytearray copies", "maxBytesRatio", () -> Pickle.loads(bytearrays));
        // _codecs.encode(s, 'latin1') builds new bytes from one str
        String text = "x".repeat(1 << 20);
        byte[] strArgs = new Bytes().u8(0x8d).u64(text.length()).ascii(text).u8(0x8c, 6).ascii("latin1").u8(0x86).bytes();
        byte[] encodes = repeatedCall("_codecs", "encode", strArgs, 3000);
        Bounded.hitsLimit("_codecs.encode copies", "maxBytesRatio", () -> Pickle.loads(encodes));
        // set(l) for one list of 100,000 ints builds a new hash set each time
        Bytes list = new Bytes().op(']').op('(');
        for (int i = 0; i < 100_000; i++) {
            list.op('J').u32(i);
        }
        byte[] listArg = list.op('e').u8(0x85).bytes();
        byte[] sets = repeatedCall("builtins", "set", listArg, 2000);
        Bounded.hitsLimit("set copies", "maxBytesRatio", () -> Pickle.loads(sets));
        byte[] frozen = repeatedCall("builtins", "frozenset", listArg, 2000);
        Bounded.hitsLimit("frozenset copies", "maxBytesRatio", () -> Pickle.loads(frozen));
    }

    /**
     * set(s), frozenset(s) and complex(s) read a whole str however little they build from it (a set
     * of one character, one number): one memoized str of a million equal characters, passed 2,000
     * times, is charged each time, not read two billion times.
     */
    @Test
    void strArgumentsAreChargedAsCallsReadThem() throws Exception {
        String text = "x".repeat(1 << 20);
        byte[] strArg = new Bytes().u8(0x8d).u64(text.length()).ascii(text).u8(0x85).bytes();
        String number = " ".repeat(1 << 20) + "1j"; // complex() skips the spaces around a number
        byte[] numberArg = new Bytes().u8(0x8d).u64(number.length()).ascii(number).u8(0x85).bytes();
        for (String name : List.of("set", "frozenset", "complex")) {
            byte[] calls = repeatedCall("builtins", name, name.equals("complex") ? numberArg : strArg, 2000);
            Bounded.hitsLimit(name + "(s) again and again", "maxBytesRatio", () -> Pickle.loads(calls));
        }
        byte[] few = repeatedCall("builtins", "set", strArg, 3);
        assertEquals(List.of(java.util.Set.of("x"), java.util.Set.of("x"), java.util.Set.of("x")), Pickle.loads(few));
    }

    @Test
    void ordinaryCopiesStayWithinTheBudget() throws Exception {
        // a few copies are what real pickles do (bytearray at protocol < 5 is bytearray(bytes))
        byte[] few = repeatedCall("builtins", "bytearray", bytesOf(1 << 20), 3);
        Bounded.Outcome o = Bounded.run(() -> Pickle.loads(few));
        assertNull(o.thrown(), String.valueOf(o.thrown()));
        assertEquals(3, ((List<?>) o.value()).size());
        // and the ratio is configurable: a trusted file may copy as much as it likes
        byte[] many = repeatedCall("builtins", "bytearray", bytesOf(1 << 16), 500);
        UnpicklerOptions trusted = UnpicklerOptions.builder().limits(Limits.TRUSTED).build();
        assertEquals(500, ((List<?>) Pickle.loads(many, trusted)).size());
        UnpicklerOptions ratio1000 = UnpicklerOptions.builder()
                .limits(Limits.builder().maxBytesRatio(1000).build()).build();
        assertEquals(500, ((List<?>) Pickle.loads(many, ratio1000)).size());
    }

    @Test
    void decimalsAreBoundedInLengthAndInCopies() throws Exception {
        // one million-digit Decimal: BigDecimal would parse it for a minute
        String digits = "9".repeat(1_000_000);
        byte[] one = new Bytes().u8(0x80, 4).u8(0x8c, 7).ascii("decimal").u8(0x8c, 7).ascii("Decimal").u8(0x93)
                .u8(0x8d).u64(digits.length()).ascii(digits).u8(0x85).op('R').op('.').bytes();
        Bounded.refuses("a million-digit Decimal", () -> Pickle.loads(one));
        // one 5,000-digit Decimal parsed again and again from the memo
        String d5000 = "7".repeat(4999);
        byte[] args = new Bytes().op('X').u32(d5000.length()).ascii(d5000).u8(0x85).bytes();
        byte[] again = repeatedCall("decimal", "Decimal", args, 100_000);
        Bounded.hitsLimit("100,000 parses of one Decimal", "maxBytesRatio", () -> Pickle.loads(again));
        byte[] few = repeatedCall("decimal", "Decimal", args, 3);
        assertEquals(3, ((List<?>) Pickle.loads(few)).size());
        // Decimal((0, digits, 0)) of a million digits (one memoized 0 each: 2 bytes a digit): bounded as the literal is
        Bytes tuple = new Bytes().u8(0x80, 4).u8(0x8c, 7).ascii("decimal").u8(0x8c, 7).ascii("Decimal").u8(0x93)
                .op('K').u8(0).u8(0x94).op('(');
        for (int i = 0; i < 1_000_000; i++) {
            tuple.op('h').u8(0);
        }
        byte[] digitTuple = tuple.op('t').op('K').u8(0).u8(0x87).u8(0x85).op('R').op('.').bytes();
        BrineException e = Bounded.refuses("a Decimal tuple of a million digits", () -> Pickle.loads(digitTuple));
        assertTrue(e.getMessage().contains("more than the 5000 Brine reads"), e.getMessage());
    }

    @Test
    void hugeDecimalIntegersAreRefusedLikeCPython() throws Exception {
        // CPython refuses int('9' * 4301) (sys.int_info.default_max_str_digits); Java's parse is quadratic
        for (char op : new char[] {'I', 'L'}) {
            byte[] data = new Bytes().op(op).ascii("9".repeat(1_000_000)).ascii(op == 'L' ? "L\n." : "\n.").bytes();
            Bounded.hitsLimit(op + " with a million digits", "maxIntDigits", () -> Pickle.loads(data));
        }
        byte[] ok = new Bytes().op('L').ascii("9".repeat(4300)).ascii("L\n.").bytes();
        assertEquals(4300, Pickle.loads(ok).toString().length());
        UnpicklerOptions more = UnpicklerOptions.builder().limits(Limits.builder().maxIntDigits(5000).build()).build();
        byte[] longer = new Bytes().op('I').ascii("-" + "1".repeat(5000)).ascii("\n.").bytes();
        assertTrue(Pickle.loads(longer, more).toString().startsWith("-111"));
    }
}
