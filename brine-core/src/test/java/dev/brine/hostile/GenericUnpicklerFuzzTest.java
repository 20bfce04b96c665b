package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import java.io.IOException;

/** The unpickler reading unknown globals as inert generic objects, with Python 2 strings as latin-1. */
class GenericUnpicklerFuzzTest {
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true)
            .py2Strings(UnpicklerOptions.Py2Strings.LATIN1).build();

    @FuzzTest
    void fuzzGenericUnpickler(byte[] data) throws IOException {
        Fuzzing.loadsOrRefuses(() -> {
            Object o = Pickle.loads(data, GENERIC);
            if (o instanceof GenericObject) {
                // generic objects are data: reading their parts runs nothing
                GenericObject g = (GenericObject) o;
                g.callable();
                g.args();
            }
        });
    }
}
