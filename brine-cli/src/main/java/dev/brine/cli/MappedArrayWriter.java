package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.mapping.Reducer;
import dev.brine.mapping.Reduction;
import dev.brine.ndarray.NDArray;
import dev.brine.py.PickleBuffer;
import dev.brine.py.Tuple;

/**
 * Writes an array that the CLI memory-mapped from its input as numpy writes the array {@code np.load}
 * (or {@code torch.load}, {@code safetensors}' {@code load_file}) returns: writable. The CLI maps
 * .npy, .npz, archive, .pt and .safetensors inputs read-only so that a large file costs no heap, and
 * Brine (as numpy) pickles a read-only array's protocol 5 buffer as read-only bytes, which Python loads
 * as an array that refuses assignment; the mapping is the CLI's own detail, so its arrays are written
 * as the writable in-band {@code bytearray} numpy writes, straight from the mapping, with no copy.
 * Every other array, and every protocol below 5, is written by numpy's own writer unchanged.
 */
final class MappedArrayWriter implements Reducer<NDArray> {
    private final Reducer<Object> numpy;

    /** Wraps {@code numpy}, the registry's writer for {@link NDArray}. */
    MappedArrayWriter(Reducer<Object> numpy) {
        this.numpy = numpy;
    }

    @Override
    public Reduction reduce(NDArray a) throws BrineException {
        return numpy.reduce(a);
    }

    @Override
    public Reduction reduce(NDArray a, int protocol) throws BrineException {
        Reduction r = numpy.reduce(a, protocol);
        if (!isFileMapping(a) || r.args().isEmpty() || !(r.args().get(0) instanceof PickleBuffer)) {
            return r;
        }
        PickleBuffer buffer = (PickleBuffer) r.args().get(0);
        Object[] args = r.args().toArray();
        args[0] = PickleBuffer.writableInPython(buffer.data());
        return new Reduction(r.callable(), r.style(), Tuple.of(args), r.kwargs(), r.state(), r.listItems(), r.dictItems());
    }

    /**
     * Whether {@code a} is read-only because the CLI opened its file that way (mapped, or a small tensor of a
     * mapped checkpoint read instead: {@link dev.brine.ndarray.Storage#isFromFile()}); a read-only array read from
     * a pickle is on the heap, and stays read-only.
     */
    static boolean isFileMapping(NDArray a) {
        return a.isReadOnly() && a.storage().isFromFile();
    }
}
