package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.brine.mapping.ClassRegistry;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A record scalar whose type has object fields (numpy's test_records.py test_pickle_void: {@code a[0]} of an array of
 * {@code [('obj', 'O'), ('int', 'i')]}), which numpy pickles as {@code scalar(dtype, <0-d object array>)}: Brine keeps
 * the call (it read as the 0-d array, which numpy then loaded back as an ndarray, not an np.void), writes numpy's
 * bytes back at every protocol, and numpy loads those as the np.void it pickled.
 */
class ObjectRecordScalarDifferentialTest {
    private static final ClassRegistry NUMPY = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, true).build(); // object arrays allowed

    @Test
    void recordScalarsWithObjectFieldsWriteBackAsNumpysVoid() throws IOException {
        Python.require("numpy");
        String setup = String.join("\n", "import pickle, numpy as np",
                "a = np.empty(2, dtype=[('obj', 'O'), ('int', 'i')]); a['obj'] = [bytearray(b'eman'), {'k': [1]}]; a['int'] = 42");
        List<String> numpy = Python.eachLine(setup, "pickle.dumps(a[int(line)], 5 if line == '1' else 2).hex()", null,
                List.of("0", "1"));
        UnpicklerOptions read = UnpicklerOptions.builder().registry(NUMPY).build();
        PicklerOptions write = PicklerOptions.builder().registry(NUMPY).build();
        StringBuilder brine = new StringBuilder();
        for (int i = 0; i < numpy.size(); i++) {
            int protocol = i == 1 ? 5 : 2;
            Object read1 = Pickle.loads(HexFormat.of().parseHex(numpy.get(i)), read);
            assertInstanceOf(GenericObject.class, read1);
            String again = HexFormat.of().formatHex(Pickle.dumps(read1, write.withProtocol(protocol)));
            assertEquals(numpy.get(i), again, "record " + i + " at protocol " + protocol);
            brine.append(again).append(' ');
        }
        assertEquals("void 42 void 42", Python.checkText(setup + "\n"
                + "print(' '.join(type(o).__name__ + ' ' + str(o['int']) for o in (pickle.loads(bytes.fromhex(h)) for h in '"
                + brine.toString().strip() + "'.split())))").strip());
    }
}
