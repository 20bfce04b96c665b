package dev.brine.pickle;

import static dev.brine.pickle.StrictNestedGlobalDifferentialTest.DEEP;
import static dev.brine.pickle.StrictNestedGlobalDifferentialTest.INNER;
import static dev.brine.pickle.StrictNestedGlobalDifferentialTest.MODULE;
import static dev.brine.pickle.StrictNestedGlobalDifferentialTest.STRICT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.PyCallable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Strict reading of {@code getattr(Outer, 'Inner')}, hand-written: it names a registered nested
 * class and nothing else. {@code builtins.getattr}, and an unregistered Outer read directly onto it,
 * are kept only until they turn out not to name one; any other use (a value in a container or the
 * result, a callable, a state, a persistent id, after the memo) is refused with the message an
 * unregistered GLOBAL gets, plus where it was named.
 */
class StrictNestedGlobalTest {
    static final String P2 = "\u0080\u0002";
    static final String P4 = "\u0080\u0004";
    static final String GETATTR = "c__builtin__\ngetattr\n"; // as CPython writes it at protocols 0-2
    static final String OUTER = "c" + MODULE + "\nOuter\n";
    /** A registered instance at protocol 4: Outer.Inner by STACK_GLOBAL, then NEWOBJ. */
    static final String INSTANCE = "\u008c\u0013" + MODULE + "\u008c\u000bOuter.Inner\u0093)\u0081";

    static byte[] b(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String str(String s) {
        return "V" + s + "\n";
    }

    static Object load(String pickle) throws IOException {
        return Pickle.loads(b(pickle), STRICT);
    }

    @Test
    void getattrNamesARegisteredNestedClassHoweverItIsSpelled() throws IOException {
        String inner = OUTER + str("Inner") + "\u0086R";
        assertEquals(INNER, global(load(P2 + GETATTR + inner + ".")));
        assertEquals(INNER, global(load(GETATTR + "(" + OUTER + str("Inner") + "tR."))); // protocol 0
        assertEquals(INNER, global(load(P2 + "cbuiltins\ngetattr\n" + inner + "."))); // the Python 3 name
        assertEquals(INNER, global(load("\u0080\u0003cbuiltins\ngetattr\n" + inner + ".")));
        assertEquals(INNER, global(load(P4 + "\u008c\u0008builtins\u008c\u0007getattr\u0093" + inner + ".")));
        // nested twice, getattr fetched from the memo
        assertEquals(DEEP, global(load(P2 + GETATTR + "q\u0000h\u0000" + OUTER + str("Mid") + "\u0086R"
                + str("Inner") + "\u0086R.")));
        // Outer fetched from the memo as the parent of a second name
        Object both = load(P2 + "(" + GETATTR + "q\u0000" + OUTER + "q\u0001" + str("Inner") + "\u0086R"
                + "h\u0000h\u0000h\u0001" + str("Mid") + "\u0086R" + str("Inner") + "\u0086Rl.");
        assertEquals(List.of(INNER, DEEP), ((List<?>) both).stream().map(StrictNestedGlobalTest::global).toList());
        // Outer by an extension code
        UnpicklerOptions ext = UnpicklerOptions.builder().registry(STRICT.registry())
                .extensions(ExtensionRegistry.EMPTY.with(1, MODULE, "Outer")).build();
        assertEquals(INNER, global(Pickle.loads(b(P2 + GETATTR + "\u0082\u0001" + str("Inner") + "\u0086R."), ext)));
        // a name kept and discarded uses nothing
        assertNull(load(P2 + GETATTR + "0N."));
        assertNull(load(P2 + "(" + GETATTR + OUTER + "1N."));
    }

    private static Object global(Object v) {
        return ((PyCallable) v).global();
    }

    /** CPython does not map Python 2 names from protocol 3 on ({@code No module named '__builtin__'}). */
    @Test
    void thePython2NameOfGetattrIsAModuleAttributeFromProtocol3On() {
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> load("\u0080\u0003" + GETATTR + OUTER + str("Inner") + "\u0086R."));
        assertEquals("GLOBAL", e.opcode());
        assertEquals(2, e.offset());
        assertTrue(e.getMessage().startsWith("global '__builtin__.getattr' is not allowed: register it"), e.getMessage());
    }

