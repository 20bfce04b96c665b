package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NPY headers written by hand, from the forms numpy writes to the odd ones Python's
 * {@code ast.literal_eval} still reads (comments, hex shapes, joined strings, Python 2 {@code L}
 * suffixes, duplicate keys) and the ones it refuses ({@code --6}, {@code 6l}, {@code '<int32'}):
 * every header is either read by both the live numpy ({@code np.load}) and Brine, to arrays that
 * {@code np.save} and {@code Npy.toBytes} write back byte for byte alike, or refused by both (Brine
 * with its own exception).
 */
class NpyHeaderDifferentialTest {
    /** Enough data for every header here: numpy reads only what the header asks for. */
    private static final int DATA_BYTES = 48;

    /** Brine's refusal of a type numpy has but Brine does not model (a datetime step of 0 or less). */
    private static final String NOT_MODELLED = "which Brine does not model";

    @TempDir
    Path dir;

    @BeforeEach
    void needNumpy() {
        Python.require("numpy");
    }

    private static final List<String> DESCRS = List.of("'<i4'", "'i4'", "'=i4'", "'|i4'", "'>i4'", "'int32'", "'i'",
            "'l'", "'<int32'", "'|int32'", "'intc'", "'<i'", "'f12'", "'<f12'", "'<f10'", "'f16'", "'c4'", "'c32'",
            "'O4'", "'a4'", "'S4'", "'|S4'", "'S'", "'U'", "'U1'", "'<U1'", "'V'", "'V4'", "'b'", "'B'", "'?'", "'b1'",
            "'>b1'", "'b2'", "'i16'", "'u16'", "'i0'", "'S0'", "'U0'", "'V0'", "'M8[s/4]'", "'<M8[s/4]'",
            "'M8[2s]'", "'M8[s]'", "'<M8[ s]'", "'M8 [s]'", "'M8[Y]'", "'M8[B]'", "'M8[D]'", "'m8[\\u03bcs]'",
            "'m8[us]'", "'datetime64[ns]'", "'<datetime64[ns]'", "'timedelta64'", "'M[ns]'", "'M'", "'m8'",
            "'m8[generic]'", "'M8[2generic]'", "'M8[]'", "'M8[s]x'", "'M8[h/60]'", "'M8[h/7]'", "'M8[Y/12]'",
            "'M8[M/30]'", "'M8[D/24]'", "'M8[ms/1000]'", "'M8[fs/1000]'", "'M8[as/2]'", "'M8[generic/2]'",
            "'M8[s/4x]'", "'M8[3s/4]'", "'float'", "'double'", "'longdouble'", "'float128'", "'g'",
            "'<g'", "'p'", "'n'", "'N'", "'u'", "'e'", "'<e'", "'E'", "'int0'", "'uint'", "'<uint'", "'int_'",
            "'cdouble'", "'csingle'", "'str'", "'bytes'", "'void'", "'bool'", "'bool8'", "'i4 '", "' i4'", "'I4'",
            "'<i04'", "'<i+4'", "'<i 4'", "'i\\t4'", "'i-4'", "'i-0'", "'S+3'", "'U 2'", "'Float64'", "'f8'", "'<f 8'",
            "'c'", "'<c'", "'\\x05'", "'\\x00'", "'\\x0c'", "'\\x13'", "'\\x17'", "'\\x18'", "'bfloat16'",
            "'complex32'", "'i4\\x00'", "'<'", "''", "'x'", "'S99999999999'", "'U999999999'", "'V 4'",
            "('<i4', (2,))", "('<i4', 2)", "('<i4', ())", "('<i4', (1,))", "('<i4', (1,), 5)", "('<i4',)",
            "('<i4', (1, 1))", "(('<i4', (1,)), (1,))", "('<i4', True)", "('<i4', (True,))", "('<i4', (-1,))",
            "('V4', (1,))", "('<i4', 1.0)",
            "['<i4']", "[('a','<i4')]", "[['a','<i4']]", "[('a','<i4', 2)]", "[('a','<i4', ())]", "[('a','<i4', (1,))]",
            "[('', '<i4')]", "[('', '|V4')]", "[('', '|V2'), ('a','<i2')]", "[(('t','a'),'<i4')]",
            "[(('a','a'),'<i4')]", "[('a','<i2'),('a','<i2')]", "[('', '<i2'),('', '<i2')]", "[(b'a','<i4')]",
            "[('a', ('<i2', (2,)))]", "[('a',[('b','<i4')])]", "[]", "()", "{}", "3", "None", "['ai']", "['ai', 'bh']",
            "{'ai': 1}", "[('a','<i2', (2,), 1)]", "[('a',)]", "[(1,'<i4')]", "[(('t',1),'<i4')]",
            "[(('t','a','x'),'<i4')]", "[('a','<i4',(0,))]", "[('', '<i4', (1,))]", "b'<i4'", "'<' 'i4'",
            "'<' \"i4\"", "u'<i4'", "r'<i4'", "'''<i4'''", "'<\\x69\\N{DIGIT FOUR}'", "f'<i4'", "'<' b'i4'",
            "('<i4')", "(('<i4'))",
            // comma strings: repeats make subarrays, commas make fields f0, f1, ...
            "'2i4'", "'1i4'", "'i4,f8'", "'<i4,>f8'", "'(2,3)f8'", "'(2)i4'", "'()i4'", "'i4,'", "'i4, '", "'3'",
            "'0i4'", "'<2i4'", "'2<i4'", "'>2<i4'", "'i4 ,f8'", "' i4'", "'(2,)i4,(3,)f8'", "'i4,(2,)i4'",
            "'M8[ns],i4'", "'i4,f8,S3'", "'a,b'", "'2 i4'", "'(1,)i4'", "'(1,1)i4'", "'2d'", "'(,)i4'", "'02i4'",
            "'2,3i4'", "'2,i4'", "',i4'", "'i4,,f8'", "'(2,3'", "'=2=i4'", "'|2>i4'", "'  2 i4'", "'i4\\t,\\tf8'",
            "'i4,\\u00a0f8'", "'i4,f8 '", "'i4,f8\\n'", "'>i4,=f8'", "'int32,float64'", "'i4,bfloat16'",
            "[('a', '2i4')]", "[('a', 'i4,f8')]", "[('a', '1i4')]", "('i4,f8', (2,))");

