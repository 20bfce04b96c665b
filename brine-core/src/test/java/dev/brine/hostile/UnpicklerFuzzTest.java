package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** The unpickler with the API's defaults (unknown globals refused), from a byte array and from a stream. */
class UnpicklerFuzzTest {
    @FuzzTest
    void fuzzUnpickler(byte[] data) throws IOException {
        Fuzzing.loadsOrRefuses(() -> Pickle.loads(data));
        Fuzzing.loadsOrRefuses(() -> {
            // a stream without mark/reset, read to the end: every pickle in it
            Unpickler u = new Unpickler(new ByteArrayInputStream(data) {
                @Override
                public boolean markSupported() {
                    return false;
                }
            }, UnpicklerOptions.DEFAULT);
            while (u.hasNext()) {
                u.load();
            }
        });
    }
}
