package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.mapping.ClassRegistry;
import dev.brine.pickle.PicklerOptions;
import dev.brine.torch.TorchDevice;
import dev.brine.torch.TorchSize;
import dev.brine.torch.TorchStorage;
import picocli.CommandLine.Option;

/**
 * {@code --numpy-names 1|2}: under which module names the verbs that write pickles ({@code convert}, and
 * {@code extract} for object arrays) write numpy's objects, and with what they write them. numpy 1's
 * {@code numpy.core} is the default whatever the input used, so that a written file loads under numpy 1 and 2.
 */
final class NumpyNamesOption {
    /**
     * What pickles, archives and object arrays are written with: Python's builtins and numpy, and the torch.device
     * and torch.Size values a checkpoint may hold (written as torch pickles them, so Python needs torch to load them,
     * as it needs numpy for arrays); a bare torch storage (torch pickles one outside a checkpoint as a whole
     * torch.save inside the pickle) is refused saying where it fits.
     */
    private static final ClassRegistry WRITING = writing(NumpyPickles.standardRegistry());
    /** {@link #WRITING} with numpy 2's names ({@code numpy._core}), for {@code --numpy-names=2}. */
    private static final ClassRegistry WRITING_NUMPY2 = writing(NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, false).build());

    private static ClassRegistry writing(ClassRegistry numpy) {
        return TorchSize.writable(TorchDevice.writable(numpy))
                .toBuilder()
                // the arrays of the input files the CLI maps read-only are writable in Python, as np.load's
                .registerWriter(NDArray.class, new MappedArrayWriter(numpy.writerFor(NDArray.class)))
                .registerWriter(TorchStorage.class, s -> {
                    throw new BrineException("a torch storage on its own (" + (s.isUntyped() ? "an UntypedStorage" : "a typed storage")
                            + ", not a tensor) can only be written to a .pt checkpoint");
                })
                .build();
    }

    @Option(names = "--numpy-names", paramLabel = "1|2", description = "The module names numpy objects are written"
            + " under in a pickle, archive or an object array's .npy or .npz member (protocol 3 there, as numpy 1"
            + " writes them; 4 with 2, as numpy 2 does): 1 (the default), numpy.core, which numpy 1.16+ and 2 load"
            + " (numpy 2 with a DeprecationWarning); 2, numpy._core, numpy 2's own, which numpy 1 cannot load. The"
            + " default does not follow the input: a written file loads under both numpy versions unless 2 is asked for.")
    Integer numpyNames;

    /** True when the option was given. */
    boolean given() {
        return numpyNames != null;
    }

    /** The problem with the value given, or null when it is 1, 2 or absent. */
    String invalid() {
        return numpyNames != null && numpyNames != 1 && numpyNames != 2 ? "--numpy-names must be 1 (numpy.core) or 2 (numpy._core)" : null;
    }

    /** The registry pickles are written with. */
    ClassRegistry registry() {
        return numpyNames != null && numpyNames == 2 ? WRITING_NUMPY2 : WRITING;
    }

    /**
     * How object arrays are pickled into .npz members and .npy files: as numpy 1's {@code np.savez} and
     * {@code np.save} do (protocol 3, {@code numpy.core} names, which numpy 1 and 2 load), or with
     * {@code --numpy-names=2} as numpy 2's does (protocol 4, {@code numpy._core}).
     */
    PicklerOptions objectArrays() {
        return PicklerOptions.builder().registry(registry()).protocol(numpyNames != null && numpyNames == 2 ? 4 : 3).build();
    }
}
