package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.py.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Subarrays of subarrays stay nested, as numpy 2 keeps them: {@code dtype((('<i4', (2,)), (3,)))}
 * is not {@code dtype(('<i4', (3, 2)))}. What numpy itself says about each is checked live in
 * {@code dev.brine.numpy.NestedSubarrayDifferentialTest}; these are the Java-side facts and the limits.
 */
class NestedSubarrayTest {
    private static final DType I4X2 = DType.subarray(DType.INT32, 2);
    private static final DType NESTED = DType.subarray(I4X2, 3);
    private static final DType FLAT = DType.subarray(DType.INT32, 3, 2);

    @Test
    void aSubarrayOfASubarrayKeepsBothLevels() {
        assertEquals(DType.Kind.SUBARRAY, NESTED.kind());
        assertEquals(I4X2, NESTED.subarrayBase());
        assertArrayEquals(new long[] {3}, NESTED.subarrayShape());
        assertEquals(24, NESTED.itemsize());
        assertEquals(4, NESTED.alignment());
        assertEquals("|V24", NESTED.str());
        assertEquals("dtype((('<i4', (2,)), (3,)))", NESTED.toString());
        assertEquals("dtype(((('<i4', (2,)), (3,)), (4, 5)))", DType.subarray(NESTED, 4, 5).toString());
        // the same bytes per element, but numpy tells the two apart
        assertEquals(FLAT.itemsize(), NESTED.itemsize());
        assertNotEquals(FLAT, NESTED);
        assertEquals(DType.subarray(DType.subarray(DType.INT32, 2), 3), NESTED);
        assertEquals(NESTED.hashCode(), DType.subarray(DType.subarray(DType.INT32, 2), 3).hashCode());
        // an empty shape is the base itself, at any level
        assertEquals(I4X2, DType.subarray(I4X2));
    }

    @Test
    void fieldsDescrsAndByteOrderFollowTheNesting() throws BrineException {
        DType t = DType.struct().add("a", NESTED).add("b", DType.FLOAT64, 2).build();
        assertEquals("dtype([('a', ('<i4', (2,)), (3,)), ('b', '<f8', (2,))])", t.toString());
        assertEquals("[('a', ('<i4', (2,)), (3,)), ('b', '<f8', (2,))]", t.descrRepr());
        assertEquals(List.of(Tuple.of("a", Tuple.of("<i4", Tuple.of(2L)), Tuple.of(3L)), Tuple.of("b", "<f8", Tuple.of(2L))),
                t.descr());
        assertEquals(t, DType.fromDescr(t.descr()));
        assertEquals(NESTED, DType.fromDescr(Tuple.of(Tuple.of("<i4", Tuple.of(2L)), Tuple.of(3L))));
        assertEquals(NESTED, DType.fromDescr(Tuple.of(Tuple.of("<i4", 2L), 3L)));
        DType big = NESTED.withByteOrder('>');
        assertEquals("dtype((('>i4', (2,)), (3,)))", big.toString());
        assertEquals(DType.subarray(DType.subarray(DType.parse(">i4"), 2), 3), big);
    }

    @Test
    void arraysExpandEveryLevelOutermostFirst() {
        NDArray a = NDArray.zeros(NESTED, 4);
        assertArrayEquals(new long[] {4, 3, 2}, a.shape());
        assertEquals(DType.INT32, a.dtype());
        NDArray b = NDArray.zeros(DType.subarray(NESTED, 5, 1), 2);
        assertArrayEquals(new long[] {2, 5, 1, 3, 2}, b.shape());
        assertArrayEquals(new long[] {5, 1, 3, 2}, DType.subarray(NESTED, 5, 1).elementShape());
        assertEquals(DType.INT32, DType.subarray(NESTED, 5, 1).elementBase());
        assertEquals(DType.INT32, DType.INT32.elementBase());
        assertArrayEquals(new long[0], DType.INT32.elementShape());
    }

