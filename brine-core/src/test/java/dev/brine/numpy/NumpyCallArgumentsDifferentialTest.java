package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arguments of {@code numpy.dtype(typestr, align, copy[, metadata])} and {@code _reconstruct(ndarray, shape,
 * dtype)}, which numpy checks before the BUILD state replaces what they made, read as numpy reads them in pickles
 * numpy never writes (it writes {@code ('<kind><size>', False, True)} and {@code ((0,), b'b')}): a type string numpy
 * does not understand is refused even under a structured state, a metadata argument must be a dict, the shape must
 * hold non-negative ints, the type must be one; and {@code copy=False} gives numpy's own instance of a builtin type,
 * whose BUILD state numpy ignores (Brine applied it: {@code '>i4'} data read as {@code '<i4'}). Oracle: numpy loads
 * each pickle and prints its repr, or refuses.
 */
class NumpyCallArgumentsDifferentialTest {
    @TempDir
    Path dir;

    @Test
    void loadsAndRefusesWhatNumpyLoadsAndRefuses() throws Exception {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import os, pickle, sys, numpy as np",
                "from numpy._core.multiarray import _reconstruct",
                "os.chdir(sys.argv[1])",
                "class R:",
                "    def __init__(s, fn, args, state=None): s.fn, s.args, s.state = fn, args, state",
                "    def __reduce__(s): return (s.fn, s.args) if s.state is None else (s.fn, s.args, s.state)",
                "def dt(typestr, state, *args): return R(np.dtype, (typestr,) + args, state)",
                "BIG = (3, '>', None, None, None, -1, -1, 0)",
                "STRUCT = (3, '|', None, ('a',), {'a': (np.dtype('<i4'), 0)}, 4, 1, 16)",
                "def arr(t, data, shape=(0,), typ=b'b'): return R(_reconstruct, (np.ndarray, shape, typ), (1, (2,), t, False, data))",
                "D = bytes([0, 0, 0, 1, 0, 0, 0, 2])",
                "cases = [",
                "  ('copy_true', arr(dt('i4', BIG, False, True), D)),",
                "  ('copy_false', arr(dt('i4', BIG, False, False), D)),",
                "  ('copy_zero', dt('i2', BIG, False, 0)),",
                "  ('copy_default', dt('i2', BIG, False)),",
                "  ('copy_default_one_arg', dt('i2', BIG)),",
                "  ('copy_false_dtype', dt('i2', BIG, False, False)),",
                "  ('copy_false_native', dt('<f8', BIG, False, False)),",
                "  ('copy_false_swapped', dt('>f8', (3, '<', None, None, None, -1, -1, 0), False, False)),",
                "  ('copy_false_bytes', dt('S3', (3, '|', None, None, None, 5, 1, 0), False, False)),",
                "  ('copy_false_struct', dt('V4', STRUCT, False, False)),",
                "  ('bad_typestr_struct', dt('Q4', STRUCT, False, True)),",
                "  ('metadata_dict', dt('i4', BIG, False, True, {})),",
                "  ('metadata_int', dt('i4', BIG, False, True, 5)),",
                "  ('metadata_none', dt('i4', BIG, False, True, None)),",
                "  ('five_args', dt('i4', BIG, False, True, {}, 1)),",
                "  ('type_int', arr(np.dtype('>i4'), D, typ=7)),",
                "  ('type_none', arr(np.dtype('>i4'), D, typ=None)),",
                "  ('type_str', arr(np.dtype('>i4'), D, typ='b')),",
                "  ('type_dtype', arr(np.dtype('>i4'), D, typ=np.dtype('f8'))),",
                "  ('type_bad_str', arr(np.dtype('>i4'), D, typ=b'Q4')),",
                "  ('shape_nested', arr(np.dtype('>i4'), D, shape=((0,),))),",
                "  ('shape_negative', arr(np.dtype('>i4'), D, shape=(-1,))),",
                "  ('shape_int', arr(np.dtype('>i4'), D, shape=0)),",
                "  ('shape_list', arr(np.dtype('>i4'), D, shape=[0, 3])),",
                "  ('shape_float', arr(np.dtype('>i4'), D, shape=(0.0,))),",
                "  ('shape_none', arr(np.dtype('>i4'), D, shape=None)),",
                "  ('shape_numpy_int', arr(np.dtype('>i4'), D, shape=(np.int64(0),))),",
                "  ('type_fields', arr(np.dtype('>i4'), D, typ=[('a', 'i4')])),",
                "  ('type_subarray', arr(np.dtype('>i4'), D, typ=('i4', 2))),",
                "  ('copy_empty_str', dt('i2', BIG, False, '')),",
                "  ('copy_zero_float', dt('i2', BIG, False, 0.0)),",
                "  ('copy_empty_tuple', dt('i2', BIG, False, ())),",
                "  ('copy_nonempty_str', dt('i2', BIG, False, 'x')),",
                "]",
                "for name, o in cases:",
                "    open(name + '.pkl', 'wb').write(pickle.dumps(o, 2).replace(b'numpy._core', b'numpy.core'))",
                "    try: r = repr(pickle.loads(open(name + '.pkl', 'rb').read()))",
                "    except Exception as e: r = 'refused'",
                "    print(name, r.replace('\\n', ''))"), dir);
        int refused = NumpyVerdicts.assertLoadedAsNumpyLoads(dir, numpy);
        assertEquals(10, refused, numpy);
    }
}