    /**
     * Each: a pickle whose refusing opcode starts right after {@code before}, that opcode, and the
     * global the message names ("... (named by OPCODE at offset N)" when it was kept for getattr).
     */
    static Stream<Arguments> refusals() {
        String getattr = kept("builtins.getattr", 2);
        String outer = kept(MODULE + ".Outer", 23);
        String p2Outer = P2 + GETATTR + OUTER; // Outer at offset 23
        String registeredInner = P2 + GETATTR + GETATTR + OUTER + str("Inner") + "\u0086R"; // getattr(Outer.Inner, ...)
        String p3Getattr = "cbuiltins\ngetattr\n";
        String memoMid = P2 + "]" + GETATTR + GETATTR + OUTER + str("Mid") + "\u0086";
        return Stream.of(
                // getattr for anything but a registered nested class's name
                refusal("a non-string name", p2Outer + "K\u0005", "\u0086R.", "TUPLE2", outer),
                refusal("a default", p2Outer + str("Inner") + "N", "\u0087R.", "TUPLE3", outer),
                refusal("one argument", p2Outer, "\u0085R.", "TUPLE1", outer),
                refusal("a default, protocol 0", GETATTR + "(" + OUTER + str("Inner") + "N", "tR.", "TUPLE",
                        kept(MODULE + ".Outer", GETATTR.length() + 1)),
                refusal("a string for the class", P2 + GETATTR + str("x") + str("Inner") + "\u0086", "R.", "REDUCE", getattr),
                refusal("a registered class, a non-string name", registeredInner + "K\u0005\u0086", "R.", "REDUCE", getattr),
                refusal("a registered class, an unregistered attribute", registeredInner + str("system") + "\u0086", "R.",
                        "REDUCE", plain(MODULE + ".Outer.Inner.system")),
                refusal("arguments not a tuple", P2 + GETATTR + "]", "R.", "REDUCE", getattr),
                refusal("getattr of getattr", P2 + GETATTR + GETATTR + str("x"), "\u0086R.", "TUPLE2",
                        kept("builtins.getattr", 2 + GETATTR.length())),
                refusal("getattr's arguments for another callable",
                        p2Outer + str("Inner") + "\u0086q\u000100cbuiltins\nset\nh\u0001", "R.", "REDUCE", outer),
                refusal("an unregistered nested class", P2 + "]" + GETATTR + OUTER + str("Mid") + "\u0086", "R.", "REDUCE",
                        plain(MODULE + ".Outer.Mid")),
                // an unregistered global not read directly onto getattr: refused at once, as ever
                refusal("a bare Outer", P2 + "]", OUTER + "a.", "GLOBAL", plain(MODULE + ".Outer")),
                refusal("Outer after getattr and a value", P2 + GETATTR + "K\u0001", OUTER + ".", "GLOBAL",
                        plain(MODULE + ".Outer")),
                refusal("INST onto getattr", P2 + GETATTR + "(", "i" + MODULE + "\nOuter\n.", "INST", plain(MODULE + ".Outer")),
                // a kept name used as a value, in any way
                refusal("the result", P2 + GETATTR, ".", "STOP", getattr),
                refusal("Outer as the result", p2Outer, ".", "STOP", outer),
                refusal("getattr's arguments as the result", p2Outer + str("Inner") + "\u0086", ".", "STOP", outer),
                refusal("a tuple item", P2 + GETATTR, "\u0085.", "TUPLE1", getattr),
                refusal("a list item", P2 + "]" + GETATTR, "a.", "APPEND", kept("builtins.getattr", 3)),
                refusal("a list to append to", P2 + GETATTR + "N", "a.", "APPEND", getattr),
                refusal("list items", P2 + "](" + GETATTR, "e.", "APPENDS", kept("builtins.getattr", 4)),
                refusal("LIST", P2 + "(" + GETATTR, "l.", "LIST", kept("builtins.getattr", 3)),
                refusal("a dict key", P2 + "}" + GETATTR + "K\u0001", "s.", "SETITEM", kept("builtins.getattr", 3)),
                refusal("a dict value", P2 + "}K\u0001" + GETATTR, "s.", "SETITEM", kept("builtins.getattr", 5)),
                refusal("SETITEMS", P2 + "}(K\u0001" + GETATTR, "u.", "SETITEMS", kept("builtins.getattr", 6)),
                refusal("a dict to set items on", P2 + GETATTR + "(K\u0001K\u0002", "u.", "SETITEMS", getattr),
                refusal("DICT", P2 + "(" + GETATTR + "K\u0001", "d.", "DICT", kept("builtins.getattr", 3)),
                refusal("a set item", P2 + "\u008f(" + GETATTR, "\u0090.", "ADDITEMS", kept("builtins.getattr", 4)),
                refusal("a frozenset item", P2 + "(" + GETATTR, "\u0091.", "FROZENSET", kept("builtins.getattr", 3)),
                refusal("a state", P4 + INSTANCE + p3Getattr, "b.", "BUILD", kept("builtins.getattr", (P4 + INSTANCE).length())),
                refusal("an object to build", P2 + GETATTR + "}", "b.", "BUILD", getattr),
                refusal("a class for NEWOBJ", P2 + GETATTR + ")", "\u0081.", "NEWOBJ", getattr),
                refusal("a class for OBJ", P2 + "(" + GETATTR, "o.", "OBJ", kept("builtins.getattr", 3)),
                refusal("keywords for NEWOBJ_EX", P4 + INSTANCE.substring(0, INSTANCE.length() - 1) + p3Getattr, "\u0092.",
                        "NEWOBJ_EX", kept("builtins.getattr", P4.length() + INSTANCE.length() - 1)),
                refusal("a callable", p2Outer + ")", "R.", "REDUCE", outer),
                refusal("arguments of a registered callable", P2 + "cbuiltins\nset\n" + GETATTR, "R.", "REDUCE",
                        kept("builtins.getattr", 16)),
                refusal("DUP", P2 + GETATTR, "2.", "DUP", getattr),
                refusal("the memo, then the result", P2 + GETATTR + "q\u00000h\u0000", ".", "STOP", getattr),
                refusal("the memo, then a list item", memoMid + "Rq\u000500h\u0005", "a.", "APPEND",
                        MODULE + ".Outer.Mid' is not allowed (named by REDUCE at offset " + memoMid.length() + "):"),
                refusal("a buffer", "\u0080\u0005" + p3Getattr, "\u0098.", "READONLY_BUFFER", getattr),
                refusal("a module name", P4 + p3Getattr + "\u008c\u0001x", "\u0093.", "STACK_GLOBAL", getattr));
    }

