package dev.brine.archive;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.py.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sample objects the archive tests save, and where python/brine.py lives. */
final class ArchiveFixtures {
    private ArchiveFixtures() {
    }

    /** W: float32 2x3 = arange(6). */
    static NDArray w() {
        return NDArray.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
    }

    /** b: float64 [0.5, -1.5]. */
    static NDArray b() {
        return NDArray.of(new double[] {0.5, -1.5});
    }

    /** An int64 Fortran-order 2x2 [[1, 2], [3, 4]]. */
    static NDArray fortran() {
        NDArray a = NDArray.zeros(DType.parse("<i8"), Order.F, 2, 2);
        a.setLong(1, 0, 0);
        a.setLong(2, 0, 1);
        a.setLong(3, 1, 0);
        a.setLong(4, 1, 1);
        return a;
    }

    /**
     * A model exercising the naming rules: variables W and b, a second variable named W (W_2), an
     * unnamed variable, a plain array (array_0), the same W array reached twice, a big-endian
     * array and a scalar value.
     *
     * <p>Member order: W, b, W_2, array_0 (unnamed variable), array_1 (plain), array_2 (big-endian).
     */
    static Map<String, Object> model() {
        NDArray w = w();
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> layers = new ArrayList<>();
        layers.add(new SharedVariable("W", w));
        layers.add(new SharedVariable("b", b()));
        layers.add(new SharedVariable("W", NDArray.of(new int[] {7, 8, 9})));
        layers.add(new SharedVariable(null, fortran()));
        m.put("layers", layers);
        m.put("plain", NDArray.of(new double[] {3.25}));
        m.put("again", w);
        m.put("big_endian", NDArray.fromBytes(DType.parse(">i4"), Order.C, new byte[] {0, 0, 1, 0, 0, 0, 0, 2}, 2));
        m.put("lr", 0.125);
        m.put("shape", Tuple.of(2L, 3L));
        return m;
    }

    /** The member names {@link #model()} gives, in archive order. */
    static List<String> modelMembers() {
        return List.of("W", "b", "W_2", "array_0", "array_1", "array_2", "pkl");
    }

    /** The folder holding python/brine.py. */
    static Path pythonDir() {
        Path p = Path.of("..", "python").toAbsolutePath().normalize();
        if (!Files.isRegularFile(p.resolve("brine.py"))) {
            throw new IllegalStateException("python/brine.py not found from " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
