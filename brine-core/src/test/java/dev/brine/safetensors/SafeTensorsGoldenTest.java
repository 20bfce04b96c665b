package dev.brine.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads the file safetensors itself wrote (tools/golden/make_torch_golden.py). */
class SafeTensorsGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/safetensors/dtypes.safetensors");

    static long base(long i) {
        return ((i * 5) % 17) - 8;
    }

    /** The golden formula (see TorchGolden). */
    static NDArray filled(DType t, long... shape) {
        long n = NDArray.elementCount(shape);
        List<Object> v = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            long b = base(i);
            switch (t.kind()) {
                case BOOL -> v.add((b + 8) % 3 == 0);
                case UINT -> v.add(b + 8);
                case INT -> v.add(b);
                case COMPLEX -> v.add(new dev.brine.py.Complex(b / 2.0, -b / 4.0));
                default -> v.add(b / 2.0);
            }
        }
        return shape.length == 0 ? NDArray.scalar(t, v.get(0)) : NDArray.fromValues(t, v, shape);
    }

    @Test
    void readsEveryType() throws Exception {
        for (boolean mmap : new boolean[] {false, true}) {
            try (SafeTensorsFile f = SafeTensors.open(GOLDEN, SafeTensorsOptions.builder().mmap(mmap).build())) {
                assertEquals(Map.of("format", "pt", "note", "golden \"quoted\"\n\u00e9"), f.metadata());
                // the reference writer's order: descending dtype, then name
                assertEquals(List.of("uint64", "int64", "float64", "scalar", "complex64", "empty", "float32", "uint32",
                        "int32", "t\u00e9", "bfloat16", "float16", "uint16", "int16", "f8_e4m3", "f8_e5m2", "int8",
                        "uint8", "bool"), f.names());
                for (String name : List.of("float32", "float64", "float16", "bfloat16", "int8", "int16", "int32",
                        "int64", "uint8", "bool", "complex64", "uint16", "uint32", "uint64")) {
                    NDArray a = f.get(name);
                    SafeTensorsDType st = f.info(name).dtype();
                    assertEquals(st.arrayType(), a.dtype(), name);
                    assertEquals(filled(st.arrayType(), 2, 3), a, name);
                }
                assertEquals(-4.0, f.get("scalar").getDouble());
                assertEquals(0, f.get("scalar").ndim());
                assertEquals(0, f.get("empty").size());
                assertEquals(filled(DType.INT32, 4), f.get("t\u00e9"));
                assertEquals(SafeTensorsDType.F8_E4M3, f.info("f8_e4m3").dtype());
                assertEquals(6, f.raw("f8_e4m3").size());
                assertEquals(filled(DType.FLOAT8_E4M3FN, 2, 3), f.get("f8_e4m3"));
                assertEquals(filled(DType.FLOAT8_E5M2, 2, 3), f.get("f8_e5m2"));
                assertEquals(-1.5, f.get("f8_e5m2").getDouble(0, 1));
                long end = 0;
                for (TensorInfo t : f.tensors()) {
                    assertEquals(end, t.begin());
                    end = t.end();
                }
            }
        }
    }
}
