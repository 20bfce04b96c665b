package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A call whose callee the pickle built itself (REDUCE on the result of another REDUCE: cloudpickle's dynamic
 * classes, an {@code operator.attrgetter}, a {@code functools.partial}) prints its callee as a value like the
 * arguments, bounded by the same depth; it printed as {@code <callable>(5)} at any depth. A callee whose text ends in
 * {@code with state ...} is put in parentheses, so that the state does not read as the outer call's. The pickles are
 * CPython's, and CPython's {@code pickle.loads} and {@code __reduce__} say what each is.
 */
class BuiltCalleeReprTest {
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();

    private static final String PICKLES = String.join("\n",
            "import pickle, operator, functools",
            "class Call:",
            "    def __init__(self, f, *args): self.f, self.args = f, args",
            "    def __reduce__(self): return self.f, self.args",
            "for f, args in ((operator.attrgetter('real'), (5,)), (functools.partial(operator.add, 1), (2,))):",
            "    b = pickle.dumps([Call(f, *args)], protocol=2)",
            // what the callee is (its own reduction) and what Python makes of the call
            "    print(b.hex(), f.__reduce__()[:2], pickle.loads(b))");

    @Test
    void aCalleeThePickleBuiltPrintsAsAValueBoundedByTheDepth() throws IOException {
        Python.require();
        List<String> lines = Python.checkText(PICKLES).lines().toList();
        assertEquals(2, lines.size(), String.join("\n", lines));
        // operator.attrgetter('real')(5) is 5
        assertEquals("(<class 'operator.attrgetter'>, ('real',)) [5]", after(lines.get(0)));
        Object attrgetter = load(lines.get(0));
        assertEquals("[operator.attrgetter('real')(5)]", new PythonRepr(8, 20, 200).format(attrgetter));
        // at the depth limit the object is named by the global its callee's call began with
        assertEquals("[<operator.attrgetter(...) object ...>]", new PythonRepr(1, 20, 200).format(attrgetter));
        assertEquals("[<operator.attrgetter object ...>(5)]", new PythonRepr(2, 20, 200).format(attrgetter));

        // functools.partial(operator.add, 1)(2) is 3; the partial pickles as a call of its class, then its state
        assertEquals("(<class 'functools.partial'>, (<built-in function add>,)) [3]", after(lines.get(1)));
        assertEquals("[(functools.partial(_operator.add) with state (_operator.add, (1,), {}, None))(2)]",
                new PythonRepr(8, 20, 200).format(load(lines.get(1))));
    }

    /** A callee built by a chain of calls longer than the depth limit names is named bounded, whatever its length. */
    @Test
    void aLongChainOfCallsIsNamedBoundedAtTheLimit() throws IOException {
        Python.require();
        // f()()()...(): REDUCE on REDUCE 20 times, each callee the result of the call before
        String hex = Python.checkText(String.join("\n",
                "import pickle, pickletools",
                "b = b'\\x80\\x02cbuiltins\\nobject\\n' + b')R' * 20 + b'.'",
                "pickletools.dis(b, out=open('/dev/null', 'w'))", // a well-formed pickle
                "print(b.hex())")).strip();
        Object chain = Pickle.loads(HexFormat.of().parseHex(hex), GENERIC);
        assertEquals("<<callable>" + "(...)".repeat(8) + " object ...>", new PythonRepr(0, 20, 200).format(chain));
        assertEquals("builtins.object" + "()".repeat(20), new PythonRepr(30, 20, 200).format(chain));
    }

    private static String after(String line) {
        return line.substring(line.indexOf(' ') + 1);
    }

    private static Object load(String line) throws IOException {
        return Pickle.loads(HexFormat.of().parseHex(line.substring(0, line.indexOf(' '))), GENERIC);
    }
}