    /** Inner levels of one element each ((3, 1)): a flat list of the three is every innermost element, not three levels. */
    @Test
    void aFlatListFillsANestedFieldWhoseInnerLevelsHoldOneElement() {
        DType t = DType.struct().add("a", DType.subarray(DType.subarray(DType.INT16, 1), 3)).build();
        NDArray r = NDArray.zeros(t, 2);
        r.set(Map.of("a", List.of(1, 2, 3)), 0);
        r.set(Map.of("a", List.of(List.of(4), List.of(5), List.of(6))), 1);
        NDArray a0 = (NDArray) ((Map<?, ?>) r.get(0)).get("a");
        assertArrayEquals(new long[] {3, 1}, a0.shape());
        assertArrayEquals(new short[] {1, 2, 3}, a0.toShortArray());
        assertArrayEquals(new short[] {4, 5, 6}, ((NDArray) ((Map<?, ?>) r.get(1)).get("a")).toShortArray());
    }

    @Test
    void aNestedFieldReadsAsTheExpandedArrayAndTakesNestedFlatOrArrayValues() {
        DType t = DType.struct().add("x", DType.INT16).add("a", NESTED).build();
        NDArray r = NDArray.zeros(t, 3);
        List<Object> nested = List.of(List.of(1, 2), List.of(3, 4), List.of(5, 6));
        r.set(Map.of("x", 9, "a", nested), 0);
        r.set(Map.of("a", List.of(10, 20, 30, 40, 50, 60)), 1);
        NDArray value = NDArray.of(new int[] {7, 8, 9, 10, 11, 12}, 3, 2);
        r.set(Map.of("a", value), 2);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) r.get(0);
        NDArray a0 = assertInstanceOf(NDArray.class, m.get("a"));
        assertArrayEquals(new long[] {3, 2}, a0.shape());
        assertEquals(DType.INT32, a0.dtype());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, a0.toIntArray());
        assertEquals(9L, m.get("x"));
        assertArrayEquals(new int[] {10, 20, 30, 40, 50, 60}, ((NDArray) ((Map<?, ?>) r.get(1)).get("a")).toIntArray());
        assertEquals(value, ((Map<?, ?>) r.get(2)).get("a"));
        // an array of this level's shape only is not an element of it
        assertThrows(IllegalArgumentException.class, () -> r.set(Map.of("a", NDArray.of(new int[] {1, 2, 3})), 0));
        assertThrows(IllegalArgumentException.class, () -> r.set(Map.of("a", List.of(1, 2)), 0));
        // numpy 2.4's repr of the same array
        assertEquals("array([(9, [[ 1,  2], [ 3,  4], [ 5,  6]]),\n"
                + "       (0, [[10, 20], [30, 40], [50, 60]]),\n"
                + "       (0, [[ 7,  8], [ 9, 10], [11, 12]])],\n"
                + "      dtype=[('x', '<i2'), ('a', ('<i4', (2,)), (3,))])", r.toString());
        NDArray copy = r.copy();
        assertEquals(r, copy);
        assertEquals(r.hashCode(), copy.hashCode());
    }

    @Test
    void theLimitsCountEveryLevel() throws BrineException {
        long[] sixteen = new long[16];
        long[] seventeen = new long[17];
        java.util.Arrays.fill(sixteen, 1);
        java.util.Arrays.fill(seventeen, 1);
        DType deep = DType.subarray(DType.subarray(DType.INT8, sixteen), sixteen);
        assertEquals(NDArray.MAX_DIMS, deep.elementShape().length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DType.subarray(DType.subarray(DType.INT8, sixteen), seventeen));
        assertTrue(e.getMessage().contains("dimensions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DType.subarray(deep, 1));
        // 2^20 * 2^12 bytes is more than an itemsize can be
        e = assertThrows(IllegalArgumentException.class,
                () -> DType.subarray(DType.subarray(DType.INT8, 1L << 20), 1L << 12));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        // the same through a descr: a refusal in Brine's exception family
        Object descr = "|i1";
        for (int i = 0; i < 33; i++) {
            descr = Tuple.of(descr, Tuple.of(1L));
        }
        Object tooDeep = descr;
        BrineException b = assertThrows(BrineException.class, () -> DType.fromDescr(tooDeep));
        assertTrue(b.getMessage().contains("too large") || b.getMessage().contains("dimensions"), b.getMessage());
        Object big = Tuple.of(Tuple.of("|i1", Tuple.of(1L << 20)), Tuple.of(1L << 12));
        assertThrows(BrineException.class, () -> DType.fromDescr(big));
        List<Object> fields = new ArrayList<>(Collections.nCopies(1, Tuple.of("a", Tuple.of("|i1", Tuple.of(1L << 20)),
                Tuple.of(1L << 12))));
        assertThrows(BrineException.class, () -> DType.fromDescr(fields));
    }
}