    private static final List<String> SHAPES = List.of("(6,)", "(6L,)", "(2L, 3L)", "(2L, 3)", "(6 L,)", "(6l,)",
            "[6]", "(True,)", "(True, 6)", "(False,)", "(-1,)", "(6.0,)", "(+6,)", "(0x6,)", "(0X6,)", "(0o6,)",
            "(0b110,)", "(0x_6,)", "(6_0,)", "(06,)", "(00,)", "(0_0,)", "(2,3)", "( 2 , 3 )", "(2,3,)", "()", "(0,)",
            "(1,)*6", "(2**2,)", "(99999999999999999999,)", "(6 ,)", "(6\n,)", "(\n6,)", "(0, 9223372036854775807)",
            "(0, 9223372036854775808)", "(-0,)", "(--6,)", "(+-6,)", "(-(6),)", "(-(-6),)", "(1e0,)", "(6j,)",
            "(1+2j,)", "(6 # six\n,)", "(6 \\\n,)", "(0x6L,)", "(6L, 0b1L)", "(6La,)", "(6\nL,)", "(6 \\\nL,)",
            "((6),)", "(6, # x\n)", "(((6,)))", "(0xg,)", "(0b2,)", "(0o8,)", "(1_,)", "(1__0,)", "(6.,)", "(.6,)",
            "(set(),)", "(...,)", "(None,)");

    private static final List<String> ORDERS = List.of("True", "False", "0", "1", "None", "'False'", "true",
            "(False)", "False # f", "1 if 1 else 0");

