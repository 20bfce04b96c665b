package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.BrineException;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every numpy spelling of a dtype — str, descr, char, kind, name, itemsize, alignment, flags and
 * the pickled reduce state — compared with what numpy itself says.
 */
class DTypeOracleTest {
    /** Type strings numpy accepts; each is parsed by both sides. */
    private static final String[] SPECS = {"?", "b1", "bool", "i1", "int8", "u1", "uint8", "<i2", ">i2", "i4", ">i4",
        "int64", "<u2", ">u4", "u8", "uint64", "f2", ">f2", "f4", "float32", "f8", ">f8", "float64", "d", "f", "e", "g",
        "<f16", "c8", ">c8", "c16", "complex128", "F", "D", "S5", "|S1", "S0", "U3", ">U3", "<U0", "V8", "|V1",
        "M8[ns]", ">M8[s]", "M8", "m8", "M8[2D]", "m8[10us]", "datetime64[Y]", "timedelta64[M]", "<M8[W]", "M8[h]",
        "m8[m]", "M8[ms]", "m8[ps]", "M8[fs]", "m8[as]", "l", "L", "h", "H", "i", "I", "B", ">b1", "=f8",
        "|f8", "<i1", "O", "|O", "O4", "|O4", "O8", "a5", "float128", "longdouble", "half", "intc", "uintp", "object", "str", "bytes", "void", "M8[μs]", "S", "U", "V", "<M", "G", "c32", "p", "N"};

    /** Structured descrs as numpy writes them (Python literals, given to np.dtype after descr_to_dtype). */
    private static final String[] STRUCTS = {
        "[('a', '<i4'), ('b', '>f8')]",
        "[('a', '|i1'), ('', '|V7'), ('b', '<i8')]",
        "[('x', '|u1'), ('', '|V3'), ('y', '<f4'), ('', '|V4')]",
        "[('p', [('q', '<i2'), ('r', '|S3')]), ('s', '<f4', (2, 3))]",
        "[(('title', 'n'), '<i4')]",
        "[('a', '<U2'), ('b', '<i4')]",
        "[('a', '<U1', (2,))]",
        "[('a', [('b', [('c', '>M8[us]')])]), ('d', '|b1', (1, 2, 3))]",
        "[]",
        "[('é', '<f8'), ('日本', '<c8')]",
    };

    private static final String ORACLE = String.join("\n",
            "import sys, numpy as np, ast",
            "from numpy.lib import format as F",
            "def show(d):",
            "    r = d.__reduce__()",
            "    st = r[2]",
            "    parts = [d.str, repr(F.dtype_to_descr(d)) if d.kind != 'O' else \"'|O'\", d.char, d.kind, d.name,",
            "             str(d.itemsize), str(d.alignment), str(d.flags), str(d.isalignedstruct), r[1][0],",
            "             str(st[0]), st[1], str(st[5]), str(st[6]), str(st[7])]",
            "    print('\\t'.join(parts))",
            "for line in sys.stdin.read().split('\\n'):",
            "    if not line: continue",
            "    kind, text = line.split('\\t', 1)",
            "    show(np.dtype(text) if kind == 's' else F.descr_to_dtype(ast.literal_eval(text)))");

    @Test
    void everySpellingMatchesNumpy() throws IOException, BrineException {
        Python.require("numpy");
        StringBuilder in = new StringBuilder();
        List<DType> mine = new ArrayList<>();
        for (String s : SPECS) {
            in.append("s\t").append(s).append('\n');
            mine.add(DType.parse(s));
        }
        for (String s : STRUCTS) {
            in.append("d\t").append(s).append('\n');
            mine.add(DType.fromDescr(LiteralForTests.parse(s)));
        }
        String out = new String(Python.check(ORACLE, in.toString().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        String[] lines = out.split("\n");
        assertEquals(mine.size(), lines.length);
        for (int i = 0; i < mine.size(); i++) {
            DType t = mine.get(i);
            String descr = t.kind() == DType.Kind.OBJECT ? "'|O'" : t.descrRepr();
            String got = String.join("\t", t.str(), descr, String.valueOf(t.charCode()), String.valueOf(t.numpyKind()),
                    t.name(), String.valueOf(t.itemsize()), String.valueOf(t.alignment()), String.valueOf(t.flags()),
                    t.isAlignedStruct() ? "True" : "False", t.reduceTypeString(), String.valueOf(t.stateVersion()),
                    String.valueOf(t.byteOrderChar()), String.valueOf(t.stateElementSize()),
                    String.valueOf(t.stateAlignment()), String.valueOf(t.flags()));
            String what = i < SPECS.length ? SPECS[i] : STRUCTS[i - SPECS.length];
            assertEquals(lines[i], got, what);
        }
    }

    @Test
    void alignedStructsMatchNumpysLayout() throws IOException {
        Python.require("numpy");
        DType t = DType.struct().add("a", DType.INT8).add("b", DType.INT64).add("c", DType.FLOAT16, 3)
                .add("d", DType.unicode(1)).aligned(true).build();
        String out = new String(Python.check(String.join("\n",
                "import numpy as np",
                "d = np.dtype([('a', 'i1'), ('b', '<i8'), ('c', '<f2', (3,)), ('d', '<U1')], align=True)",
                "print(d.itemsize, d.alignment, d.flags, [d.fields[n][1] for n in d.names], d.__reduce__()[2][5:])"),
                new byte[0]), StandardCharsets.UTF_8).strip();
        List<Integer> offsets = new ArrayList<>();
        for (DType.Field f : t.fields()) {
            offsets.add(f.offset());
        }
        assertEquals(out, t.itemsize() + " " + t.alignment() + " " + t.flags() + " " + offsets.toString()
                + " (" + t.stateElementSize() + ", " + t.stateAlignment() + ", " + t.flags() + ")");
    }
}
