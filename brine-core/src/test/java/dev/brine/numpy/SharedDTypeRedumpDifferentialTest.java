package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.mapping.ClassRegistry;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which dtype objects numpy's loaded values share decides what a re-dump writes once and refers to with a memo GET
 * after that. numpy's {@code __setstate__} gives an array it swaps into native order ({@code '>f4'} here) numpy's one
 * builtin dtype, and every number scalar has that one dtype too, while an array in native order keeps the copy its
 * pickle made; a datetime or str scalar reduces to a new dtype each time. Brine gave each swapped array a dtype of its
 * own and each scalar the pickle's dtype object, so its re-dump of {@code [np.zeros(1, '>f4'), np.float32(1.5)]} was
 * neither numpy's file nor CPython's re-dump. Oracle: CPython's re-dump of numpy's pickle, at protocols 0 to 5, which
 * Brine's load and dump of numpy's pickle must give byte for byte. (Long doubles are left out: numpy leaves their
 * padding bytes as they were in memory.)
 */
class SharedDTypeRedumpDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ClassRegistry NUMPY = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, true).build(); // numpy 2's module names, as the numpy here writes them
    private static final String SETUP = String.join("\n", "import numpy as np, pickle",
            "from numpy._core.multiarray import scalar",
            "class R:", // a hand-made scalar(dtype, bytes) call, as a big-endian machine's numpy or another writer makes
            "    def __init__(self, *a): self.a = a",
            "    def __reduce__(self): return (scalar, self.a)",
            "def each(o): return '|'.join(pickle.dumps(o, p).hex() + ',' + pickle.dumps(pickle.loads(pickle.dumps(o, p)), p).hex()"
                    + " for p in range(6))");

    private static final List<String> FIXED = List.of(
            "[np.zeros(1, '>f4'), np.zeros(1, '>f4')]", "[np.zeros(1, '>f4'), np.float32(1.5)]",
            "[np.zeros(1, '<f4'), np.float32(1.5)]", "[np.float32(1.5), np.zeros(1, '<f4')]",
            "[np.zeros(1, '>f4'), np.zeros(1, '<f4'), np.zeros(1, '>f4')]", "[np.dtype('f4'), np.dtype('f4'), np.float32(2)]",
            "[np.zeros((2, 2), '>f4', order='F'), np.zeros((), '>f4'), np.zeros(0, '>f4'), np.float32(0)]",
            "[np.arange(500, dtype='>f8'), np.arange(500, dtype='>f8')]",
            "(lambda a: [a, a.copy(), a[0]])(np.zeros(2, np.dtype('>f4', metadata={'a': 1})))",
            "(lambda a: [a, a.copy(), a[0], a[1]])(np.zeros(2, '>M8[s]'))",
            "(lambda a: [a, a.copy(), a[0], a[1]])(np.array(['ab', '', 'abc'], '>U3'))",
            "(lambda a: [a, a[0], a[1]])(np.zeros(2, np.dtype('M8[s]', metadata={'a': 1})))",
            "(lambda a: [a, a[0], a[1]])(np.zeros(2, '>i4,>f8'))", "[np.zeros(1, '(2,)>f4'), np.zeros(1, '>f4')]",
            "[np.zeros(1, '?'), np.bool_(True), np.int8(3), np.zeros(1, 'i1'), np.uint8(1)]",
            // scalar(dtype, bytes) as numpy never writes it: numpy holds the value in native order, its bool as 0 or 1,
            // and its bytes or str without trailing NULs, and reduces it with numpy's dtype for it
            "[np.zeros(1, '>f4'), R(np.dtype('>f4'), b'?\\xc0\\x00\\x00'), R(np.dtype('<f4'), b'\\x00\\x00\\xc0?')]",
            "[R(np.dtype('>c8'), bytes(range(8))), R(np.dtype('>u2'), b'\\x01\\x02'), np.complex64(1)]",
            "[R(np.dtype('?'), b'\\x02'), R(np.dtype('?'), b'\\x00'), np.True_]",
            "[R(np.dtype('S5'), b'ab\\x00\\x00\\x00'), R(np.dtype('S3'), b'a\\x00b'), R(np.dtype('S2'), b'\\x00\\x00')]",
            "[R(np.dtype('>U3'), b'\\x00\\x00\\x00a' + bytes(8)), R(np.dtype('<U2'), bytes(8)), np.str_('x')]",
            "(lambda d: [np.zeros(1, d), R(d, bytes(8)), R(d, bytes(8))])(np.dtype('<M8[s]'))",
            "(lambda d: [np.zeros(1, d), R(d, bytes(range(8))), R(d, bytes(8))])(np.dtype('>m8[2h]'))",
            "(lambda d: [np.zeros(1, d), R(d, b'\\x01\\x00\\x00\\x00')])(np.dtype('<f4', metadata={'a': 1}))",
            "(lambda d: [np.zeros(1, d), R(d, b'\\x01\\x00\\x00')])(np.dtype('V3'))");

    /** Types of arrays and scalars mixed at random: numbers, bool, str, bytes, datetime, in both byte orders. */
    private static final String[] TYPES = {"f4", "f8", "i8", "u2", "c8", "c16", "f2", "i2", "?", "U3", "S3", "M8[s]", "m8[2h]"};

    @Test
    void redumpsOfLoadedArraysAndScalarsAreCPythonsByteForByte() throws IOException {
        Python.require("numpy");
        List<String> cases = new ArrayList<>(FIXED);
        Random random = new Random(20261130);
        for (int i = 0; i < 60; i++) {
            List<String> items = new ArrayList<>();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                String type = (random.nextBoolean() ? ">" : "<") + TYPES[random.nextInt(TYPES.length)];
                String values = "(np.arange(3) % 2 + 1).astype('" + type + "')";
                items.add(random.nextInt(3) == 0 ? values + "[1]" : values); // a scalar, or an array
            }
            cases.add("[" + String.join(", ", items) + "]");
        }
        List<String> numpy = Python.eachLine(SETUP, "each(eval(line))", null, cases);
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            String[] perProtocol = numpy.get(i).split("\\|");
            for (int p = 0; p <= 5; p++) {
                String[] pickles = perProtocol[p].split(",");
                Object loaded = Pickle.loads(HEX.parseHex(pickles[0]), UnpicklerOptions.builder().registry(NUMPY).build());
                String brine = HEX.formatHex(Pickle.dumps(loaded, PicklerOptions.builder().registry(NUMPY).protocol(p).build()));
                if (!brine.equals(pickles[1])) {
                    differences.append(cases.get(i)).append(" protocol ").append(p).append("\n  CPython ")
                            .append(pickles[1]).append("\n  Brine   ").append(brine).append('\n');
                }
            }
        }
        assertEquals("", differences.toString());
    }
}
