package dev.brine.npy;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import java.io.IOException;
import java.util.Arrays;

/**
 * The data of an NPY object array. numpy's {@code format.write_array} writes the header, then
 * {@code pickle.dump(array, protocol=4)}: a pickle of the whole array
 * ({@code _reconstruct(ndarray, (0,), b'b')} + BUILD {@code (1, shape, dtype, is_fortran, [items])}),
 * and {@code read_array} returns whatever {@code pickle.load} makes of it, with
 * {@code allow_pickle=True} only. Brine reads that pickle with its own unpickler, so nothing named
 * in it is ever run: globals resolve through the caller's registry, with numpy's object arrays
 * allowed (asking for this reading is the opt-in), and the rest are refused or, with
 * {@link UnpicklerOptions#genericObjects()}, kept as inert objects. Unlike numpy it then insists
 * that the pickle holds the array the header describes, with its dtype, shape and order: a file
 * whose header says one thing and whose pickle another was not written by numpy.
 */
final class ObjectArrayData {
    private ObjectArrayData() {
    }

    /**
     * {@code given} with numpy's object arrays readable: the pickle of an object array is
     * {@code _reconstruct} + BUILD, which the standard registry refuses for object dtypes.
     */
    static UnpicklerOptions options(UnpicklerOptions given) {
        ClassRegistry registry = NumpyPickles.addTo(given.registry().toBuilder(), NumpyNames.NUMPY1, true).build();
        return given.toBuilder().registry(registry).build();
    }

    /**
     * Reads the pickle that {@code u} starts at (just after {@code h}) and checks it against the
     * header; bytes after its STOP are ignored, as numpy ignores them.
     *
     * @param where names the file (and member) in messages
     * @param fileOffsets whether {@code u}'s offsets count from the file's start (an .npy read through
     *     its channel), else from the pickle's (an .npz member's stream)
     */
    static ObjectArray read(Unpickler u, NpyHeader h, String where, boolean fileOffsets) throws IOException {
        if (!h.holdsObjects()) {
            throw new BrineException(where + ": the array holds " + h.dtype().name()
                    + " numbers, not Python objects: read it as an array (Npy.read, NpzFile.get)");
        }
        Object value;
        try {
            value = u.load();
        } catch (BrineException e) {
            // say what the unpickler's offsets count from; a limit stays a limit
            throw e.withContext(where + ": the object array's pickle (" + (fileOffsets
                    ? "from byte " + h.dataOffset() + "; offsets count from the file's start)"
                    : "offsets count from its start, byte " + h.dataOffset() + " of the member)"));
        }
        return checked(value, h, where);
    }

    private static ObjectArray checked(Object value, NpyHeader h, String where) throws BrineException {
        if (!(value instanceof ObjectArray)) {
            throw new BrineException(where + ": the data of an object array must be a pickle of that array, but it holds "
                    + what(value));
        }
        ObjectArray a = (ObjectArray) value;
        if (!Arrays.equals(a.shape(), h.shape()) || !a.dtype().equals(h.dtype()) || a.isFortran() != h.fortranOrder()) {
            throw new BrineException(where + ": the header describes " + describe(h.dtype().toString(), h.shape(),
                    h.fortranOrder()) + " but the pickle holds " + describe(a.dtype().toString(), a.shape(), a.isFortran()));
        }
        return a;
    }

    private static String what(Object value) {
        if (value instanceof GenericObject) {
            Global g = ((GenericObject) value).type();
            if (g != null && g.name().equals("_reconstruct") && g.module().startsWith("numpy")) {
                GenericObject o = (GenericObject) value;
                Object cls = o.args() != null && o.args().size() > 0 ? o.args().get(0) : null;
                if (cls instanceof Global && !(((Global) cls).module().startsWith("numpy")
                        && ((Global) cls).name().equals("ndarray"))) {
                    // np.save pickles a subclass (np.matrix, np.recarray) whole, class and all
                    Global c = (Global) cls;
                    return "an instance of " + c.module() + "." + c.name() + ", a subclass of numpy's ndarray that"
                            + " Brine does not model (np.save pickles such an array whole; np.asarray(a) saves a plain"
                            + " object array), kept as an inert object: " + PythonRepr.brief(value);
                }
                // numpy 2 writes arrays of StringDType (a dtype with no descr) under an '|O' header too
                return "a numpy array of a dtype Brine does not model (numpy 2's StringDType is saved so), kept as an"
                        + " inert object: " + PythonRepr.brief(value);
            }
            return "an object of " + g + " that Brine does not model: " + PythonRepr.brief(value);
        }
        return PythonRepr.brief(value);
    }

    private static String describe(String dtype, long[] shape, boolean fortran) {
        return dtype + " of shape " + NpyFormat.shapeRepr(shape) + (fortran ? " in Fortran order" : "");
    }
}
