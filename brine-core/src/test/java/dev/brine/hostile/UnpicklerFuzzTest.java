package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.StateHolder;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The unpickler with the API's defaults (unknown globals refused), from a byte array and from a
 * stream; and with the nested classes of the seeds {@code nested-p*.pkl} registered, so that strict
 * reading of {@code getattr(Outer, 'Inner')} also succeeds. What it returns is walked: none of the
 * unpickler's stand-ins may be in it.
 */
class UnpicklerFuzzTest {
    /** {@code __main__.Outer.Inner} and {@code __main__.Outer.Inner.Deep} (tools/make_fuzz_seeds.py). */
    static final class Nested extends StateHolder {
    }

    private static final UnpicklerOptions NESTED = UnpicklerOptions.builder().registry(UnpicklerOptions.DEFAULT.registry()
            .toBuilder().register("__main__", "Outer.Inner", Nested.class, Nested::new)
            .register("__main__", "Outer.Inner.Deep", Nested.class, Nested::new).build()).build();

    @FuzzTest
    void fuzzUnpickler(byte[] data) throws IOException {
        Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(Pickle.loads(data)));
        Fuzzing.loadsOrRefuses(() -> Fuzzing.touchAll(Pickle.loads(data, NESTED)));
        Fuzzing.loadsOrRefuses(() -> {
            // a stream without mark/reset, read to the end: every pickle in it
            Unpickler u = new Unpickler(new ByteArrayInputStream(data) {
                @Override
                public boolean markSupported() {
                    return false;
                }
            }, UnpicklerOptions.DEFAULT);
            while (u.hasNext()) {
                Fuzzing.touchAll(u.load());
            }
        });
    }
}
