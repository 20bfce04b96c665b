package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * cloudpickle writes a class defined in {@code __main__} (a notebook's model, an MLflow or Ray payload) by
 * value: the class is the result of a call in the pickle ({@code _make_skeleton_class(...)}), and its
 * instances are made from it by NEWOBJ or NEWOBJ_EX. Read with {@code genericObjects(true)} (as the CLI
 * reads) that class is an inert generic object, and NEWOBJ on it an inert instance, as REDUCE on it
 * already was; Brine refused every such pickle ("NEWOBJ class argument isn't a type"). Oracle: CPython
 * with cloudpickle, which loads Brine's rewrite as the same objects.
 */
class CloudpickleDynamicClassDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();
    /** numpy 2's names, which the numpy that wrote the pickles writes. */
    private static final ClassRegistry NUMPY2 =
            NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, true).build();

    /** Instances of dynamic classes in the shapes cloudpickle writes: NEWOBJ, NEWOBJ_EX, list items, slots, a dataclass. */
    private static final String CLASSES = String.join("\n",
            "import cloudpickle, pickle, dataclasses, numpy as np",
            "class Plain:",
            "    def __init__(self): self.w = np.arange(3.0)",
            "class NewArgsEx:",
            "    def __new__(cls, a, *, b=0):",
            "        o = super().__new__(cls); o.a = a; o.b = b; return o",
            "    def __getnewargs_ex__(self): return ((self.a,), {'b': self.b})",
            "class L(list):",
            "    pass",
            "class Slots:",
            "    __slots__ = ('x',)",
            "    def __init__(self): self.x = 5",
            "@dataclasses.dataclass",
            "class DC:",
            "    x: int = 1",
            "def values():",
            "    l = L([1, 2]); l.tag = 't'",
            "    return {'plain': Plain(), 'ex': NewArgsEx(1, b=2), 'list': l, 'slots': Slots(), 'dc': DC(3)}");

    /** What CPython loads, as text: each class's name and each instance's contents. */
    private static final String DESCRIBE = String.join("\n",
            "import pickle",
            "def describe(d):",
            "    p, e, l, s, dc = d['plain'], d['ex'], d['list'], d['slots'], d['dc']",
            "    return repr([type(p).__name__, p.w.tolist(), type(e).__name__, e.a, e.b, type(l).__name__, list(l), l.tag,",
            "                 type(s).__name__, s.x, dc])");

    @Test
    void instancesOfClassesCloudpickleWritesByValueReadInertAndWriteBack() throws IOException {
        Python.require("cloudpickle", "numpy");
        List<String> protocols = List.of("2", "3", "4", "5");
        List<String> pickles = Python.eachLine(CLASSES, "cloudpickle.dumps(values(), protocol=int(line)).hex()", null, protocols);
        List<String> both = new ArrayList<>(pickles);
        for (int i = 0; i < protocols.size(); i++) {
            byte[] cloudpickled = HEX.parseHex(pickles.get(i));
            Object loaded = Pickle.loads(cloudpickled, GENERIC);
            Object plain = ((Map<?, ?>) loaded).get("plain");
            assertInstanceOf(GenericObject.class, plain);
            assertInstanceOf(GenericObject.class, ((GenericObject) plain).callable(), "the class, made by a call in the pickle");
            byte[] brine = Pickle.dumps(loaded, PicklerOptions.builder().registry(NUMPY2)
                    .protocol(Integer.parseInt(protocols.get(i))).build());
            if (i < 2) {
                // protocols 2 and 3: cloudpickle's bytes (at 4 and 5 it shares the str 'numpy' of a subimport
                // with numpy's module name, a memo GET that Brine writes as the str again)
                assertTrue(pickles.get(i).equals(HEX.formatHex(brine)), "protocol " + protocols.get(i) + " not cloudpickle's bytes");
            }
            both.add(HEX.formatHex(brine));
        }
        List<String> described = Python.eachLine(DESCRIBE, "describe(pickle.loads(bytes.fromhex(line)))", null, both);
        for (int i = 0; i < protocols.size(); i++) {
            assertEquals(described.get(i), described.get(i + protocols.size()), "protocol " + protocols.get(i));
        }
        assertEquals("['Plain', [0.0, 1.0, 2.0], 'NewArgsEx', 1, 2, 'L', [1, 2], 't', 'Slots', 5, DC(x=3)]", described.get(0));
    }

    /**
     * Read strictly, an object the pickle made is no class to create an instance of: the refusal says
     * what it is ({@code Decimal('NaN')}, which Brine keeps inert even then) and how to keep it inert.
     */
    @Test
    void strictReadingSaysWhatTheClassArgumentIs() throws IOException {
        for (String op : List.of(")\u0081", ")}\u0092")) {
            byte[] pickle = ("\u0080\u0004cdecimal\nDecimal\n(X\u0003\u0000\u0000\u0000NaNtR" + op + ".")
                    .getBytes(StandardCharsets.ISO_8859_1);
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(pickle));
            String opcode = op.endsWith("\u0081") ? "NEWOBJ" : "NEWOBJ_EX";
            assertEquals(opcode, e.opcode());
            assertTrue(e.getMessage().startsWith(opcode + " class argument is an object the pickle itself made, "
                    + "Decimal('NaN'), not a class Brine can create; read with genericObjects(true)"), e.getMessage());
            GenericObject inert = assertInstanceOf(GenericObject.class, Pickle.loads(pickle, GENERIC));
            assertInstanceOf(GenericObject.class, inert.callable());
        }
    }
}
