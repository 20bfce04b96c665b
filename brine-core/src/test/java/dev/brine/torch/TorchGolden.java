package dev.brine.torch;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.py.Complex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The golden files of {@code tools/golden/make_torch_golden.py} and the value formula they share
 * with it: element {@code i} (C order) of a golden tensor is {@link #base(long)} fitted to its type.
 */
final class TorchGolden {
    static final Path TORCH = Path.of("src/test/resources/golden/torch");
    static final Path SAFETENSORS = Path.of("src/test/resources/golden/safetensors");

    /** The same formula in Python, for live tests that build reference objects in torch. */
    static final String PY_FILLED = String.join("\n",
            "import math, torch",
            "def base(i):",
            "    return ((i * 5) % 17) - 8",
            "def filled(dtype, shape):",
            "    n = math.prod(shape)",
            "    v = [base(i) for i in range(n)]",
            "    if dtype == torch.bool:",
            "        t = torch.tensor([(x + 8) % 3 == 0 for x in v], dtype=torch.bool)",
            "    elif dtype in (torch.uint8, torch.uint16, torch.uint32, torch.uint64):",
            "        t = torch.tensor([x + 8 for x in v], dtype=torch.int64).to(dtype)",
            "    elif dtype.is_complex:",
            "        t = torch.complex(torch.tensor([x / 2 for x in v], dtype=torch.float64),",
            "                          torch.tensor([-x / 4 for x in v], dtype=torch.float64)).to(dtype)",
            "    elif dtype.is_floating_point:",
            "        t = torch.tensor([x / 2 for x in v], dtype=torch.float64).to(dtype)",
            "    else:",
            "        t = torch.tensor(v, dtype=torch.int64).to(dtype)",
            "    return t.reshape(shape)",
            "");

    private TorchGolden() {
    }

    static long base(long i) {
        return ((i * 5) % 17) - 8;
    }

    /** Element {@code i} of a golden tensor of {@code type}, as a Java value NDArray.set takes. */
    static Object value(DType type, long i) {
        long b = base(i);
        switch (type.kind()) {
            case BOOL:
                return (b + 8) % 3 == 0;
            case UINT:
                return b + 8;
            case INT:
                return b;
            case COMPLEX:
                return new Complex(b / 2.0, -b / 4.0);
            default:
                return b / 2.0;
        }
    }

    /** The golden tensor of {@code type} and {@code shape}, C order. */
    static NDArray filled(DType type, long... shape) {
        long n = NDArray.elementCount(shape);
        List<Object> values = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            values.add(value(type, i));
        }
        return shape.length == 0 ? NDArray.scalar(type, values.get(0)) : NDArray.fromValues(type, values, shape);
    }

    static NDArray filled(TorchDType type, long... shape) {
        return filled(type.arrayType(), shape);
    }
}
