package dev.brine.cli;

import picocli.CommandLine.Option;

/**
 * {@code --memo}: a file of several pickles that one Pickler wrote with several dump() calls, read
 * with one memo across them, as one CPython Unpickler reads it. Without it each pickle is read with a
 * memo of its own (repeated pickle.load) unless it refers to an earlier one's memo entries, which
 * Brine finds out; at protocols 4 and 5 a reference back may also be a valid one of the pickle's own,
 * and then only this option tells.
 */
final class StreamMemoOption {
    @Option(names = {"-m", "--memo"}, description = "Several pickles that one Pickler wrote with several dump() calls:"
            + " read them with one memo (default: found out, as far as the pickles tell).")
    boolean memo;
}
