package dev.brine.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brine.Limits;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.PythonRepr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What {@code brine show FILE} does with a file (brine-cli's Loaded + ShowCommand, kept in step
 * here because the fuzzer lives in brine-core): detect NPY by its magic, else read every pickle
 * with generic objects and latin-1 Python 2 strings, then print each object with the bounded repr.
 */
class ShowPathFuzzTest {
    static final UnpicklerOptions VIEWING = UnpicklerOptions.builder().genericObjects(true)
            .py2Strings(UnpicklerOptions.Py2Strings.LATIN1).build();
    private static final PythonRepr SHOW = new PythonRepr(8, 20, 200);

    @FuzzTest
    void fuzzShowPath(byte[] data) throws IOException {
        Path f = Fuzzing.tempFile(data, ".bin");
        try {
            Fuzzing.loadsOrRefuses(() -> {
                if (data.length >= 6 && (data[0] & 0xff) == 0x93 && data[1] == 'N') {
                    SHOW.format(Npy.map(f, false, Limits.DEFAULT)); // as Loaded: mapped, read-only
                    return;
                }
                List<Object> all = Pickle.loadAll(f, VIEWING);
                for (Object o : all) {
                    SHOW.format(o);
                    if (!(o instanceof Collection || o instanceof Map)) {
                        // toString of tuples, generic objects and the other Brine types, which print
                        // through PythonRepr and so survive cycles. Not of the JDK's lists and maps:
                        // their toString recurses forever on a cycle through two of them (Python's
                        // a = [[]]; a[0].append(a)), which is the JDK's, and why show uses PythonRepr
                        String.valueOf(o);
                    }
                }
            });
        } finally {
            Files.delete(f);
        }
    }
}
