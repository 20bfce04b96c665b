package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.Global;
import dev.brine.testing.Python;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a class reference CPython pickled reads back as (README's type table, Global's Javadoc): the registry's
 * callable for a class it knows, whose {@code global()} is the name, and a {@link Global} for one it does not
 * (read with generic objects); either pickles back to CPython's bytes.
 */
class ClassReferenceReadTest {
    @Test
    void aKnownClassReadsAsItsCallableAnUnknownOneAsAGlobal() throws Exception {
        Python.require();
        List<String> pickles = Python.eachLine("import pickle, argparse, collections",
                "pickle.dumps(eval(line), 4).hex()", null,
                List.of("int", "collections.OrderedDict", "argparse.Namespace", "{int: 'i'}"));
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        Object[] read = new Object[pickles.size()];
        for (int i = 0; i < read.length; i++) {
            byte[] pickle = HexFormat.of().parseHex(pickles.get(i));
            read[i] = Pickle.loads(pickle, generic);
            assertEquals(pickles.get(i), HexFormat.of().formatHex(Pickle.dumps(read[i], 4)));
        }
        assertEquals(new Global("builtins", "int"), assertInstanceOf(PyCallable.class, read[0]).global());
        assertEquals(new Global("collections", "OrderedDict"), assertInstanceOf(PyCallable.class, read[1]).global());
        assertEquals(new Global("argparse", "Namespace"), assertInstanceOf(Global.class, read[2]));
        Map<?, ?> keyed = assertInstanceOf(Map.class, read[3]);
        assertEquals(new Global("builtins", "int"), assertInstanceOf(PyCallable.class, keyed.keySet().iterator().next()).global());
    }
}
