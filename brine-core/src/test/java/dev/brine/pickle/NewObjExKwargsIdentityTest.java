package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NEWOBJ_EX's keyword-argument dict is one object: when the pickle reaches it again (the object's
 * state holding the same dict, another object made with it), CPython writes a memo reference, and
 * Brine, reading the object generically and writing it back, must too. Oracle: CPython's own pickles
 * of classes with {@code __getnewargs_ex__}, compared byte for byte with Brine's re-dump.
 */
class NewObjExKwargsIdentityTest {
    private static final String CLASSES = String.join("\n",
            "import pickle",
            "class NX:",
            "    def __new__(cls, *a, **k):",
            "        o = object.__new__(cls); o.a = a; o.k = k; return o",
            "    def __getnewargs_ex__(self): return self.a, self.k",
            "class Plain:",
            "    def __new__(cls, *a, **k): return object.__new__(cls)",
            "    def __init__(self, *a, **k): self.a, self.k = a, k",
            "    def __getnewargs_ex__(self): return self.a, dict(self.k)",
            "def shared_pair():",
            "    first = NX(1, k=3)",
            "    second = NX.__new__(NX, 2, **first.k); second.k = first.k",
            "    return [first, second]");

    private static final List<String> CASES = List.of("NX(1, 2, k=3)", "NX(k={'x': [1]}, j=None)", "Plain(1, k=2)",
            "shared_pair()", "[NX(a=1)] * 2");

    @Test
    void aKeywordDictReachedAgainIsWrittenBackAsAMemoReference() throws IOException {
        Python.require();
        List<String> lines = new java.util.ArrayList<>();
        for (String c : CASES) {
            lines.add("4 " + c);
            lines.add("5 " + c);
        }
        List<String> cpython = Python.eachLine(CLASSES,
                "pickle.dumps(eval(line.split(' ', 1)[1]), int(line.split(' ', 1)[0])).hex()", null, lines);
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        for (int k = 0; k < lines.size(); k++) {
            byte[] original = HexFormat.of().parseHex(cpython.get(k));
            Object loaded = Pickle.loads(original, generic);
            int proto = Integer.parseInt(lines.get(k).substring(0, 1));
            assertEquals(cpython.get(k), HexFormat.of().formatHex(Pickle.dumps(loaded, proto)), lines.get(k));
        }
    }

    @Test
    void theStateHoldsTheVeryDictTheKeywordsAre() throws IOException {
        Python.require();
        String hex = Python.eachLine(CLASSES, "pickle.dumps(NX(1, k=3), 4).hex()", null, List.of("")).get(0);
        GenericObject g = assertInstanceOf(GenericObject.class,
                Pickle.loads(HexFormat.of().parseHex(hex), UnpicklerOptions.builder().genericObjects(true).build()));
        Map<?, ?> state = assertInstanceOf(Map.class, g.state());
        assertSame(g.kwargs(), state.get("k"));
    }
}
