package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Loads what a file holds, for viewing and converting: unknown classes become inert generic objects. */
final class Inputs {
    /** The CLI's reading options: nothing is refused for being unknown, nothing is ever run. */
    static final UnpicklerOptions VIEWING = UnpicklerOptions.builder().genericObjects(true)
            .py2Strings(UnpicklerOptions.Py2Strings.LATIN1).build();

    private Inputs() {
    }

    /** Every object in the file, in order. */
    static List<Object> loadAll(Path file) throws IOException {
        Formats format = Formats.detect(file);
        switch (format) {
            case PICKLE:
                return Pickle.loadAll(file, VIEWING);
            default:
                throw new BrineException(file + ": " + format.name().toLowerCase() + " files are not supported by this build");
        }
    }
}
