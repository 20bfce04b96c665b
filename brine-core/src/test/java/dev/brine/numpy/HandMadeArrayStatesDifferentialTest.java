package dev.brine.numpy;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Array pickles numpy never writes, read as numpy's own loader reads them: an ndarray state of a version other than
 * 0 or 1 is refused ({@code can't handle version 7 of numpy.ndarray pickle}; Brine loaded it), {@code is_fortran} may
 * be any int (numpy parses it as a C int; Brine refused 1), and {@code _frombuffer}'s shape may leave one length to
 * be worked out ({@code frombuffer(...).reshape(shape)}; Brine refused {@code -1}). Oracle: numpy loads each pickle
 * and prints the array's repr, or the type of its refusal.
 */
class HandMadeArrayStatesDifferentialTest {
    @TempDir
    Path dir;

    @Test
    void loadsAndRefusesWhatNumpyLoadsAndRefuses() throws Exception {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import os, pickle, sys, numpy as np",
                "from numpy._core.multiarray import _reconstruct",
                "from numpy._core.numeric import _frombuffer",
                "os.chdir(sys.argv[1])",
                "class R:",
                "    def __init__(s, fn, args, state=None): s.fn, s.args, s.state = fn, args, state",
                "    def __reduce__(s): return (s.fn, s.args) if s.state is None else (s.fn, s.args, s.state)",
                "f8 = np.dtype('<f8')",
                "cases = [",
                "  ('version7', R(_reconstruct, (np.ndarray, (0,), b'b'), (7, (1,), f8, False, b'\\0' * 8))),",
                "  ('version_true', R(_reconstruct, (np.ndarray, (0,), b'b'), (True, (1,), f8, False, b'\\0' * 8))),",
                "  ('fortran_int', R(_reconstruct, (np.ndarray, (0,), b'b'), (1, (2, 2), f8, 1, bytes(range(32))))),",
                "  ('fortran_zero', R(_reconstruct, (np.ndarray, (0,), b'b'), (1, (2, 2), f8, 0, bytes(range(32))))),",
                "  ('fortran_huge', R(_reconstruct, (np.ndarray, (0,), b'b'), (1, (2, 2), f8, 2**40, bytes(range(32))))),",
                "  ('minus1', R(_frombuffer, (b'\\0' * 16, f8, (-1,), 'C'))),",
                "  ('two_by_minus1_f', R(_frombuffer, (bytes(range(48)), f8, (2, -1), 'F'))),",
                "  ('minus3', R(_frombuffer, (bytes(range(48)), f8, (-3, 2), 'C'))),",
                "  ('two_unknown', R(_frombuffer, (bytes(range(48)), f8, (-1, -1), 'C'))),",
                "  ('not_divisible', R(_frombuffer, (bytes(range(48)), f8, (4, -1), 'C'))),",
                "  ('ragged_buffer', R(_frombuffer, (bytes(range(20)), f8, (-1,), 'C'))),",
                "]",
                "for name, o in cases:",
                "    open(name + '.pkl', 'wb').write(pickle.dumps(o, 2))",
                "    try: r = repr(pickle.loads(open(name + '.pkl', 'rb').read()))",
                "    except Exception as e: r = 'refused'",
                "    print(name, r.replace('\\n', ''))"), dir);
        NumpyVerdicts.assertLoadedAsNumpyLoads(dir, numpy);
    }
}