    private static final List<String> WHOLE = List.of(
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)} # saved by tool X",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}#",
            "# a comment first\n{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}",
            "\n{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}",
            " \n {'descr': '<i4', 'fortran_order': False, 'shape': (6,)}",
            "\t{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}",
            "\f{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '<i4',\n 'fortran_order': False,\n 'shape': (6,)}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}\n\n   # trailing\n",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}\n  x",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)},",
            "({'descr': '<i4', 'fortran_order': False, 'shape': (6,)})",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)} \\\n",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)} \\ x",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': 1.5, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': {1, 2}, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': {1, []}, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': set(), 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': set( ), 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': set(1), 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': ..., 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': -1-2j, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': 1+2j+3j, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': 1j+2j, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': (1)+(2j), 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': True+1j, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': -True, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': b'x', 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': b'\\xe9\\777', 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': [1, {2: 3}], 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': 1e999, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': x, 'fortran_order': False, 'shape': (6,), 'descr': '<u2'}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), [1]: 2}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), **{}}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), 1: 2}",
            "{'descr': '<i4', 'fortran_order': False}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,),,}",
            "{'descr': '<i4' 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), 'x'}",
            "{'descr' '': '<i4', 'fortran_order': False, 'shape': (6,)}",
            "{'des' 'cr': '<i4', 'fortran_order': False, 'shape': (6,)}",
            "{'des'\n'cr': '<i4', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '<i\\\n4', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '''<i\n4''', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '<i4\n', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': R'<i4', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': bR'<i4', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': Ur'<i4', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}\r\n",
            "{'descr': '<i4',\r'fortran_order': False, 'shape': (6,)}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}\u000b",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}\u00a0",
            "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (6,)}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)} {}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}[0]",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}.x",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)}\n{}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,))",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)]",
            "{'descr': '\\u00e9', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '\\U00110000', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '\\x4', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '\\q', 'fortran_order': False, 'shape': (6,)}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), ,}",
            "{ }",
            "{'descr': [" + "(".repeat(199) + "'a', '<i4'" + ")".repeat(199) + "], 'fortran_order': False, 'shape': (1,)}",
            "{'descr': [" + "(".repeat(198) + "'a', '<i4'" + ")".repeat(198) + "], 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), 'x': " + "[".repeat(500) + "]".repeat(500) + "}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), 'x': " + "[".repeat(199) + "]".repeat(199) + "}",
            "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), 'x': " + "-".repeat(300) + "1}");

    @Test
    void everyHeaderIsReadByBothAlikeOrRefusedByBoth() throws IOException {
        List<String> headers = new ArrayList<>();
        for (String d : DESCRS) {
            headers.add(header(d, "(1,)", "False"));
            headers.add(header(d, "(0,)", "False"));
        }
        for (String s : SHAPES) {
            headers.add(header("'<i4'", s, "False"));
            headers.add(header("'<i4'", s, "True"));
        }
        for (String o : ORDERS) {
            headers.add(header("'<i2'", "(2, 3)", o));
        }
        headers.addAll(WHOLE);
        Random r = new Random(20261129);
        for (int i = 0; i < 400; i++) {
            headers.add(mutate(header(DESCRS.get(r.nextInt(DESCRS.size())), SHAPES.get(r.nextInt(SHAPES.size())),
                    ORDERS.get(r.nextInt(ORDERS.size()))), r));
        }
        compareWithNumpy(headers);
    }

    @Test
    void typeStringsAreReadAsNumpyDtypeReadsThem() throws IOException {
        List<String> headers = new ArrayList<>();
        for (String order : List.of("", "<", ">", "|", "=")) {
            for (char kind = '!'; kind < 0x7F; kind++) {
                String k = kind == '\'' || kind == '\\' ? "\\" + kind : String.valueOf(kind);
                headers.add(header("'" + order + k + "'", "(1,)", "False"));
                for (int size : new int[] {1, 2, 3, 4, 8, 10, 12, 16, 32}) {
                    headers.add(header("'" + order + k + size + "'", "(1,)", "False"));
                }
            }
            for (String unit : List.of("Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "generic")) {
                for (String count : List.of("", "1", "7", " 3", "+2")) {
                    for (String den : List.of("", "/1", "/2", "/3", "/4", "/5", "/7", "/12", "/24", "/60", "/1000", "/ 4")) {
                        headers.add(header("'" + order + "M8[" + count + unit + den + "]'", "(1,)", "False"));
                        headers.add(header("'" + order + "timedelta64[" + count + unit + den + "]'", "(1,)", "False"));
                    }
                }
            }
        }
        for (String repeat : List.of("", "2", "(2,)", "(2, 3)", "()", "0", " 1", "(1)", "3 ")) {
            for (String type : List.of("i4", ">f8", "S3", "M8[s]", "b1", "<u2", "V2")) {
                headers.add(header("'" + repeat + type + "'", "(1,)", "False"));
                headers.add(header("'" + repeat + type + ",f4'", "(1,)", "False"));
                headers.add(header("'f4, " + repeat + type + "'", "(2,)", "True"));
            }
        }
        compareWithNumpy(headers);
    }

    /** One of a few changes Python's literal syntax allows (or nearly allows) to a header's text. */
    private static String mutate(String h, Random r) {
        switch (r.nextInt(8)) {
            case 0:
                return h.replace("'", "\"");
            case 1:
                return h.replace(", ", ",\n ");
            case 2:
                return h.replace(", ", " , # c\n");
            case 3:
                return h.replace("(", "( ").replace(")", " )");
            case 4:
                return h.replace("'shape'", "'sha' 'pe'");
            case 5:
                return h.replace("2", "0x2").replace("6", "0b110");
            case 6:
                return h.replace(", ", ", \\\n");
            default:
                return h;
        }
    }

    private static String header(String descr, String shape, String fortran) {
        return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    }

    private void compareWithNumpy(List<String> headers) throws IOException {
        byte[] data = new byte[DATA_BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 1);
        }
        Map<String, String> files = new LinkedHashMap<>();
        int n = 0;
        for (String h : headers) {
            for (int major : new int[] {1, 3}) {
                byte[] npy = npy(h, major, data);
                if (npy == null) {
                    continue;
                }
                String name = String.format("h%05d.npy", n++);
                Files.write(dir.resolve(name), npy);
                files.put(name, h + " (format " + major + ".0)");
            }
        }
        String script = String.join("\n",
                "import sys, os, io, warnings",
                "import numpy as np",
                "warnings.simplefilter('ignore')",
                "d = sys.argv[1]",
                "for f in sorted(os.listdir(d)):",
                "    try:",
                "        a = np.load(os.path.join(d, f))",
                "        b = io.BytesIO(); np.save(b, a); r = b.getvalue().hex()",
                "    except Exception:",
                "        r = '-'",
                "    print(f, r)");
        String out = Python.checkText(script, dir);
        Map<String, String> numpy = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                String[] parts = line.split(" ", 2);
                numpy.put(parts[0], parts[1]);
            }
        }
        List<String> differences = new ArrayList<>();
        int read = 0;
        int unmodelled = 0;
        for (Map.Entry<String, String> e : files.entrySet()) {
            String expected = numpy.get(e.getKey());
            String brine;
            try {
                NDArray a = Npy.read(dir.resolve(e.getKey()));
                brine = HexFormat.of().formatHex(Npy.toBytes(a));
                read++;
            } catch (BrineException ex) {
                brine = "-";
                if (!"-".equals(expected) && String.valueOf(ex.getMessage()).contains(NOT_MODELLED)) {
                    unmodelled++; // numpy reads it, Brine says plainly that it has no such type (M8[0Y], M8[-250ms])
                    continue;
                }
            }
            if (!brine.equals(expected)) {
                differences.add(e.getValue().replace("\n", "\\n") + "\n    numpy: " + cut(expected) + "\n    brine: " + cut(brine));
            }
        }
        assertEquals(files.size(), numpy.size(), "numpy answered for every file");
        assertTrue(read > 0, "some headers are read");
        assertTrue(unmodelled <= files.size() / 50, unmodelled + " headers numpy reads name types Brine does not model");
        assertEquals(List.of(), differences, differences.size() + " of " + files.size() + " headers differ");
    }

    private static String cut(String s) {
        return s == null ? "null" : s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    /** The file numpy would write around {@code text}: magic, version, length, text, padding, newline, data. */
    private static byte[] npy(String text, int major, byte[] data) {
        byte[] h;
        if (major == 1) {
            if (!text.chars().allMatch(c -> c < 0x100)) {
                return null;
            }
            h = text.getBytes(StandardCharsets.ISO_8859_1);
        } else {
            h = text.getBytes(StandardCharsets.UTF_8);
        }
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        int pad = (64 - (prefix + h.length + 1) % 64) % 64;
        int len = h.length + pad + 1;
        if (major == 1 && len > 0xFFFF) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer l = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            l.putShort((short) len);
        } else {
            l.putInt(len);
        }
        out.writeBytes(l.array());
        out.writeBytes(h);
        out.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.ISO_8859_1));
        out.write('\n');
        out.writeBytes(data);
        return out.toByteArray();
    }
}
