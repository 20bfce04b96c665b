package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.py.GenericObject;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * numpy object arrays that hold themselves, directly or through other values ({@code a[0] = (a,)}): numpy
 * makes the array before its items, so its pickle fetches the array (a memo GET) while its items are
 * still being read, and Brine, whose arrays are immutable, has only a stand-in to give until BUILD. Live
 * numpy pickles each structure at protocols 0 to 5; Brine must read every one with the array itself
 * where the stand-in stood (in tuples, lists, dicts, OrderedDicts, other arrays, generic objects), write
 * it back byte for byte as numpy wrote it, and numpy must load Brine's bytes with the same identities.
 * The same arrays saved by {@code np.save} read through {@link Npy#readObjectArray}. Values Brine cannot
 * finish (a dict key, a registered class's state) are refused, never left holding the stand-in.
 */
class SelfHoldingObjectArrayDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ClassRegistry NUMPY2 = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, true).build();
    private static final UnpicklerOptions READ = UnpicklerOptions.builder().registry(NUMPY2).genericObjects(true).build();
    private static final PicklerOptions WRITE = PicklerOptions.builder().registry(NUMPY2).build();

    /** Classes the cases use, in {@code __main__} of both the writing and the checking script. */
    private static final String PRELUDE = String.join("\n",
            "import numpy as np, pickle, collections, sys, os",
            "class C:",
            "    pass",
            "class D:",
            "    def __init__(self, arr):",
            "        self.arr = arr",
            "    def __reduce__(self):",
            "        return (D, (self.arr,))",
            "class E:", // made with a keyword argument: NEWOBJ_EX from protocol 4, a functools.partial at 2 and 3
            "    def __new__(cls, *, arr):",
            "        o = object.__new__(cls)",
            "        o.arr = arr",
            "        return o",
            "    def __getnewargs_ex__(self):",
            "        return ((), {'arr': self.arr})",
            "    def __getstate__(self):",
            "        return None",
            "");

    /**
     * A structure: numpy's code that makes {@code a}, Python's identity test on the loaded {@code x}, Brine's,
     * and the lowest protocol that can pickle it.
     */
    private record Case(String name, String make, String pythonCheck, Consumer<ObjectArray> javaCheck, int lowest) {
        Case(String name, String make, String pythonCheck, Consumer<ObjectArray> javaCheck) {
            this(name, make, pythonCheck, javaCheck, 0);
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("tuple", "a = np.empty(1, object); a[0] = (a,)", "x[0][0] is x",
                    a -> assertSame(a, tuple(a.items().get(0)).get(0))),
            new Case("two arrays", "a = np.empty(1, object); b = np.empty(1, object); a[0] = b; b[0] = a",
                    "x[0][0] is x and x[0] is not x",
                    a -> assertSame(a, array(a.items().get(0)).items().get(0))),
            new Case("two arrays through tuples", "a = np.empty(1, object); b = np.empty(1, object); a[0] = (b,); b[0] = (a, b)",
                    "x[0][0][0][0] is x and x[0][0][0][1] is x[0][0]",
                    a -> {
                        ObjectArray b = array(tuple(a.items().get(0)).get(0));
                        assertSame(a, tuple(b.items().get(0)).get(0));
                        assertSame(b, tuple(b.items().get(0)).get(1));
                    }),
            new Case("dict in a tuple", "a = np.empty(1, object); a[0] = ({'k': a},)", "x[0][0]['k'] is x",
                    a -> assertSame(a, map(tuple(a.items().get(0)).get(0)).get("k"))),
            new Case("list in a tuple", "a = np.empty(1, object); a[0] = ([a, 1],)", "x[0][0][0] is x",
                    a -> assertSame(a, list(tuple(a.items().get(0)).get(0)).get(0))),
            new Case("tuple in a tuple", "a = np.empty(1, object); a[0] = ((a,), a)", "x[0][0][0] is x and x[0][1] is x",
                    a -> {
                        Tuple t = tuple(a.items().get(0));
                        assertSame(a, tuple(t.get(0)).get(0));
                        assertSame(a, t.get(1));
                    }),
            new Case("OrderedDict", "a = np.empty(1, object); a[0] = collections.OrderedDict(x=a, y=(a,))",
                    "x[0]['x'] is x and x[0]['y'][0] is x",
                    a -> {
                        OrderedDict<?, ?> d = assertInstanceOf(OrderedDict.class, a.items().get(0));
                        assertSame(a, d.get("x"));
                        assertSame(a, tuple(d.get("y")).get(0));
                    }),
            new Case("object state", "a = np.empty(1, object); c = C(); c.arr = a; c.t = (a,); a[0] = c",
                    "x[0].arr is x and x[0].t[0] is x",
                    a -> {
                        Map<?, ?> state = map(assertInstanceOf(GenericObject.class, a.items().get(0)).state());
                        assertSame(a, state.get("arr"));
                        assertSame(a, tuple(state.get("t")).get(0));
                    }),
            new Case("reduce arguments", "a = np.empty(1, object); a[0] = D(a)", "x[0].arr is x",
                    a -> assertSame(a, assertInstanceOf(GenericObject.class, a.items().get(0)).args().get(0))),
            new Case("keyword arguments", "a = np.empty(1, object); a[0] = E(arr=a)", "x[0].arr is x",
                    a -> {
                        GenericObject e = assertInstanceOf(GenericObject.class, a.items().get(0));
                        // below protocol 4 Python writes functools.partial(E.__new__, E, arr=a)(): the partial's state
                        // holds the keywords
                        Map<?, ?> kwargs = !e.kwargs().isEmpty() ? e.kwargs()
                                : map(tuple(assertInstanceOf(GenericObject.class, e.callable()).state()).get(2));
                        assertSame(a, kwargs.get("arr"));
                    }, 2),
            new Case("2-d", "a = np.empty((2, 2), object); a[0, 0] = a; a[0, 1] = 1; a[1, 0] = 's'; a[1, 1] = (a, [a])",
                    "x[0, 0] is x and x[1, 1][0] is x and x[1, 1][1][0] is x",
                    a -> {
                        assertSame(a, a.items().get(0));
                        Tuple t = tuple(a.items().get(3));
                        assertSame(a, t.get(0));
                        assertSame(a, list(t.get(1)).get(0));
                    }),
            new Case("record field", "a = np.zeros(2, dtype=[('i', '<i4'), ('o', 'O')]); a[1]['o'] = a",
                    "x[1]['o'] is x",
                    a -> assertSame(a, tuple(a.items().get(1)).get(1))));

    @TempDir
    Path tmp;

    private static Tuple tuple(Object o) {
        return assertInstanceOf(Tuple.class, o);
    }

    private static ObjectArray array(Object o) {
        return assertInstanceOf(ObjectArray.class, o);
    }

    private static Map<?, ?> map(Object o) {
        return assertInstanceOf(Map.class, o);
    }

    private static List<?> list(Object o) {
        return assertInstanceOf(List.class, o);
    }

    private String python(String script) throws IOException {
        Python.require("numpy");
        return new String(Python.check(PRELUDE + "os.chdir(" + pyStr(tmp.toString()) + ")\n" + script, new byte[0]),
                StandardCharsets.UTF_8);
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /**
     * Many arrays that hold themselves inside one that holds itself, {@code R = [R, [a1 .. an]]}: each inner
     * BUILD puts its array back only in the containers touched since that array was handed out, not in every
     * container touched since R was (which made 40,000 arrays take 21 s, unbounded by the limits, found by a
     * scaling hunt), and in the stack slots from where its copies went, not the whole stack (the other items
     * of R's list wait there: at protocol 4 this was refused). Every slot such a walk looks at is charged
     * against maxBytesRatio, so under the default limits a quadratic walk would be refused here: loading
     * 20,000 of them, from bytes and from a file, is the check that it is linear.
     */
    @Test
    void manySelfHoldingArraysInsideOneAreFinishedInALinearWalk() throws IOException {
        python(String.join("\n",
                "R = np.empty(2, dtype=object)",
                "items = []",
                "for i in range(20000):",
                "    a = np.empty(1, dtype=object)",
                "    a[0] = a",
                "    items.append(a)",
                "R[0] = R",
                "R[1] = items",
                "for p in (2, 4):",
                "    open('flat%d.pkl' % p, 'wb').write(pickle.dumps(R, p))",
                "    b = pickle.loads(open('flat%d.pkl' % p, 'rb').read())",
                "    assert b[0] is b and all(x[0] is x for x in b[1])"));
        for (int protocol : new int[] {2, 4}) {
            Path file = tmp.resolve("flat" + protocol + ".pkl");
            for (Object loaded : List.of(Pickle.loads(Files.readAllBytes(file), READ), Pickle.load(file, READ))) {
                ObjectArray r = array(loaded);
                assertSame(r, r.items().get(0));
                List<?> items = list(r.items().get(1));
                assertEquals(20000, items.size());
                for (Object item : items) {
                    ObjectArray a = array(item);
                    assertSame(a, a.items().get(0), "protocol " + protocol);
                }
            }
        }
    }

    /**
     * numpy's pickle of each case at each protocol reads with the array where the stand-in stood, dumps
     * back to numpy's bytes, and numpy loads Brine's bytes holding itself as the original did.
     */
    @Test
    void numpysPicklesReadHoldingTheArrayItselfAndWriteBackByteForByte() throws IOException {
        StringBuilder make = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            make.append(CASES.get(i).make()).append('\n')
                    .append("x = a\nassert ").append(CASES.get(i).pythonCheck()).append('\n')
                    .append("for p in range(").append(CASES.get(i).lowest()).append(", 6):\n")
                    .append("    open(f'numpy_").append(i).append("_{p}.pkl', 'wb').write(pickle.dumps(a, protocol=p))\n");
        }
        python(make.toString());
        StringBuilder differences = new StringBuilder();
        StringBuilder check = new StringBuilder("out = []\n");
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            for (int p = c.lowest(); p <= 5; p++) {
                byte[] numpy = Files.readAllBytes(tmp.resolve("numpy_" + i + "_" + p + ".pkl"));
                ObjectArray a = assertInstanceOf(ObjectArray.class, Pickle.loads(numpy, READ), c.name() + " protocol " + p);
                c.javaCheck().accept(a);
                byte[] brine = Pickle.dumps(a, WRITE.withProtocol(p));
                if (!java.util.Arrays.equals(numpy, brine)) {
                    differences.append(c.name()).append(" protocol ").append(p).append("\n  numpy ").append(HEX.formatHex(numpy))
                            .append("\n  brine ").append(HEX.formatHex(brine)).append('\n');
                }
                Files.write(tmp.resolve("brine_" + i + "_" + p + ".pkl"), brine);
                check.append("x = pickle.load(open('brine_").append(i).append('_').append(p).append(".pkl', 'rb'))\n")
                        .append("out.append('").append(i).append(' ').append(p).append(" ' + str(bool(")
                        .append(c.pythonCheck()).append(")))\n");
            }
        }
        check.append("print('\\n'.join(out))\n");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            for (int p = CASES.get(i).lowest(); p <= 5; p++) {
                expected.add(i + " " + p + " True");
            }
        }
        assertEquals(String.join("\n", expected), python(check.toString()).strip());
        assertEquals("", differences.toString());
    }

    /**
     * The same arrays saved by {@code np.save(..., allow_pickle=True)} read through {@link Npy#readObjectArray},
     * and print as numpy prints them.
     */
    @Test
    void npyFilesOfSuchArraysReadHoldingTheArrayItself() throws IOException {
        StringBuilder make = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            make.append(CASES.get(i).make()).append('\n').append("np.save('case_").append(i).append(".npy', a)\n")
                    .append("x = np.load('case_").append(i).append(".npy', allow_pickle=True)\n")
                    .append("assert ").append(CASES.get(i).pythonCheck()).append('\n');
        }
        make.append("for i in range(").append(CASES.size()).append("):\n")
                .append("    print(repr(np.load(f'case_{i}.npy', allow_pickle=True)).encode('unicode_escape').decode())\n");
        String[] reprs = python(make.toString()).strip().split("\n");
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            ObjectArray a = Npy.readObjectArray(tmp.resolve("case_" + i + ".npy"), READ);
            CASES.get(i).javaCheck().accept(a);
            String brine = a.toString().replace("\n", "\\n");
            // numpy's repr where it meets the array again: array(..., dtype=object); objects print their address,
            // and Python 3.11 prints an OrderedDict as a list of pairs (Brine as 3.12 does)
            if (!CASES.get(i).make().matches(".*\\b[CDE]\\(.*")
                    && !CASES.get(i).make().contains("OrderedDict") && !brine.equals(reprs[i])) {
                differences.append(CASES.get(i).name()).append("\n  numpy ").append(reprs[i]).append("\n  brine ")
                        .append(brine).append('\n');
            }
        }
        assertEquals("", differences.toString());
    }

    /**
     * A pickle that puts the array into a dict key before BUILD (numpy cannot write one: Python refuses an
     * array as a key) fails in CPython, unhashable, and in Brine with an UnpicklingException that says why
     * and where, not with the stand-in in the key.
     */
    @Test
    void anArrayUsedAsAKeyBeforeItsBuildIsRefusedAsCPythonRefusesIt() throws IOException {
        String out = python(String.join("\n",
                "a = np.empty(1, object); a[0] = {'k': a}",
                "good = pickle.dumps(a, 2)",
                "at = good.index(b'X\\x01\\x00\\x00\\x00k')",
                "key = good[at:at + 6]; rest = good[at + 6:]",
                "get = rest[rest.index(b'h'):rest.index(b'h') + 2]",
                "assert rest.startswith(b'q') and rest[2:4] == get, rest",
                "bad = good[:at] + get + key + rest[:2] + rest[4:]", // value 'k' under the key a
                "open('key.pkl', 'wb').write(bad)",
                "try:",
                "    pickle.loads(bad)",
                "    print('loaded')",
                "except TypeError as e:",
                "    print('refused', e)"));
        assertEquals("refused unhashable type: 'numpy.ndarray'", out.strip());
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(Files.readAllBytes(tmp.resolve("key.pkl")), READ));
        assertTrue(e.getMessage().contains("dict key") && e.getMessage().contains("GET at offset")
                && e.getMessage().contains("unhashable"), e.getMessage());
        assertTrue(e.offset() > 0 && e.opcode() != null, e.getMessage());
    }

    /** A registered class whose state holds the array: Brine cannot finish it inside the class, so it says so. */
    @Test
    void aRegisteredClassGivenTheArrayBeforeItsBuildIsRefusedNotLeftHoldingTheStandIn() throws IOException {
        python(String.join("\n",
                "a = np.empty(1, object); c = C(); c.arr = a; a[0] = c",
                "open('state.pkl', 'wb').write(pickle.dumps(a, 2))",
                "x = pickle.load(open('state.pkl', 'rb')); assert x[0].arr is x"));
        ClassRegistry registry = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, true)
                .register("__main__", "C", Holder.class, Holder::new).build();
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(
                Files.readAllBytes(tmp.resolve("state.pkl")), UnpicklerOptions.builder().registry(registry).build()));
        assertTrue(e.getMessage().contains("setState") && e.getMessage().contains("not made yet")
                && e.getMessage().contains("GET at offset"), e.getMessage());
        assertEquals("BUILD", e.opcode());
    }

    /** A registered record made from arguments that hold the array: refused too, naming the class. */
    @Test
    void aRegisteredRecordMadeFromTheArrayBeforeItsBuildIsRefused() throws IOException {
        python(String.join("\n",
                "a = np.empty(1, object); a[0] = D(a)",
                "open('record.pkl', 'wb').write(pickle.dumps(a, 4))",
                "x = pickle.load(open('record.pkl', 'rb')); assert x[0].arr is x"));
        ClassRegistry registry = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, true)
                .registerRecord("__main__", "D", Held.class).build();
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(
                Files.readAllBytes(tmp.resolve("record.pkl")), UnpicklerOptions.builder().registry(registry).build()));
        assertTrue(e.getMessage().contains("__main__.D made a") && e.getMessage().contains("not made yet")
                && e.getMessage().contains("GET at offset"), e.getMessage());
        assertEquals("REDUCE", e.opcode());
    }

    /** A registered record that holds whatever it is given. */
    public record Held(Object arr) {
    }

    /** A registered class that keeps whatever state it is given. */
    public static final class Holder implements PickleState {
        Object state;

        @Override
        public Object getState() {
            return state;
        }

        @Override
        public void setState(Object s) {
            state = s;
        }
    }

    /**
     * An array made and never given its state (CPython then holds an empty array; Brine has only its stand-in):
     * refused when the value holds it, never returned.
     */
    @Test
    void anArrayWhoseBuildNeverComesIsRefused() throws IOException {
        python(String.join("\n",
                "a = np.empty(1, object); a[0] = [a]",
                "good = pickle.dumps(a, 2)",
                "assert good.endswith(b'b.')", // ... the state, BUILD, STOP
                "open('unbuilt.pkl', 'wb').write(good[:-2] + b'0.')")); // POP the state instead: the array stays unbuilt
        BrineException e = assertThrows(BrineException.class,
                () -> Pickle.loads(Files.readAllBytes(tmp.resolve("unbuilt.pkl")), READ));
        assertTrue(e.getMessage().contains("not made yet"), e.getMessage());
    }

    /**
     * Hand-made pickles (numpy's never do this) that take the array before BUILD another way than a memo GET.
     * A DUP of it, put into a tuple that its items hold: CPython loads it holding itself, and so does Brine.
     * The array itself put into a tuple before anything fetched it (only a later GET does): CPython loads
     * that too, but Brine did not note the tuple, and refuses the value rather than return the stand-in.
     */
    @Test
    void aStandInTakenByDupIsFinishedAndOneTakenBeforeAnyGetIsRefused() throws IOException {
        String out = python(String.join("\n",
                "a = np.empty(1, object); a[0] = 7",
                "good = pickle.dumps(a, 2)",
                "reduced = b'Rq\\t('", // the array's REDUCE and BINPUT 9, then its state's MARK
                "assert good.count(reduced) == 1 and good.count(b'K\\x07a') == 1",
                // DUP, TUPLE1, BINPUT 99, POP: the tuple (a,) in the memo; the item 7 becomes that tuple
                "dup = good.replace(reduced, b'Rq\\t2\\x85qc0(').replace(b'K\\x07a', b'hca')",
                // TUPLE1 takes the array itself, BINPUT 99, POP, then GET 9 brings the array back for its BUILD
                "early = good.replace(reduced, b'Rq\\t\\x85qc0h\\t(').replace(b'K\\x07a', b'hca')",
                "open('dup.pkl', 'wb').write(dup); open('early.pkl', 'wb').write(early)",
                "for b in (dup, early):",
                "    x = pickle.loads(b)",
                "    print(x[0][0] is x)"));
        assertEquals("True\nTrue", out.strip());
        ObjectArray a = assertInstanceOf(ObjectArray.class, Pickle.loads(Files.readAllBytes(tmp.resolve("dup.pkl")), READ));
        assertSame(a, tuple(a.items().get(0)).get(0));
        UnpicklingException e = assertThrows(UnpicklingException.class,
                () -> Pickle.loads(Files.readAllBytes(tmp.resolve("early.pkl")), READ));
        assertTrue(e.getMessage().contains("not made yet") && e.getMessage().contains("BUILD cannot reach"), e.getMessage());
        assertEquals("STOP", e.opcode());
    }

    /**
     * Big and deep, under the default limits: a million-item array holding itself is finished in one pass
     * over its items (the pass is charged against maxBytesRatio, a byte a slot, well inside it), and the array
     * at the bottom of 100,000 nested lists among its own items is put there without recursion.
     */
    @Test
    void aMillionItemsAndHundredThousandNestedListsAreFinishedWithinTheDefaultLimits() throws IOException {
        String out = python(String.join("\n",
                "a = np.empty(1_000_000, object); a[0] = a; a[-1] = (a,)",
                "open('big.pkl', 'wb').write(pickle.dumps(a, 2))",
                "b = np.empty(1, object); b[0] = 7",
                "good = pickle.dumps(b, 2)",
                "assert good.count(b'K\\x07a') == 1 and good.count(b'Rq\\t(') == 1", // the item 7; the array is memo entry 9
                "n = 100_000",
                "deep = good.replace(b'K\\x07a', b']' * n + b'h\\t' + b'a' * (n + 1))", // [[...[b]...]] in b's item list
                "open('deep.pkl', 'wb').write(deep)",
                "x = pickle.loads(deep)",
                "y = x[0]",
                "for _ in range(n - 1):",
                "    y = y[0]",
                "print(y[0] is x, len(y))"));
        assertEquals("True 1", out.strip());
        ObjectArray big = assertInstanceOf(ObjectArray.class, Pickle.loads(Files.readAllBytes(tmp.resolve("big.pkl")), READ));
        assertEquals(1_000_000, big.items().size());
        assertSame(big, big.items().get(0));
        assertSame(big, tuple(big.items().get(999_999)).get(0));
        ObjectArray deep = assertInstanceOf(ObjectArray.class, Pickle.loads(Files.readAllBytes(tmp.resolve("deep.pkl")), READ));
        Object y = deep.items().get(0);
        for (int i = 0; i < 99_999; i++) {
            y = list(y).get(0);
        }
        assertEquals(1, list(y).size());
        assertSame(deep, list(y).get(0));
    }

    /**
     * A chain of arrays that each hold themselves, the next one and a 1,000-item list, as CPython pickles it
     * (every array is out while its descendants are read): each BUILD looks only at the containers that took
     * its own array, not at every list filled since it was fetched (which looked at every descendant's list
     * again at each ancestor, and refused 100 of them, 280 KB, by maxBytesRatio). 200 load under the default
     * limits, which charge every slot looked at: the check that the walk is linear.
     */
    @Test
    void aChainOfSelfHoldingArraysWithLongListsLoadsWithinTheDefaultLimits() throws IOException {
        python(String.join("\n",
                "arrs = [np.empty(3, dtype=object) for _ in range(200)]",
                "for k, a in enumerate(arrs):",
                "    a[0] = a; a[1] = arrs[k + 1] if k + 1 < len(arrs) else None; a[2] = list(range(1000))",
                "p = pickle.dumps(arrs[0], 2)",
                "open('chain.pkl', 'wb').write(p)",
                "b = pickle.loads(p)",
                "for k in range(200):",
                "    assert b[0] is b and b[2][999] == 999",
                "    b = b[1]",
                "assert b is None"));
        Object node = Pickle.loads(Files.readAllBytes(tmp.resolve("chain.pkl")), READ);
        for (int k = 0; k < 200; k++) {
            ObjectArray a = array(node);
            assertSame(a, a.items().get(0), "array " + k);
            assertEquals(999L, list(a.items().get(2)).get(999));
            node = a.items().get(1);
        }
        assertEquals(null, node);
    }

    /**
     * Many stand-ins out at once while many lists are filled (a hand-made pickle CPython loads: 2,000 arrays
     * fetched, then 100,000 lists, each taking one of them or an int, then the arrays built): each BUILD puts
     * its array into the lists that took it and looks at no other, so this loads under the default limits
     * (a walk of every list filled since each array was fetched was quadratic, and refused). Where the work
     * is quadratic (one list taking all 2,000 arrays, looked at again by each array's BUILD), maxBytesRatio
     * refuses it, named.
     */
    @Test
    void manyStandInsOutWhileManyListsAreFilledLoadLinearly() throws IOException {
        String out = python(String.join("\n",
                "b = np.empty(1, object); b[0] = 7",
                "good = pickle.dumps(b, 2)",
                "made = good[2:good.index(b'Rq\\t(') + 1]", // pushes a new array, not built yet
                "state = good[good.index(b'Rq\\t(') + 3:-2]", // its state tuple
                "n, m = 2000, 100_000",
                "idx = lambda i: (1000 + i).to_bytes(4, 'little')",
                "head = b''.join(made + b'r' + idx(i) + b'0' for i in range(n))",
                "head += b''.join(b'j' + idx(i) for i in range(n))", // every one fetched
                "builds = (state + b'b0') * n", // each built in turn
                "outer = b'r' + idx(n)", // the list of lists, memoized to be fetched after the builds
                "lists = b''.join(b']j' + idx(i % n) + b'aa' if i % 2 else b']K\\x01aa' for i in range(m))",
                "spread = b'\\x80\\x02' + head + b']' + outer + lists + b'0' + builds + b'j' + idx(n) + b'.'",
                "v = pickle.loads(spread)",
                "assert len(v) == m and all(v[i][0][0] == 7 if i % 2 else v[i][0] == 1 for i in range(m))",
                "assert all(v[i][0] is v[i + 2 * n][0] for i in range(1, 1000, 2))", // one array, many lists
                "open('spread.pkl', 'wb').write(spread)",
                "one = b'\\x80\\x02' + head + b']' + b''.join(b'j' + idx(i) + b'a' for i in range(n)) + b'0' + builds + b'N.'",
                "assert pickle.loads(one) is None",
                "open('one.pkl', 'wb').write(one)",
                "print(len(spread), len(one))"));
        List<?> lists = list(Pickle.loads(Files.readAllBytes(tmp.resolve("spread.pkl")), READ));
        assertEquals(100_000, lists.size());
        for (int i = 0; i < lists.size(); i++) {
            Object item = list(lists.get(i)).get(0);
            if (i % 2 == 0) {
                assertEquals(1L, item);
            } else {
                assertEquals(List.of(7L), array(item).items(), "list " + i);
                if (i + 4000 < lists.size()) { // list i + 4000 took the same array (i % 2000)
                    assertSame(item, list(lists.get(i + 4000)).get(0));
                }
            }
        }
        byte[] one = Files.readAllBytes(tmp.resolve("one.pkl"));
        dev.brine.LimitExceededException e = assertThrows(dev.brine.LimitExceededException.class, () -> Pickle.loads(one, READ));
        assertEquals("maxBytesRatio", e.limit());
        // says what was counted: the slots re-walked, not bytes a call built
        assertTrue(e.getMessage().contains("build or re-walk") && e.getMessage().contains("by offset "), e.getMessage());
    }
}
