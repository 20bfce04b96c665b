package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * From protocol 4 CPython writes a global's module name with the memo it writes data with, and the
 * module name is interned, as are identifier-like strs in Python code: the key of
 * {@code {'re': re.compile('a')}} and {@code re._compile}'s module are one str, written once and then as
 * a memo GET, in either order. Brine wrote the module name again. A str only equal to the module name
 * (built at run time) is another object, written twice by CPython, and by Brine.
 */
class ModuleNameSharedWithDataDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();

    private static final List<String> CASES = List.of(
            "{'re': re.compile('a')}",
            "[re.compile('a'), 're']",
            "{'json': json.dumps, 'x': ['json', re.sub]}",
            "{''.join(['r', 'e']): re.compile('a')}",
            "[re.sub, ''.join(['r', 'e']), 're']");

    @Test
    void aModuleNameThatIsAStrOfTheDataIsWrittenOnce() throws IOException {
        Python.require();
        List<String> cpython = Python.eachLine("import pickle, re, json",
                "'|'.join(pickle.dumps(eval(line), p).hex() for p in (4, 5))", null, CASES);
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            String[] pickles = cpython.get(i).split("\\|");
            for (int k = 0; k < pickles.length; k++) {
                String brine = HEX.formatHex(Pickle.dumps(Pickle.loads(HEX.parseHex(pickles[k]), generic), 4 + k));
                if (!brine.equals(pickles[k])) {
                    differences.append(CASES.get(i)).append(" protocol ").append(4 + k).append("\n  cpython ")
                            .append(pickles[k]).append("\n  brine   ").append(brine).append('\n');
                }
            }
        }
        assertEquals("", differences.toString());
    }
}