    /** The message's words for {@code global}, kept for getattr by the GLOBAL at {@code offset} and refused later. */
    static String kept(String global, int offset) {
        return global + "' is not allowed (named by GLOBAL at offset " + offset
                + (global.equals("builtins.getattr") ? "; read only as getattr(class, 'Name'), the name of a nested class)"
                        : ")") + ": register it";
    }

    /** The message's words for {@code global}, refused where it is named, as GLOBAL always did. */
    static String plain(String global) {
        return global + "' is not allowed: register it";
    }

    static Arguments refusal(String what, String before, String rest, String opcode, String message) {
        return Arguments.of(what, before, rest, opcode, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void anyOtherUseIsRefusedWhereItHappens(String what, String before, String rest, String opcode, String message) {
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> load(before + rest), what);
        assertEquals(opcode, e.opcode(), e.getMessage());
        assertEquals(before.length(), e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith("global '" + message), e.getMessage());
    }

    @Test
    void aKeptNameIsNeverHandedToThePersistentLoader() {
        AtomicBoolean called = new AtomicBoolean();
        UnpicklerOptions options = UnpicklerOptions.builder().registry(STRICT.registry()).persistentLoader(pid -> {
            called.set(true);
            return pid;
        }).build();
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(b(P2 + GETATTR + "Q."), options));
        assertEquals("BINPERSID", e.opcode());
        assertTrue(e.getMessage().startsWith("global 'builtins.getattr' is not allowed"), e.getMessage());
        assertFalse(called.get());
    }

    /** The memo lives on across loads from one Unpickler, and so does a name kept in it: still refused. */
    @Test
    void aKeptNameInTheMemoIsRefusedInALaterPickle() throws IOException {
        String first = P2 + GETATTR + "q\u00000N.";
        Unpickler u = new Unpickler(b(first + "h\u0000."), STRICT);
        assertNull(u.load());
        UnpicklingException e = assertThrows(UnpicklingException.class, u::load);
        assertEquals("STOP", e.opcode());
        assertEquals(first.length() + 2, e.offset());
        assertTrue(e.getMessage().startsWith("global 'builtins.getattr' is not allowed (named by GLOBAL at offset 2;"),
                e.getMessage());
    }
}
